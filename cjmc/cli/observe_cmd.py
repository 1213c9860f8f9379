"""``cjmc observe``: compare journeys with what customers did (event logs)."""

from __future__ import annotations

from pathlib import Path

import click

from .options import run_guarded, write_output


@click.command()
@click.argument("project", required=False)
@click.argument("journey_id", required=False)
@click.option("--format", "fmt", type=click.Choice(("text", "json", "csv")), default="text", show_default=True,
              help="Output format; csv is the transitions table, readable by --transitions.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write to FILE, not stdout.")
@click.option("--emit-sql", is_flag=True, help="Print the SQL (mapping included) instead of running it.")
@click.option("--events-table", default=None, metavar="TABLE",
              help="With --emit-sql: read events from this warehouse table instead of the project's files.")
@click.option("--events", "events", multiple=True, metavar="GLOB",
              help="Event files (CSV or Parquet) to read instead of events.sources; repeatable.")
@click.option("--transitions", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Use a transitions table (CSV from --emit-sql run elsewhere) instead of event files.")
@click.option("--memory-limit", default=None, metavar="SIZE",
              help="Let DuckDB use at most this much memory (e.g. 1GB) and spill to disk beyond it.")
@click.option("--threads", type=click.IntRange(min=1), default=None, help="DuckDB threads (default: all cores).")
def observe(project, journey_id, fmt, output, emit_sql, events_table, events, transitions, memory_limit,
            threads) -> None:
    """Compare the journeys of PROJECT (or one, JOURNEY_ID) with the event log.

    With one argument: a folder (or cjmc.yaml) is the project, anything else a
    journey id of the project found from the current folder.
    """

    def action() -> int:
        from ..config import resolve_project
        from ..pipeline import compile_project
        from ..report.text import format_text_line

        project_arg, journey_arg = _split_arguments(project, journey_id)
        if emit_sql and transitions:
            raise _usage("--emit-sql and --transitions do not go together")
        if events_table and not emit_sql:
            raise _usage("--events-table only applies to --emit-sql")
        if events and transitions:
            raise _usage("--events and --transitions do not go together")
        root = resolve_project(project_arg)
        result = compile_project(root)
        if not result.valid:
            for diagnostic in result.diagnostics:
                if diagnostic.severity == "error":
                    click.echo(format_text_line(diagnostic, color=False), err=True)
            click.echo("cjmc: the maps have errors; fix them first (cjmc validate)", err=True)
            return 1
        if emit_sql:
            from ..observe.api import emit_sql as build_sql

            write_output(build_sql(result, journey_arg, events=events, events_table=events_table), output)
            return 0
        from ..observe.api import observe as run_observe
        from ..observe.report import render

        report = run_observe(result, journey_arg, events=events or None, transitions=transitions,
                             threads=threads, memory_limit=memory_limit)
        write_output(render(report, result.project, fmt), output)
        return 0

    run_guarded(action)


def _usage(message: str):
    from ..diagnostics import UsageError

    return UsageError(message)


def _split_arguments(project: str | None, journey_id: str | None) -> tuple[str | None, str | None]:
    if project is not None and journey_id is None:
        path = Path(project)
        if not path.exists() and "/" not in project and "\\" not in project:
            return None, project
    return project, journey_id
