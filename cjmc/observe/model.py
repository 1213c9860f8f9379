"""The result of observing journeys: plain, frozen, built once.

Counts are of *cases* (the ``case_column`` of the event log: a customer, a
session or an order) unless said otherwise. Mappings are keyed by step (or
stage) id and keep the journey's document order; steps nobody reached are
present with 0, so a reader never needs ``.get``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping



@dataclass(frozen=True, slots=True)
class Transition:
    """Customers moving from one step straight to another (consecutive distinct steps)."""

    from_step: str
    to_step: str
    count: int  # how many times it was taken (a case that loops counts each time)
    median_seconds: float | None  # from arriving at from_step to arriving at to_step
    declared: bool  # to_step is in the map's flow successors of from_step
    cases: int | None = None  # distinct cases that took it; None when unknown (--transitions)

    def to_json(self) -> dict:
        return {"from_step": self.from_step, "to_step": self.to_step, "count": self.count,
                "cases": self.cases, "median_seconds": self.median_seconds, "declared": self.declared}


@dataclass(frozen=True, slots=True)
class ObservedJourney:
    journey: str
    # "events" (computed from an event log) or "transitions" (from a --transitions file)
    source: str
    # False when step_reach is an approximation (--transitions: visits, not distinct cases)
    exact: bool
    entered: int  # cases with at least one event mapped to this journey
    entries: Mapping[str, int]  # step -> cases whose first observed step it is
    step_reach: Mapping[str, int]  # step -> cases that reached it
    transitions: tuple[Transition, ...]  # every observed transition, declared or not
    last_seen: Mapping[str, int]  # step -> cases whose last observed step it is
    stage_reach: Mapping[str, int]  # stage -> cases that reached any of its steps (empty when unknown)
    stage_drop: Mapping[str, int]  # stage -> cases last seen in it at a step that is not a `completed` exit
    undeclared: tuple[Transition, ...]  # observed transitions the map does not declare, most taken first
    unobserved_steps: tuple[str, ...]  # steps nobody reached, document order
    unobserved_transitions: tuple[tuple[str, str], ...]  # declared (from, to) nobody took, document order
    completed: int = 0  # cases last seen at a `completed` exit

    def drop_share(self, step: str) -> float | None:
        """Share of the cases that reached ``step`` whose last observed step it is."""
        reached = self.step_reach.get(step, 0)
        return self.last_seen.get(step, 0) / reached if reached else None

    def transition(self, from_step: str, to_step: str) -> Transition | None:
        return next((t for t in self.transitions if t.from_step == from_step and t.to_step == to_step), None)

    def to_json(self) -> dict:
        return {
            "journey": self.journey, "source": self.source, "exact": self.exact, "entered": self.entered,
            "completed": self.completed,
            "entries": dict(self.entries), "step_reach": dict(self.step_reach),
            "last_seen": dict(self.last_seen), "stage_reach": dict(self.stage_reach),
            "stage_drop": dict(self.stage_drop),
            "transitions": [t.to_json() for t in self.transitions],
            "undeclared": [t.to_json() for t in self.undeclared],
            "unobserved_steps": list(self.unobserved_steps),
            "unobserved_transitions": [list(pair) for pair in self.unobserved_transitions],
        }


@dataclass(frozen=True, slots=True)
class ObservationReport:
    """Everything one ``cjmc observe`` run found, beside the per-journey results."""

    journeys: Mapping[str, ObservedJourney]
    source: str  # "events" | "transitions"
    files: tuple[str, ...] = ()  # event files read, relative to the project root when inside it
    events: int | None = None  # rows read
    matched_events: int | None = None  # rows whose event name maps to a step of a journey of the project
    unmatched_events: int | None = None  # rows whose event name maps to no step (ignored)
    unmatched_names: tuple[tuple[str, int], ...] = ()  # most frequent unmatched names with counts
    skipped_events: int | None = None  # rows ignored for an empty case id or event name
    notes: tuple[str, ...] = field(default=())  # things the reader should know (ambiguous mappings, ...)

    def to_json(self) -> dict:
        return {
            "source": self.source, "files": list(self.files), "events": self.events,
            "matched_events": self.matched_events, "unmatched_events": self.unmatched_events,
            "unmatched_names": [{"event": name, "count": count} for name, count in self.unmatched_names],
            "skipped_events": self.skipped_events, "notes": list(self.notes),
            "journeys": {jid: observed.to_json() for jid, observed in self.journeys.items()},
        }
