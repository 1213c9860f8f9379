"""emotion-drop-without-pain-point: the mood falls sharply and the map does not say why.

What it finds
-------------
A step whose ``emotion`` is 2 or more below the ``emotion`` of a step that
leads to it in the flow (document order or ``next``), when that step records
no pain point. Steps without an emotion are left out. Reported once on the
step where the mood falls, naming the biggest drop when several steps lead
to it.

Why it matters
--------------
A sharp fall in emotion is the clearest sign that something goes wrong.
Without a pain point, the map shows that customers suffer but not what
hurts, and nobody can act on it.

Failing example
---------------
```yaml
steps:
  - {id: adds-to-cart, name: Adds the bike to the cart, emotion: 2}
  - {id: sees-shipping, name: Sees the shipping cost, emotion: -1}
```

Passing example
---------------
```yaml
steps:
  - {id: adds-to-cart, name: Adds the bike to the cart, emotion: 2}
  - id: sees-shipping
    name: Sees the shipping cost
    emotion: -1
    pain_points:
      - {id: shipping-shock, text: Shipping costs 49 EUR, shown only at checkout}
```

Options
-------
None.
"""

from __future__ import annotations

from typing import Iterator

from ...model import Project, Step
from ..finding import Finding, step_subject

NAME = "emotion-drop-without-pain-point"
SEVERITY = "info"
SUMMARY = ("Emotion falls by 2 or more from a step to one of its successors (both have an emotion), "
           "and that successor records no pain point; reported once on the successor.")
OPTIONS: dict = {}

MIN_DROP = 2


def check(project: Project, options: dict) -> Iterator[Finding]:
    for journey in project.journeys.values():
        by_id: dict[str, Step] = {}
        for step in journey.steps:
            by_id.setdefault(step.id, step)
        # For each target step, the predecessor with the biggest drop (first in document order on ties).
        biggest: dict[str, tuple[int, Step]] = {}
        for source_id, targets in journey.flow.successors.items():
            source = by_id.get(source_id)
            if source is None or source.emotion is None:
                continue
            for target_id in targets:
                target = by_id.get(target_id)
                if target is None or target.emotion is None or target.pain_points:
                    continue
                drop = source.emotion - target.emotion
                if drop >= MIN_DROP and drop > biggest.get(target_id, (0, None))[0]:
                    biggest[target_id] = (drop, source)
        for step in journey.steps:
            if step.id not in biggest or by_id[step.id] is not step:
                continue
            drop, source = biggest[step.id]
            yield Finding(step.pos,
                          f"emotion falls by {drop} from step `{source.id}` ({source.emotion}) to step "
                          f"`{step.id}` ({step.emotion}) of journey `{journey.id}`, which records no pain point",
                          hint=f"add a pain point to `{step.id}` saying what goes wrong here",
                          journey=journey.id, stage=step.stage, step=step.id,
                          subject=step_subject(journey.id, step.stage, step.id))
