"""``cjmc build``: validate, lint, render diagrams and write the HTML site."""

from __future__ import annotations

import sys
import time

import click

from ..diagnostics import FAIL_ON_CHOICES
from .options import project_argument, run_guarded

ENGINES = ("auto", "dot", "graphviz-pure")


@click.command()
@project_argument
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="Folder to write the site to (default: PROJECT/_site). It is replaced as a whole.")
@click.option("--strict", is_flag=True, help="Do not publish, and exit 1, when a finding is at or above --fail-on.")
@click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES), default="error", show_default=True,
              help="With --strict: the severity that blocks publishing.")
@click.option("--force", is_flag=True, help="Replace an existing non-empty output folder not created by cjmc.")
@click.option("--engine", type=click.Choice(ENGINES), default=None,
              help="Graphviz engine for diagrams (default: diagrams.engine in cjmc.yaml, else auto).")
@click.option("--no-cache", is_flag=True,
              help="Make everything anew: do not use or update .cjmc-cache nor reuse pages of the previous build.")
@click.option("--timings", is_flag=True,
              help="Print how long each phase of the build took (wall and CPU seconds) to stderr.")
def build(project, output, strict, fail_on, force, engine, no_cache, timings) -> None:
    """Validate and lint PROJECT, render every diagram and write the HTML site.

    An invalid project (YAML, schema or reference errors) is never published:
    the errors are printed and the exit code is 1. Lint findings do not block
    publishing unless --strict is given. The previous site stays intact if the
    build fails or is interrupted. A large portfolio is rebuilt incrementally:
    unchanged map files, diagrams and pages come from .cjmc-cache and the
    previous build.
    """

    def action() -> int:
        from pathlib import Path

        from ..config import resolve_project
        from ..report.text import format_text_line, summary_line
        from ..site.builder import build_site
        from ..timings import format_timings

        root = resolve_project(project)
        interactive = sys.stderr.isatty()
        started = time.perf_counter()

        def progress(message: str) -> None:
            if interactive:
                click.echo(f"[{time.perf_counter() - started:5.1f}s] {message}", err=True)

        result = build_site(root, Path(output) if output else None, strict=strict, fail_on=fail_on, force=force,
                            engine=engine, progress=progress, cache=not no_cache)
        if result.blocked:
            shown = [d for d in result.diagnostics if result.blocked == "strict" or d.severity == "error"]
            for diagnostic in shown:
                click.echo(format_text_line(diagnostic, color=False), err=True)
            reason = ("the maps are invalid" if result.blocked == "invalid"
                      else f"findings at or above {fail_on} with --strict")
            click.echo(f"cjmc build: site not written: {reason} ({summary_line(result.diagnostics, 0).split(' in ')[0]})",
                       err=True)
            return 1
        for note in result.notes:
            if not interactive:  # on a terminal it was already shown as progress
                click.echo(f"cjmc: note: {note}", err=True)
        counts = summary_line(result.diagnostics, 0).split(" in ")[0]
        reused = f", {result.reused_pages} unchanged" if result.reused_pages else ""
        click.echo(f"cjmc build: wrote {result.pages} pages{reused} and {result.diagrams} diagrams to {result.out} "
                   f"in {result.seconds:.1f}s ({counts}; see lint.html)", err=True)
        if timings and result.timings is not None:
            click.echo(format_timings(result.timings.phases, result.timings.total()), err=True)
        return 0

    run_guarded(action)
