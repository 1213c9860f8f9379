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
CACHE_FOLDER = ".cjmc-cache"  # in the --all output folder: rendered diagrams and compiled map files


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

            # The shards leave each journey's DOT and emotion curve in a compile cache beside the
            # diagram cache and send only references: together they were ~110 MB in the main process.
            # Diagrams show no source positions: the journeys come without them (quicker to unpickle).
            done = compile_fastest(root, load_config(root), per_journey=_journey_files,
                                   cache_dir=Path(output) / CACHE_FOLDER / "compile", summary=_files_summary,
                                   positions=False)
            result, made = done.compilation, done.per_journey
        else:
            result, made = compile_project(root), None
        if not result.valid:
            _print_diagnostics(result, root)
            return 1
        chosen = engine or result.config.diagrams_engine or "auto"
        try:
            if render_all:
                from .. import runtime

                runtime.keep_until_exit(result)  # a large model, freed by the process's end instead
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


def _files_summary(files: tuple[str, str]) -> str:
    """What ``--all`` needs of :func:`_journey_files` compiled before: the flow's DOT by its digest."""
    from ..render.cache import text_digest

    return text_digest(files[0])


def _render_all(project, fmt, folder: Path, engine, made: dict | None = None) -> None:
    """Write every diagram into ``folder``, one file at a time, leaving files that did not change untouched.

    A journey's diagrams made in a shard may wait in the compile cache (a
    :class:`~cjmc.sharded.CachedValue`): they are read from there one
    journey at a time, the DOT text only when its diagram is not cached.
    """
    from ..fsutil import atomic_write_bytes
    from ..keyed_cache import KeyedFolder
    from ..render import api
    from ..render.cache import KnownText, RenderStats, start_cached
    from ..render.svgclean import clean_svg_bytes

    made = made or {}
    files = {jid: _JourneyFiles(project, journey, made.pop(jid, None)) for jid, journey in project.journeys.items()}
    dots: dict = {f"{jid}.flow": journey_files.flow() for jid, journey_files in files.items()}
    dots["portfolio"] = api.portfolio_dot(project)
    stats = RenderStats()
    written = 0

    def put(name: str, data: bytes) -> None:
        nonlocal written
        written += 1
        target = folder / name
        if not target.is_file() or target.read_bytes() != data:
            atomic_write_bytes(target, data)

    rendering = None if fmt == "dot" else start_cached(list(dots.items()), fmt, engine, folder / CACHE_FOLDER, stats)
    try:
        if rendering is None:
            for key in sorted(dots):
                text = dots.pop(key)
                put(f"{key}.dot", (text.load() if isinstance(text, KnownText) else text).encode("utf-8"))
        dots.clear()
        for jid in sorted(files):  # while Graphviz works
            put(f"{jid}.emotion.svg", files.pop(jid).emotion().encode("utf-8"))
        for key, data in rendering.each() if rendering is not None else ():
            put(f"{key}.{fmt}", clean_svg_bytes(data) if fmt == "svg" else data)
    finally:
        if rendering is not None:
            rendering.cancel()
    KeyedFolder(folder / CACHE_FOLDER / "compile").prune_daily()
    click.echo(f"rendered {stats.rendered}, reused {stats.reused} ({written} files in {folder})", err=True)


class _JourneyFiles:
    """One journey's DOT and emotion curve: given, made here, or read from the compile cache when asked for."""

    def __init__(self, project, journey, value):
        from ..sharded import CachedValue

        self.project, self.journey = project, journey
        self.cached = value if isinstance(value, CachedValue) else None
        self.value = None if self.cached else value

    def _files(self) -> tuple[str, str]:
        if self.value is not None:
            return self.value
        if self.cached is not None:
            try:
                return self.cached.load()
            except Exception:  # the entry is gone or damaged: the same texts again, from the model
                pass
        self.value = _journey_files(self.project, self.journey)
        return self.value

    def flow(self):
        """The DOT text, or a :class:`~cjmc.render.cache.KnownText` of it while it waits in the compile cache."""
        from ..render.cache import KnownText

        if self.cached is not None:
            return KnownText(self.cached.summary, lambda: self._files()[0])
        return self._files()[0]

    def emotion(self) -> str:
        return self._files()[1]


def _emit(data: bytes, output: str | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from ..fsutil import atomic_write_bytes

    atomic_write_bytes(Path(output), data)
