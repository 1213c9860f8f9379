"""stale-journey: a journey not reviewed for longer than ``max_age_days``.

What it finds
-------------
A journey whose ``last_reviewed`` date is more than ``max_age_days`` days
before today. Reported on the ``last_reviewed`` value. A journey without
``last_reviewed`` is not reported.

Why it matters
--------------
Customers, products and channels change. A map nobody has checked against
research for a year describes a journey that may no longer exist, and teams
keep prioritising from it.

Failing example
---------------
```yaml
kind: journey
id: buy-first-bike
last_reviewed: 2024-01-15   # more than 365 days ago
```

Passing example
---------------
```yaml
kind: journey
id: buy-first-bike
last_reviewed: 2026-09-01
```

Options
-------
- ``max_age_days`` (default 365): how many days may pass since the last review.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from ...model import Project
from ..finding import Finding

NAME = "stale-journey"
SEVERITY = "warning"
SUMMARY = "`last_reviewed` is older than `max_age_days` (default 365)."
OPTIONS = {"max_age_days": 365}


def check(project: Project, options: dict) -> Iterator[Finding]:
    today: dt.date = options["today"]
    limit = options["max_age_days"]
    for journey in project.journeys.values():
        if not journey.last_reviewed:
            continue
        try:
            reviewed = dt.date.fromisoformat(journey.last_reviewed)
        except ValueError:
            yield Finding(journey.value_pos.get("last_reviewed", journey.pos),
                          f"`last_reviewed` of journey `{journey.id}` is not a real date: {journey.last_reviewed}",
                          journey=journey.id, subject=(f"journey:{journey.id}",))
            continue
        age = (today - reviewed).days
        if age > limit:
            yield Finding(journey.value_pos.get("last_reviewed", journey.pos),
                          f"journey `{journey.id}` was last reviewed {age} days ago (limit {limit})",
                          hint="review it against recent research and update `last_reviewed`",
                          journey=journey.id, subject=(f"journey:{journey.id}",))
