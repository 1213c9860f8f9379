"""pain-point-without-evidence: a pain point that cites no research.

What it finds
-------------
A pain point whose own ``evidence`` list is missing or empty. Evidence on
its step does not count: it may support a different claim. Reported on the
pain point.

Why it matters
--------------
A pain point without evidence is an opinion. Citing the survey, interview
or analytics that shows it lets readers judge how sure it is and lets teams
prioritise with data.

Failing example
---------------
```yaml
pain_points:
  - {id: no-paypal, text: PayPal is not offered}
```

Passing example
---------------
```yaml
pain_points:
  - {id: no-paypal, text: PayPal is not offered, evidence: [survey-2026-q2]}
```

Options
-------
None.
"""

from __future__ import annotations

from typing import Iterator

from ...model import Project
from ..finding import Finding, step_subject

NAME = "pain-point-without-evidence"
SEVERITY = "info"
STRICT = "warning"
SUMMARY = "A pain point cites no evidence."
OPTIONS: dict = {}


def check(project: Project, options: dict) -> Iterator[Finding]:
    for journey in project.journeys.values():
        for step, pain_point in journey.pain_points:
            if pain_point.evidence:
                continue
            yield Finding(pain_point.pos,
                          f"pain point `{pain_point.id}` of step `{step.id}` in journey `{journey.id}` "
                          f"cites no evidence",
                          hint="list the research that shows it under the pain point's `evidence` "
                               "(ids of catalog `evidence` items)",
                          journey=journey.id, stage=step.stage, step=step.id,
                          subject=step_subject(journey.id, step.stage, step.id, f"pain-point:{pain_point.id}"))
