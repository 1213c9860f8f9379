"""stage-without-pain-points: a stage where no step records a pain point.

What it finds
-------------
A stage none of whose steps has a ``pain_points`` entry. Reported on the stage.

Why it matters
--------------
Every stage of a real journey has friction. A stage with none usually means
nobody has researched it yet, and a map that shows only the happy path
hides where the customer struggles.

Failing example
---------------
```yaml
stages:
  - id: delivery
    name: Delivery
    steps:
      - {id: waits, name: Waits for the bike, emotion: 0}
```

Passing example
---------------
```yaml
stages:
  - id: delivery
    name: Delivery
    steps:
      - id: waits
        name: Waits for the bike
        pain_points:
          - {id: no-tracking, text: No tracking link after dispatch, severity: medium}
```

Options
-------
None.
"""

from __future__ import annotations

from typing import Iterator

from ...model import Project
from ..finding import Finding

NAME = "stage-without-pain-points"
SEVERITY = "warning"
STRICT = "error"
SUMMARY = "No step of the stage records a pain point."
OPTIONS: dict = {}


def check(project: Project, options: dict) -> Iterator[Finding]:
    for journey in project.journeys.values():
        for stage in journey.stages:
            if not any(step.pain_points for step in stage.steps):
                yield Finding(stage.pos, f"stage `{stage.id}` of journey `{journey.id}` records no pain point",
                              hint="add the friction customers meet here, or `lint_ignore` it with a reason",
                              journey=journey.id, stage=stage.id,
                              subject=(f"journey:{journey.id}", f"stage:{stage.id}"))
