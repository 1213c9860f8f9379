"""Derive a journey's step graph (FORMAT.md section 5, "Flow")."""

from __future__ import annotations

from typing import Sequence

from ..model import Flow


def build_flow(steps: Sequence[tuple[str, tuple[str, ...] | None, str | None]]) -> Flow:
    """``steps`` is (id, next-or-None, exit-or-None) in document order.

    Without ``next`` a step continues to the following step (across stages);
    ``next`` replaces that; ``exit`` ends the journey; the last step without
    ``next`` is an implicit completed exit. ``next`` ids that do not name a
    step are dropped here (the linker reports them).
    """
    ids = [step_id for step_id, _, _ in steps]
    known = set(ids)
    successors: dict[str, tuple[str, ...]] = {}
    exits: dict[str, str] = {}
    default_edges: set[tuple[str, str]] = set()
    for index, (step_id, nxt, exit_kind) in enumerate(steps):
        if step_id in successors:  # a duplicate id; the linker reports it
            continue
        if exit_kind:
            successors[step_id] = ()
            exits[step_id] = exit_kind
        elif nxt is not None:
            successors[step_id] = tuple(dict.fromkeys(n for n in nxt if n in known))
        elif index + 1 < len(ids):
            successors[step_id] = (ids[index + 1],)
            default_edges.add((step_id, ids[index + 1]))
        else:
            successors[step_id] = ()
            exits[step_id] = "completed"
    start = ids[0] if ids else None
    reachable: set[str] = set()
    stack = [start] if start else []
    while stack:
        current = stack.pop()
        if current in reachable:
            continue
        reachable.add(current)
        stack.extend(successors.get(current, ()))
    return Flow(start=start, successors=successors, exits=exits,
                reachable=frozenset(reachable), default_edges=frozenset(default_edges))
