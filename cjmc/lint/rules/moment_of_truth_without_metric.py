"""moment-of-truth-without-metric: a moment of truth that nothing measures.

What it finds
-------------
A step with ``moment_of_truth`` but no metric use in its ``metrics``.
Reported on the ``moment_of_truth`` mapping. Journey and stage ``kpis`` do
not count: they measure more than this one moment.

Why it matters
--------------
A moment of truth is where the journey is won or lost. Without a metric
nobody can tell how it is going, or whether a change made it better.

Failing example
---------------
```yaml
steps:
  - id: pays
    name: Pays for the bike
    moment_of_truth:
      why: A failed payment loses the sale
```

Passing example
---------------
```yaml
steps:
  - id: pays
    name: Pays for the bike
    moment_of_truth:
      why: A failed payment loses the sale
    metrics:
      - {metric: payment-success-rate, target: 98, actual: 95}
```

Options
-------
None.
"""

from __future__ import annotations

from typing import Iterator

from ...model import Project
from ..finding import Finding, step_subject

NAME = "moment-of-truth-without-metric"
SEVERITY = "warning"
STRICT = "error"
SUMMARY = "A moment of truth has no metric use on its step."
OPTIONS: dict = {}


def check(project: Project, options: dict) -> Iterator[Finding]:
    for journey in project.journeys.values():
        for step in journey.steps:
            if step.moment_of_truth is None or step.metrics:
                continue
            yield Finding(step.moment_of_truth.pos,
                          f"moment of truth at step `{step.id}` of journey `{journey.id}` has no metric",
                          hint="add a metric use under the step's `metrics` that shows how this moment goes",
                          journey=journey.id, stage=step.stage, step=step.id,
                          subject=step_subject(journey.id, step.stage, step.id, "moment-of-truth"))
