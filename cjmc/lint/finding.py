"""What a rule yields: a place, a sentence, and the element it is about."""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Position


@dataclass(frozen=True, slots=True)
class Finding:
    pos: Position
    message: str
    hint: str = ""
    # The element the finding is reported on, for lint_ignore (journey > stage > step).
    journey: str | None = None
    stage: str | None = None
    step: str | None = None
    # Line-independent identity of the element, used by baselines.
    subject: tuple[str, ...] = ()


def step_subject(journey: str, stage: str, step: str, *more: str) -> tuple[str, ...]:
    return (f"journey:{journey}", f"stage:{stage}", f"step:{step}", *more)
