"""The compiled model: plain, typed, immutable objects built once by the linker.

Lint rules, diagrams, the site and exporters only read these. References are
kept as ids (strings) and resolved through :class:`Project`'s lookup tables,
which keeps the objects simple, picklable and free of cycles. Every element
knows where it was written (``pos``) and where each of its values was written
(``value_pos``), so any finding can point at the exact line. A build's model
has None in both: no page shows where something was written, and the shards
send the journeys without them (see :class:`Project`).
"""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass, field
from sys import intern
from typing import Any, Mapping, NamedTuple

from .diagnostics import Position
from .frozen import compiled_restore, fast_frozen



class PositionTable(Mapping[str, Position]):
    """Where each value of an element was written, made into Positions on demand.

    Building a Position for every value of every step up front cost a third of
    the linker's time on large portfolios; rules ask for a handful. ``raw``
    is the loader's ``{key: mark}`` (0-based ``line`` and ``column``), or
    after pickling a :class:`_PackedPositions` (a build sends 37,000 tables
    per 1,000 journeys between processes, and a dict of tuples was ~1.7 KB
    where packed is ~0.3).
    """

    __slots__ = ("_file", "_raw")

    def __init__(self, file: str, raw: Mapping[str, Any]):
        self._file = file
        self._raw = raw

    def __getitem__(self, key: str) -> Position:
        mark = self._raw[key]
        return Position(self._file, mark.line + 1, mark.column + 1)

    def __iter__(self):
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __reduce__(self):
        raw = self._raw
        if isinstance(raw, _PackedPositions):
            keys, data = raw._keys, raw._data
        else:
            keys = tuple(raw)
            marks = [raw[key] for key in keys]
            data = array("I", [number for mark in marks for number in (mark.line, mark.column)]).tobytes()
        if _RESTORE is None:
            return (_unpack_table, (self._file, keys, data))
        # Made in C (see cjmc/frozen.py): the three calls into Python _unpack_table makes per table were a
        # quarter of unpickling a rebuild's journeys.
        return (_RESTORE, (PositionTable, (self._file, _PackedPositions(keys, data))))


_RESTORE = compiled_restore()

# One key -> slot index table per distinct key order, shared by every table that has it.
_SLOTS: dict[tuple[str, ...], dict[str, int]] = {}
_KEY_ORDERS: dict[tuple[str, ...], tuple[str, ...]] = {}


class _Spot(NamedTuple):
    """A position as the loader's marks give it: 0-based."""

    line: int
    column: int


class _PackedPositions(Mapping[str, _Spot]):
    """``{key: mark}`` as 0-based numbers packed in bytes, unpacked when first read.

    A rebuild unpickles 37,000 tables per 1,000 journeys and reads a few:
    unpacking each one up front was a sixth of unpickling the model.
    """

    __slots__ = ("_keys", "_data", "_slots", "_numbers")

    def __init__(self, keys: tuple[str, ...], data: bytes):
        self._keys = _key_order(keys)  # one tuple per key order, not one per table
        self._data = data
        self._slots: dict[str, int] | None = None
        self._numbers: array | None = None

    def __getitem__(self, key: str) -> _Spot:
        if self._slots is None:
            slots = _SLOTS.get(self._keys)
            if slots is None:
                slots = _SLOTS[self._keys] = {name: index for index, name in enumerate(self._keys)}
            numbers = array("I")
            numbers.frombytes(self._data)
            self._slots, self._numbers = slots, numbers
        index = 2 * self._slots[key]
        return _Spot(self._numbers[index], self._numbers[index + 1])

    def __iter__(self):
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __reduce__(self):
        if _RESTORE is None:
            return (_PackedPositions, (self._keys, self._data))
        # Made in C when the compiled module is built; its key order comes through _KeyOrder, made once per
        # pickle (the pickle's memo shares it between the tables that have it).
        order = _KEY_ORDER_PICKLES.get(self._keys)
        if order is None:
            order = _KEY_ORDER_PICKLES[self._keys] = _KeyOrder(self._keys)
        return (_RESTORE, (_PackedPositions, (order, self._data, None, None)))


