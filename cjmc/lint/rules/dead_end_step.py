"""dead-end-step: a step with no successor that does not say the journey ends.

What it finds
-------------
A step with ``next: []`` (no successor) and no ``exit``. Reported on the
step. The last step of a journey without ``next`` is an implicit
``completed`` exit and is not reported.

Why it matters
--------------
A customer who gets to a dead end is stuck: the map does not say whether
they gave up (``exit: dropped``), succeeded (``exit: completed``) or went on
somewhere the author forgot to write down. Drop-off counts and diagrams
need to know.

Failing example
---------------
```yaml
steps:
  - id: calls-support
    name: Calls support about the delay
    next: []
  - id: receives-bike
    name: Receives the bike
```

Passing example
---------------
```yaml
steps:
  - id: calls-support
    name: Calls support about the delay
    exit: dropped
  - id: receives-bike
    name: Receives the bike
```

Options
-------
None.
"""

from __future__ import annotations

from typing import Iterator

from ...model import Project
from ..finding import Finding, step_subject

NAME = "dead-end-step"
SEVERITY = "warning"
SUMMARY = "A step has no successor (`next: []`) and no `exit`."
OPTIONS: dict = {}


def check(project: Project, options: dict) -> Iterator[Finding]:
    for journey in project.journeys.values():
        for step in journey.steps:
            if step.next != () or step.exit:
                continue
            yield Finding(step.pos,
                          f"step `{step.id}` of journey `{journey.id}` has no successor and no `exit`",
                          hint="add `exit: dropped` or `exit: completed` if the journey ends here, "
                               "or list the steps that follow in `next`",
                          journey=journey.id, stage=step.stage, step=step.id,
                          subject=step_subject(journey.id, step.stage, step.id))
