"""``cjmc render``: one journey's diagram, the portfolio, or all of them.

Formats: flow and portfolio diagrams as dot, svg or png (svg/png need a
Graphviz engine); emotion curves are pure SVG, so ``--kind emotion`` accepts
svg and dot-free output only; png is not offered for them (exit 2 says so).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .options import fail, run_guarded

KINDS = ("flow", "emotion", "portfolio")


@click.command()
@click.argument("journey_id", required=False)
@click.option("-p", "--project", default=None, type=click.Path(), help="Project folder (default: discovered).")
@click.option("-f", "--format", "fmt", type=click.Choice(["svg", "png", "dot"]), default="svg", show_default=True)
@click.option("-o", "--output", default=None, type=click.Path(),
              help="Output file (a folder with --all). Default: stdout (svg/dot only).")
@click.option("--kind", type=click.Choice(KINDS), default="flow", show_default=True)
@click.option("--engine", type=click.Choice(["auto", "dot", "graphviz-pure"]), default=None,
              help="Graphviz engine (default: diagrams.engine from cjmc.yaml, else auto).")
@click.option("--all", "render_all", is_flag=True,
              help="Every journey's flow and emotion curve plus the portfolio into the -o folder (cached).")
def render(journey_id, project, fmt, output, kind, engine, render_all) -> None:
    """Render JOURNEY_ID's diagram (flow or emotion curve), or the portfolio map."""

    def action() -> int:
        from ..config import resolve_project
        from ..pipeline import compile_project
        from ..render.api import RenderError

        if render_all:
            if not output:
                fail("--all needs -o DIR")
            if journey_id:
                fail("give either JOURNEY_ID or --all, not both")
        elif kind != "portfolio" and not journey_id:
            fail("missing JOURNEY_ID (or use --kind portfolio, or --all -o DIR)")
        if fmt == "png" and not output:
            fail("png output needs -o FILE")
        if kind == "emotion" and fmt == "png" and not render_all:
            fail("png is not available for emotion curves (they are drawn as SVG without Graphviz); use -f svg")
        root = resolve_project(project)
        if render_all:
            from ..config import load_config
            from ..sharded import compile_fastest

            done = compile_fastest(root, load_config(root), per_journey=_journey_files)
            result, made = done.compilation, done.per_journey
        else:
            result, made = compile_project(root), None
        if not result.valid:
            _print_diagnostics(result, root)
            return 1
        chosen = engine or result.config.diagrams_engine or "auto"
        try:
            if render_all:
                _render_all(result.project, fmt, Path(output), chosen, made)
            else:
                _render_one(result.project, journey_id, kind, fmt, output, chosen)
        except RenderError as exc:
            fail(str(exc))
        return 0

    run_guarded(action)


def _print_diagnostics(result, root) -> None:
    from ..report import ReportContext, reporter

    text = reporter("text")(result.diagnostics, ReportContext(root=root, files=result.project.files,
                                                              command="render"))
    click.echo(text, err=True, nl=not text.endswith("\n"))


def _render_one(project, journey_id, kind, fmt, output, engine) -> None:
    from ..render import api

    if kind == "portfolio":
        dot = api.portfolio_dot(project)
    else:
        journey = project.journeys.get(journey_id)
        if journey is None:
            from ..validate.messages import did_you_mean

            hint = did_you_mean(journey_id, project.journeys)
            fail(f"no journey `{journey_id}`" + (f"; {hint}" if hint else ""))
        if kind == "emotion":
            _emit(api.emotion_curve_svg(project, journey).encode("utf-8"), output)
            return
        dot = api.journey_flow_dot(project, journey)
    if fmt == "dot":
        _emit(dot.encode("utf-8"), output)
    elif fmt == "svg":
        _emit(api.render_svgs({"diagram": dot}, engine=engine)["diagram"].encode("utf-8"), output)
    else:
        from ..render.engines import render_many

        _emit(render_many([("diagram", dot)], "png", engine)["diagram"], output)


def _journey_files(project, journey) -> tuple[str, str]:
    """A journey's flow diagram as DOT and its emotion curve as SVG (run in the shards of a large project)."""
    from ..render import api

    return api.journey_flow_dot(project, journey), api.emotion_curve_svg(project, journey)


def _render_all(project, fmt, folder: Path, engine, made: dict | None = None) -> None:
    """Write every diagram into ``folder``, one file at a time, leaving files that did not change untouched."""
    from ..fsutil import atomic_write_bytes
    from ..render import api
    from ..render.cache import RenderStats, start_cached
    from ..render.svgclean import clean_svg

    made = made or {}
    outputs = {jid: made.get(jid) or _journey_files(project, journey) for jid, journey in project.journeys.items()}
    dots = {f"{jid}.flow": dot for jid, (dot, _) in outputs.items()}
    dots["portfolio"] = api.portfolio_dot(project)
    stats = RenderStats()
    written = 0

    def put(name: str, data: bytes) -> None:
        nonlocal written
        written += 1
        target = folder / name
        if not target.is_file() or target.read_bytes() != data:
            atomic_write_bytes(target, data)

    if fmt == "dot":
        for key in sorted(dots):
            put(f"{key}.dot", dots[key].encode("utf-8"))
    else:
        rendering = start_cached(list(dots.items()), fmt, engine, folder / ".cjmc-cache", stats)
        dots.clear()
        try:
            for key, data in rendering.each():
                put(f"{key}.{fmt}", clean_svg(data.decode("utf-8")).encode("utf-8") if fmt == "svg" else data)
        finally:
            rendering.cancel()
    for jid in sorted(outputs):
        put(f"{jid}.emotion.svg", outputs[jid][1].encode("utf-8"))
    click.echo(f"rendered {stats.rendered}, reused {stats.reused} ({written} files in {folder})", err=True)


def _emit(data: bytes, output: str | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from ..fsutil import atomic_write_bytes

    atomic_write_bytes(Path(output), data)
