"""``--transitions FILE``: a transitions table computed elsewhere (a warehouse).

A CSV with a header and the columns ``from_step``, ``to_step``, ``count``;
optional ``journey`` (required when the file covers several journeys),
``median_seconds`` and ``cases``; other columns are ignored (so the output
of ``cjmc observe --format csv`` reads back). A row with an empty
``from_step`` counts entries: cases whose first observed step is
``to_step``. This is exactly the result of the query ``--emit-sql`` prints.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterable

from ..diagnostics import UsageError
from .analyze import RawJourney

REQUIRED = ("from_step", "to_step", "count")


def read_transitions(path: Path, journeys: Iterable[str], default_journey: str | None
                     ) -> tuple[dict[str, RawJourney], tuple[str, ...]]:
    """Raw counts per journey, and notes about rows that were left out."""
    wanted = set(journeys)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not a UTF-8 CSV file") from None
    if not text.strip():
        raise UsageError(f"{path}: the file is empty (expected a header: journey,from_step,to_step,count,...)")
    reader = csv.DictReader(text.splitlines())
    header = [name.strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise UsageError(f"{path}: no column {', '.join(missing)}; its columns are: {', '.join(header)}. "
                         f"Expected journey,from_step,to_step,count[,median_seconds]")
    if "journey" not in header and default_journey is None:
        raise UsageError(f"{path}: has no `journey` column, and the project has several journeys; "
                         f"name one: cjmc observe PROJECT JOURNEY_ID --transitions FILE")
    result: dict[str, RawJourney] = {}
    unknown: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        journey = (row.get("journey") or "").strip() or default_journey
        if journey is None:
            raise UsageError(f"{path}:{line}: empty `journey`")
        src = (row.get("from_step") or "").strip()
        dst = (row.get("to_step") or "").strip()
        if not dst:
            raise UsageError(f"{path}:{line}: empty `to_step`")
        count = _number(row.get("count"), int, path, line, "count")
        median = _number(row.get("median_seconds"), float, path, line, "median_seconds", optional=True)
        cases = _number(row.get("cases"), int, path, line, "cases", optional=True)
        if journey not in wanted:
            unknown[journey] = unknown.get(journey, 0) + 1
            continue
        raw = result.setdefault(journey, RawJourney())
        if not src:
            raw.entries[dst] = raw.entries.get(dst, 0) + count
        else:
            previous = raw.transitions.get((src, dst))
            if previous is not None:
                raise UsageError(f"{path}:{line}: transition {src} -> {dst} of `{journey}` appears twice")
            raw.transitions[(src, dst)] = (count, cases, median)
    notes = tuple(f"{n} row(s) of {path.name} are for `{j}`, which is not observed here (not in the project, "
                  f"or another journey was asked for)" for j, n in sorted(unknown.items()))
    return result, notes


def _number(text: str | None, kind, path: Path, line: int, column: str, optional: bool = False):
    text = (text or "").strip()
    if not text:
        if optional:
            return None
        raise UsageError(f"{path}:{line}: empty `{column}`")
    try:
        value = kind(float(text)) if kind is int and text.endswith(".0") else kind(text)
    except ValueError:
        raise UsageError(f"{path}:{line}: `{column}` is not a number: {text!r}") from None
    if value < 0:
        raise UsageError(f"{path}:{line}: `{column}` is negative: {text!r}")
    return value
