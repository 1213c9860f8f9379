"""Output of ``cjmc observe``: text for people, JSON for tools, CSV that reads back.

The CSV is the transitions table (the ``--emit-sql`` result, plus a
``declared`` column), so ``cjmc observe --format csv -o t.csv`` followed by
``cjmc observe --transitions t.csv`` gives the same transitions, entries and
drop-off.
"""

from __future__ import annotations

import csv
import io

from ..jsontext import dumps_indented
from ..model import Project
from .model import ObservationReport, ObservedJourney

FORMATS = ("text", "json", "csv")
CSV_COLUMNS = ("journey", "from_step", "to_step", "count", "cases", "median_seconds", "declared")


def render(report: ObservationReport, project: Project, fmt: str) -> str:
    if fmt == "json":
        return dumps_indented(report.to_json()) + "\n"
    if fmt == "csv":
        return render_csv(report)
    return render_text(report, project)


def render_csv(report: ObservationReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for jid, observed in report.journeys.items():
        for step, count in observed.entries.items():
            if count:
                writer.writerow((jid, "", step, count, count, "", ""))
        for t in observed.transitions:
            writer.writerow((jid, t.from_step, t.to_step, t.count, "" if t.cases is None else t.cases,
                             "" if t.median_seconds is None else _num(t.median_seconds), str(t.declared).lower()))
    return out.getvalue()


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.3f}"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = float(seconds)
    if seconds < 60:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{int(seconds // 60)}m{int(seconds % 60):02d}s"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h{int(seconds % 3600 // 60):02d}m"
    return f"{seconds / 86400:.1f}d"


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def render_text(report: ObservationReport, project: Project) -> str:
    lines: list[str] = []
    if report.source == "events":
        lines.append(f"{report.events} events in {len(report.files)} file(s); {report.matched_events} matched a step, "
                     f"{report.unmatched_events} matched none, {report.skipped_events} skipped "
                     f"(no case id or timestamp)")
        if report.unmatched_names:
            lines.append("  most frequent unmatched: "
                         + ", ".join(f"{name} ({count})" for name, count in report.unmatched_names))
    else:
        lines.append(f"transitions from {', '.join(report.files)} (approximate reach: see docs/observe.md)")
    for note in report.notes:
        lines.append(f"note: {note}")
    for observed in report.journeys.values():
        lines.append("")
        lines.extend(_journey_text(project, observed))
    return "\n".join(lines) + "\n"


def _journey_text(project: Project, o: ObservedJourney) -> list[str]:
    journey = project.journeys[o.journey]
    lines = [f"{journey.id}: {journey.title}",
             f"  {o.entered} customers entered, {o.completed} completed ({_pct(o.completed, o.entered)})"]
    if not o.entered:
        return lines + ["  (no events for this journey)"]
    width = max(len(s.id) for s in journey.steps)
    reach_word = "reached" if o.exact else "visits"
    lines.append(f"  {'step':<{width}}  {reach_word:>9}  {'last seen':>9}  {'drop':>6}")
    for stage in journey.stages:
        reach = o.stage_reach.get(stage.id)
        extra = f"{reach} reached, " if reach is not None else ""
        lines.append(f"  [{stage.id}] {extra}{o.stage_drop[stage.id]} dropped off in this stage")
        for step in stage.steps:
            exit_ = journey.flow.exits.get(step.id)
            mark = f"  ({exit_} exit)" if exit_ else ""
            lines.append(f"  {step.id:<{width}}  {o.step_reach[step.id]:>9}  {o.last_seen[step.id]:>9}  "
                         f"{_pct(o.last_seen[step.id], o.step_reach[step.id]):>6}{mark}")
    lines.append("  transitions (count, median time):")
    for t in o.transitions:
        flag = "" if t.declared else "  UNDECLARED"
        lines.append(f"    {t.from_step} -> {t.to_step}: {t.count}, {duration(t.median_seconds)}{flag}")
    if o.undeclared:
        lines.append(f"  undeclared transitions: {len(o.undeclared)} ("
                     + ", ".join(f"{t.from_step} -> {t.to_step} x{t.count}" for t in o.undeclared[:5])
                     + (", ..." if len(o.undeclared) > 5 else "") + ")")
    if o.unobserved_steps:
        lines.append(f"  steps nobody reached: {', '.join(o.unobserved_steps)}")
    if o.unobserved_transitions:
        lines.append("  declared transitions nobody took: "
                     + ", ".join(f"{a} -> {b}" for a, b in o.unobserved_transitions))
    return lines
