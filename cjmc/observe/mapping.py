"""Which event names mean a customer was at which step.

A step's ``events:`` lists its event names. A step that lists none matches
the implicit name ``<journey_id>.<step_id>`` (e.g. ``buy-first-bike.pays-by-card``),
so a project can be observed before anyone annotates its steps. One event
name may belong to steps of several journeys (each journey is observed on
its own); within one journey it may belong to one step only: when two steps
list it, the first in document order keeps it and a note says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..model import Journey


@dataclass(frozen=True, slots=True)
class StepEvent:
    event: str
    journey: str
    step: str
    step_index: int  # document order; breaks ties between events with the same timestamp
    stage: str


def implicit_event_name(journey_id: str, step_id: str) -> str:
    return f"{journey_id}.{step_id}"


def step_event_names(journey: Journey, step) -> tuple[str, ...]:
    return tuple(step.events) or (implicit_event_name(journey.id, step.id),)


def build_mapping(journeys: Iterable[Journey]) -> tuple[tuple[StepEvent, ...], tuple[str, ...]]:
    """The mapping table rows, in journey then document order, and notes about ambiguous names."""
    rows: list[StepEvent] = []
    notes: list[str] = []
    for journey in journeys:
        owner: dict[str, str] = {}
        for step in journey.steps:
            for name in step_event_names(journey, step):
                if name in owner:
                    if owner[name] != step.id:
                        notes.append(f"event `{name}` is listed by steps `{owner[name]}` and `{step.id}` of journey "
                                     f"`{journey.id}`; it counts for `{owner[name]}` only")
                    continue
                owner[name] = step.id
                rows.append(StepEvent(name, journey.id, step.id, step.index, step.stage))
    return tuple(rows), tuple(notes)
