"""The observation query as plain SQL text.

The same text runs inside cjmc (DuckDB) and is printed by
``cjmc observe --emit-sql`` for a warehouse, so the numbers cannot drift
apart. docs/observe.md explains each CTE. Everything here is string
building; nothing imports DuckDB.

The query's result is the *transitions table*: one row per
``(journey, from_step, to_step)`` with ``count``, ``cases`` and
``median_seconds``; rows whose ``from_step`` is NULL count the cases whose
first observed step is ``to_step`` (entries). ``cjmc observe --transitions
FILE`` reads that table back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .mapping import StepEvent

CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass(frozen=True, slots=True)
class Columns:
    case: str = "case_id"
    time: str = "timestamp"
    event: str = "event"


@dataclass(frozen=True, slots=True)
class SourceGroup:
    kind: str  # "csv" | "parquet"
    paths: tuple[str, ...]


def literal(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def reader(group: SourceGroup) -> str:
    """The DuckDB table function reading one group of files."""
    paths = "[" + ", ".join(literal(p) for p in group.paths) + "]"
    if group.kind == "csv":
        return f"read_csv({paths}, header = true, all_varchar = true, union_by_name = true)"
    return f"read_parquet({paths}, union_by_name = true)"


def source_select(groups: Sequence[SourceGroup], columns: Columns, *, raw_time: bool = False) -> str:
    """SELECT case_id, ts, event from every group (UNION ALL). ``raw_time``: keep the time column uncast."""
    time = ident(columns.time) if raw_time else f"CAST({ident(columns.time)} AS TIMESTAMPTZ)"
    parts = [f"SELECT CAST({ident(columns.case)} AS VARCHAR) AS case_id,\n"
             f"         {time} AS ts,\n"
             f"         CAST({ident(columns.event)} AS VARCHAR) AS event\n"
             f"  FROM {reader(group)}" for group in groups]
    return "\n  UNION ALL\n  ".join(parts)


def table_select(table: str, columns: Columns) -> str:
    """SELECT case_id, ts, event from a warehouse table (for --emit-sql --events-table)."""
    return (f"SELECT CAST({ident(columns.case)} AS VARCHAR) AS case_id,\n"
            f"         CAST({ident(columns.time)} AS TIMESTAMPTZ) AS ts,\n"
            f"         CAST({ident(columns.event)} AS VARCHAR) AS event\n"
            f"  FROM {table}")


def mapping_values(rows: Sequence[StepEvent]) -> str:
    lines = [f"    ({literal(r.event)}, {literal(r.journey)}, {literal(r.step)}, {r.step_index}, {literal(r.stage)})"
             for r in rows]
    return "  VALUES\n" + ",\n".join(lines)


def moves_ctes(rows: Sequence[StepEvent], source: str) -> str:
    """The WITH clause, ending in the ``moves`` CTE (one row per visit to a step)."""
    return f"""WITH
-- 1. step_events: the mapping table, from the maps (a step's `events:`, else `<journey>.<step>`).
step_events (event, journey, step, step_index, stage) AS (
{mapping_values(rows)}
),
-- 2. raw_events: the event log, reduced to the three columns cjmc needs.
raw_events AS (
  {source}
),
-- 3. mapped: events whose name belongs to a step (inner join: other events are left out),
--    without rows that have no case id or no timestamp.
mapped AS (
  SELECT r.case_id, r.ts, m.journey, m.step, m.step_index, m.stage
  FROM raw_events AS r
  JOIN step_events AS m ON m.event = r.event
  WHERE r.case_id IS NOT NULL AND r.case_id <> '' AND r.ts IS NOT NULL
),
-- 4. sequenced: each case's events in time order (ties: document order of the step),
--    with the step of the event just before.
sequenced AS (
  SELECT case_id, ts, journey, step, step_index, stage,
         LAG(step) OVER (PARTITION BY journey, case_id ORDER BY ts, step_index) AS prev_step
  FROM mapped
),
-- 5. visits: arrivals at a step; further events at the step the case is already at are merged.
visits AS (
  SELECT case_id, ts, journey, step, step_index, stage
  FROM sequenced
  WHERE prev_step IS NULL OR prev_step <> step
),
-- 6. moves: each visit with the visit before it (from_step NULL: the case's first visit)
--    and whether it is the case's last visit in the journey.
moves AS (
  SELECT journey, case_id, stage,
         LAG(step) OVER (PARTITION BY journey, case_id ORDER BY ts, step_index) AS from_step,
         step AS to_step,
         LAG(ts) OVER (PARTITION BY journey, case_id ORDER BY ts, step_index) AS from_ts,
         ts AS to_ts,
         LEAD(step) OVER (PARTITION BY journey, case_id ORDER BY ts, step_index) IS NULL AS is_last
  FROM visits
)"""


def transitions_select(table: str = "moves") -> str:
    """7. The transitions table. Entries are the rows with from_step NULL."""
    return f"""-- 7. transitions: per journey and (from_step, to_step): how often, by how many cases, median seconds
--    between arriving at from_step and arriving at to_step. from_step NULL: entries (first visits).
SELECT journey, from_step, to_step,
       COUNT(*) AS count,
       COUNT(DISTINCT case_id) AS cases,
       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (to_ts - from_ts))) AS median_seconds
FROM {table}
GROUP BY journey, from_step, to_step
ORDER BY journey, from_step NULLS FIRST, to_step"""


def summary_select(table: str = "moves") -> str:
    """What cjmc itself runs after the CTEs: the transitions table (``kind`` 1), and in the same
    pass per step (``kind`` 5: distinct cases reaching it, cases last seen there) and per stage
    (``kind`` 6: distinct cases reaching it). One pass over ``moves`` instead of three."""
    return f"""SELECT GROUPING(from_step, to_step, stage) AS kind, journey, from_step, to_step, stage,
       COUNT(*) AS count,
       COUNT(DISTINCT case_id) AS cases,
       COUNT(*) FILTER (WHERE is_last) AS last_seen,
       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (to_ts - from_ts))) AS median_seconds
FROM {table}
GROUP BY GROUPING SETS ((journey, from_step, to_step), (journey, to_step), (journey, stage))"""


def full_query(rows: Sequence[StepEvent], source: str, header: str = "") -> str:
    """The one query printed by --emit-sql: the WITH clause and the transitions table."""
    return f"{header}{moves_ctes(rows, source)}\n{transitions_select('moves')};\n"
