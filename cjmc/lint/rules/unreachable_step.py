"""unreachable-step: a step the customer can never get to.

What it finds
-------------
A step that no path of the journey's flow leads to from the start (the first
step of the first stage). The flow follows document order, ``next`` and
``exit`` (see "Flow" in the map language). Every unreachable step is
reported, on the step.

Why it matters
--------------
An unreachable step is almost always a mistake in ``next`` or ``exit``: a
branch that was meant to lead there, or a step left behind after a
rewrite. Diagrams and flow metrics built from the map are wrong until it is
fixed.

Failing example
---------------
```yaml
steps:
  - id: adds-to-cart
    name: Adds the bike to the cart
    next: [pays]
  - id: applies-voucher   # nothing leads here
    name: Applies a voucher
  - id: pays
    name: Pays
```

Passing example
---------------
```yaml
steps:
  - id: adds-to-cart
    name: Adds the bike to the cart
    next: [applies-voucher, pays]
  - id: applies-voucher
    name: Applies a voucher
  - id: pays
    name: Pays
```

Options
-------
None.
"""

from __future__ import annotations

from typing import Iterator

from ...model import Project
from ..finding import Finding, step_subject

NAME = "unreachable-step"
SEVERITY = "error"
SUMMARY = "A step cannot be reached from the start."
OPTIONS: dict = {}


def check(project: Project, options: dict) -> Iterator[Finding]:
    for journey in project.journeys.values():
        reachable = journey.flow.reachable
        for step in journey.steps:
            if step.id in reachable:
                continue
            yield Finding(step.pos,
                          f"step `{step.id}` of journey `{journey.id}` cannot be reached from the start "
                          f"(`{journey.flow.start}`)",
                          hint="list it in the `next` of a step that leads to it, or remove it",
                          journey=journey.id, stage=step.stage, step=step.id,
                          subject=step_subject(journey.id, step.stage, step.id))
