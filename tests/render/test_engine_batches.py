"""Batches: many graphs in one Graphviz process give each graph's own output, and a failure names its diagram."""

from __future__ import annotations

import io
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
