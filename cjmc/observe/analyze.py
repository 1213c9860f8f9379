"""Raw counts (from DuckDB or a --transitions file) -> :class:`ObservedJourney`.

Everything that compares observations with the map lives here, so both
sources get the same answers: which transitions are declared, which steps
and declared transitions nobody took, and drop-off per stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from ..model import Journey
from .model import ObservedJourney, Transition


@dataclass
class RawJourney:
    """Counts for one journey before they are compared with the map."""

    entries: dict[str, int] = field(default_factory=dict)
    # (from_step, to_step) -> (count, cases or None, median_seconds or None)
    transitions: dict[tuple[str, str], tuple[int, int | None, float | None]] = field(default_factory=dict)
    reach: dict[str, int] | None = None  # exact distinct cases; None: derive from visits
    last_seen: dict[str, int] | None = None  # None: derive as arrivals - departures
    stage_reach: dict[str, int] | None = None  # None: unknown


def observed_journey(journey: Journey, raw: RawJourney, source: str) -> ObservedJourney:
    steps = [step.id for step in journey.steps]
    stage_of = {step.id: step.stage for step in journey.steps}
    successors = journey.flow.successors
    known = set(steps)

    arrivals = {s: raw.entries.get(s, 0) for s in steps}
    departures = {s: 0 for s in steps}
    transitions: list[Transition] = []
    for (src, dst), (count, cases, median) in raw.transitions.items():
        if src not in known or dst not in known:
            continue  # a step that is no longer in the map (stale --transitions file)
        arrivals[dst] += count
        departures[src] += count
        transitions.append(Transition(src, dst, count, median, dst in successors.get(src, ()), cases))
    index = {s: i for i, s in enumerate(steps)}
    transitions.sort(key=lambda t: (index[t.from_step], index[t.to_step]))

    exact = raw.reach is not None
    reach = {s: (raw.reach or {}).get(s, 0) for s in steps} if exact else arrivals
    if raw.last_seen is not None:
        last_seen = {s: raw.last_seen.get(s, 0) for s in steps}
    else:
        # Every visit either leaves by a transition or is the case's last one.
        last_seen = {s: max(0, arrivals[s] - departures[s]) for s in steps}
    stage_reach = ({stage.id: raw.stage_reach.get(stage.id, 0) for stage in journey.stages}
                   if raw.stage_reach is not None else {})
    stage_drop = {stage.id: 0 for stage in journey.stages}
    for s in steps:
        if journey.flow.exits.get(s) != "completed":
            stage_drop[stage_of[s]] += last_seen[s]

    taken = {(t.from_step, t.to_step) for t in transitions}
    undeclared = tuple(sorted((t for t in transitions if not t.declared),
                              key=lambda t: (-t.count, index[t.from_step], index[t.to_step])))
    unobserved_transitions = tuple((src, dst) for src in steps for dst in successors.get(src, ())
                                   if (src, dst) not in taken)
    return ObservedJourney(
        journey=journey.id, source=source, exact=exact,
        entered=sum(raw.entries.get(s, 0) for s in steps),
        entries=MappingProxyType({s: raw.entries.get(s, 0) for s in steps}),
        step_reach=MappingProxyType(reach),
        transitions=tuple(transitions),
        last_seen=MappingProxyType(last_seen),
        stage_reach=MappingProxyType(stage_reach),
        stage_drop=MappingProxyType(stage_drop),
        undeclared=undeclared,
        unobserved_steps=tuple(s for s in steps if reach[s] == 0),
        unobserved_transitions=unobserved_transitions,
        completed=sum(last_seen[s] for s in steps if journey.flow.exits.get(s) == "completed"),
    )
