"""``cjmc import ...``: bring journeys in from other tools.

Only parses options and prints; the work is :func:`cjmc.interop.mermaid_import.import_mermaid`.
Exit codes follow FORMAT.md section 7: 0 everything imported (warnings
allowed), 1 some input had errors (the rest was still imported), 2 the
command could not run (bad arguments, unreadable files, existing outputs).
"""

from __future__ import annotations

from pathlib import Path

import click

from ..interop.mermaid_import import ImportReport, MermaidImportError, import_mermaid

RULE = "mermaid-import"


@click.group("import")
def import_group() -> None:
    """Import journey maps written for other tools."""


@import_group.command("mermaid")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", default=".", show_default=True,
              type=click.Path(path_type=Path, file_okay=False),
              help="Project folder to write maps/ (and a cjmc.yaml, if it has none) into.")
@click.option("--force", is_flag=True, help="Replace map files that already exist.")
@click.pass_context
def mermaid_command(ctx: click.Context, files: tuple[Path, ...], out_dir: Path, force: bool) -> None:
    """Import Mermaid `journey` diagrams from FILE... (.mmd files, or Markdown with ```mermaid blocks)."""
    try:
        report = import_mermaid(list(files), out_dir, force=force)
    except MermaidImportError as exc:
        click.echo(f"cjmc import mermaid: error: {exc}", err=True)
        ctx.exit(2)
    for issue in report.issues:
        click.echo(f"{issue.file}:{issue.line}:{issue.column}: {issue.severity} {RULE}: {issue.message}")
    click.echo(summary_line(report, out_dir))
    ctx.exit(1 if report.has_errors else 0)


def summary_line(report: ImportReport, out_dir: Path) -> str:
    journeys = sum(s.journeys for s in report.sources)
    stages = sum(s.stages for s in report.sources)
    steps = sum(s.steps for s in report.sources)
    felt = sum(s.steps_with_emotion for s in report.sources)
    used = sum(1 for s in report.sources if s.journeys)
    wrote = f"wrote {len(report.written)} file(s) under {out_dir}" if report.written else "nothing written"
    return (f"{journeys} journey(s), {stages} stage(s), {steps} step(s) ({felt} with an emotion) from "
            f"{used} of {len(report.sources)} file(s); {len(report.warnings)} warning(s), "
            f"{len(report.errors)} error(s); {wrote}")
