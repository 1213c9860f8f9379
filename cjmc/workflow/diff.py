"""Semantic differences between two versions of a project.

Pure functions over two linked models (and, optionally, their lint findings):
no git, no files, no printing. ``cjmc diff`` loads the two versions and hands
them here; :mod:`cjmc.workflow.diff_render` turns the result into text,
Markdown or JSON.

Elements are matched by id, never by position: a step with the same id and a
new name is *renamed*; one that now sits in another stage, or whose order
among the steps kept changed, is *moved*. Findings are matched by rule and
subject (see :mod:`cjmc.baseline`), so editing lines does not count as a change.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Iterable, Sequence

from ..baseline import finding_key, subtract
from ..diagnostics import Diagnostic
from ..model import Journey, MetricUse, Project

SPARK = {-2: "▁", -1: "▂", 0: "▄", 1: "▆", 2: "█"}
NO_EMOTION = "·"


@dataclass(frozen=True)
class ElementRef:
    """A stage or step as it is identified in a change: id, name, and for a step its stage."""

    id: str
    name: str
    stage: str | None = None


@dataclass(frozen=True)
class Renamed:
    id: str
    before: str
    after: str
    stage: str | None = None


@dataclass(frozen=True)
class Moved:
    id: str
    name: str
    stage_before: str
    stage_after: str
    # "stage": moved to another stage; "order": same stage, new place among the steps kept
    how: str


@dataclass(frozen=True)
class EmotionChange:
    step: str
    name: str
    stage: str
    stage_name: str
    before: int | None
    after: int | None

    @property
    def direction(self) -> str:
        if self.before is None or self.after is None:
            return "added" if self.before is None else "removed"
        return "up" if self.after > self.before else "down"


@dataclass(frozen=True)
class PainPointRef:
    id: str
    text: str
    severity: str
    step: str
    stage: str


@dataclass(frozen=True)
class SeverityChange:
    id: str
    text: str
    step: str
    before: str
    after: str


@dataclass(frozen=True)
class MomentChange:
    step: str
    name: str
    stage: str
    why: str


@dataclass(frozen=True)
class MetricChange:
    # "journey", "stage:<id>" or "step:<id>"
    scope: str
    metric: str
    change: str  # added | removed | changed
    target_before: float | None = None
    target_after: float | None = None
    actual_before: float | None = None
    actual_after: float | None = None


@dataclass(frozen=True)
class FindingRef:
    rule: str
    severity: str
    message: str
    file: str
    line: int
    subject: str = ""

    @classmethod
    def of(cls, diagnostic: Diagnostic) -> "FindingRef":
        return cls(diagnostic.rule, diagnostic.severity, diagnostic.message, diagnostic.file, diagnostic.line,
                   diagnostic.identity)

    @property
    def journey(self) -> str | None:
        first = self.subject.split("/", 1)[0]
        return first[len("journey:"):] if first.startswith("journey:") else None


@dataclass(frozen=True)
class JourneyRef:
    id: str
    title: str
    file: str


@dataclass
class JourneyDiff:
    id: str
    title: str
    title_before: str | None = None
    fields_changed: list[str] = field(default_factory=list)
    stages_added: list[ElementRef] = field(default_factory=list)
    stages_removed: list[ElementRef] = field(default_factory=list)
    stages_renamed: list[Renamed] = field(default_factory=list)
    stages_reordered: bool = False
    steps_added: list[ElementRef] = field(default_factory=list)
    steps_removed: list[ElementRef] = field(default_factory=list)
    steps_renamed: list[Renamed] = field(default_factory=list)
    steps_moved: list[Moved] = field(default_factory=list)
    emotions: list[EmotionChange] = field(default_factory=list)
    # The emotion per step in document order, before and after (None: no emotion).
    curve_before: list[tuple[str, int | None]] = field(default_factory=list)
    curve_after: list[tuple[str, int | None]] = field(default_factory=list)
    pain_points_added: list[PainPointRef] = field(default_factory=list)
    pain_points_resolved: list[PainPointRef] = field(default_factory=list)
    severity_changes: list[SeverityChange] = field(default_factory=list)
    moments_gained: list[MomentChange] = field(default_factory=list)
    moments_lost: list[MomentChange] = field(default_factory=list)
    metrics: list[MetricChange] = field(default_factory=list)
    findings_introduced: list[FindingRef] = field(default_factory=list)
    findings_fixed: list[FindingRef] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.title_before is not None or self.fields_changed or self.stages_added or self.stages_removed
                    or self.stages_renamed or self.stages_reordered or self.steps_added or self.steps_removed
                    or self.steps_renamed or self.steps_moved or self.emotions or self.pain_points_added
                    or self.pain_points_resolved or self.severity_changes or self.moments_gained
                    or self.moments_lost or self.metrics or self.findings_introduced or self.findings_fixed)

    @property
    def curve_changed(self) -> bool:
        return self.curve_before != self.curve_after


@dataclass
class ProjectDiff:
    journeys_added: list[JourneyRef] = field(default_factory=list)
    journeys_removed: list[JourneyRef] = field(default_factory=list)
    journeys: list[JourneyDiff] = field(default_factory=list)  # journeys in both versions that changed
    # Findings not tied to one journey (catalog, personas, config, broken files).
    findings_introduced: list[FindingRef] = field(default_factory=list)
    findings_fixed: list[FindingRef] = field(default_factory=list)
    findings_compared: bool = False

    @property
    def empty(self) -> bool:
        return not (self.journeys_added or self.journeys_removed or self.journeys or self.findings_introduced
                    or self.findings_fixed)

    def all_findings(self, which: str) -> list[FindingRef]:
        found = list(getattr(self, which))
        for journey in self.journeys:
            found.extend(getattr(journey, which))
        return found

    def counts(self) -> dict[str, int]:
        """Totals over the whole project, for summaries."""
        def total(name: str) -> int:
            return sum(len(getattr(j, name)) for j in self.journeys)

        return {
            "journeys_changed": len(self.journeys),
            "journeys_added": len(self.journeys_added),
            "journeys_removed": len(self.journeys_removed),
            "stages_added": total("stages_added"),
            "stages_removed": total("stages_removed"),
            "stages_renamed": total("stages_renamed"),
            "steps_added": total("steps_added"),
            "steps_removed": total("steps_removed"),
            "steps_renamed": total("steps_renamed"),
            "steps_moved": total("steps_moved"),
            "emotion_changes": total("emotions"),
            "pain_points_added": total("pain_points_added"),
            "pain_points_resolved": total("pain_points_resolved"),
            "severity_changes": total("severity_changes"),
            "moments_of_truth_gained": total("moments_gained"),
            "moments_of_truth_lost": total("moments_lost"),
            "metric_changes": total("metrics"),
            "findings_introduced": len(self.all_findings("findings_introduced")),
            "findings_fixed": len(self.all_findings("findings_fixed")),
        }

    def to_json(self) -> dict:
        journeys = []
        for journey in self.journeys:
            data = asdict(journey)
            data["curve_before"] = [{"step": s, "emotion": e} for s, e in journey.curve_before]
            data["curve_after"] = [{"step": s, "emotion": e} for s, e in journey.curve_after]
            for change, item in zip(journey.emotions, data["emotions"]):
                item["direction"] = change.direction
            journeys.append(data)
        return {
            "summary": self.counts(),
            "journeys_added": [asdict(j) for j in self.journeys_added],
            "journeys_removed": [asdict(j) for j in self.journeys_removed],
            "journeys": journeys,
            "findings_introduced": [asdict(f) for f in self.findings_introduced],
            "findings_fixed": [asdict(f) for f in self.findings_fixed],
        }


# ---------------------------------------------------------------------------


def diff_projects(old: Project | None, new: Project | None, old_findings: Sequence[Diagnostic] | None = None,
                  new_findings: Sequence[Diagnostic] | None = None) -> ProjectDiff:
    """What changed from ``old`` to ``new``; findings are compared when both lists are given."""
    old_journeys = dict(old.journeys) if old else {}
    new_journeys = dict(new.journeys) if new else {}
    result = ProjectDiff()
    result.journeys_added = [JourneyRef(j.id, j.title, j.file) for jid, j in new_journeys.items()
                             if jid not in old_journeys]
    result.journeys_removed = [JourneyRef(j.id, j.title, j.file) for jid, j in old_journeys.items()
                               if jid not in new_journeys]
    by_id: dict[str, JourneyDiff] = {}
    for jid, after in new_journeys.items():
        if jid in old_journeys:
            by_id[jid] = diff_journey(old_journeys[jid], after)

    if old_findings is not None and new_findings is not None:
        result.findings_compared = True
        introduced, fixed = diff_findings(old_findings, new_findings)
        for items, attribute in ((introduced, "findings_introduced"), (fixed, "findings_fixed")):
            for item in items:
                target = by_id.get(item.journey or "")
                getattr(target if target else result, attribute).append(item)
    result.journeys = [d for d in by_id.values() if d.changed]
    return result


def diff_findings(old: Iterable[Diagnostic], new: Iterable[Diagnostic]) -> tuple[list[FindingRef], list[FindingRef]]:
    """(introduced, fixed), matched by rule + subject with multiset counts."""
    old, new = sorted(old), sorted(new)
    old_counts, new_counts = Counter(map(finding_key, old)), Counter(map(finding_key, new))
    return _excess(new, old_counts), _excess(old, new_counts)


def _excess(diagnostics: Sequence[Diagnostic], other: Counter) -> list[FindingRef]:
    return [FindingRef.of(d) for d in subtract(diagnostics, other)]


def diff_journey(old: Journey, new: Journey) -> JourneyDiff:
    diff = JourneyDiff(id=new.id, title=new.title)
    if old.title != new.title:
        diff.title_before = old.title
    for name in ("goal", "business_goal", "owner", "state", "personas", "description", "last_reviewed"):
        if getattr(old, name) != getattr(new, name):
            diff.fields_changed.append(name)
    _diff_stages(old, new, diff)
    _diff_steps(old, new, diff)
    _diff_pain_points(old, new, diff)
    _diff_metrics(old, new, diff)
    return diff


def _diff_stages(old: Journey, new: Journey, diff: JourneyDiff) -> None:
    before = {s.id: s for s in old.stages}
    after = {s.id: s for s in new.stages}
    diff.stages_added = [ElementRef(s.id, s.name) for s in new.stages if s.id not in before]
    diff.stages_removed = [ElementRef(s.id, s.name) for s in old.stages if s.id not in after]
    diff.stages_renamed = [Renamed(s.id, before[s.id].name, s.name) for s in new.stages
                           if s.id in before and before[s.id].name != s.name]
    kept_before = [s.id for s in old.stages if s.id in after]
    kept_after = [s.id for s in new.stages if s.id in before]
    diff.stages_reordered = kept_before != kept_after


def _diff_steps(old: Journey, new: Journey, diff: JourneyDiff) -> None:
    before = {s.id: s for s in old.steps}
    after = {s.id: s for s in new.steps}
    diff.steps_added = [ElementRef(s.id, s.name, s.stage) for s in new.steps if s.id not in before]
    diff.steps_removed = [ElementRef(s.id, s.name, s.stage) for s in old.steps if s.id not in after]
    diff.steps_renamed = [Renamed(s.id, before[s.id].name, s.name, s.stage) for s in new.steps
                          if s.id in before and before[s.id].name != s.name]

    # Moves: a step in another stage, or one outside the longest run of kept steps still in order.
    kept_before = [s.id for s in old.steps if s.id in after]
    kept_after = [s.id for s in new.steps if s.id in before]
    in_order = set(_longest_common_subsequence(kept_before, kept_after))
    for step_id in kept_after:
        was, now = before[step_id], after[step_id]
        if was.stage != now.stage:
            diff.steps_moved.append(Moved(step_id, now.name, was.stage, now.stage, "stage"))
        elif step_id not in in_order:
            diff.steps_moved.append(Moved(step_id, now.name, was.stage, now.stage, "order"))

    stage_names = {stage.id: stage.name for stage in new.stages}
    for step in new.steps:
        was = before.get(step.id)
        if was is None:
            continue
        if was.emotion != step.emotion:
            diff.emotions.append(EmotionChange(step.id, step.name, step.stage, stage_names[step.stage], was.emotion,
                                               step.emotion))
        if was.moment_of_truth is None and step.moment_of_truth is not None:
            diff.moments_gained.append(MomentChange(step.id, step.name, step.stage, step.moment_of_truth.why))
        elif was.moment_of_truth is not None and step.moment_of_truth is None:
            diff.moments_lost.append(MomentChange(step.id, step.name, step.stage, was.moment_of_truth.why))
    for step in new.steps:
        if step.id not in before and step.moment_of_truth is not None:
            diff.moments_gained.append(MomentChange(step.id, step.name, step.stage, step.moment_of_truth.why))
    for step in old.steps:
        if step.id not in after and step.moment_of_truth is not None:
            diff.moments_lost.append(MomentChange(step.id, step.name, step.stage, step.moment_of_truth.why))

    diff.curve_before = [(s.id, s.emotion) for s in old.steps]
    diff.curve_after = [(s.id, s.emotion) for s in new.steps]


def _longest_common_subsequence(a: Sequence[str], b: Sequence[str]) -> list[str]:
    """Classic O(len(a)·len(b)) LCS; journeys have tens of steps, not thousands."""
    rows = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            rows[i][j] = rows[i + 1][j + 1] + 1 if a[i] == b[j] else max(rows[i + 1][j], rows[i][j + 1])
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            out.append(a[i])
            i, j = i + 1, j + 1
        elif rows[i + 1][j] >= rows[i][j + 1]:
            i += 1
        else:
            j += 1
    return out


def _diff_pain_points(old: Journey, new: Journey, diff: JourneyDiff) -> None:
    def refs(journey: Journey) -> dict[str, PainPointRef]:
        return {pp.id: PainPointRef(pp.id, pp.text, pp.severity, step.id, step.stage)
                for step, pp in journey.pain_points}

    before, after = refs(old), refs(new)
    diff.pain_points_added = [p for pid, p in after.items() if pid not in before]
    diff.pain_points_resolved = [p for pid, p in before.items() if pid not in after]
    diff.severity_changes = [SeverityChange(pid, p.text, p.step, before[pid].severity, p.severity)
                             for pid, p in after.items() if pid in before and before[pid].severity != p.severity]


def _metric_uses(journey: Journey) -> dict[tuple[str, str], MetricUse]:
    uses: dict[tuple[str, str], MetricUse] = {}
    for use in journey.kpis:
        uses.setdefault(("journey", use.metric), use)
    for stage in journey.stages:
        for use in stage.kpis:
            uses.setdefault((f"stage:{stage.id}", use.metric), use)
        for step in stage.steps:
            for use in step.metrics:
                uses.setdefault((f"step:{step.id}", use.metric), use)
    return uses


def _diff_metrics(old: Journey, new: Journey, diff: JourneyDiff) -> None:
    before, after = _metric_uses(old), _metric_uses(new)
    for key, use in after.items():
        was = before.get(key)
        if was is None:
            diff.metrics.append(MetricChange(key[0], key[1], "added", None, use.target, None, use.actual))
        elif (was.target, was.actual) != (use.target, use.actual):
            diff.metrics.append(MetricChange(key[0], key[1], "changed", was.target, use.target, was.actual, use.actual))
    for key, was in before.items():
        if key not in after:
            diff.metrics.append(MetricChange(key[0], key[1], "removed", was.target, None, was.actual, None))


def sparkline(curve: Sequence[tuple[str, int | None]]) -> str:
    """One block per step: ▁ (-2) … █ (+2); · where a step records no emotion."""
    return "".join(SPARK.get(emotion, NO_EMOTION) if emotion is not None else NO_EMOTION for _, emotion in curve)

