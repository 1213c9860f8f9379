"""Flat CSV tables of the model for spreadsheets: pain points, opportunities, steps.

One row per item, in model order, with the journey, stage and step columns
first so a sheet can be filtered and pivoted without lookups. Written with the
``csv`` module (RFC 4180: fields quoted when needed, ``\\r\\n`` line ends).

Spreadsheets execute a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and some strip a leading tab or CR first), so a map text such as
``=HYPERLINK(...)`` would become a live formula (CSV injection). Every text
cell starting with one of those characters is prefixed with ``'``, which
spreadsheets read as "this is text". Numeric columns (``emotion``,
``pain_point_count``) are written as plain numbers and never prefixed, so
``-2`` stays a number.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Callable, Iterable, Iterator

from ..model import Journey, Project, Step

SEVERITY_ORDER = ("low", "medium", "high", "critical")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "
BOM = "\ufeff"

CONTEXT_COLUMNS = ("journey", "journey_title", "stage", "stage_name", "step", "step_name")

COLUMNS: dict[str, tuple[str, ...]] = {
    "pain-points": CONTEXT_COLUMNS + ("id", "text", "severity", "evidence", "addressed_by", "owner"),
    "opportunities": CONTEXT_COLUMNS + ("id", "text", "status", "owner", "addresses"),
    "steps": CONTEXT_COLUMNS + ("touchpoint", "channel", "emotion", "moment_of_truth", "pain_point_count",
                                "worst_severity", "reachable"),
}
# Columns written as numbers: never escaped.
NUMERIC_COLUMNS = frozenset({"emotion", "pain_point_count"})
TABLES = tuple(COLUMNS)


def escape_formula(text: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def table_rows(project: Project, what: str) -> Iterator[dict[str, Any]]:
    """The rows of table ``what`` (one of :data:`TABLES`) as column -> raw value, unescaped."""
    if what not in COLUMNS:
        raise ValueError(f"unknown table {what!r}; choose one of {', '.join(TABLES)}")
    producer: Callable[[Project, Journey], Iterator[dict[str, Any]]] = _PRODUCERS[what]
    for journey in project.journeys.values():
        yield from producer(project, journey)


def export_csv(project: Project, what: str, *, excel: bool = False) -> str:
    """Table ``what`` as CSV text; ``excel`` prepends a UTF-8 byte order mark (Excel needs it to read UTF-8)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)  # the "excel" dialect: RFC 4180 quoting, \r\n line ends
    columns = COLUMNS[what]
    writer.writerow(columns)
    for row in table_rows(project, what):
        writer.writerow([_cell(column, row[column]) for column in columns])
    return (BOM if excel else "") + buffer.getvalue()


def _cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    if column in NUMERIC_COLUMNS:
        return str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        value = LIST_SEPARATOR.join(str(v) for v in value)
    return escape_formula(str(value))


def _context(journey: Journey, step: Step) -> dict[str, Any]:
    stage = journey.stage(step.stage)
    return {
        "journey": journey.id,
        "journey_title": journey.title,
        "stage": step.stage,
        "stage_name": stage.name if stage else None,
        "step": step.id,
        "step_name": step.name,
    }


def _pain_points(project: Project, journey: Journey) -> Iterator[dict[str, Any]]:
    addressed_by: dict[str, list[str]] = {}
    for _, opportunity in journey.opportunities:
        for pain_point in opportunity.addresses:
            addressed_by.setdefault(pain_point, []).append(opportunity.id)
    for step, pain_point in journey.pain_points:
        yield {
            **_context(journey, step),
            "id": pain_point.id,
            "text": pain_point.text,
            "severity": pain_point.severity,
            "evidence": pain_point.evidence,
            "addressed_by": addressed_by.get(pain_point.id, ()),
            "owner": journey.owner,
        }


def _opportunities(project: Project, journey: Journey) -> Iterator[dict[str, Any]]:
    for step, opportunity in journey.opportunities:
        yield {
            **_context(journey, step),
            "id": opportunity.id,
            "text": opportunity.text,
            "status": opportunity.status,
            "owner": opportunity.owner,
            "addresses": opportunity.addresses,
        }


def _steps(project: Project, journey: Journey) -> Iterator[dict[str, Any]]:
    for step in journey.steps:
        yield {
            **_context(journey, step),
            "touchpoint": step.touchpoint,
            "channel": project.step_channel(step),
            "emotion": step.emotion,
            "moment_of_truth": step.moment_of_truth is not None,
            "pain_point_count": len(step.pain_points),
            "worst_severity": worst_severity(pp.severity for pp in step.pain_points),
            "reachable": step.id in journey.flow.reachable,
        }


def worst_severity(severities: Iterable[str]) -> str | None:
    ranked = [s for s in severities if s in SEVERITY_ORDER]
    return max(ranked, key=SEVERITY_ORDER.index) if ranked else None


_PRODUCERS: dict[str, Callable[[Project, Journey], Iterator[dict[str, Any]]]] = {
    "pain-points": _pain_points,
    "opportunities": _opportunities,
    "steps": _steps,
}

__all__ = ("COLUMNS", "TABLES", "escape_formula", "export_csv", "table_rows", "worst_severity")