def _key_order(keys: tuple[str, ...]) -> tuple[str, ...]:
    """This process's one tuple of a key order, its keys one object each (not one per file that brought them:
    a 1,000-journey model held ~19,000 copies of its few key orders)."""
    known = _KEY_ORDERS.get(keys)
    if known is None:
        known = tuple(map(intern, keys))
        _KEY_ORDERS[known] = known
    return known


class _KeyOrder:
    """A key order as pickled: unpickled into :func:`_key_order`'s tuple, once per pickle that holds it."""

    __slots__ = ("keys",)

    def __init__(self, keys: tuple[str, ...]):
        self.keys = keys

    def __reduce__(self):
        return (_key_order, (self.keys,))


_KEY_ORDER_PICKLES: dict[tuple[str, ...], _KeyOrder] = {}  # one per key order, so a pickle's memo finds it


def _unpack_table(file: str, keys: tuple[str, ...], data: bytes) -> PositionTable:
    return PositionTable(file, _PackedPositions(keys, data))


@fast_frozen
@dataclass(frozen=True, slots=True)
class MetricUse:
    metric: str
    target: float | None
    actual: float | None
    pos: Position | None

    def off_target(self, better: str) -> bool:
        """True when ``actual`` is worse than ``target`` given the metric's direction."""
        if self.target is None or self.actual is None:
            return False
        return self.actual < self.target if better == "higher" else self.actual > self.target


@fast_frozen
@dataclass(frozen=True, slots=True)
class MomentOfTruth:
    why: str
    kind: str | None
    pos: Position | None


@fast_frozen
@dataclass(frozen=True, slots=True)
class PainPoint:
    id: str
    text: str
    severity: str
    evidence: tuple[str, ...]
    pos: Position | None
    extensions: Mapping[str, object] = field(default_factory=dict)


@fast_frozen
@dataclass(frozen=True, slots=True)
class Opportunity:
    id: str
    text: str
    addresses: tuple[str, ...]
    owner: str | None
    status: str
    pos: Position | None
    extensions: Mapping[str, object] = field(default_factory=dict)


@fast_frozen
@dataclass(frozen=True, slots=True)
class Step:
    id: str
    name: str
    stage: str  # id of the stage that holds it
    index: int  # position in the journey's document order, 0-based
    description: str | None
    touchpoint: str | None
    channel: str | None  # as written; see Project.step_channel for the effective one
    emotion: int | None
    thoughts: tuple[str, ...]
    questions: tuple[str, ...]
    backstage: tuple[str, ...]
    evidence: tuple[str, ...]
    moment_of_truth: MomentOfTruth | None
    metrics: tuple[MetricUse, ...]
    pain_points: tuple[PainPoint, ...]
    opportunities: tuple[Opportunity, ...]
    next: tuple[str, ...] | None  # None: not written (default flow)
    exit: str | None  # as written: dropped | completed
    events: tuple[str, ...]
    lint_ignore: Mapping[str, str]
    pos: Position | None
    value_pos: Mapping[str, Position] | None = field(default_factory=dict)
    extensions: Mapping[str, object] = field(default_factory=dict)


@fast_frozen
@dataclass(frozen=True, slots=True)
class Stage:
    id: str
    name: str
    description: str | None
    goal: str | None
    kpis: tuple[MetricUse, ...]
    steps: tuple[Step, ...]
    lint_ignore: Mapping[str, str]
    pos: Position | None
    value_pos: Mapping[str, Position] | None = field(default_factory=dict)
    extensions: Mapping[str, object] = field(default_factory=dict)


