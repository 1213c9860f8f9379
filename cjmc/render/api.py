"""The public diagram API. The site and the CLI code against exactly these names.

* :func:`journey_flow_dot`, :func:`portfolio_dot` → DOT text (no engine needed);
* :func:`emotion_curve_svg` → SVG text (pure Python, no engine needed);
* :func:`render_svgs` → DOT laid out by Graphviz, batched and cached, as SVG
  ready to inline in HTML;
* :class:`RenderError` → anything that stops rendering (exit 2 in the CLI).
"""

from __future__ import annotations

from pathlib import Path

from .cache import RenderStats, render_cached
from .emotion import emotion_curve_svg
from .errors import RenderError
from .flow import journey_flow_dot
from .palette import PALETTE
from .portfolio import persona_map_dot, portfolio_dot
from .svgclean import clean_svg_bytes

__all__ = ["journey_flow_dot", "emotion_curve_svg", "portfolio_dot", "persona_map_dot", "render_svgs", "RenderError", "RenderStats",
           "PALETTE"]


def render_svgs(dots: dict[str, str], *, engine: str = "auto", cache_dir: Path | None = None,
                stats: RenderStats | None = None) -> dict[str, str]:
    """Lay out every DOT text of ``dots`` ({key: dot}) and return {key: inline-ready SVG}.

    Batched (one Graphviz process per core) and, with ``cache_dir``, cached by
    engine + version + DOT text. The SVG has no XML prolog, DOCTYPE or
    comments, readable ``<title>``s, and is byte-identical for the same input.
    ``stats`` (optional) counts rendered vs reused diagrams.
    """
    raw = render_cached(list(dots.items()), "svg", engine, cache_dir, stats)
    return {key: clean_svg_bytes(data).decode("utf-8") for key, data in raw.items()}
