"""journey-without-moment-of-truth: a journey where no step is a moment of truth.

What it finds
-------------
A journey none of whose steps has ``moment_of_truth``. Reported on the
journey.

Why it matters
--------------
Moments of truth are the make-or-break interactions where customers decide
to stay or leave. A map that marks none does not tell its readers where to
look first, and the interactions that matter most go unmeasured.

Failing example
---------------
```yaml
kind: journey
id: buy-first-bike
title: Buying a first commuter bike online
personas: [commuter]
stages:
  - id: checkout
    name: Checkout
    steps:
      - {id: pays, name: Pays for the bike}
```

Passing example
---------------
```yaml
kind: journey
id: buy-first-bike
title: Buying a first commuter bike online
personas: [commuter]
stages:
  - id: checkout
    name: Checkout
    steps:
      - id: pays
        name: Pays for the bike
        moment_of_truth:
          why: A failed payment loses the sale
```

Options
-------
None.
"""

from __future__ import annotations

from typing import Iterator

from ...model import Project
from ..finding import Finding

NAME = "journey-without-moment-of-truth"
SEVERITY = "warning"
STRICT = "error"
SUMMARY = "No step of the journey has `moment_of_truth`."
OPTIONS: dict = {}


def check(project: Project, options: dict) -> Iterator[Finding]:
    for journey in project.journeys.values():
        if not any(step.moment_of_truth for step in journey.steps):
            yield Finding(journey.pos, f"journey `{journey.id}` marks no step as a moment of truth",
                          hint="add `moment_of_truth: {why: ...}` to the step where customers decide to stay or leave",
                          journey=journey.id, subject=(f"journey:{journey.id}",))
