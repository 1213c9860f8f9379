"""bench/events.py: a seeded, realistic event log for a project."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from cjmc.observe.mapping import implicit_event_name
from cjmc.pipeline import compile_project

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def _generator():
    spec = importlib.util.spec_from_file_location("cjmc_bench_events", ROOT / "bench" / "events.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    gen = _generator()
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    gen.generate(EXAMPLES, a, customers=300, seed=7)
    gen.generate(EXAMPLES, b, customers=300, seed=7)
    gen.generate(EXAMPLES, c, customers=300, seed=8)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    header, first = a.read_text().splitlines()[:2]
    assert header == "case_id,timestamp,event"
    assert first.startswith("c00000001,2026-")


def test_observed_example_looks_like_the_map(tmp_path: Path) -> None:
    pytest.importorskip("duckdb", reason="duckdb is not installed (pip install 'cjmc[observe]')")
    from cjmc.observe.api import observe

    out = tmp_path / "events.parquet"
    stats = _generator().generate(EXAMPLES, out, customers=3000, seed=1, parquet=True)
    assert stats["events"] > 20000
    compilation = compile_project(EXAMPLES)
    report = observe(compilation, events=[str(out)])
    assert report.unmatched_events > 0 and report.skipped_events == 0
    buy = report.journeys["buy-first-bike"]
    assert buy.entered > 500 and 0 < buy.completed < buy.entered
    assert buy.undeclared and all(t.count < 100 for t in buy.undeclared)  # detours are rare
    # the critical pain point (late shipping cost) loses more customers than an ordinary step
    assert buy.step_reach["abandons-at-shipping"] > buy.last_seen["adds-to-basket"]
    assert buy.drop_share("checks-frame-size") > buy.drop_share("adds-to-basket")
    # future-state journeys are designs: nobody follows them
    assert report.journeys["buy-first-bike-future"].entered == 0
    # implicit event names: the examples list no `events:`
    assert implicit_event_name("buy-first-bike", "pays-by-card") == "buy-first-bike.pays-by-card"
