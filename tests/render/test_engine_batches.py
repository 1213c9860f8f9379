"""Batches: many graphs in one Graphviz process give each graph's own output, and a failure names its diagram."""

from __future__ import annotations

import io
import os
import subprocess

import pytest

from cjmc.render.api import RenderError, journey_flow_dot, portfolio_dot
from cjmc.render.engines import _documents, find_engine, render_many

from .conftest import needs_dot

BROKEN = "digraph {\n  a -> b\n  c -> ;\n}\n"  # the error is on the graph's third line


def _alone(engine, text: str, fmt: str) -> bytes:
    done = subprocess.run([engine.path, "-q", f"-T{fmt}"], input=text.encode("utf-8"), capture_output=True,
                          check=True)
    return done.stdout


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_a_batch_gives_each_diagram_the_output_it_has_alone(examples, fmt):
    engine = find_engine("graphviz-pure")
    jobs = [(f"{jid}.flow", journey_flow_dot(examples, journey)) for jid, journey in examples.journeys.items()]
    jobs.append(("portfolio", portfolio_dot(examples)))
    jobs.append(("no-newline-at-end", "digraph { x -> y }"))
    outputs = render_many(jobs, fmt, engine, processes=2)
    assert list(outputs) == [key for key, _ in jobs]
    for key, text in jobs:
        assert outputs[key] == _alone(engine, text, fmt), key


@pytest.mark.parametrize("engine_name", ["graphviz-pure", pytest.param("dot", marks=needs_dot)])
def test_a_failing_diagram_is_named_with_the_line_of_its_own_text(engine_name):
    jobs = [("first", "digraph { a -> b }"), ("second", "digraph { c }"), ("journey-x.flow", BROKEN),
            ("last", "digraph { d }")]
    with pytest.raises(RenderError) as raised:
        render_many(jobs, "svg", engine_name, processes=1)
    message = str(raised.value)
    assert " on journey-x.flow: " in message
    assert "line 3" in message
    assert "<stdin>" not in message and "first" not in message


def test_outputs_are_split_where_each_begins_and_a_cut_off_last_one_is_left_out_when_asked():
    svg = b'<?xml version="1.0"?>\n<svg>a</svg>\n'
    stream = svg + svg.replace(b"a", b"b") + b'<?xml version="1.0"?>\n<svg>c'
    cut_off = b'<?xml version="1.0"?>\n<svg>c'
    assert list(_documents(io.BytesIO(stream), "svg")) == [svg, svg.replace(b"a", b"b"), cut_off]
    assert len(list(_documents(io.BytesIO(stream), "svg", whole_only=True))) == 2

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + b"\0\0\0\0"

    # A chunk whose data holds the signature and "IEND" does not end the image.
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", b"\x89PNG\r\n\x1a\nIEND") + chunk(b"IEND", b"")
    assert list(_documents(io.BytesIO(png + png), "png")) == [png, png]
    assert list(_documents(io.BytesIO(png + png[:20]), "png", whole_only=True)) == [png]


def test_outputs_that_cross_the_reads_of_a_large_batch_come_back_whole():
    outputs = [b'<?xml version="1.0"?>\n<svg>' + bytes([65 + n % 26]) * (90_000 + n) + b"</svg>\n" for n in range(30)]
    assert sum(map(len, outputs)) > 2 * (1 << 20)  # the splitter reads 1 MB at a time
    assert list(_documents(io.BytesIO(b"".join(outputs)), "svg")) == outputs


# Stands in for an engine: answers -V, and otherwise lays out nothing, for a long time.
SLEEPING_ENGINE = """#!/bin/sh
if [ "$1" = "-V" ]; then echo "stand-in 0.0" >&2; exit 0; fi
exec sleep 60
"""


@pytest.fixture
def sleeping_engine(tmp_path):
    from cjmc.render.engines import Engine

    if os.name == "nt":
        pytest.skip("the stand-in engine is a shell script")
    path = tmp_path / "sleeping-engine"
    path.write_text(SLEEPING_ENGINE, encoding="utf-8")
    path.chmod(0o755)
    return Engine("graphviz-pure", str(path), "stand-in 0.0")


def test_an_interrupt_between_batches_stops_the_batches_already_started(sleeping_engine, monkeypatch):
    """Ctrl+C while the third batch is written: the caller never gets the Rendering to cancel, so it must
    stop the two processes it started itself (a stopped build had left Graphviz running)."""
    from cjmc.render import engines

    started = []
    original = engines.Rendering._start

    def start(self, folder, number, batch, extra):
        if number == 2:
            raise KeyboardInterrupt
        original(self, folder, number, batch, extra)
        started.append(self.running[-1].process)

    monkeypatch.setattr(engines.Rendering, "_start", start)
    jobs = [(f"d{n}", "digraph { a -> b }") for n in range(6)]
    with pytest.raises(KeyboardInterrupt):
        engines.start_many(jobs, "svg", sleeping_engine, processes=3)
    assert len(started) == 2
    assert all(process.returncode is not None for process in started)  # killed and waited for
    assert not engines._STARTED


def test_graphviz_that_nobody_kept_is_stopped_at_exit(sleeping_engine):
    """An interrupt just after start_many returned: stop_strays (run at exit) stops what it started."""
    from cjmc.render import engines

    rendering = engines.start_many([("a", "digraph { a }"), ("b", "digraph { b }")], "svg", sleeping_engine,
                                   processes=2)
    processes = [batch.process for batch in rendering.running]
    assert len(processes) == 2 and all(process.poll() is None for process in processes)
    engines.stop_strays()
    assert all(process.returncode is not None for process in processes)
    rendering.cancel()  # nothing left to stop: only the folder goes
    assert not engines._STARTED


def test_a_rendering_that_ends_is_no_stray(sleeping_engine):
    from cjmc.render import engines

    rendering = engines.start_many([("a", "digraph { a }")], "svg", sleeping_engine, processes=1)
    assert {batch.process for batch in rendering.running} <= engines._STARTED
    rendering.cancel()
    assert not engines._STARTED