@fast_frozen
@dataclass(frozen=True, slots=True)
class Flow:
    """The journey's step graph, derived from document order, ``next`` and ``exit``."""

    start: str | None
    successors: Mapping[str, tuple[str, ...]]
    # Steps that end the journey and how: "dropped" or "completed" (explicit or implicit).
    exits: Mapping[str, str]
    reachable: frozenset[str]
    # (from, to) pairs that come from document order rather than an explicit `next`.
    default_edges: frozenset[tuple[str, str]]

    def predecessors(self, step_id: str) -> tuple[str, ...]:
        return tuple(s for s, nexts in self.successors.items() if step_id in nexts)

    def order(self) -> tuple[str, ...]:
        """Steps in flow order: breadth-first from the start, unreachable ones last."""
        seen: list[str] = []
        queue = [self.start] if self.start else []
        visited = set(queue)
        while queue:
            current = queue.pop(0)
            seen.append(current)
            for nxt in self.successors.get(current, ()):
                if nxt not in visited:
                    visited.add(nxt)
                    queue.append(nxt)
        return tuple(seen)


@fast_frozen
@dataclass(frozen=True, slots=True)
class Journey:
    id: str
    title: str
    personas: tuple[str, ...]
    description: str | None
    goal: str | None
    business_goal: str | None
    owner: str | None
    state: str
    last_reviewed: str | None
    tags: tuple[str, ...]
    preceded_by: tuple[str, ...]
    followed_by: tuple[str, ...]
    kpis: tuple[MetricUse, ...]
    stages: tuple[Stage, ...]
    flow: Flow
    lint_ignore: Mapping[str, str]
    file: str
    pos: Position | None
    value_pos: Mapping[str, Position] | None = field(default_factory=dict)
    extensions: Mapping[str, object] = field(default_factory=dict)

    # Derived lookups, computed once (the site asks for them thousands of times).
    _steps: tuple[Step, ...] = field(init=False, repr=False, compare=False)
    _step_by_id: Mapping[str, Step] = field(init=False, repr=False, compare=False)
    _stage_by_id: Mapping[str, Stage] = field(init=False, repr=False, compare=False)
    # Made when first asked for: the portfolio-wide pages ask each journey ~20 times.
    _pain_points: tuple[tuple[Step, PainPoint], ...] | None = field(init=False, default=None, repr=False,
                                                                     compare=False)
    _opportunities: tuple[tuple[Step, Opportunity], ...] | None = field(init=False, default=None, repr=False,
                                                                         compare=False)

    def __post_init__(self) -> None:
        steps = tuple(step for stage in self.stages for step in stage.steps)
        object.__setattr__(self, "_steps", steps)
        by_id: dict[str, Step] = {}
        for step in steps:
            by_id.setdefault(step.id, step)
        object.__setattr__(self, "_step_by_id", by_id)
        stages: dict[str, Stage] = {}
        for stage in self.stages:
            stages.setdefault(stage.id, stage)
        object.__setattr__(self, "_stage_by_id", stages)

    @property
    def steps(self) -> tuple[Step, ...]:
        return self._steps

    def step(self, step_id: str) -> Step | None:
        return self._step_by_id.get(step_id)

    def stage(self, stage_id: str) -> Stage | None:
        return self._stage_by_id.get(stage_id)

    @property
    def pain_points(self) -> tuple[tuple[Step, PainPoint], ...]:
        found = self._pain_points
        if found is None:
            found = tuple((step, pp) for step in self._steps for pp in step.pain_points)
            object.__setattr__(self, "_pain_points", found)
        return found

    @property
    def opportunities(self) -> tuple[tuple[Step, Opportunity], ...]:
        found = self._opportunities
        if found is None:
            found = tuple((step, op) for step in self._steps for op in step.opportunities)
            object.__setattr__(self, "_opportunities", found)
        return found


