"""``cjmc init``: create a new journey project."""

from __future__ import annotations

import click

from .options import run_guarded


@click.command()
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False))
@click.option("--name", default=None, help="The project's name (default: from the folder name).")
def init(directory, name) -> None:
    """Create a journey project in DIRECTORY (default: the current folder).

    Writes cjmc.yaml, a catalog, a persona and a journey that uses every lane,
    the JSON Schemas for editor completion (.cjmc/schemas, .vscode/settings.json)
    and a GitHub workflow. Never overwrites a file: if any exists, nothing is
    written and the command exits 2 listing them.
    """

    def action() -> int:
        from pathlib import Path

        from ..workflow.init import init_project

        written = init_project(Path(directory), name)
        for relative in written:
            click.echo(f"created {relative}")
        click.echo(f"\nNext: cd {directory} && cjmc lint && cjmc serve")
        return 0

    run_guarded(action)
