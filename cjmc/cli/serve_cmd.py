"""``cjmc serve``: build, serve on localhost and rebuild on change."""

from __future__ import annotations

import click

from .options import project_argument, run_guarded


@click.command()
@project_argument
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but localhost exposes the site to your network.")
@click.option("--interval", type=click.FloatRange(0.05, 10), default=0.5, show_default=True,
              help="Seconds between checks for changed files.")
@click.option("--verbose", is_flag=True, help="Log every request.")
def serve(project, port, host, interval, verbose) -> None:
    """Build the site of PROJECT, serve it and rebuild when a map changes.

    Watches the map files, cjmc.yaml and the site templates; open pages reload
    by themselves after each rebuild. While the maps are invalid, pages show
    the findings instead. The site is built into a temporary folder (nothing
    is written into the project) and removed on exit.
    """

    def action() -> int:
        from .. import runtime
        from ..config import resolve_project

        runtime.ONE_SHOT = False  # a long-running process: compiles again on every change
        from ..workflow.serve import flush_print
        from ..workflow.serve import serve as run
        from ..interrupts import stop_on_signals

        root = resolve_project(project)
        stop_on_signals()  # main() did already; a test's CliRunner does not go through it
        try:
            run(root, host, port, interval=interval, say=flush_print, quiet=not verbose)
        except KeyboardInterrupt:
            flush_print("stopped")
        return 0

    run_guarded(action)
