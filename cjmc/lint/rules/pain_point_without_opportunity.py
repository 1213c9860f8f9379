"""pain-point-without-opportunity: a pain point nobody plans to address.

What it finds
-------------
A pain point that no opportunity of the same journey lists in its
``addresses``. The opportunity may sit on any step of the journey. Reported
on the pain point.

Why it matters
--------------
Journey maps exist to drive improvements. A pain point with no opportunity
is a known problem with no idea, plan or owner attached, and it tends to
stay that way.

Failing example
---------------
```yaml
steps:
  - id: pays
    name: Pays
    pain_points:
      - {id: no-paypal, text: PayPal is not offered}
```

Passing example
---------------
```yaml
steps:
  - id: pays
    name: Pays
    pain_points:
      - {id: no-paypal, text: PayPal is not offered}
    opportunities:
      - {id: add-paypal, text: Offer PayPal at checkout, addresses: [no-paypal]}
```

Options
-------
None.
"""

from __future__ import annotations

from typing import Iterator

from ...model import Project
from ..finding import Finding, step_subject

NAME = "pain-point-without-opportunity"
SEVERITY = "info"
STRICT = "warning"
SUMMARY = "No opportunity `addresses` the pain point."
OPTIONS: dict = {}


def check(project: Project, options: dict) -> Iterator[Finding]:
    for journey in project.journeys.values():
        addressed = {pp_id for _, opportunity in journey.opportunities for pp_id in opportunity.addresses}
        for step, pain_point in journey.pain_points:
            if pain_point.id in addressed:
                continue
            yield Finding(pain_point.pos,
                          f"pain point `{pain_point.id}` of step `{step.id}` in journey `{journey.id}` "
                          f"has no opportunity addressing it",
                          hint=f"add an opportunity with `addresses: [{pain_point.id}]` to a step of this journey",
                          journey=journey.id, stage=step.stage, step=step.id,
                          subject=step_subject(journey.id, step.stage, step.id, f"pain-point:{pain_point.id}"))
