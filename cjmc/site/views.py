"""The typed page views: every value a template may read, as frozen dataclasses.

:mod:`.context` builds them from the compiled model; templates get a page
context's fields as variables plus ``site``, ``page`` and ``root``. Paths here
are relative to the site root (templates prefix ``root``), so the site works
from a sub-path and from ``file://``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Iterator, Mapping, TypeVar

from markupsafe import Markup

from ..diagnostics import Diagnostic
from ..model import Journey, Opportunity, PainPoint, Persona, Project, Stage, Step

T = TypeVar("T")

SEVERITY_ORDER = ("critical", "high", "medium", "low")
STATUS_ORDER = ("idea", "planned", "in-progress", "done")
EMOTION_LABELS = {-2: "very negative", -1: "negative", 0: "neutral", 1: "positive", 2: "very positive"}
FINDING_ORDER = ("error", "warning", "info")


# ---------------------------------------------------------------- paths

def journey_path(journey_id: str) -> str:
    return f"journeys/{journey_id}.html"


def persona_path(persona_id: str) -> str:
    return f"personas/{persona_id}.html"


def root_of(path: str) -> str:
    """The way back to the site root from the page at ``path`` (``"../"`` per folder)."""
    return "../" * path.count("/")


def persona_map_name(persona_id: str) -> str:
    """The diagram name of a persona's journey map (drawn for large portfolios, see ``portfolio_maps``)."""
    return f"persona-{persona_id}"


def touchpoint_path(touchpoint_id: str) -> str:
    return f"touchpoints/{touchpoint_id}.html"


def channel_path(channel_id: str) -> str:
    return f"channels/{channel_id}.html"


def team_path(team_id: str) -> str:
    return f"teams/{team_id}.html"


_PAGE_OF_KIND = {"journey": journey_path, "persona": persona_path, "touchpoint": touchpoint_path,
                 "channel": channel_path, "team": team_path}


def step_owners(project: Project, step: Step) -> Iterator[tuple[str, str]]:
    """The catalog entries whose pages show a step, as (kind, id): its touchpoint, that touchpoint's owner
    team, and its channel (as written, else the touchpoint's). Page contexts and page keys both use it."""
    if step.touchpoint:
        yield "touchpoint", step.touchpoint
        touchpoint = project.touchpoints.get(step.touchpoint)
        if touchpoint is not None and touchpoint.owner:
            yield "team", touchpoint.owner
    channel = project.step_channel(step)
    if channel:
        yield "channel", channel


def per_step_place(project: Project, make: Callable[[tuple[tuple[str, str], ...]], T]) -> Callable[[Step], T]:
    """``make(step's owners)`` for each step, made once per (touchpoint, channel): the pair alone decides
    :func:`step_owners`, and a large portfolio has ~30,000 steps but a few hundred pairs."""
    made: dict[tuple[str | None, str | None], T] = {}

    def of(step: Step) -> T:
        where = (step.touchpoint, step.channel)
        if where not in made:
            made[where] = make(tuple(step_owners(project, step)))
        return made[where]

    return of


def page_of(kind: str, ident: str) -> str:
    """The page of a journey, persona, touchpoint, channel or team."""
    return _PAGE_OF_KIND[kind](ident)


def subject_path(subject: tuple[str, ...]) -> str | None:
    """The page a finding belongs to, from the first part of its subject."""
    return _subject_head_path(subject[0]) if subject else None


def subject_page(subject: tuple[str, ...]) -> str | None:
    """:func:`subject_path` without its ``#`` part: the file of the page."""
    return _subject_head_page(subject[0]) if subject else None


@lru_cache(maxsize=8192)
def _subject_head_page(head: str) -> str | None:
    path = _subject_head_path(head)
    return path.split("#")[0] if path else None


@lru_cache(maxsize=8192)  # one entry per journey or catalog entry findings are about; ~29,000 findings, ~1,000 heads
def _subject_head_path(head: str) -> str | None:
    if ":" not in head:
        return None
    kind, _, ident = head.partition(":")
    page_of = _PAGE_OF_KIND.get(kind)
    if page_of is not None:
        return page_of(ident)
    if kind in ("metric", "evidence"):
        return f"catalog.html#{kind}-{ident}"
    return None


# ---------------------------------------------------------------- small views

class Block:
    """One journey's run of rows on a portfolio-wide page, its views made only if the page renders them.

    ``key`` is the key of the journey's own page (see :mod:`.reuse`): a digest
    of the journey file, every shared definition, the findings on the page,
    the linked journeys' titles, the templates and the site settings, which
    covers everything a row about that journey shows. With the page's root
    it names the run's HTML in the fragment store, so after one journey
    changed a catalog, persona or backlog page makes and renders that
    journey's rows only. ``None`` (no key known): the rows are always rendered.
    Consecutive keyed blocks of a page are joined into one, a chunk of
    several journeys' runs keyed by their keys (``_chunked`` in :mod:`.context`).
    """

    __slots__ = ("key", "_make")

    def __init__(self, key: str | None, make: Callable[[], Iterable[object]]):
        self.key = key
        self._make = make

    @property
    def items(self) -> tuple[object, ...]:
        """The views, made anew on each read and not kept: the package's templates read them once, and
        kept, a page's views lived until the page was done (~15 MB on the backlog page of 1,000 journeys)."""
        return tuple(self._make())

    def __repr__(self) -> str:
        return f"Block({self.key!r})"


