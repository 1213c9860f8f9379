"""high-drop-off: many customers who reach a step are never seen after it.

What it finds
-------------
A step that is not an exit (``exit:``, or the implicit ``completed`` last
step) where more than ``max_share`` of the customers who reached it were
last seen there, i.e. it is their last observed step in the journey.
Reported on the step with the share and counts. Needs event data: the rule
runs only when the project names ``events.sources`` in ``cjmc.yaml`` (see
``cjmc observe``); otherwise it finds nothing.

Why it matters
--------------
A map marks where customers give up with ``exit: dropped`` steps and pain
points. When the log shows a large share of people vanishing at an ordinary
step, the map misses a pain point (or an exit), or the step is broken.
Cases still in progress when the log was exported also count as "last
seen", so very recent data overstates drop-off.

Failing example
---------------
```yaml
# events: 1000 cases reach enters-details, 420 are never seen after it
steps:
  - id: enters-details          # reported: 42% last seen here
    name: Creates an account and enters address
```

Passing example
---------------
```yaml
steps:
  - id: enters-details          # 80 of 1000 last seen here: 8%
    name: Creates an account and enters address
```

Options
-------
- ``max_share`` (default 0.3): the largest share of customers, from 0 to 1,
  that may be last seen at a step before it is reported.
- ``min_reached`` (default 1): ignore steps fewer customers reached (noise).
"""

from __future__ import annotations

from typing import Iterator

from ...model import Project
from ..events import observed_journeys
from ..finding import Finding, step_subject

NAME = "high-drop-off"
SEVERITY = "warning"
SUMMARY = ("More than `max_share` (default 0.3) of the customers who reached a non-exit step were last seen "
           "there (needs event data).")
OPTIONS = {"max_share": 0.3, "min_reached": 1}
NEEDS_EVENTS = True


def check(project: Project, options: dict) -> Iterator[Finding]:
    limit = float(options["max_share"])
    for journey, observed in observed_journeys(project, options):
        for step in journey.steps:
            if step.id in journey.flow.exits:
                continue
            reached = observed.step_reach.get(step.id, 0)
            last = observed.last_seen.get(step.id, 0)
            if reached < max(1, options["min_reached"]) or last / reached <= limit:
                continue
            yield Finding(step.pos,
                          f"{last / reached:.0%} of the customers who reached step `{step.id}` of journey "
                          f"`{journey.id}` were last seen there ({last} of {reached}; limit {limit:.0%})",
                          hint="find out why they stop here; record it as a pain point, or mark the step "
                               "`exit: dropped` if the journey is meant to end here",
                          journey=journey.id, stage=step.stage, step=step.id,
                          subject=step_subject(journey.id, step.stage, step.id))
