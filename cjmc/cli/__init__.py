"""The ``cjmc`` command line: a thin click layer over the library.

Commands live in their own modules and are imported only when run, so
``cjmc --help`` and ``cjmc --version`` stay fast.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from .. import __version__

# command name -> "module:attribute", imported on first use
COMMANDS = {
    "validate": "cjmc.cli.check_cmds:validate",
    "lint": "cjmc.cli.check_cmds:lint",
    "build": "cjmc.cli.build_cmd:build",
    "render": "cjmc.cli.render_cmd:render",
    "schema": "cjmc.cli.info_cmds:schema",
    "rules": "cjmc.cli.info_cmds:rules",
    "import": "cjmc.cli.interop_cmds:import_group",
    "export": "cjmc.cli.export_cmds:export_group",
    "init": "cjmc.cli.init_cmd:init",
    "diff": "cjmc.cli.diff_cmd:diff",
    "serve": "cjmc.cli.serve_cmd:serve",
    "observe": "cjmc.cli.observe_cmd:observe",
}

SHORT_HELP = {
    "validate": "Parse, schema-check and link the maps (no lint rules).",
    "lint": "Validate, then run the lint rules.",
    "build": "Validate, lint, render diagrams and write the HTML site.",
    "render": "Render a journey's diagram (flow, emotion curve, portfolio).",
    "schema": "Print the JSON Schema of a kind, or of a whole map file.",
    "rules": "List the lint rules, or explain one.",
    "import": "Import journeys from other formats (Mermaid).",
    "export": "Export the model (Mermaid, JSON manifest, CSV).",
    "init": "Create a new journey project.",
    "diff": "Summarise how journeys changed between two git revisions.",
    "serve": "Build, serve on localhost and rebuild on change.",
    "observe": "Compare journeys with what customers actually did (event logs).",
}


class LazyGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # before Click, which would print "Aborted!" and exit 1 (see cjmc.interrupts)
            from ..interrupts import exit_code

            click.echo("cjmc: interrupted", err=True)
            sys.exit(exit_code())

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if _available(name)]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None or not _available(name):
            return None
        module_name, attribute = target.split(":")
        return getattr(importlib.import_module(module_name), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SHORT_HELP.get(name, "")) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _available(name: str) -> bool:
    module_name = COMMANDS[name].split(":")[0]
    return importlib.util.find_spec(module_name) is not None


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: cjmc's version and which YAML loader this install uses (looked for only when asked)."""
    if not value or ctx.resilient_parsing:
        return
    from ..load.c_loader import c_loader

    click.echo(f"cjmc, version {__version__}\nYAML loader: {c_loader()[1]}")
    ctx.exit()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-V", "--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and which YAML loader is in use, and exit.")
def cli() -> None:
    """cjmc: validate, lint and publish customer journey maps kept as YAML."""


def main() -> None:
    from .. import runtime
    from ..interrupts import stop_on_signals

    runtime.ONE_SHOT = True
    stop_on_signals()
    try:
        cli.main(prog_name="cjmc")
    except SystemExit as done:
        runtime.exit_without_teardown(done.code)
