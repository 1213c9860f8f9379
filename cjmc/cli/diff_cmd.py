"""``cjmc diff``: how the journeys changed between two git revisions."""

from __future__ import annotations

import click

from .options import project_argument, run_guarded, write_output


@click.command()
@project_argument
@click.option("--base", required=True, help="The git revision to compare from (a branch, tag or commit).")
@click.option("--head", default=None, help="The git revision to compare to (default: the working tree).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="markdown is made to be posted as a pull-request comment.")
@click.option("--no-lint", is_flag=True, help="Do not compare lint findings (faster).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write to this file.")
def diff(project, base, head, fmt, no_lint, output) -> None:
    """Summarise how the journeys of PROJECT changed from --base to --head.

    Journeys, stages and steps added, removed, renamed or moved; emotion
    changes with the curve before and after; pain points added, resolved or
    re-rated; moments of truth; KPI targets and actuals; lint findings
    introduced and fixed. Exit 0 whatever changed; 2 when it cannot run.
    """

    def action() -> int:
        from ..config import resolve_project
        from ..workflow.compare import compare
        from ..workflow.diff_render import render_json, render_markdown, render_text

        root = resolve_project(project)
        result = compare(root, base, head, lint=not no_lint)
        if fmt == "markdown":
            text = render_markdown(result, base=base, head=head or "")
        elif fmt == "json":
            text = render_json(result)
        else:
            text = render_text(result)
        write_output(text, output)
        return 0

    run_guarded(action)
