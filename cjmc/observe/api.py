"""Entry points: observe a compiled project, or print the query for a warehouse.

    from cjmc.pipeline import compile_project
    from cjmc.observe.api import observe, observations_for_build

    report = observe(compile_project("examples"), events=["/tmp/events.csv"])
    report.journeys["buy-first-bike"].step_reach

Every problem with the event data is a :class:`~cjmc.diagnostics.UsageError`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

from ..config import relative
from ..diagnostics import UsageError
from ..model import Journey, Project
from ..pipeline import Compilation
from .analyze import RawJourney, observed_journey
from .mapping import build_mapping
from .model import ObservationReport, ObservedJourney
from .sql import Columns, full_query, source_select, table_select


def columns_of(events_config: Mapping) -> Columns:
    return Columns(case=events_config.get("case_column") or "case_id",
                   time=events_config.get("time_column") or "timestamp",
                   event=events_config.get("event_column") or "event")


def has_event_sources(compilation: Compilation) -> bool:
    return bool((compilation.config.events or {}).get("sources"))


def selected_journeys(project: Project, journey_id: str | None) -> list[Journey]:
    if journey_id is None:
        if not project.journeys:
            raise UsageError("the project has no journeys to observe")
        return list(project.journeys.values())
    if journey_id not in project.journeys:
        from ..validate.messages import did_you_mean

        hint = did_you_mean(journey_id, project.journeys)
        raise UsageError(f"no journey `{journey_id}` in the project" + (f"; {hint}" if hint else ""))
    return [project.journeys[journey_id]]


def _source_groups(compilation: Compilation, events: Sequence[str] | None):
    from .engine import resolve_sources

    if events:
        return resolve_sources(events, Path.cwd(), "--events")
    patterns = (compilation.config.events or {}).get("sources") or []
    if not patterns:
        raise UsageError("the project names no event sources: add `events: {sources: [\"data/events/*.csv\"]}` "
                         "to cjmc.yaml, or pass --events FILE or --transitions FILE")
    return resolve_sources(patterns, compilation.config.root, "events.sources pattern")


def observe(compilation: Compilation, journey_id: str | None = None, *, events: Sequence[str] | None = None,
            transitions: str | Path | None = None, threads: int | None = None,
            memory_limit: str | None = None) -> ObservationReport:
    """Observe the project's journeys from its event sources (or ``events`` globs, or a transitions file)."""
    project = compilation.project
    journeys = selected_journeys(project, journey_id)
    rows, notes = build_mapping(journeys)
    if transitions is not None:
        from .transitions_file import read_transitions

        default = journeys[0].id if len(journeys) == 1 else None
        raws, file_notes = read_transitions(Path(transitions), [j.id for j in journeys], default)
        notes += file_notes + _unknown_step_notes(journeys, raws)
        return ObservationReport(journeys=_observed(journeys, raws, "transitions"), source="transitions",
                                 files=(str(transitions),), notes=notes)

    from .engine import require_duckdb, run

    groups = _source_groups(compilation, events)
    require_duckdb()
    if journey_id is not None:
        # Map every journey's events, so another journey's events do not show up as
        # "matched no step"; only the selected journey is reported.
        rows, _ = build_mapping(list(project.journeys.values()))
    result = run(rows, groups, columns_of(compilation.config.events or {}), threads=threads,
                 memory_limit=memory_limit)
    root = compilation.config.root
    return ObservationReport(
        journeys=_observed(journeys, result.journeys, "events"), source="events",
        files=tuple(relative(Path(p), root) for g in groups for p in g.paths),
        events=result.events, matched_events=result.matched, unmatched_events=result.unmatched,
        unmatched_names=result.unmatched_names, skipped_events=result.skipped, notes=notes)


def observations_for_build(compilation: Compilation, events_root: Path | None = None
                           ) -> tuple[dict[str, ObservedJourney] | None, str]:
    """Observations for ``lint``, ``build``, baselines and diffs, which must not fail because event data is absent.

    Returns (observations or None, a note for the user or ""). Event logs are
    often produced by a separate export job, so when the configured sources
    match no file, or DuckDB is not installed, the observed checks and page
    sections are skipped with a note; unreadable or malformed data is still a
    UsageError, like in ``cjmc observe``.

    ``events_root`` names the project whose ``cjmc.yaml`` and event files to
    use (default: the compiled project itself). A baseline or diff compiles an
    old revision in a temporary folder and passes the current project here,
    so old and new maps are compared against the same event data.
    """
    from ..config import load_config

    if compilation.project is None or not compilation.valid or not compilation.project.journeys:
        return None, ""
    config = compilation.config if events_root is None else load_config(Path(events_root))
    patterns = (config.events or {}).get("sources") or []
    if not patterns:
        return None, ""
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return None, "events are configured but DuckDB is not installed; observed checks skipped " \
                     "(pip install 'cjmc[observe]')"
    if not any(any(config.root.glob(pattern)) for pattern in patterns):
        return None, f"no event file matches events.sources ({', '.join(patterns)}); observed checks skipped"
    if events_root is None:
        return dict(observe(compilation).journeys), ""
    return dict(observe(compilation, events=[str(config.root / p) for p in patterns]).journeys), ""


def emit_sql(compilation: Compilation, journey_id: str | None = None, *, events: Sequence[str] | None = None,
             events_table: str | None = None) -> str:
    """The observation query with the mapping as a VALUES list (needs no DuckDB to print)."""
    journeys = selected_journeys(compilation.project, journey_id)
    rows, notes = build_mapping(journeys)
    columns = columns_of(compilation.config.events or {})
    if events_table:
        source = table_select(events_table, columns)
        origin = f"table {events_table}"
    else:
        groups = _source_groups(compilation, events)
        source = source_select(groups, columns)
        origin = "the files below (DuckDB read_csv / read_parquet; replace with your table elsewhere)"
    header = (f"-- cjmc observe: observed journeys for {', '.join(j.id for j in journeys)}\n"
              f"-- Events from {origin}.\n"
              f"-- Result: journey, from_step, to_step, count, cases, median_seconds; rows with from_step NULL\n"
              f"-- are entries. Save it as CSV and run: cjmc observe --transitions FILE. See docs/observe.md.\n"
              f"-- Times without a zone are read in the session time zone; cjmc uses UTC (SET TimeZone = 'UTC').\n"
              + "".join(f"-- note: {note}\n" for note in notes))
    return full_query(rows, source, header)


def _observed(journeys: Sequence[Journey], raws: Mapping[str, RawJourney], source: str) -> dict[str, ObservedJourney]:
    empty = RawJourney(reach={}, last_seen={}, stage_reach={}) if source == "events" else RawJourney()
    return {j.id: observed_journey(j, raws.get(j.id, empty), source) for j in journeys}


def _unknown_step_notes(journeys: Sequence[Journey], raws: Mapping[str, RawJourney]) -> tuple[str, ...]:
    notes = []
    for journey in journeys:
        raw = raws.get(journey.id)
        if raw is None:
            continue
        known = {s.id for s in journey.steps}
        names = sorted({s for pair in raw.transitions for s in pair if s not in known}
                       | {s for s in raw.entries if s not in known})
        if names:
            notes.append(f"journey `{journey.id}` has no step {', '.join(f'`{n}`' for n in names)}; "
                         f"rows naming them were left out")
    return tuple(notes)
