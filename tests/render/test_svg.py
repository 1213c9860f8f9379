"""Rendered output: SVG parses, titles, text survives; PNG opens; engines."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import pytest

from cjmc.render.api import RenderError, emotion_curve_svg, journey_flow_dot, portfolio_dot, render_svgs
from cjmc.render.engines import render_many
from cjmc.render.text import clean

from .conftest import needs_dot

SVG = "{http://www.w3.org/2000/svg}"


def _node_texts(svg: str) -> dict[str, str]:
    """SVG id of each node -> its visible text (wrapped lines joined by spaces)."""
    root = ET.fromstring(svg)
    texts = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "node":
            texts[group.get("id")] = " ".join("".join(t.itertext()) for t in group.iter(f"{SVG}text"))
    return texts


def _titles(svg: str) -> dict[str, str]:
    root = ET.fromstring(svg)
    return {g.get("id"): g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g") if g.get("class") == "node"}


@pytest.fixture(scope="module")
def example_svgs(examples):
    dots = {jid: journey_flow_dot(examples, j) for jid, j in examples.journeys.items()}
    dots["portfolio"] = portfolio_dot(examples)
    return render_svgs(dots, engine="graphviz-pure")


def test_flow_svg_parses_and_names_every_step(examples, example_svgs):
    for jid, journey in examples.journeys.items():
        svg = example_svgs[jid]
        assert not svg.startswith("<?xml") and "<!--" not in svg and "DOCTYPE" not in svg
        texts, titles = _node_texts(svg), _titles(svg)
        for step in journey.steps:
            assert titles[f"step-{step.id}"] == step.name
            assert " ".join(step.name.split()) in texts[f"step-{step.id}"]


def test_render_svgs_is_deterministic(examples, example_svgs):
    dots = {jid: journey_flow_dot(examples, j) for jid, j in examples.journeys.items()}
    again = render_svgs(dots, engine="graphviz-pure")
    assert all(again[k] == example_svgs[k] for k in dots)


def test_nasty_names_survive_rendering(nasty):
    journey = nasty.journeys["nasty"]
    svg = render_svgs({"n": journey_flow_dot(nasty, journey)}, engine="graphviz-pure")["n"]
    texts, titles = _node_texts(svg), _titles(svg)
    for step in journey.steps:
        expected = clean(step.name)
        assert titles[f"step-{step.id}"] == expected
        assert " ".join(expected.split()) in texts[f"step-{step.id}"], (expected, texts[f"step-{step.id}"])
    assert "<script>" not in svg


def test_emotion_curve_is_valid_deterministic_svg(examples, nasty):
    for project in (examples, nasty):
        for journey in project.journeys.values():
            svg = emotion_curve_svg(project, journey)
            assert svg == emotion_curve_svg(project, journey)
            root = ET.fromstring(svg)
            assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
            assert root.get("viewBox").startswith("0 0 ")
            labels = ["".join(t.itertext()) for g in root.iter(f"{SVG}g") if g.get("class") == "step"
                      for t in g.iter(f"{SVG}text")]
            titles = [g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g") if g.get("class") == "step"]
            for step in journey.steps:
                assert any(t.startswith(clean(step.name) + ";") for t in titles)
            assert len(labels) >= len(journey.steps)


def test_png_output_opens(examples):
    data = render_many([("x", journey_flow_dot(examples, examples.journeys["first-service"]))], "png",
                       "graphviz-pure")["x"]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 0 and height > 0


def test_missing_engine_raises_render_error(monkeypatch, tmp_path):
    from cjmc.render import engines

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(engines.sys, "executable", str(tmp_path / "python"))
    with pytest.raises(RenderError, match="not found"):
        engines.find_engine("graphviz-pure")
    with pytest.raises(RenderError, match="no Graphviz engine"):
        engines.find_engine("auto")


def test_engine_failure_is_render_error():
    with pytest.raises(RenderError, match="broken"):
        render_many([("broken", "digraph { a -> }")], "svg", "graphviz-pure")


@needs_dot
def test_debian_dot_renders_the_same_text(examples, nasty):
    journey = nasty.journeys["nasty"]
    svg = render_svgs({"n": journey_flow_dot(nasty, journey)}, engine="dot")["n"]
    titles = _titles(svg)
    for step in journey.steps:
        assert titles[f"step-{step.id}"] == clean(step.name)
    ET.fromstring(render_svgs({"p": portfolio_dot(examples)}, engine="dot")["p"])


def test_cache_prunes_entries_unused_for_a_month_and_keeps_used_ones(tmp_path):
    import os
    import time

    from cjmc.render.cache import DiagramCache

    cache = DiagramCache(tmp_path)
    old, used = "ab" + "0" * 62, "cd" + "1" * 62
    cache.put(old, "svg", b"<svg/>")
    cache.put(used, "svg", b"<svg/>")
    month_ago = time.time() - 40 * 86400
    for key in (old, used):
        os.utime(tmp_path / key[:2] / f"{key}.svg", (month_ago, month_ago))
    foreign = tmp_path / "ab" / "notes.txt"
    foreign.write_text("not ours")
    os.utime(foreign, (month_ago, month_ago))
    assert cache.get(used, "svg") == b"<svg/>"  # a hit refreshes the entry
    assert cache.prune() == 1
    assert cache.get(old, "svg") is None and cache.get(used, "svg") == b"<svg/>"
    assert foreign.exists(), "only cache entries are ever deleted"


def test_a_diagram_cache_that_cannot_be_written_gives_every_output_all_the_same(tmp_path):
    from cjmc.render.cache import RenderStats, render_cached

    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder would go")
    stats = RenderStats()
    out = render_cached([("a", "digraph { a -> b }"), ("b", "digraph { c }")], "svg", "graphviz-pure", blocked, stats)
    assert set(out) == {"a", "b"} and all(b"<svg" in data for data in out.values())
    assert stats.rendered == 2 and blocked.read_text() == "a file where the cache folder would go"


def test_numbers_are_written_the_same_whether_formatted_before_or_not() -> None:
    """The curve keeps the numbers it formatted: a kept one reads as formatting it anew would, and 0.0 and
    -0.0, one key to a cache, stay "0" and "-0" in either order."""
    from cjmc.render import emotion

    values = [-0.0, 0.0, 0, -0.0, 118, 118.0, 230.5, 2.25, -0.04, 0.04, 1e16, 10**16, 342.75000000000006]
    expected = [emotion._format(value) for value in values]
    assert expected[:3] == ["-0", "0", "0"] and expected[7] == "2.2"
    for order in (values, values[::-1], values * 2):
        assert [emotion._f(value) for value in order] == [emotion._format(value) for value in order]
