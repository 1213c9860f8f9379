"""DuckDB behind one function: event files + mapping table -> raw counts.

DuckDB is imported only here and only when needed; without it every entry
point raises :class:`UsageError` with the install command (exit 2). All
aggregation runs in SQL (see :mod:`cjmc.observe.sql`), so the event log is
never loaded into Python: only per-step counts come back.

Bad input is caught before the main query and reported as UsageError naming
the file: no file matched, an empty file, a file that is not CSV or Parquet,
a missing column, timestamps that are not date-times.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..diagnostics import UsageError
from .analyze import RawJourney
from .mapping import StepEvent
from .sql import (
    CSV_SUFFIXES,
    PARQUET_SUFFIXES,
    Columns,
    SourceGroup,
    literal,
    mapping_values,
    moves_ctes,
    reader,
    source_select,
    summary_select,
)

INSTALL_HINT = "install duckdb: pip install 'cjmc[observe]'"
UNMATCHED_SHOWN = 10


def require_duckdb():
    try:
        import duckdb
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    return duckdb


@dataclass(frozen=True)
class EngineResult:
    journeys: dict[str, RawJourney]
    events: int
    matched: int
    unmatched: int
    unmatched_names: tuple[tuple[str, int], ...]
    skipped: int


# ---------------------------------------------------------------- sources

def file_kind(path: str) -> str | None:
    lower = path.lower()
    if lower.endswith(CSV_SUFFIXES):
        return "csv"
    if lower.endswith(PARQUET_SUFFIXES):
        return "parquet"
    return None


def resolve_sources(patterns: Sequence[str], base: Path, label: str) -> list[SourceGroup]:
    """Expand globs (relative to ``base``) into CSV and Parquet groups; UsageError on any problem."""
    files: list[str] = []
    seen: set[str] = set()
    for pattern in patterns:
        full = pattern if os.path.isabs(pattern) else os.path.join(base, pattern)
        matched = sorted(p for p in glob.glob(full, recursive=True) if os.path.isfile(p))
        if not matched:
            raise UsageError(f"{label} `{pattern}` matches no file (relative to {base})")
        for path in matched:
            if path not in seen:
                seen.add(path)
                files.append(path)
    groups: dict[str, list[str]] = {"csv": [], "parquet": []}
    for path in files:
        kind = file_kind(path)
        if kind is None:
            raise UsageError(f"{path}: not an event log; cjmc reads CSV (.csv, .tsv, optionally .gz) "
                             f"and Parquet (.parquet, .pq) files")
        if os.path.getsize(path) == 0:
            raise UsageError(f"{path}: the file is empty (a CSV event log needs at least a header line)")
        groups[kind].append(os.path.abspath(path))
    return [SourceGroup(kind, tuple(paths)) for kind, paths in groups.items() if paths]


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _describe(con, group: SourceGroup) -> list[str]:
    duckdb = require_duckdb()
    try:
        return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader(group)}").fetchall()]
    except duckdb.Error as exc:
        what = "a UTF-8 CSV file" if group.kind == "csv" else "a Parquet file"
        where = group.paths[0] if len(group.paths) == 1 else f"one of {len(group.paths)} {group.kind} files"
        raise UsageError(f"{where}: cannot read it as {what} ({_first_line(exc)})") from None


def check_columns(con, groups: Sequence[SourceGroup], columns: Columns) -> None:
    wanted = {"case_column": columns.case, "time_column": columns.time, "event_column": columns.event}
    for group in groups:
        # Per file, so a message can name the culprit; one look at the group when there are many.
        singles = [SourceGroup(group.kind, (p,)) for p in group.paths] if len(group.paths) <= 50 else [group]
        for single in singles:
            found = _describe(con, single)
            missing = [f"`{name}` ({key})" for key, name in wanted.items() if name not in found]
            if missing:
                where = single.paths[0] if len(single.paths) == 1 else f"the {group.kind} files"
                raise UsageError(
                    f"{where}: no column {', '.join(missing)}; its columns are: {', '.join(found) or 'none'}. "
                    f"Set events.case_column / time_column / event_column in cjmc.yaml to the names used there")


# ---------------------------------------------------------------- queries

def _execute(con, sql: str, what: str):
    duckdb = require_duckdb()
    try:
        return con.execute(sql).fetchall()
    except duckdb.Error as exc:
        raise UsageError(f"cannot {what}: {_first_line(exc)}") from None


def _check_and_count(con, groups, columns) -> tuple[int, int, int, int, tuple[tuple[str, int], ...]]:
    """One pass over the log: rows, skipped rows, matched/unmatched names; UsageError on bad timestamps."""
    raw = source_select(groups, columns, raw_time=True)
    stats = _execute(con, f"""
        WITH raw AS ({raw}),
        names AS (SELECT DISTINCT event FROM step_events)
        SELECT r.event, n.event IS NOT NULL AS matched, COUNT(*) AS n,
               COUNT(*) FILTER (WHERE r.case_id IS NULL OR r.case_id = '' OR r.ts IS NULL) AS skipped,
               COUNT(*) FILTER (WHERE r.ts IS NOT NULL AND TRY_CAST(r.ts AS TIMESTAMPTZ) IS NULL) AS bad_time
        FROM raw AS r LEFT JOIN names AS n ON n.event = r.event
        GROUP BY ALL""", "read the event log")
    bad = sum(row[4] for row in stats)
    if bad:
        examples = _execute(con, f"""
            SELECT CAST(ts AS VARCHAR), case_id FROM ({raw})
            WHERE ts IS NOT NULL AND TRY_CAST(ts AS TIMESTAMPTZ) IS NULL LIMIT 3""", "read the event log")
        shown = "; ".join(f"{value!r} (case {case})" for value, case in examples)
        raise UsageError(f"{bad} event(s) have a `{columns.time}` that is not a date-time, e.g. {shown}. "
                         f"Use ISO 8601 (2026-10-01T09:30:00, optionally with Z or an offset) or a Parquet timestamp column")
    total = sum(row[2] for row in stats)
    skipped = sum(row[3] for row in stats)
    unmatched = [(name, n) for name, matched, n, _, _ in stats if not matched and name is not None]
    unmatched_total = sum(row[2] for row in stats if not row[1])
    matched = sum(row[2] - row[3] for row in stats if row[1])
    unmatched.sort(key=lambda item: (-item[1], item[0]))
    return total, skipped, matched, unmatched_total, tuple(unmatched[:UNMATCHED_SHOWN])


def run(rows: Sequence[StepEvent], groups: Sequence[SourceGroup], columns: Columns,
        threads: int | None = None, memory_limit: str | None = None) -> EngineResult:
    """Observe every journey in ``rows`` over the event files in ``groups``.

    ``memory_limit`` (DuckDB syntax, e.g. "1GB"): above it DuckDB spills to a temporary folder
    instead of growing; without it DuckDB may use up to 80 % of the machine's memory.
    """
    duckdb = require_duckdb()
    if not rows:
        raise UsageError("no steps to observe")
    con = duckdb.connect(":memory:")
    cleanup: list[str] = []
    try:
        con.execute("SET preserve_insertion_order = false")
        # Times without a zone are read as UTC, so no daylight-saving shift can reorder events.
        con.execute("SET TimeZone = 'UTC'")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            spill = tempfile.mkdtemp(prefix="cjmc-observe-")
            cleanup.append(spill)
            _execute(con, f"SET memory_limit = {literal(memory_limit)}", f"set the memory limit {memory_limit!r}")
            _execute(con, f"SET temp_directory = {literal(spill)}", "set the temporary folder")
        check_columns(con, groups, columns)
        ctes = moves_ctes(rows, source_select(groups, columns))
        # The mapping table alone, for the checking pass.
        _execute(con, f"CREATE TEMP TABLE step_events AS SELECT * FROM (\n{mapping_values(rows)}\n) "
                      f"AS t(event, journey, step, step_index, stage)", "build the mapping table")
        total, skipped, matched, unmatched, unmatched_names = _check_and_count(con, groups, columns)
        result: dict[str, RawJourney] = {}
        summary = _execute(con, f"{ctes}\n{summary_select('moves')}", "order the events")
        for kind, journey, src, dst, stage, count, cases, last, median in summary:
            raw = result.setdefault(journey, RawJourney(reach={}, last_seen={}, stage_reach={}))
            if kind == 1 and src is None:  # (journey, from_step, to_step), first visits
                raw.entries[dst] = count
            elif kind == 1:
                raw.transitions[(src, dst)] = (count, cases, None if median is None else float(median))
            elif kind == 5:  # (journey, to_step)
                raw.reach[dst] = cases
                raw.last_seen[dst] = last
            elif kind == 6:  # (journey, stage)
                raw.stage_reach[stage] = cases
        return EngineResult(result, total, matched, unmatched, unmatched_names, skipped)
    finally:
        con.close()
        for folder in cleanup:
            shutil.rmtree(folder, ignore_errors=True)