def as_blocks(items: tuple | list) -> tuple[Block, ...]:
    """Template filter: ``items`` when they are blocks already, else one block of them without a key."""
    if not items:
        return ()
    if isinstance(items[0], Block):
        return tuple(items)
    return (Block(None, lambda: items),)


@dataclass(frozen=True)
class Link:
    label: str
    href: str  # relative to the site root; templates prefix ``root``
    title: str = ""


@dataclass(frozen=True)
class MetricRow:
    name: str
    metric_id: str
    unit: str
    better: str
    target: float | None
    actual: float | None
    off_target: bool

    @property
    def status(self) -> str:
        if self.target is None or self.actual is None:
            return "untracked"
        return "off" if self.off_target else "on"


@dataclass(frozen=True)
class PainPointView:
    pain_point: PainPoint
    journey: Journey
    step: Step
    stage: Stage
    addressed_by: tuple[Opportunity, ...]
    evidence: tuple[Link, ...]
    href: str


@dataclass(frozen=True)
class OpportunityView:
    opportunity: Opportunity
    journey: Journey
    step: Step
    owner: Link | None
    addresses: tuple[PainPoint, ...]
    href: str


@dataclass(frozen=True)
class FindingView:
    diagnostic: Diagnostic
    href: str | None  # the page the finding is about, when there is one


@dataclass(frozen=True)
class EmotionPoint:
    value: int | None
    label: str
    # y of the curve at the left edge, the centre and the right edge of the
    # step's column, 0 (top, +2) .. 100 (bottom, -2); None where there is no line.
    left: float | None
    centre: float | None
    right: float | None


@dataclass(frozen=True)
class StepColumn:
    step: Step
    stage: Stage
    first_in_stage: bool
    touchpoint: Link | None
    channel: Link | None
    emotion: EmotionPoint
    pain_points: tuple[PainPointView, ...]
    opportunities: tuple[OpportunityView, ...]
    metrics: tuple[MetricRow, ...]
    evidence: tuple[Link, ...]
    next_steps: tuple[Link, ...]
    previous_steps: tuple[Link, ...]
    exit: str | None
    reachable: bool
    description: Markup


@dataclass(frozen=True)
class StageView:
    stage: Stage
    span: int
    description: Markup
    kpis: tuple[MetricRow, ...]


@dataclass(frozen=True)
class Diagram:
    svg: Markup
    label: str


@dataclass(frozen=True)
class SeverityCount:
    key: str
    count: int


@dataclass(frozen=True)
class JourneySummary:
    journey: Journey
    href: str
    personas: tuple[Link, ...]
    steps: int
    pain_points: tuple[SeverityCount, ...]
    pain_point_total: int
    moments_of_truth: int
    kpis_off_target: int
    findings: tuple[SeverityCount, ...]
    average_emotion: float | None
    emotions: tuple[int | None, ...]
    key: str | None = None  # the journey page's key: names the card's HTML in the fragment store (see Block)


# ---------------------------------------------------------------- page contexts

@dataclass(frozen=True)
class HomeContext:
    description: Markup
    journeys: tuple[JourneySummary, ...]
    by_persona: tuple[tuple[Link, tuple[JourneySummary, ...], tuple[JourneySummary, ...]], ...]
    findings: tuple[SeverityCount, ...]
    pain_points: tuple[SeverityCount, ...]
    moments_of_truth: int
    kpis_off_target: tuple[Block, ...]  # of (journey link, metric row)
    kpis_off_target_count: int
    kpi_total: int
    opportunities: tuple[SeverityCount, ...]
    portfolio: Diagram | None
    counts: Mapping[str, int]
    maps_per_persona: tuple[Link, ...] = ()  # instead of the portfolio map: the personas whose pages have a map


@dataclass(frozen=True)
class JourneyContext:
    journey: Journey
    description: Markup
    personas: tuple[Link, ...]
    owner: Link | None
    preceded_by: tuple[Link, ...]
    followed_by: tuple[Link, ...]
    kpis: tuple[MetricRow, ...]
    stages: tuple[StageView, ...]
    columns: tuple[StepColumn, ...]
    pain_points: tuple[PainPointView, ...]
    opportunities: tuple[OpportunityView, ...]
    findings: tuple[FindingView, ...]
    flow: Diagram | None
    emotion_curve: Diagram | None
    summary: JourneySummary
    observed: ObservedView | None = None


@dataclass(frozen=True)
class ObservedStageRow:
    stage: Stage
    reached: int
    dropped: int
    width: int  # bar length in percent of the customers who entered