@fast_frozen
@dataclass(frozen=True, slots=True)
class Persona:
    id: str
    name: str
    summary: str | None
    description: str | None
    segment: str | None
    quote: str | None
    goals: tuple[str, ...]
    frustrations: tuple[str, ...]
    motivations: tuple[str, ...]
    channels: tuple[str, ...]
    tags: tuple[str, ...]
    file: str
    pos: Position | None
    value_pos: Mapping[str, Position] | None = field(default_factory=dict)


@fast_frozen
@dataclass(frozen=True, slots=True)
class Channel:
    id: str
    name: str
    description: str | None
    file: str
    pos: Position | None


@fast_frozen
@dataclass(frozen=True, slots=True)
class Team:
    id: str
    name: str
    description: str | None
    file: str
    pos: Position | None


@fast_frozen
@dataclass(frozen=True, slots=True)
class Touchpoint:
    id: str
    name: str
    channel: str
    owner: str | None
    url: str | None
    description: str | None
    file: str
    pos: Position | None
    value_pos: Mapping[str, Position] | None = field(default_factory=dict)


@fast_frozen
@dataclass(frozen=True, slots=True)
class Metric:
    id: str
    name: str
    unit: str | None
    better: str
    description: str | None
    file: str
    pos: Position | None


@fast_frozen
@dataclass(frozen=True, slots=True)
class Evidence:
    id: str
    title: str
    type: str | None
    date: str | None
    sample_size: int | None
    url: str | None
    description: str | None
    file: str
    pos: Position | None


@fast_frozen
@dataclass(frozen=True, slots=True)
class Reference:
    """One reference as written: who points (kind, id) at what, and where."""

    kind: str  # persona | channel | touchpoint | team | metric | evidence | journey
    target: str
    pos: Position | None
    source: tuple[str, ...]  # identity of the referring element, e.g. ("journey", "buy")


@fast_frozen
@dataclass(frozen=True, slots=True)
class Project:
    """A whole linked project. Mappings keep definition order (file, then document order).

    The project a large portfolio's build or ``render --all`` gets has journeys without source positions:
    their elements' ``pos`` and ``value_pos`` are None (see :func:`.frozen.dumps_without_positions`).
    """

    name: str
    root: str
    files: tuple[str, ...]
    personas: Mapping[str, Persona]
    channels: Mapping[str, Channel]
    teams: Mapping[str, Team]
    touchpoints: Mapping[str, Touchpoint]
    metrics: Mapping[str, Metric]
    evidence: Mapping[str, Evidence]
    journeys: Mapping[str, Journey]
    references: tuple[Reference, ...]
    # Per file: (1-based line, text of that line) for lines whose comment holds "cjmc:" (for suppressions).
    comments: Mapping[str, tuple[tuple[int, str], ...]] = field(default_factory=dict)

    def step_channel(self, step: Step) -> str | None:
        """A step's channel: as written, else its touchpoint's channel."""
        if step.channel:
            return step.channel
        if step.touchpoint and step.touchpoint in self.touchpoints:
            return self.touchpoints[step.touchpoint].channel
        return None

    def reference_counts(self) -> Counter:
        """How often each (kind, id) is referenced.

        References that know their counts already (a sharded compile's, which
        stay pickled until read) give them without being read.
        """
        counts = getattr(self.references, "counts", None)
        return counts() if counts is not None else Counter((ref.kind, ref.target) for ref in self.references)

    def journeys_of_persona(self, persona_id: str) -> tuple[Journey, ...]:
        return tuple(j for j in self.journeys.values() if persona_id in j.personas)

    def journeys_by_persona(self) -> dict[str, tuple[Journey, ...]]:
        """:meth:`journeys_of_persona` of every persona at once, in one pass over the journeys.

        For callers that ask for each persona: a scan per persona grows with
        personas × journeys, the square of a portfolio's size.
        """
        found: dict[str, list[Journey]] = {}
        for journey in self.journeys.values():
            for persona in dict.fromkeys(journey.personas):
                found.setdefault(persona, []).append(journey)
        return {persona: tuple(journeys) for persona, journeys in found.items()}
