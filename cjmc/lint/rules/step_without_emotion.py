"""step-without-emotion: a step that does not say how the customer feels.

What it finds
-------------
A step without ``emotion``. Reported on the step.

Why it matters
--------------
The emotion curve is the part of a journey map people read first. A step
without an emotion leaves a gap in the curve and hides drops that the
emotion-drop-without-pain-point rule would otherwise catch.

Failing example
---------------
```yaml
steps:
  - {id: pays, name: Pays for the bike}
```

Passing example
---------------
```yaml
steps:
  - {id: pays, name: Pays for the bike, emotion: -1}
```

Options
-------
None.
"""

from __future__ import annotations

from typing import Iterator

from ...model import Project
from ..finding import Finding, step_subject

NAME = "step-without-emotion"
SEVERITY = "info"
STRICT = "warning"
SUMMARY = "A step has no `emotion`."
OPTIONS: dict = {}


def check(project: Project, options: dict) -> Iterator[Finding]:
    for journey in project.journeys.values():
        for step in journey.steps:
            if step.emotion is not None:
                continue
            yield Finding(step.pos, f"step `{step.id}` of journey `{journey.id}` has no emotion",
                          hint="add `emotion:` from -2 (very negative) to 2 (very positive)",
                          journey=journey.id, stage=step.stage, step=step.id,
                          subject=step_subject(journey.id, step.stage, step.id))
