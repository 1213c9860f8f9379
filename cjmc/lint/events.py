"""What the rules that compare a map with event data share."""

from __future__ import annotations

from typing import Any, Iterator

from ..model import Journey, Project


def observed_journeys(project: Project, options: dict) -> Iterator[tuple[Journey, Any]]:
    """(journey, its ObservedJourney) for every journey the event data covers; nothing without event data."""
    observations = options.get("observations") or {}
    for journey in project.journeys.values():
        observed = observations.get(journey.id)
        if observed is not None:
            yield journey, observed
