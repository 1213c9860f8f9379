"""``cjmc export json|csv|mermaid``: the compiled model in formats other tools read.

Every subcommand compiles the project first; a project with validity errors
is not exported: its diagnostics go to stderr (as ``cjmc validate`` prints
them) and the exit code is 1. Output goes to stdout, or with ``-o FILE`` to
that file, written atomically.
"""

from __future__ import annotations

import os
import sys

import click

from .options import fail, project_argument, run_guarded, write_output

@click.group("export", context_settings={"help_option_names": ["-h", "--help"]})
def export_group() -> None:
    """Export the compiled model: a JSON manifest, CSV tables, Mermaid diagrams."""


def _compile_valid(project: str | None):
    """(root, compilation) of a valid project, or None after printing its validity errors to stderr."""
    from ..check import compile_linted
    from ..config import resolve_project

    root = resolve_project(project)
    result, _ = compile_linted(root, lint=False)
    if result.valid:
        return root, result
    from ..report import ReportContext
    from ..report.text import render

    color = sys.stderr.isatty() and "NO_COLOR" not in os.environ
    context = ReportContext(root=root, files=result.project.files if result.project else (), color=color,
                            command="export")
    click.echo(render(result.diagnostics, context), err=True, nl=False)
    click.echo("cjmc: nothing exported: fix the errors above first", err=True)
    return None


def _output_option(func):
    return click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
                        help="Write to this file (atomically) instead of stdout.")(func)


@export_group.command("json")
@project_argument
@_output_option
def export_json(project: str | None, output: str | None) -> None:
    """Write the compiled model of PROJECT as one JSON manifest (see docs/manifest.md)."""

    def action() -> int:
        from ..interop.manifest import build_manifest, dumps_manifest

        compiled = _compile_valid(project)
        if compiled is None:
            return 1
        _, result = compiled
        write_output(dumps_manifest(build_manifest(result)), output)
        return 0

    run_guarded(action)


@export_group.command("csv")
@project_argument
@click.option("--what", required=True, type=click.Choice(["pain-points", "opportunities", "steps"]),
              help="Which table: one row per pain point, opportunity or step.")
@click.option("--excel", is_flag=True, default=False,
              help="Start with a UTF-8 byte order mark so Excel reads non-ASCII text correctly.")
@_output_option
def export_csv_cmd(project: str | None, what: str, excel: bool, output: str | None) -> None:
    """Write a flat CSV table of PROJECT for spreadsheets (UTF-8, RFC 4180)."""

    def action() -> int:
        from ..interop.csv_export import export_csv

        compiled = _compile_valid(project)
        if compiled is None:
            return 1
        _, result = compiled
        text = export_csv(result.project, what, excel=excel)
        if output is None:
            # Bytes, so the \r\n line ends and the encoding reach stdout untouched on every platform.
            click.echo(text.encode("utf-8"), nl=False)
        else:
            write_output(text, output)
        return 0

    run_guarded(action)


@export_group.command("mermaid")
@click.argument("journey_id")
@click.option("-p", "--project", default=None, type=click.Path(file_okay=True, dir_okay=True),
              help="The project folder (default: the nearest folder upward holding a cjmc.yaml).")
@_output_option
def export_mermaid_cmd(journey_id: str, project: str | None, output: str | None) -> None:
    """Write journey JOURNEY_ID as a Mermaid `journey` diagram."""

    def action() -> int:
        from ..interop.mermaid_export import export_mermaid
        compiled = _compile_valid(project)
        if compiled is None:
            return 1
        _, result = compiled
        journey = result.project.journeys.get(journey_id)
        if journey is None:
            from ..validate.messages import did_you_mean

            hint = did_you_mean(journey_id, result.project.journeys) or \
                f"journeys: {', '.join(result.project.journeys) or '(none)'}"
            fail(f"no journey `{journey_id}` in this project; {hint}")
        names = {p.id: p.name for p in result.project.personas.values()}
        write_output(export_mermaid(journey, persona_names=names), output)
        return 0

    run_guarded(action)
