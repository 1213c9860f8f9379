"""undeclared-transition: customers move between steps in a way the map does not have.

What it finds
-------------
A transition seen in the event log (a case's consecutive distinct steps)
from step ``a`` to step ``b`` where ``b`` is not among ``a``'s successors in
the journey's flow (its ``next``, or the following step by default). Reported
on step ``a``, with how many times it was taken. Needs event data: the rule
runs only when the project names ``events.sources`` in ``cjmc.yaml`` (see
``cjmc observe``); otherwise it finds nothing.

Why it matters
--------------
The map says how customers move; the log says how they really do. A path
taken often but missing from the map (going back to the size guide from
checkout, skipping a step) is either a gap in the map or a detour the
experience forces on people. Both are worth a decision.

Failing example
---------------
```yaml
# events: case c1 goes sees-shipping-cost -> adds-to-basket (back to the basket)
steps:
  - id: adds-to-basket
    name: Adds the bike to the basket
  - id: sees-shipping-cost          # reported here: 212 times to adds-to-basket
    name: Sees the delivery charge
```

Passing example
---------------
```yaml
steps:
  - id: adds-to-basket
    name: Adds the bike to the basket
  - id: sees-shipping-cost
    name: Sees the delivery charge
    next: [chooses-payment, adds-to-basket]   # the loop is now part of the map
```

Options
-------
- ``min_count`` (default 1): report a transition only when taken at least this many times.
"""

from __future__ import annotations

from typing import Iterator

from ...model import Project
from ..events import observed_journeys
from ..finding import Finding, step_subject

NAME = "undeclared-transition"
SEVERITY = "warning"
SUMMARY = "Customers move from a step to one the map does not declare as its successor (needs event data)."
OPTIONS = {"min_count": 1}
NEEDS_EVENTS = True


def check(project: Project, options: dict) -> Iterator[Finding]:
    for journey, observed in observed_journeys(project, options):
        for transition in sorted(observed.undeclared, key=lambda t: (t.from_step, t.to_step)):
            if transition.count < options["min_count"]:
                continue
            step = journey.step(transition.from_step)
            if step is None:
                continue
            yield Finding(step.pos,
                          f"customers went from `{step.id}` to `{transition.to_step}` {_times(transition)}; "
                          f"journey `{journey.id}` does not declare that transition",
                          hint=f"add `{transition.to_step}` to the `next` of `{step.id}` if the map should have it, "
                               f"or look at why customers go there",
                          journey=journey.id, stage=step.stage, step=step.id,
                          subject=step_subject(journey.id, step.stage, step.id, f"to:{transition.to_step}"))


def _times(transition) -> str:
    times = "once" if transition.count == 1 else f"{transition.count} times"
    if transition.cases is None or transition.cases == transition.count:
        return times
    return f"{times} ({transition.cases} customer{'s' if transition.cases != 1 else ''})"
