"""The diagram cache: a diagram is found under the digest of its DOT text, which a job may give instead of it."""

from __future__ import annotations

from pathlib import Path

from cjmc.render.cache import KnownText, RenderStats, cache_key, render_cached, text_digest
from cjmc.render.engines import find_engine

DOT = 'digraph { a [label="A & <b>"]; a -> b }'


def test_a_job_known_by_its_digest_loads_its_text_only_when_its_diagram_is_not_cached(tmp_path: Path) -> None:
    loads: list[str] = []

    def known(text: str) -> KnownText:
        def load() -> str:
            loads.append(text)
            return text
        return KnownText(text_digest(text), load)

    stats = RenderStats()
    first = render_cached([("d", known(DOT))], "svg", "graphviz-pure", tmp_path, stats)
    assert loads == [DOT] and (stats.rendered, stats.reused) == (1, 0)  # not in the cache: drawn from the text
    stats = RenderStats()
    assert render_cached([("d", DOT)], "svg", "graphviz-pure", tmp_path, stats) == first
    assert (stats.rendered, stats.reused) == (0, 1), "the text and its digest find the same entry"
    stats = RenderStats()
    assert render_cached([("d", known(DOT))], "svg", "graphviz-pure", tmp_path, stats) == first
    assert loads == [DOT] and (stats.rendered, stats.reused) == (0, 1)
    other = DOT.replace("A &", "B &")
    assert render_cached([("e", known(other))], "svg", "graphviz-pure", tmp_path)["e"] != first["d"]
    assert loads == [DOT, other]
    engine = find_engine("graphviz-pure")
    assert cache_key(engine, "svg", DOT) != cache_key(engine, "svg", other) != cache_key(engine, "png", other)