@dataclass(frozen=True)
class ObservedStepRow:
    step: Step
    stage_name: str
    reached: int
    last_seen: int
    drop_percent: int
    exit: str | None  # dropped | completed when the step ends the journey
    high: bool  # drop-off above the high-drop-off rule's default share, at a step that is no exit


@dataclass(frozen=True)
class ObservedPath:
    source: Link
    target: Link
    count: int
    median_minutes: str


@dataclass(frozen=True)
class ObservedView:
    """What customers actually did (``cjmc observe``), for the journey page."""

    entered: int
    completed: int
    completed_percent: int
    stages: tuple[ObservedStageRow, ...]
    steps: tuple[ObservedStepRow, ...]
    undeclared: tuple[ObservedPath, ...]
    unobserved_steps: tuple[Link, ...]


@dataclass(frozen=True)
class PersonaContext:
    persona: Persona
    description: Markup
    channels: tuple[Link, ...]
    journeys: tuple[JourneySummary, ...]
    pain_points: tuple[Block, ...]  # of PainPointView
    findings: tuple[FindingView, ...]
    journey_map: Diagram | None = None  # drawn when the portfolio map is per persona


@dataclass(frozen=True)
class UsageRow:
    journey: Link
    step: Link
    stage: str
    emotion: int | None
    pain_points: tuple[PainPointView, ...]


@dataclass(frozen=True)
class CatalogItemContext:
    kind: str  # touchpoint | channel | team
    ident: str
    name: str
    description: Markup
    facts: tuple[tuple[str, Link | str], ...]
    external_url: str | None
    touchpoints: tuple[Link, ...]
    journeys: tuple[Link, ...]
    usage: tuple[Block, ...]  # of UsageRow
    pain_points: tuple[Block, ...]  # of PainPointView
    opportunities: tuple[Block, ...]  # of OpportunityView
    findings: tuple[FindingView, ...]


@dataclass(frozen=True)
class EntityRow:
    link: Link
    detail: str
    used: int


@dataclass(frozen=True)
class CatalogContext:
    personas: tuple[EntityRow, ...]
    touchpoints: tuple[EntityRow, ...]
    channels: tuple[EntityRow, ...]
    teams: tuple[EntityRow, ...]
    metrics: tuple[tuple[object, Markup], ...]
    evidence: tuple[tuple[object, Markup, str | None], ...]


@dataclass(frozen=True)
class BacklogRow:
    kind: str  # pain-point | opportunity
    ident: str
    text: str
    level: str  # severity or status
    level_rank: int
    owner: Link | None
    journey: Link
    step: Link
    related: tuple[Link, ...]


@dataclass(frozen=True)
class BacklogContext:
    rows: tuple[Block, ...]  # of BacklogRow
    severities: tuple[str, ...]
    statuses: tuple[str, ...]
    owners: tuple[Link, ...]
    journeys: tuple[Link, ...]


@dataclass(frozen=True)
class RuleGroup:
    rule: str
    severity: str
    findings: tuple[FindingView, ...]
    blocks: tuple[Block, ...]  # the findings, in runs of one journey page's (see Block)


@dataclass(frozen=True)
class LintContext:
    counts: tuple[SeverityCount, ...]
    groups: tuple[RuleGroup, ...]
    total: int


@dataclass(frozen=True)
class RuleDoc:
    name: str
    severity: str
    summary: Markup
    documentation: Markup
    options: Mapping[str, object]
    findings: int
    kind: str  # lint | validity


@dataclass(frozen=True)
class RuleSource:
    """A rule as the reference page needs it (lint rules and validity problems alike)."""

    name: str
    severity: str
    summary: str
    documentation: str
    options: Mapping[str, object]
    kind: str  # lint | validity


@dataclass(frozen=True)
class RulesContext:
    rules: tuple[RuleDoc, ...]


@dataclass(frozen=True)
class SearchContext:
    pass


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    section: str


@dataclass(frozen=True)
class SiteInfo:
    title: str
    project_name: str
    version: str
    nav: tuple[NavItem, ...]
    base_url: str | None


@dataclass(frozen=True)
class Page:
    path: str  # output path, POSIX, relative to the site root
    template: str
    title: str
    section: str
    context: object  # one of the *Context dataclasses, or None when ``make`` builds it
    # Builds the context when the page is rendered (journey pages: the bulk of a
    # large site), so contexts are made in whichever process renders the page
    # and freed with it instead of all held at once.
    make: Callable[[], object] | None = None

    def resolve_context(self) -> object:
        return self.context if self.make is None else self.make()

    @property
    def root(self) -> str:
        return root_of(self.path)


NAV = (
    NavItem("Portfolio", "index.html", "home"),
    NavItem("Personas & catalog", "catalog.html", "catalog"),
    NavItem("Backlog", "backlog.html", "backlog"),
    NavItem("Findings", "lint.html", "lint"),
    NavItem("Rules", "rules.html", "rules"),
)
