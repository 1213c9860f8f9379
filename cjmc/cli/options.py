"""Options shared by commands, and the glue from a run to exit codes."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable

import click

from ..diagnostics import FAIL_ON_CHOICES, UsageError
from ..report import FORMATS


class OrderedCommand(click.Command):
    """Remembers the order options were given in, to pair ``-o FILE`` with the ``--format`` before it."""

    def make_parser(self, ctx: click.Context):
        parser = super().make_parser(ctx)
        original = parser.parse_args

        def parse_args(args):
            opts, rest, order = original(args)
            ctx.meta["cjmc.param_order"] = [getattr(p, "name", None) for p in order]
            return opts, rest, order

        parser.parse_args = parse_args
        return parser


def output_pairs(ctx: click.Context, formats: tuple[str, ...], outputs: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """Pair each ``-o`` with the ``--format`` given just before it (text when none)."""
    order = [name for name in ctx.meta.get("cjmc.param_order", []) if name in ("formats", "outputs")]
    pairs: list[list] = []
    fi = oi = 0
    for name in order:
        if name == "formats" and fi < len(formats):
            pairs.append([formats[fi], None])
            fi += 1
        elif name == "outputs" and oi < len(outputs):
            if not pairs or pairs[-1][1] is not None:
                pairs.append(["text", None])
            pairs[-1][1] = outputs[oi]
            oi += 1
    pairs.extend([f, None] for f in formats[fi:])
    for extra in outputs[oi:]:
        pairs.append(["text", extra])
    if not pairs:
        pairs.append(["text", None])
    return [(f, o) for f, o in pairs]


def project_argument(func: Callable) -> Callable:
    return click.argument("project", required=False, type=click.Path(file_okay=True, dir_okay=True))(func)


def report_options(func: Callable) -> Callable:
    func = click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES), default="error", show_default=True,
                        help="Exit 1 when a finding is at or above this severity.")(func)
    func = click.option("-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False),
                        help="Write the preceding --format to this file instead of stdout.")(func)
    func = click.option("--format", "formats", multiple=True, type=click.Choice(sorted(FORMATS)),
                        help="Output format; repeat for several (default: text).")(func)
    return func


def fail(message: str) -> None:
    """Print a usage problem and exit 2."""
    click.echo(f"cjmc: error: {message}", err=True)
    sys.exit(2)


def run_guarded(action: Callable[[], int]) -> None:
    """Run ``action``; UsageError → exit 2 with its diagnostics, never a traceback."""
    from ..report.text import format_text_line

    try:
        code = action()
    except UsageError as exc:
        for diagnostic in exc.diagnostics:
            click.echo(format_text_line(diagnostic, color=False), err=True)
        fail(str(exc))
        return
    except OSError as exc:
        fail(f"{exc.strerror or exc}: {getattr(exc, 'filename', '') or ''}".rstrip(": "))
        return
    except Exception as exc:  # a bug of ours: say so plainly, keep the traceback for CJMC_DEBUG
        if os.environ.get("CJMC_DEBUG"):
            raise
        fail(f"internal error ({type(exc).__name__}: {exc}); rerun with CJMC_DEBUG=1 and report it")
        return
    sys.exit(code)


def write_output(text: str, destination: str | None) -> None:
    if destination is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    from ..fsutil import atomic_write_text

    atomic_write_text(Path(destination), text)
