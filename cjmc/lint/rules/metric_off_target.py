"""metric-off-target: a metric whose actual value is worse than its target.

What it finds
-------------
A metric use (in a journey's or stage's ``kpis`` or a step's ``metrics``)
with both ``target`` and ``actual`` where ``actual`` is worse than
``target``, following the metric's ``better`` direction (``higher`` or
``lower``). Equal is on target. Reported on the metric use.

Why it matters
--------------
An off-target metric is the evidence that a part of the journey needs work.
Surfacing it in lint output keeps it in front of the team instead of buried
in a dashboard.

Failing example
---------------
```yaml
kpis:
  - {metric: conversion-rate, target: 3.5, actual: 2.1}   # better: higher
```

Passing example
---------------
```yaml
kpis:
  - {metric: conversion-rate, target: 3.5, actual: 3.8}   # better: higher
```

Options
-------
None.
"""

from __future__ import annotations

from typing import Iterator

from ...model import MetricUse, Project
from ..finding import Finding

NAME = "metric-off-target"
SEVERITY = "warning"
SUMMARY = "A metric use has `actual` worse than `target`."
OPTIONS: dict = {}


def check(project: Project, options: dict) -> Iterator[Finding]:
    for journey in project.journeys.values():
        where = f"journey `{journey.id}`"
        subject = (f"journey:{journey.id}",)
        yield from _uses(project, journey.kpis, where, subject, journey.id, None, None)
        for stage in journey.stages:
            where = f"stage `{stage.id}` of journey `{journey.id}`"
            stage_subject = subject + (f"stage:{stage.id}",)
            yield from _uses(project, stage.kpis, where, stage_subject, journey.id, stage.id, None)
            for step in stage.steps:
                where = f"step `{step.id}` of journey `{journey.id}`"
                yield from _uses(project, step.metrics, where, stage_subject + (f"step:{step.id}",),
                                 journey.id, stage.id, step.id)


def _uses(project: Project, uses: tuple[MetricUse, ...], where: str, subject: tuple[str, ...],
          journey: str, stage: str | None, step: str | None) -> Iterator[Finding]:
    for use in uses:
        metric = project.metrics.get(use.metric)
        if metric is None or not use.off_target(metric.better):
            continue
        unit = f" {metric.unit}" if metric.unit else ""
        yield Finding(use.pos,
                      f"metric `{use.metric}` of {where} is off target: actual {_number(use.actual)}{unit}, "
                      f"target {_number(use.target)}{unit} ({metric.better} is better)",
                      hint="record the pain points and opportunities behind it, or update `target` "
                           "if the goal has changed",
                      journey=journey, stage=stage, step=step, subject=subject + (f"metric-use:{use.metric}",))


def _number(value: float | None) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
