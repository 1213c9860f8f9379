"""``cjmc validate`` and ``cjmc lint``."""

from __future__ import annotations

import os
import sys

import click

from .options import OrderedCommand, output_pairs, project_argument, report_options, run_guarded, write_output


def _color_wanted(destination: str | None) -> bool:
    return destination is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def emit_reports(ctx: click.Context, diagnostics, root, files, formats, outputs, command: str) -> None:
    from .. import __version__
    from ..report import ReportContext, reporter

    rules = {}
    if any(f in ("sarif", "gitlab", "junit", "github") for f in formats):
        from ..lint.registry import rule_infos

        rules = rule_infos()
    for fmt, destination in output_pairs(ctx, formats, outputs):
        context = ReportContext(root=root, files=files, rules=rules, color=_color_wanted(destination) and fmt == "text",
                                tool_version=__version__, command=command)
        write_output(reporter(fmt)(diagnostics, context), destination)


cache_option = click.option(
    "--cache", is_flag=True,
    help="Reuse and update PROJECT/.cjmc-cache, as build does: map files unchanged since the last cached run "
         "are not parsed again. For portfolios of 512 KB of YAML and more.")


@click.command(cls=OrderedCommand)
@project_argument
@report_options
@cache_option
@click.pass_context
def validate(ctx: click.Context, project, formats, outputs, fail_on, cache) -> None:
    """Parse, schema-check and link the maps of PROJECT (no lint rules)."""

    def action() -> int:
        from ..check import check_project
        from ..config import resolve_project
        from ..diagnostics import fails

        root = resolve_project(project)
        checked, _ = check_project(root, lint=False, cache=cache)
        emit_reports(ctx, checked.diagnostics, root, checked.files, formats, outputs, "validate")
        return 1 if fails(checked.diagnostics, fail_on) else 0

    run_guarded(action)


@click.command(cls=OrderedCommand)
@project_argument
@report_options
@click.option("--select", "select", multiple=True, help="Run only these rules (repeat or comma-separate).")
@click.option("--ignore", "ignore", multiple=True, help="Do not run these rules (repeat or comma-separate).")
@click.option("--baseline", default=None,
              help="A git revision or a saved baseline file: report only findings introduced since.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), default=None,
              help="Save the current findings as a baseline file.")
@cache_option
@click.pass_context
def lint(ctx: click.Context, project, formats, outputs, fail_on, select, ignore, baseline, write_baseline,
         cache) -> None:
    """Validate PROJECT, then run the lint rules."""

    def action() -> int:
        from ..check import check_project
        from ..config import resolve_project
        from ..diagnostics import fails

        root = resolve_project(project)
        checked, note = check_project(root, lint=True, select=_split(select), ignore=_split(ignore), cache=cache)
        if note:
            click.echo(f"cjmc: note: {note}", err=True)
        diagnostics = checked.diagnostics
        if write_baseline:
            from ..baseline import save_baseline

            save_baseline(diagnostics, write_baseline)
        if baseline:
            from ..baseline import filter_new

            diagnostics = filter_new(diagnostics, baseline, root)
        emit_reports(ctx, diagnostics, root, checked.files, formats, outputs, "lint")
        return 1 if fails(diagnostics, fail_on) else 0

    run_guarded(action)


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]
