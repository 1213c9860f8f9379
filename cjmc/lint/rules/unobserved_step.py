"""unobserved-step: a step no customer was seen at.

What it finds
-------------
A step that no case in the event log reached: none of its event names
(its ``events:``, or ``<journey>.<step>`` when it lists none) occurs. Only
journeys that were observed at all (at least one case entered) are
checked. Reported on the step. Needs event data: the rule runs only when the
project names ``events.sources`` in ``cjmc.yaml`` (see ``cjmc observe``);
otherwise it finds nothing.

Why it matters
--------------
Either the step is not instrumented (so its drop-off and timings are
invisible), its ``events:`` names are wrong, or customers really never do
it and the map describes a path that does not exist.

Failing example
---------------
```yaml
steps:
  - id: asks-about-size
    name: Asks in chat which size to pick
    events: [chat_started]        # no chat_started event in the log
```

Passing example
---------------
```yaml
steps:
  - id: asks-about-size
    name: Asks in chat which size to pick
    events: [chat_opened]         # the name the analytics team uses
```

Options
-------
None.
"""

from __future__ import annotations

from typing import Iterator

from ...model import Project
from ..events import observed_journeys
from ..finding import Finding, step_subject

NAME = "unobserved-step"
SEVERITY = "info"
SUMMARY = "No customer in the event log reached the step (needs event data)."
OPTIONS: dict = {}
NEEDS_EVENTS = True


def check(project: Project, options: dict) -> Iterator[Finding]:
    for journey, observed in observed_journeys(project, options):
        if not observed.entered:
            continue
        for step_id in observed.unobserved_steps:
            step = journey.step(step_id)
            if step is None:
                continue
            names = ", ".join(f"`{e}`" for e in step.events) or f"`{journey.id}.{step.id}` (implicit)"
            yield Finding(step.pos,
                          f"no customer was seen at step `{step.id}` of journey `{journey.id}` "
                          f"({observed.entered} entered the journey)",
                          hint=f"check the step's event names against the log: {names}",
                          journey=journey.id, stage=step.stage, step=step.id,
                          subject=step_subject(journey.id, step.stage, step.id))
