"""Page contexts built from the compiled model, before any page is written.

One function per page kind turns the compiled model into a frozen dataclass;
:func:`build_pages` assembles the whole list. Templates get the dataclass's
fields as variables plus ``site``, ``page`` and ``root`` (the relative prefix
back to the site root, e.g. ``"../"``), so every link is relative and the site
works from a sub-path and from ``file://``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import chain, groupby, starmap
from typing import Any, Callable, Iterable, Mapping
from zlib import crc32

from markupsafe import Markup

from ..diagnostics import Diagnostic, SEVERITY_RANK
from ..model import Journey, MetricUse, Opportunity, PainPoint, Project, Step
from .markdown import link_allowed, render_inline, render_markdown
from .views import (
    BacklogContext,
    BacklogRow,
    Block,
    CatalogContext,
    CatalogItemContext,
    Diagram,
    EMOTION_LABELS,
    EmotionPoint,
    EntityRow,
    FINDING_ORDER,
    FindingView,
    HomeContext,
    JourneyContext,
    JourneySummary,
    Link,
    LintContext,
    MetricRow,
    ObservedPath,
    ObservedStageRow,
    ObservedStepRow,
    ObservedView,
    OpportunityView,
    Page,
    PainPointView,
    PersonaContext,
    RuleDoc,
    RuleGroup,
    RuleSource,
    RulesContext,
    SEVERITY_ORDER,
    STATUS_ORDER,
    SearchContext,
    SeverityCount,
    StageView,
    StepColumn,
    UsageRow,
    channel_path,
    journey_path,
    persona_map_name,
    persona_path,
    per_step_place,
    subject_page,
    subject_path,
    team_path,
    touchpoint_path,
)


HIGH_DROP_SHARE = 0.3


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _observed_view(journey: Journey, observed) -> ObservedView:
    stages = tuple(ObservedStageRow(stage, observed.stage_reach.get(stage.id, 0), observed.stage_drop.get(stage.id, 0),
                                    _percent(observed.stage_reach.get(stage.id, 0), observed.entered))
                   for stage in journey.stages)
    steps = []
    for step in journey.steps:
        reached, last = observed.step_reach.get(step.id, 0), observed.last_seen.get(step.id, 0)
        exit_kind = journey.flow.exits.get(step.id)
        steps.append(ObservedStepRow(step, journey.stage(step.stage).name, reached, last, _percent(last, reached),
                                     exit_kind, exit_kind is None and reached > 0 and last / reached > HIGH_DROP_SHARE))
    names = {s.id: s.name for s in journey.steps}

    def link(step_id: str) -> Link:
        return Link(names.get(step_id, step_id), f"#step-{step_id}")

    undeclared = tuple(ObservedPath(link(t.from_step), link(t.to_step), t.count,
                                    "–" if t.median_seconds is None else f"{t.median_seconds / 60:.1f}")
                       for t in observed.undeclared)
    return ObservedView(observed.entered, observed.completed, _percent(observed.completed, observed.entered), stages,
                        tuple(steps), undeclared, tuple(link(s) for s in observed.unobserved_steps))


# ---------------------------------------------------------------- the builder

@dataclass
class _Index:
    """Lookups computed once over the project (private to this module)."""

    project: Project
    findings_by_page: dict[str, list[FindingView]] = field(default_factory=lambda: defaultdict(list))
    # (journey id, pain point id) -> opportunities addressing it
    addressed_by: dict[tuple[str, str], list[Opportunity]] = field(default_factory=lambda: defaultdict(list))
    # journey id -> {pain point id: pain point}
    pains_by_journey: dict[str, dict[str, PainPoint]] = field(default_factory=dict)
    # "touchpoint:x" / "channel:x" / "team:x" -> [(journey, step)] in model order
    steps_by_owner: dict[str, list[tuple[Journey, Step]]] = field(default_factory=lambda: defaultdict(list))
    # journey id -> the key of its page, when known (see views.Block)
    journey_keys: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        project = self.project
        uses_of = per_step_place(project, lambda owners: tuple(self.steps_by_owner[f"{kind}:{ident}"]
                                                                for kind, ident in owners))
        for journey in project.journeys.values():
            self.pains_by_journey[journey.id] = {pp.id: pp for _, pp in journey.pain_points}
            for step in journey.steps:
                for op in step.opportunities:
                    for pain in op.addresses:
                        self.addressed_by[(journey.id, pain)].append(op)
                for uses in uses_of(step):
                    uses.append((journey, step))

    @cached_property
    def journeys_by_persona(self) -> dict[str, tuple[Journey, ...]]:
        """Asked for each persona by the home, catalog and persona pages: made once (see the model's)."""
        return self.project.journeys_by_persona()

    def journeys_of_persona(self, persona_id: str) -> tuple[Journey, ...]:
        return self.journeys_by_persona.get(persona_id, ())

    @cached_property
    def reference_counts(self) -> Counter:
        """How often each (kind, id) is referenced: only the catalog page asks, so its renderer counts."""
        return self.project.reference_counts()

    def metric_row(self, use: MetricUse) -> MetricRow:
        metric = self.project.metrics.get(use.metric)
        better = metric.better if metric else "higher"
        return MetricRow(metric.name if metric else use.metric, use.metric, (metric.unit or "") if metric else "",
                         better, use.target, use.actual, use.off_target(better))

    def team_link(self, team_id: str | None) -> Link | None:
        if not team_id:
            return None
        team = self.project.teams.get(team_id)
        return Link(team.name if team else team_id, team_path(team_id))

    def evidence_links(self, ids: Iterable[str]) -> tuple[Link, ...]:
        out = []
        for ident in ids:
            item = self.project.evidence.get(ident)
            out.append(Link(item.title if item else ident, f"catalog.html#evidence-{ident}"))
        return tuple(out)

    def persona_links(self, ids: Iterable[str]) -> tuple[Link, ...]:
        out = []
        for ident in ids:
            persona = self.project.personas.get(ident)
            out.append(Link(persona.name if persona else ident, persona_path(ident)))
        return tuple(out)

    def journey_links(self, ids: Iterable[str]) -> tuple[Link, ...]:
        out = []
        for ident in ids:
            journey = self.project.journeys.get(ident)
            out.append(Link(journey.title if journey else ident, journey_path(ident)))
        return tuple(out)


def _pain_view(index: _Index, journey: Journey, step: Step, pp: PainPoint) -> PainPointView:
    addressed = tuple(index.addressed_by.get((journey.id, pp.id), ()))
    return PainPointView(pp, journey, step, journey.stage(step.stage), addressed, index.evidence_links(pp.evidence),
                         f"{journey_path(journey.id)}#pp-{pp.id}")


def _opportunity_view(index: _Index, journey: Journey, step: Step, op: Opportunity) -> OpportunityView:
    pains = index.pains_by_journey[journey.id]
    return OpportunityView(op, journey, step, index.team_link(op.owner),
                           tuple(pains[i] for i in op.addresses if i in pains),
                           f"{journey_path(journey.id)}#opp-{op.id}")


def _severity_counts(keys: Iterable[str], order: tuple[str, ...]) -> tuple[SeverityCount, ...]:
    counts = {k: 0 for k in order}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return tuple(SeverityCount(k, n) for k, n in counts.items())


def _y(value: float) -> float:
    return round(50 - value * 20, 2)  # +2 → 10, -2 → 90


def _emotion_points(steps: tuple[Step, ...]) -> list[EmotionPoint]:
    points = []
    for i, step in enumerate(steps):
        value = step.emotion
        if value is None:
            points.append(EmotionPoint(None, "no emotion recorded", None, None, None))
            continue
        prev = steps[i - 1].emotion if i > 0 else None
        nxt = steps[i + 1].emotion if i + 1 < len(steps) else None
        left = _y((prev + value) / 2) if prev is not None else None
        right = _y((nxt + value) / 2) if nxt is not None else None
        points.append(EmotionPoint(value, EMOTION_LABELS.get(value, str(value)), left, _y(value), right))
    return points


def _journey_summary(index: _Index, journey: Journey, findings: list[FindingView]) -> JourneySummary:
    steps = journey.steps
    emotions = [s.emotion for s in steps if s.emotion is not None]
    metrics = index.project.metrics
    off = sum(1 for use in _all_metric_uses(journey)
              if use.off_target(metrics[use.metric].better if use.metric in metrics else "higher"))
    return JourneySummary(
        journey=journey, href=journey_path(journey.id), personas=index.persona_links(journey.personas),
        steps=len(steps),
        pain_points=_severity_counts((pp.severity for _, pp in journey.pain_points), SEVERITY_ORDER),
        pain_point_total=len(journey.pain_points),
        moments_of_truth=sum(1 for s in steps if s.moment_of_truth),
        kpis_off_target=off,
        findings=_severity_counts((f.diagnostic.severity for f in findings), FINDING_ORDER),
        average_emotion=round(sum(emotions) / len(emotions), 1) if emotions else None,
        emotions=tuple(s.emotion for s in steps),
        key=index.journey_keys.get(journey.id),
    )


def _all_metric_uses(journey: Journey) -> Iterable[MetricUse]:
    yield from journey.kpis
    for stage in journey.stages:
        yield from stage.kpis
        for step in stage.steps:
            yield from step.metrics


def _journey_context(index: _Index, journey: Journey, summary: JourneySummary,
                     diagrams: Mapping[str, Diagram], observed=None) -> JourneyContext:
    project = index.project
    steps = journey.steps
    names = {s.id: s.name for s in steps}
    emotion = _emotion_points(steps)
    columns = []
    seen_stages: set[str] = set()
    for i, step in enumerate(steps):
        stage = journey.stage(step.stage)
        tp = project.touchpoints.get(step.touchpoint) if step.touchpoint else None
        channel_id = project.step_channel(step)
        channel = project.channels.get(channel_id) if channel_id else None
        columns.append(StepColumn(
            step=step, stage=stage, first_in_stage=step.stage not in seen_stages,
            touchpoint=Link(tp.name if tp else step.touchpoint, touchpoint_path(step.touchpoint))
            if step.touchpoint else None,
            channel=Link(channel.name if channel else channel_id, channel_path(channel_id)) if channel_id else None,
            emotion=emotion[i],
            pain_points=tuple(_pain_view(index, journey, step, pp) for pp in step.pain_points),
            opportunities=tuple(_opportunity_view(index, journey, step, op) for op in step.opportunities),
            metrics=tuple(index.metric_row(m) for m in step.metrics),
            evidence=index.evidence_links(step.evidence),
            next_steps=tuple(Link(names.get(n, n), f"#step-{n}") for n in journey.flow.successors.get(step.id, ())),
            previous_steps=tuple(Link(names.get(p, p), f"#step-{p}") for p in journey.flow.predecessors(step.id)),
            exit=journey.flow.exits.get(step.id),
            reachable=step.id in journey.flow.reachable,
            description=render_markdown(step.description, heading_shift=3),
        ))
        seen_stages.add(step.stage)
    stages = tuple(StageView(stage, len(stage.steps), render_markdown(stage.description, heading_shift=3),
                             tuple(index.metric_row(k) for k in stage.kpis)) for stage in journey.stages)
    return JourneyContext(
        journey=journey,
        description=render_markdown(journey.description),
        personas=index.persona_links(journey.personas),
        owner=index.team_link(journey.owner),
        preceded_by=index.journey_links(journey.preceded_by),
        followed_by=index.journey_links(journey.followed_by),
        kpis=tuple(index.metric_row(k) for k in journey.kpis),
        stages=stages,
        columns=tuple(columns),
        pain_points=tuple(_pain_view(index, journey, s, pp) for s, pp in journey.pain_points),
        opportunities=tuple(_opportunity_view(index, journey, s, op) for s, op in journey.opportunities),
        findings=tuple(index.findings_by_page.get(journey_path(journey.id), ())),
        flow=diagrams.get(f"flow-{journey.id}"),
        emotion_curve=diagrams.get(f"emotion-{journey.id}"),
        summary=summary,
        observed=_observed_view(journey, observed) if observed is not None else None,
    )


def _blocks(index: _Index, kind: str, entries: Iterable[tuple], group: Callable[[tuple], tuple],
            view: Callable[..., Any]) -> tuple[Block, ...]:
    """``entries`` (tuples, in page order) as runs of equal ``group(entry)``, whose first item is a journey id.

    Each run is a :class:`Block` whose views are ``view(*entry)``, made when
    the page renders them. A group that comes up in more than one run gets
    no key: what such a run holds depends on the runs between.
    """
    runs = [(name, list(items)) for name, items in groupby(entries, key=group)]
    counts = Counter(name for name, _ in runs)
    return _chunked(Block(_block_key(index, kind, name) if counts[name] == 1 else None, partial(starmap, view, items))
                    for name, items in runs)


def _block_key(index: _Index, kind: str, name: tuple) -> tuple | None:
    """The fragment key of a run of rows about journey ``name[0]`` (None when its page has no key).

    The journey's id is the key's second item: :func:`_chunked` reads it there.
    """
    page_key = index.journey_keys.get(name[0])
    return None if page_key is None else (kind, *name, page_key)


# A chunk of keyed blocks ends after a block whose journey id's CRC-32 is a multiple of this (1 in 16), or
# when it holds MAX_RUNS_PER_CHUNK blocks.
RUNS_PER_CHUNK = 16
MAX_RUNS_PER_CHUNK = 64


def _chunked(blocks: Iterable[Block]) -> tuple[Block, ...]:
    """Runs of consecutive keyed ``blocks`` as one block each (one fragment); blocks without a key as they are.

    With a fragment per journey's run, a team page of 1,000 journeys was
    ~2,400 fragments, and looking each up (its key pickled and digested, a
    marker in the page) was about half of rendering the page in a one-edit
    rebuild. A chunk's key is its blocks' keys, so its HTML is theirs,
    joined. Where a chunk ends depends only on the ids of the journeys the
    page lists, not on their content: after an edit, the chunks holding the
    edited journey's runs are rendered again (~16 runs each) and the others
    are found.
    """
    chunks: list[Block] = []
    run: list[Block] = []

    def close() -> None:
        if len(run) == 1:
            chunks.append(run[0])
        elif run:
            members = tuple(run)
            chunks.append(Block(("chunk", *(block.key for block in members)), partial(_items_of, members)))
        run.clear()

    for block in blocks:
        if block.key is None:
            close()
            chunks.append(block)
            continue
        run.append(block)
        if len(run) >= MAX_RUNS_PER_CHUNK or crc32(block.key[1].encode()) % RUNS_PER_CHUNK == 0:
            close()
    close()
    return tuple(chunks)


def _items_of(blocks: tuple[Block, ...]) -> Iterable[object]:
    return chain.from_iterable(block.items for block in blocks)


def _usage_row(index: _Index, journey: Journey, step: Step) -> UsageRow:
    return UsageRow(Link(journey.title, journey_path(journey.id)),
                    Link(step.name, f"{journey_path(journey.id)}#step-{step.id}"),
                    journey.stage(step.stage).name, step.emotion,
                    tuple(_pain_view(index, journey, step, pp) for pp in step.pain_points))


def _usage(index: _Index, owner: str) -> tuple[tuple[Block, ...], tuple[Block, ...], tuple[Link, ...]]:
    """Steps that use a touchpoint, channel or team (``owner`` like "touchpoint:x"), their pain points, journeys."""
    uses = index.steps_by_owner.get(owner, ())
    journeys = {journey.id: journey for journey, _ in uses}
    return (_blocks(index, "usage", uses, lambda use: (use[0].id,), partial(_usage_row, index)),
            _pain_blocks(index, ((journey, step, pp) for journey, step in uses for pp in step.pain_points)),
            tuple(Link(journey.title, journey_path(journey.id)) for journey in journeys.values()))


def _severity_rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else 9


def _pain_blocks(index: _Index, pains: Iterable[tuple[Journey, Step, PainPoint]]) -> tuple[Block, ...]:
    """Pain points by severity, journey id, step and id, in runs of one journey and severity."""
    ordered = sorted(pains, key=lambda e: (_severity_rank(e[2].severity), e[0].id, e[1].index, e[2].id))
    return _blocks(index, "pains", ordered, lambda e: (e[0].id, e[2].severity), partial(_pain_view, index))


def _finding_views(diagnostics: Iterable[Diagnostic]) -> list[FindingView]:
    return [FindingView(d, subject_path(d.subject)) for d in diagnostics]


def build_pages(project: Project, diagnostics: list[Diagnostic], rules: Iterable["RuleSource"],
                diagrams: Mapping[str, Diagram], *, title: str,
                observations: Mapping[str, object] | None = None,
                journey_keys: Mapping[str, str] | None = None) -> list[Page]:
    """Every page of the site in a stable order.

    Only the lookups many pages share are made here. Each page builds its
    context when it is rendered, in whichever process renders it, and frees
    it afterwards: at 1,000 journeys the portfolio-wide contexts alone were
    ~90 MB, and building them all up front kept one core busy while the
    other waited. ``journey_keys`` (journey id -> the key of its page, see
    :mod:`.reuse`) name each journey's rows on portfolio-wide pages in the
    fragment store (see :class:`.views.Block`).
    """
    index = _Index(project, journey_keys=journey_keys or {})
    findings = _finding_views(diagnostics)
    for view in findings:
        page = subject_page(view.diagnostic.subject)
        if page is not None:
            index.findings_by_page[page].append(view)

    summaries = {j.id: _journey_summary(index, j, index.findings_by_page.get(journey_path(j.id), []))
                 for j in project.journeys.values()}
    pages: list[Page] = [Page("index.html", "home.html", title, "home", None,
                              make=partial(_home_context, index, summaries, diagnostics, diagrams))]
    for journey in project.journeys.values():
        pages.append(Page(journey_path(journey.id), "journey.html", journey.title, "journey", None,
                          make=partial(_journey_context, index, journey, summaries[journey.id], diagrams,
                                       (observations or {}).get(journey.id))))
    for persona in project.personas.values():
        pages.append(Page(persona_path(persona.id), "persona.html", persona.name, "catalog", None,
                          make=partial(_persona_context, index, summaries, persona,
                                       diagrams.get(persona_map_name(persona.id)))))
    for tp in project.touchpoints.values():
        pages.append(Page(touchpoint_path(tp.id), "catalog_item.html", tp.name, "catalog", None,
                          make=partial(_touchpoint_context, index, tp)))
    for channel in project.channels.values():
        pages.append(Page(channel_path(channel.id), "catalog_item.html", channel.name, "catalog", None,
                          make=partial(_channel_context, index, channel)))
    for team in project.teams.values():
        pages.append(Page(team_path(team.id), "catalog_item.html", team.name, "catalog", None,
                          make=partial(_team_context, index, team)))
    pages.append(Page("catalog.html", "catalog.html", "Personas & catalog", "catalog", None,
                      make=partial(_catalog_context, index)))
    pages.append(Page("backlog.html", "backlog.html", "Backlog", "backlog", None,
                      make=partial(_backlog_context, index)))
    pages.append(Page("lint.html", "lint.html", "Findings", "lint", None,
                      make=partial(_lint_context, index, findings, diagnostics)))
    pages.append(Page("rules.html", "rules.html", "Rules reference", "rules", None,
                      make=partial(_rules_context, diagnostics, list(rules))))
    pages.append(Page("search.html", "search.html", "Search", "search", SearchContext()))
    return pages


def _home_context(index: _Index, summaries: dict[str, JourneySummary], diagnostics: list[Diagnostic],
                  diagrams: Mapping[str, Diagram]) -> HomeContext:
    project = index.project
    all_pains = [pp for j in project.journeys.values() for _, pp in j.pain_points]
    all_ops = [op for j in project.journeys.values() for _, op in j.opportunities]
    kpi_total = sum(1 for journey in project.journeys.values() for _ in _all_metric_uses(journey))
    # A journey summary counts its metrics off target: the rows are made only for a block not in the store.
    off_target = _chunked(Block(_block_key(index, "off-target", (journey.id,)),
                                partial(_off_target_rows, index, journey))
                          for journey in project.journeys.values() if summaries[journey.id].kpis_off_target)
    by_persona = []
    for persona in project.personas.values():
        mine = [summaries[j.id] for j in index.journeys_of_persona(persona.id)]
        by_persona.append((Link(persona.name, persona_path(persona.id), persona.summary or ""),
                           tuple(s for s in mine if s.journey.state != "future"),
                           tuple(s for s in mine if s.journey.state == "future")))
    return HomeContext(
        description=Markup(""),
        journeys=tuple(summaries.values()),
        by_persona=tuple(by_persona),
        findings=_severity_counts((d.severity for d in diagnostics), FINDING_ORDER),
        pain_points=_severity_counts((pp.severity for pp in all_pains), SEVERITY_ORDER),
        moments_of_truth=sum(s.moments_of_truth for s in summaries.values()),
        kpis_off_target=off_target,
        kpis_off_target_count=sum(summary.kpis_off_target for summary in summaries.values()),
        kpi_total=kpi_total,
        opportunities=_severity_counts((op.status for op in all_ops), STATUS_ORDER),
        portfolio=diagrams.get("portfolio"),
        maps_per_persona=tuple(Link(p.name, persona_path(p.id), p.summary or "") for p in project.personas.values()
                               if persona_map_name(p.id) in diagrams),
        counts={"journeys": len(project.journeys), "personas": len(project.personas),
                "steps": sum(s.steps for s in summaries.values()), "pain_points": len(all_pains),
                "opportunities": len(all_ops), "touchpoints": len(project.touchpoints)},
    )


def _off_target_rows(index: _Index, journey: Journey) -> list[tuple[Link, MetricRow]]:
    link = Link(journey.title, journey_path(journey.id))
    return [(link, row) for row in map(index.metric_row, _all_metric_uses(journey)) if row.off_target]


def _persona_context(index: _Index, summaries: dict[str, JourneySummary], persona,
                     journey_map: Diagram | None) -> PersonaContext:
    project = index.project
    journeys = index.journeys_of_persona(persona.id)
    pains = _pain_blocks(index, ((j, s, pp) for j in journeys for s, pp in j.pain_points))
    channels = tuple(Link(project.channels[c].name if c in project.channels else c, channel_path(c))
                     for c in persona.channels)
    return PersonaContext(persona, render_markdown(persona.description), channels,
                          tuple(summaries[j.id] for j in journeys), pains,
                          tuple(index.findings_by_page.get(persona_path(persona.id), ())), journey_map)


def _touchpoint_context(index: _Index, tp) -> CatalogItemContext:
    project = index.project
    usage, pains, journeys = _usage(index, f"touchpoint:{tp.id}")
    channel = project.channels.get(tp.channel)
    facts: list[tuple[str, Link | str]] = [
        ("Channel", Link(channel.name if channel else tp.channel, channel_path(tp.channel)))]
    owner = index.team_link(tp.owner)
    facts.append(("Owner", owner if owner else "no owner"))
    return CatalogItemContext(
        "touchpoint", tp.id, tp.name, render_markdown(tp.description), tuple(facts),
        tp.url if tp.url and link_allowed(tp.url) else None, (), journeys, usage, pains, (),
        tuple(index.findings_by_page.get(touchpoint_path(tp.id), ())))


def _channel_context(index: _Index, channel) -> CatalogItemContext:
    project = index.project
    usage, pains, journeys = _usage(index, f"channel:{channel.id}")
    tps = tuple(Link(t.name, touchpoint_path(t.id)) for t in project.touchpoints.values()
                if t.channel == channel.id)
    return CatalogItemContext("channel", channel.id, channel.name, render_markdown(channel.description), (), None,
                              tps, journeys, usage, pains, (),
                              tuple(index.findings_by_page.get(channel_path(channel.id), ())))


def _team_context(index: _Index, team) -> CatalogItemContext:
    project = index.project
    tps = tuple(Link(t.name, touchpoint_path(t.id)) for t in project.touchpoints.values() if t.owner == team.id)
    usage, pains, _ = _usage(index, f"team:{team.id}")
    owned = tuple(Link(j.title, journey_path(j.id)) for j in project.journeys.values() if j.owner == team.id)
    ops = _blocks(index, "opportunities", [(j, s, op) for j in project.journeys.values() for s, op in j.opportunities
                                           if op.owner == team.id and op.status != "done"],
                  lambda e: (e[0].id,), partial(_opportunity_view, index))
    return CatalogItemContext(
        "team", team.id, team.name, render_markdown(team.description), (), None, tps, owned, usage, pains, ops,
        tuple(index.findings_by_page.get(team_path(team.id), ())))


def _catalog_context(index: _Index) -> CatalogContext:
    project = index.project

    def used(kind: str, ident: str) -> int:
        return index.reference_counts[(kind, ident)]

    return CatalogContext(
        personas=tuple(EntityRow(Link(p.name, persona_path(p.id)), p.summary or "",
                                 len(index.journeys_of_persona(p.id))) for p in project.personas.values()),
        touchpoints=tuple(EntityRow(Link(t.name, touchpoint_path(t.id)),
                                    project.channels[t.channel].name if t.channel in project.channels else t.channel,
                                    used("touchpoint", t.id)) for t in project.touchpoints.values()),
        channels=tuple(EntityRow(Link(c.name, channel_path(c.id)), "", used("channel", c.id))
                       for c in project.channels.values()),
        teams=tuple(EntityRow(Link(t.name, team_path(t.id)), "", used("team", t.id)) for t in project.teams.values()),
        metrics=tuple((m, render_markdown(m.description)) for m in project.metrics.values()),
        evidence=tuple((e, render_markdown(e.description), e.url if e.url and link_allowed(e.url) else None)
                       for e in project.evidence.values()),
    )


def _backlog_rows(index: _Index, journey: Journey) -> list[BacklogRow]:
    """A journey's pain points, then its opportunities, as backlog rows."""
    rows = []
    jlink = Link(journey.title, journey_path(journey.id))
    for step, pp in journey.pain_points:
        view = _pain_view(index, journey, step, pp)
        rows.append(BacklogRow("pain-point", pp.id, pp.text, pp.severity, _severity_rank(pp.severity),
                               index.team_link(journey.owner), jlink,
                               Link(step.name, f"{journey_path(journey.id)}#step-{step.id}"),
                               tuple(Link(op.text, f"{journey_path(journey.id)}#opp-{op.id}")
                                     for op in view.addressed_by)))
    for step, op in journey.opportunities:
        rows.append(BacklogRow("opportunity", op.id, op.text, op.status,
                               STATUS_ORDER.index(op.status) if op.status in STATUS_ORDER else 9,
                               index.team_link(op.owner), jlink,
                               Link(step.name, f"{journey_path(journey.id)}#step-{step.id}"),
                               tuple(Link(pp.id, f"{journey_path(journey.id)}#pp-{pp.id}")
                                     for pp in _opportunity_view(index, journey, step, op).addresses)))
    return rows


def _backlog_context(index: _Index) -> BacklogContext:
    project = index.project
    journeys = [journey for journey in project.journeys.values() if journey.pain_points or journey.opportunities]
    owners = {index.team_link(journey.owner) for journey in journeys if journey.pain_points and journey.owner}
    owners.update(index.team_link(op.owner) for journey in journeys for _, op in journey.opportunities if op.owner)
    rows = _chunked(Block(_block_key(index, "backlog", (journey.id,)), partial(_backlog_rows, index, journey))
                    for journey in journeys)
    return BacklogContext(rows, SEVERITY_ORDER, STATUS_ORDER,
                          tuple(sorted(owners, key=lambda link: (link.label, link.href))),
                          tuple(Link(j.title, journey_path(j.id)) for j in project.journeys.values()))


def _lint_context(index: _Index, findings: list[FindingView], diagnostics: list[Diagnostic]) -> LintContext:
    groups: dict[str, list[FindingView]] = defaultdict(list)
    for view in findings:
        groups[view.diagnostic.rule].append(view)
    ordered = sorted(groups.items(), key=lambda kv: (-max(SEVERITY_RANK.get(f.diagnostic.severity, 0)
                                                         for f in kv[1]), kv[0]))
    journey_of_page = {journey_path(ident): ident for ident in index.journey_keys}
    # A rule's findings on one journey's page are all shown on that page, so that page's key covers them.
    return LintContext(_severity_counts((d.severity for d in diagnostics), FINDING_ORDER),
                       tuple(RuleGroup(rule, views[0].diagnostic.severity, tuple(views),
                                       _blocks(index, "findings", ((view,) for view in views),
                                               lambda entry: (journey_of_page.get(_page_of(entry[0])), rule),
                                               lambda view: view))
                             for rule, views in ordered),
                       len(diagnostics))


def _page_of(view: FindingView) -> str | None:
    return subject_page(view.diagnostic.subject)


def _rules_context(diagnostics: list[Diagnostic], rules: list["RuleSource"]) -> RulesContext:
    per_rule: dict[str, int] = defaultdict(int)
    for d in diagnostics:
        per_rule[d.rule] += 1
    docs = [RuleDoc(r.name, r.severity, render_inline(r.summary),
                    render_markdown(_doc_body(r.documentation), heading_shift=1),
                    r.options, per_rule[r.name], r.kind) for r in rules]
    return RulesContext(tuple(docs))


def _doc_body(documentation: str) -> str:
    """A rule docstring without its first line (``name: summary``), which the page shows as the heading."""
    lines = documentation.strip().splitlines()
    if lines and ":" in lines[0]:
        lines = lines[1:]
    return "\n".join(lines).strip()
