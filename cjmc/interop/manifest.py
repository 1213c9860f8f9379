"""The JSON manifest: the whole compiled model as one stable, documented object.

``cjmc export json`` writes it; ``schemas/manifest.schema.json`` describes it and
``docs/manifest.md`` is its reference. It holds every entity, each reference as
the id it names (plus what a reader would otherwise have to work out, such as
a step's effective channel), the flow graph of each journey and the lint
findings, so tools downstream never need to read YAML or re-run the linker.

Output is deterministic: lists follow model order (files sorted, then document
order), keys follow a fixed order, and nothing depends on the clock except
what the lint rules themselves do (``stale-journey`` compares with today;
pass ``today`` for a reproducible manifest).

Compatibility: ``manifest_version`` stays 1 while changes are additive (new
keys, new enum values in open-ended fields); removing or renaming a key, or
changing its type or meaning, bumps it. Readers must ignore keys they do not
know.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any, Iterable, Mapping, Sequence

from ..diagnostics import Diagnostic, Position, summarize
from ..jsontext import dumps_indented
from ..model import (Channel, Evidence, Flow, Journey, Metric, MetricUse, Opportunity, PainPoint, Persona, Project,
                     Stage, Step, Team, Touchpoint)
from ..pipeline import Compilation

MANIFEST_VERSION = 1


def build_manifest(result: Compilation, findings: Sequence[Diagnostic] | None = None, *,
                   today: _dt.date | None = None) -> dict[str, Any]:
    """The manifest of a valid compilation.

    ``findings`` defaults to :func:`cjmc.lint.engine.lint_compilation` (validation
    diagnostics plus lint findings under the project's settings). Raises
    ValueError for an invalid compilation: export only what validated.
    """
    from .. import __version__

    project = result.project
    if project is None or not result.valid:
        raise ValueError("the project has validity errors; a manifest describes only valid projects")
    if findings is None:
        from ..lint.engine import lint_compilation

        findings = lint_compilation(result, today=today)
    findings = sorted(findings)
    by_persona = project.journeys_by_persona()
    return {
        "manifest_version": MANIFEST_VERSION,
        "generator": {"name": "cjmc", "version": __version__},
        "project": {"name": result.config.name, "title": result.config.title, "files": list(project.files)},
        "personas": [_persona(p, by_persona.get(p.id, ())) for p in project.personas.values()],
        "channels": [_channel(c) for c in project.channels.values()],
        "teams": [_team(t) for t in project.teams.values()],
        "touchpoints": [_touchpoint(t) for t in project.touchpoints.values()],
        "metrics": [_metric(m) for m in project.metrics.values()],
        "evidence": [_evidence(e) for e in project.evidence.values()],
        "journeys": [_journey(project, j) for j in project.journeys.values()],
        "findings": [d.to_json() for d in findings],
        "summary": _summary(project, findings),
    }


def dumps_manifest(manifest: Mapping[str, Any]) -> str:
    """Serialise as the documented text: UTF-8 characters kept, indent 2, key order kept, final newline."""
    return dumps_indented(manifest, allow_nan=False) + "\n"


# --- catalog and personas -------------------------------------------------------------------------


def _source(pos: Position) -> dict[str, Any]:
    return {"file": pos.file, "line": pos.line, "column": pos.column}


def _persona(persona: Persona, journeys: tuple[Journey, ...]) -> dict[str, Any]:
    return {
        "id": persona.id,
        "name": persona.name,
        "summary": persona.summary,
        "description": persona.description,
        "segment": persona.segment,
        "quote": persona.quote,
        "goals": list(persona.goals),
        "frustrations": list(persona.frustrations),
        "motivations": list(persona.motivations),
        "channels": list(persona.channels),
        "tags": list(persona.tags),
        "journeys": [j.id for j in journeys],
        "source": _source(persona.pos),
    }


def _channel(channel: Channel) -> dict[str, Any]:
    return {"id": channel.id, "name": channel.name, "description": channel.description,
            "source": _source(channel.pos)}


def _team(team: Team) -> dict[str, Any]:
    return {"id": team.id, "name": team.name, "description": team.description, "source": _source(team.pos)}


def _touchpoint(touchpoint: Touchpoint) -> dict[str, Any]:
    return {
        "id": touchpoint.id,
        "name": touchpoint.name,
        "channel": touchpoint.channel,
        "owner": touchpoint.owner,
        "url": touchpoint.url,
        "description": touchpoint.description,
        "source": _source(touchpoint.pos),
    }


def _metric(metric: Metric) -> dict[str, Any]:
    return {
        "id": metric.id,
        "name": metric.name,
        "unit": metric.unit,
        "better": metric.better,
        "description": metric.description,
        "source": _source(metric.pos),
    }


def _evidence(evidence: Evidence) -> dict[str, Any]:
    return {
        "id": evidence.id,
        "title": evidence.title,
        "type": evidence.type,
        "date": evidence.date,
        "sample_size": evidence.sample_size,
        "url": evidence.url,
        "description": evidence.description,
        "source": _source(evidence.pos),
    }


# --- journeys -------------------------------------------------------------------------------------


def _number(value: Any) -> Any:
    """JSON has no NaN or infinity: those become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _plain(value: Any) -> Any:
    """Extension data (any YAML) as plain JSON values with string keys."""
    if isinstance(value, Mapping):
        return {str(k).lower() if isinstance(k, bool) else ("null" if k is None else str(k)): _plain(v)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return _number(value)
    return str(value)


def _metric_uses(project: Project, uses: Iterable[MetricUse]) -> list[dict[str, Any]]:
    result = []
    for use in uses:
        metric = project.metrics.get(use.metric)
        result.append({
            "metric": use.metric,
            "target": _number(use.target),
            "actual": _number(use.actual),
            "off_target": use.off_target(metric.better) if metric else False,
        })
    return result


def _journey(project: Project, journey: Journey) -> dict[str, Any]:
    addressed_by: dict[str, list[str]] = {}
    for _, opportunity in journey.opportunities:
        for pain_point in opportunity.addresses:
            addressed_by.setdefault(pain_point, []).append(opportunity.id)
    return {
        "id": journey.id,
        "title": journey.title,
        "personas": list(journey.personas),
        "description": journey.description,
        "goal": journey.goal,
        "business_goal": journey.business_goal,
        "owner": journey.owner,
        "state": journey.state,
        "last_reviewed": journey.last_reviewed,
        "tags": list(journey.tags),
        "preceded_by": list(journey.preceded_by),
        "followed_by": list(journey.followed_by),
        "lint_ignore": dict(journey.lint_ignore),
        "extensions": _plain(journey.extensions),
        "source": _source(journey.pos),
        "stages": [_stage(project, journey, stage, addressed_by) for stage in journey.stages],
        "flow": _flow(journey),
        "kpis": _metric_uses(project, journey.kpis),
    }


def _stage(project: Project, journey: Journey, stage: Stage, addressed_by: Mapping[str, list[str]]) -> dict[str, Any]:
    return {
        "id": stage.id,
        "name": stage.name,
        "description": stage.description,
        "goal": stage.goal,
        "kpis": _metric_uses(project, stage.kpis),
        "lint_ignore": dict(stage.lint_ignore),
        "extensions": _plain(stage.extensions),
        "source": _source(stage.pos),
        "steps": [_step(project, journey.flow, step, addressed_by) for step in stage.steps],
    }


def _step(project: Project, flow: Flow, step: Step, addressed_by: Mapping[str, list[str]]) -> dict[str, Any]:
    mot = step.moment_of_truth
    return {
        "id": step.id,
        "name": step.name,
        "stage": step.stage,
        "index": step.index,
        "description": step.description,
        "touchpoint": step.touchpoint,
        "channel": project.step_channel(step),
        "emotion": step.emotion,
        "thoughts": list(step.thoughts),
        "questions": list(step.questions),
        "backstage": list(step.backstage),
        "evidence": list(step.evidence),
        "events": list(step.events),
        "pain_points": [_pain_point(pp, addressed_by) for pp in step.pain_points],
        "opportunities": [_opportunity(op) for op in step.opportunities],
        "moment_of_truth": {"why": mot.why, "kind": mot.kind} if mot else None,
        "metrics": _metric_uses(project, step.metrics),
        "next": list(step.next) if step.next is not None else None,
        "exit": step.exit,
        "successors": list(flow.successors.get(step.id, ())),
        "predecessors": list(flow.predecessors(step.id)),
        "reachable": step.id in flow.reachable,
        "lint_ignore": dict(step.lint_ignore),
        "extensions": _plain(step.extensions),
        "source": _source(step.pos),
    }


def _pain_point(pain_point: PainPoint, addressed_by: Mapping[str, list[str]]) -> dict[str, Any]:
    return {
        "id": pain_point.id,
        "text": pain_point.text,
        "severity": pain_point.severity,
        "evidence": list(pain_point.evidence),
        "addressed_by": list(addressed_by.get(pain_point.id, ())),
        "extensions": _plain(pain_point.extensions),
        "source": _source(pain_point.pos),
    }


def _opportunity(opportunity: Opportunity) -> dict[str, Any]:
    return {
        "id": opportunity.id,
        "text": opportunity.text,
        "status": opportunity.status,
        "owner": opportunity.owner,
        "addresses": list(opportunity.addresses),
        "extensions": _plain(opportunity.extensions),
        "source": _source(opportunity.pos),
    }


def _flow(journey: Journey) -> dict[str, Any]:
    flow = journey.flow
    order = [step.id for step in journey.steps]
    edges = [{"from": step_id, "to": target,
              "kind": "default" if (step_id, target) in flow.default_edges else "explicit"}
             for step_id in order for target in flow.successors.get(step_id, ())]
    return {
        "start": flow.start,
        "edges": edges,
        "exits": [{"step": step_id, "kind": flow.exits[step_id]} for step_id in order if step_id in flow.exits],
        "unreachable": [step_id for step_id in order if step_id not in flow.reachable],
    }


def _summary(project: Project, findings: Sequence[Diagnostic]) -> dict[str, Any]:
    journeys = list(project.journeys.values())
    steps = [step for j in journeys for step in j.steps]
    return {
        "personas": len(project.personas),
        "channels": len(project.channels),
        "teams": len(project.teams),
        "touchpoints": len(project.touchpoints),
        "metrics": len(project.metrics),
        "evidence": len(project.evidence),
        "journeys": len(journeys),
        "stages": sum(len(j.stages) for j in journeys),
        "steps": len(steps),
        "pain_points": sum(len(s.pain_points) for s in steps),
        "opportunities": sum(len(s.opportunities) for s in steps),
        "moments_of_truth": sum(1 for s in steps if s.moment_of_truth),
        "findings": summarize(findings),
    }
