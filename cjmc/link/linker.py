"""Link schema-valid documents into the immutable :class:`~cjmc.model.Project`.

The linker checks what a schema cannot: ids unique in their scope, every
reference resolving to a thing of the right kind, a step's channel agreeing
with its touchpoint's, and ``next`` pointing at steps of the same journey.
It reports every problem it finds (it does not stop at the first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from ..diagnostics import Diagnostic, Position
from ..load.yaml_loader import Document, LocDict, LocList, line_column
from ..model import (Channel, Evidence, Journey, Metric, MetricUse, MomentOfTruth, Opportunity,
                     PainPoint, Persona, PositionTable, Project, Reference, Stage, Step, Team, Touchpoint)
from ..validate.messages import close_match
from ..validate.schemas import property_names
from .flow import build_flow

SECTION_KIND = {"channels": "channel", "teams": "team", "touchpoints": "touchpoint",
                "metrics": "metric", "evidence": "evidence"}


def _tuple(value: Any) -> tuple:
    return tuple(value) if isinstance(value, list) else ()


def _dicts(value: Any) -> list[LocDict]:
    """The mappings in ``value`` when it is a list (for documents that failed the schema)."""
    return [item for item in value if isinstance(item, LocDict)] if isinstance(value, LocList) else []


# The ``extensions`` and ``lint_ignore`` of the elements that have none (~96,000 in a 1,000-journey model):
# one mapping, never written to, instead of an empty dict each (~6 MB; a file's pickle keeps it shared).
_NONE: dict[str, Any] = {}


def _extensions(data: LocDict) -> dict[str, Any]:
    if data.keys() <= property_names():  # most elements have none, and this check runs in C
        return _NONE
    return {k: v for k, v in data.items() if k.startswith("x-")}


def _lint_ignore(data: LocDict) -> dict[str, Any]:
    value = data.get("lint_ignore")
    return dict(value) if value else _NONE


@dataclass
class _Definitions:
    """Everything defined in the project, in definition order, with positions."""

    by_kind: dict[str, dict[str, tuple[LocDict, str]]] = field(
        default_factory=lambda: {k: {} for k in ("persona", "journey", *SECTION_KIND.values())})
    # Ids defined in documents that failed validation: references to them are not reported.
    tolerated: dict[str, set[str]] = field(default_factory=dict)


class Linker:
    def __init__(self, name: str, root: str):
        self.name = name
        self.root = root
        self.diagnostics: list[Diagnostic] = []
        self.definitions = _Definitions()
        self.references: list[Reference] = []

    # -- helpers -----------------------------------------------------------
    def pos(self, file: str, data: LocDict | LocList, key: str | int | None = None) -> Position:
        """Where ``data`` (or its value at ``key``, else ``data`` itself) was written."""
        if key is None:
            mark = data.pos
        elif isinstance(data, LocDict):
            mark = data.value_pos.get(key, data.pos)
        else:
            mark = data.item_pos[key]
        return Position(file, mark.line + 1, mark.column + 1)

    def value_positions(self, file: str, data: LocDict) -> PositionTable:
        return PositionTable(file, data.value_pos)

    def report(self, pos: Position, rule: str, message: str, hint: str = "",
               subject: tuple[str, ...] = ()) -> None:
        self.diagnostics.append(Diagnostic.at(pos, rule, message, hint=hint, subject=subject))

    # -- pass 1: collect definitions -----------------------------------------
    def tolerate(self, documents: Iterable[Document]) -> None:
        """Remember ids defined in invalid documents so they do not cascade."""
        for doc in documents:
            data = doc.data
            if not isinstance(data, dict):
                continue
            kind = data.get("kind")
            if kind in ("persona", "journey") and isinstance(data.get("id"), str):
                self.definitions.tolerated.setdefault(kind, set()).add(data["id"])
            if kind == "catalog":
                for section, item_kind in SECTION_KIND.items():
                    for item in data.get(section) or () if isinstance(data.get(section), list) else ():
                        if isinstance(item, dict) and isinstance(item.get("id"), str):
                            self.definitions.tolerated.setdefault(item_kind, set()).add(item["id"])

    def check_invalid(self, documents: Iterable[Document]) -> None:
        """Report unresolved references in documents that failed the schema, too.

        They are not linked into the model, but an author fixing a file wants
        every problem in one run, not the reference errors only after the
        schema errors are gone. Only values of the right shape are checked.
        """
        for doc in documents:
            data = doc.data
            if not isinstance(data, LocDict):
                continue
            kind, file = data.get("kind"), doc.file
            if kind == "persona":
                self._refs(data, file, {"channels": "channel"}, ("persona", data.get("id")))
            elif kind == "catalog":
                for item in _dicts(data.get("touchpoints")):
                    self._refs(item, file, {"channel": "channel", "owner": "team"}, ("touchpoint", item.get("id")))
            elif kind == "journey":
                self._refs(data, file, {"personas": "persona", "preceded_by": "journey", "followed_by": "journey",
                                        "owner": "team"}, ("journey", data.get("id")))
                uses = list(_dicts(data.get("kpis")))
                for stage in _dicts(data.get("stages")):
                    uses += _dicts(stage.get("kpis"))
                    for step in _dicts(stage.get("steps")):
                        source = ("journey", data.get("id"), "step", step.get("id"))
                        self._refs(step, file, {"touchpoint": "touchpoint", "channel": "channel",
                                                "evidence": "evidence"}, source)
                        uses += _dicts(step.get("metrics"))
                        for pp in _dicts(step.get("pain_points")):
                            self._refs(pp, file, {"evidence": "evidence"}, source)
                        for op in _dicts(step.get("opportunities")):
                            self._refs(op, file, {"owner": "team"}, source)
                for use in uses:
                    self._refs(use, file, {"metric": "metric"}, ("journey", data.get("id")))

    def _refs(self, data: LocDict, file: str, keys: dict[str, str], source: tuple) -> None:
        subject = tuple(f"{a}:{b}" for a, b in zip(source[::2], source[1::2]) if isinstance(b, str))
        for key, kind in keys.items():
            value = data.get(key)
            if isinstance(value, str):
                self.ref(kind, value, self.pos(file, data, key), subject)
            elif isinstance(value, LocList):
                for index, item in enumerate(value):
                    if isinstance(item, str):
                        self.ref(kind, item, self.pos(file, value, index), subject)

    def define(self, kind: str, data: LocDict, file: str) -> None:
        table = self.definitions.by_kind[kind]
        ident = data["id"]
        if ident in table:
            first, first_file = table[ident]
            self.report(self.pos(file, data), "duplicate-id",
                        f"duplicate {kind} id `{ident}` (first defined at {first_file}:"
                        f"{first.pos.line + 1}:{first.pos.column + 1})",
                        hint=f"{kind} ids must be unique across the project; rename one of them",
                        subject=(f"{kind}:{ident}",))
            return
        table[ident] = (data, file)

    # -- references ------------------------------------------------------------
    def ref(self, kind: str, target: Any, pos: Position, source: tuple[str, ...],
            local: dict[str, Any] | None = None, local_noun: str | None = None) -> bool:
        """Check one reference; ``local`` resolves within a journey (steps, pain points)."""
        if not isinstance(target, str):
            return False
        if local is not None:
            if target in local:
                return True
            candidates = local
            noun = local_noun or kind
        else:
            self.references.append(Reference(kind, target, pos, source))
            if target in self.definitions.by_kind[kind] or target in self.definitions.tolerated.get(kind, ()):
                return True
            candidates = self.definitions.by_kind[kind]
            noun = kind
        match = close_match(target, candidates)
        if match:
            hint = f"did you mean `{match}`?"
        elif candidates:
            hint = f"known {noun} ids: {', '.join(sorted(candidates)[:8])}{' ...' if len(candidates) > 8 else ''}"
        elif local is not None:
            hint = f"this journey has no {noun} with that id"
        else:
            hint = f"no {noun} is defined yet; add one" + (" to a catalog" if kind in SECTION_KIND.values() else "")
        self.report(pos, "unresolved-reference", f"unknown {noun} `{target}`", hint=hint, subject=source)
        return False

    def ref_list(self, kind: str, data: LocDict, key: str, file: str, source: tuple[str, ...], **local) -> None:
        values = data.get(key)
        if not isinstance(values, LocList):
            return
        for index, target in enumerate(values):
            self.ref(kind, target, self.pos(file, values, index), source, **local)

    def metric_uses(self, values: Any, file: str, source: tuple[str, ...]) -> tuple[MetricUse, ...]:
        if not isinstance(values, LocList):
            return ()
        uses = []
        for item in values:
            self.ref("metric", item["metric"], self.pos(file, item, "metric"), source)
            uses.append(MetricUse(item["metric"], item.get("target"), item.get("actual"), self.pos(file, item)))
        return tuple(uses)

    # -- building ----------------------------------------------------------------
    def link(self, documents: list[tuple[Document, str]], files: tuple[str, ...],
             comments: dict[str, tuple[tuple[int, str], ...]]) -> Project:
        self.define_all(documents)
        shared = self.link_shared()
        journeys = {i: self.journey(d, f) for i, (d, f) in self.definitions.by_kind["journey"].items()}
        return Project(name=self.name, root=self.root, files=files, **shared,
                       journeys=journeys, references=tuple(self.references), comments=comments)

    def define_all(self, documents: Iterable[tuple[Document, str]]) -> None:
        """Pass 1: every id, in file and document order (the first definition wins)."""
        for doc, kind in documents:
            data = doc.data
            if kind in ("persona", "journey"):
                self.define(kind, data, doc.file)
            else:
                for section, item_kind in SECTION_KIND.items():
                    for item in data.get(section) or ():
                        self.define(item_kind, item, doc.file)

    def link_shared(self) -> dict[str, dict]:
        """The personas and catalog entries, which every journey may use, keyed by their Project field."""
        defs = self.definitions.by_kind
        channels = {i: Channel(i, d["name"], d.get("description"), f, self.pos(f, d))
                    for i, (d, f) in defs["channel"].items()}
        teams = {i: Team(i, d["name"], d.get("description"), f, self.pos(f, d))
                 for i, (d, f) in defs["team"].items()}
        touchpoints = {}
        for i, (d, f) in defs["touchpoint"].items():
            source = (f"touchpoint:{i}",)
            self.ref("channel", d["channel"], self.pos(f, d, "channel"), source)
            if "owner" in d:
                self.ref("team", d["owner"], self.pos(f, d, "owner"), source)
            touchpoints[i] = Touchpoint(i, d["name"], d["channel"], d.get("owner"), d.get("url"),
                                        d.get("description"), f, self.pos(f, d), self.value_positions(f, d))
        metrics = {i: Metric(i, d["name"], d.get("unit"), d["better"], d.get("description"), f, self.pos(f, d))
                   for i, (d, f) in defs["metric"].items()}
        evidence = {i: Evidence(i, d["title"], d.get("type"), d.get("date"), d.get("sample_size"), d.get("url"),
                                d.get("description"), f, self.pos(f, d))
                    for i, (d, f) in defs["evidence"].items()}
        personas = {}
        for i, (d, f) in defs["persona"].items():
            self.ref_list("channel", d, "channels", f, (f"persona:{i}",))
            personas[i] = Persona(i, d["name"], d.get("summary"), d.get("description"), d.get("segment"),
                                  d.get("quote"), _tuple(d.get("goals")), _tuple(d.get("frustrations")),
                                  _tuple(d.get("motivations")), _tuple(d.get("channels")), _tuple(d.get("tags")),
                                  f, self.pos(f, d), self.value_positions(f, d))
        return {"personas": personas, "channels": channels, "teams": teams, "touchpoints": touchpoints,
                "metrics": metrics, "evidence": evidence}

    def journey(self, d: LocDict, f: str) -> Journey:
        jid = d["id"]
        source = (f"journey:{jid}",)
        self.ref_list("persona", d, "personas", f, source)
        self.ref_list("journey", d, "preceded_by", f, source)
        self.ref_list("journey", d, "followed_by", f, source)
        if "owner" in d:
            self.ref("team", d["owner"], self.pos(f, d, "owner"), source)
        kpis = self.metric_uses(d.get("kpis"), f, source)

        # Local scopes: stage, step, pain point and opportunity ids within the journey.
        scopes: dict[str, dict[str, LocDict]] = {"stage": {}, "step": {}, "pain point": {}, "opportunity": {}}

        def local_define(noun: str, item: LocDict, subject: tuple[str, ...]) -> None:
            table = scopes[noun]
            if item["id"] in table:
                first = table[item["id"]]
                self.report(self.pos(f, item), "duplicate-id",
                            f"duplicate {noun} id `{item['id']}` in journey `{jid}` "
                            f"(first at line {first.pos.line + 1})",
                            hint=f"{noun} ids must be unique within their journey", subject=subject)
            else:
                table[item["id"]] = item

        for stage in d["stages"]:
            local_define("stage", stage, source + (f"stage:{stage['id']}",))
            for step in stage["steps"]:
                step_subject = source + (f"stage:{stage['id']}", f"step:{step['id']}")
                local_define("step", step, step_subject)
                for pp in step.get("pain_points") or ():
                    local_define("pain point", pp, step_subject + (f"pain-point:{pp['id']}",))
                for op in step.get("opportunities") or ():
                    local_define("opportunity", op, step_subject + (f"opportunity:{op['id']}",))

        stages = []
        index = 0
        flow_input = []
        for stage in d["stages"]:
            stage_subject = source + (f"stage:{stage['id']}",)
            steps = []
            for step in stage["steps"]:
                steps.append(self.step(step, f, stage["id"], index, stage_subject + (f"step:{step['id']}",), scopes))
                flow_input.append((step["id"], steps[-1].next, steps[-1].exit))
                index += 1
            stages.append(Stage(stage["id"], stage["name"], stage.get("description"), stage.get("goal"),
                                self.metric_uses(stage.get("kpis"), f, stage_subject), tuple(steps),
                                _lint_ignore(stage), self.pos(f, stage),
                                self.value_positions(f, stage), _extensions(stage)))
        return Journey(
            id=jid, title=d["title"], personas=_tuple(d["personas"]), description=d.get("description"),
            goal=d.get("goal"), business_goal=d.get("business_goal"), owner=d.get("owner"),
            state=d.get("state", "current"), last_reviewed=d.get("last_reviewed"), tags=_tuple(d.get("tags")),
            preceded_by=_tuple(d.get("preceded_by")), followed_by=_tuple(d.get("followed_by")), kpis=kpis,
            stages=tuple(stages), flow=build_flow(flow_input), lint_ignore=_lint_ignore(d),
            file=f, pos=self.pos(f, d), value_pos=self.value_positions(f, d), extensions=_extensions(d))

    def step(self, s: LocDict, f: str, stage_id: str, index: int, subject: tuple[str, ...],
             scopes: dict[str, dict[str, LocDict]]) -> Step:
        touchpoint, channel = s.get("touchpoint"), s.get("channel")
        tp_ok = touchpoint is not None and self.ref("touchpoint", touchpoint, self.pos(f, s, "touchpoint"), subject)
        ch_ok = channel is not None and self.ref("channel", channel, self.pos(f, s, "channel"), subject)
        if tp_ok and ch_ok:
            tp_data = self.definitions.by_kind["touchpoint"].get(touchpoint)
            tp_channel = tp_data[0]["channel"] if tp_data else None
            if tp_channel is not None and tp_channel != channel:
                self.report(self.pos(f, s, "channel"), "channel-mismatch",
                            f"step `{s['id']}` is on channel `{channel}` but its touchpoint `{touchpoint}` "
                            f"is on channel `{tp_channel}`",
                            hint=f"write `channel: {tp_channel}` or leave `channel` out: it follows the touchpoint",
                            subject=subject)
        self.ref_list("evidence", s, "evidence", f, subject)
        nxt = s.get("next")
        if nxt is not None:
            self.ref_list("step", s, "next", f, subject, local=scopes["step"], local_noun="step")
            if "exit" in s:
                self.report(Position(f, *line_column(s.key_pos["next"])), "schema",
                            f"step `{s['id']}` has both `exit` and `next`",
                            hint="a step with `exit` ends the journey; remove `next` or `exit`", subject=subject)
        pain_points = []
        for pp in s.get("pain_points") or ():
            pp_subject = subject + (f"pain-point:{pp['id']}",)
            self.ref_list("evidence", pp, "evidence", f, pp_subject)
            pain_points.append(PainPoint(pp["id"], pp["text"], pp.get("severity", "medium"),
                                         _tuple(pp.get("evidence")), self.pos(f, pp), _extensions(pp)))
        opportunities = []
        for op in s.get("opportunities") or ():
            op_subject = subject + (f"opportunity:{op['id']}",)
            self.ref_list("pain point", op, "addresses", f, op_subject, local=scopes["pain point"],
                          local_noun="pain point")
            if "owner" in op:
                self.ref("team", op["owner"], self.pos(f, op, "owner"), op_subject)
            opportunities.append(Opportunity(op["id"], op["text"], _tuple(op.get("addresses")), op.get("owner"),
                                             op.get("status", "idea"), self.pos(f, op), _extensions(op)))
        mot = s.get("moment_of_truth")
        emotion = s.get("emotion")
        return Step(
            id=s["id"], name=s["name"], stage=stage_id, index=index, description=s.get("description"),
            touchpoint=touchpoint, channel=channel, emotion=int(emotion) if emotion is not None else None,
            thoughts=_tuple(s.get("thoughts")), questions=_tuple(s.get("questions")),
            backstage=_tuple(s.get("backstage")), evidence=_tuple(s.get("evidence")),
            moment_of_truth=MomentOfTruth(mot["why"], mot.get("kind"), self.pos(f, mot)) if mot else None,
            metrics=self.metric_uses(s.get("metrics"), f, subject), pain_points=tuple(pain_points),
            opportunities=tuple(opportunities),
            next=tuple(nxt) if nxt is not None and "exit" not in s else None,
            exit=s.get("exit"), events=_tuple(s.get("events")), lint_ignore=_lint_ignore(s),
            pos=self.pos(f, s), value_pos=self.value_positions(f, s), extensions=_extensions(s))
