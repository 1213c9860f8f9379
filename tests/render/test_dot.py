"""DOT output: golden files, determinism, escaping.

The golden files in tests/golden/dot/ are the example project's flow and
portfolio DOT. After an intended change to the diagrams, regenerate them on
purpose with ``python -m tests.render.regenerate`` (or run this module with
``CJMC_REGENERATE_GOLDEN=1``), review ``git diff tests/golden`` and commit.
"""

from __future__ import annotations

import os

import pytest

from cjmc.render.api import journey_flow_dot, portfolio_dot
from cjmc.render.portfolio import lifecycle_edges

from .regenerate import GOLDEN, golden_outputs, main as regenerate

OUTPUTS = golden_outputs()


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_golden_dot(name):
    if os.environ.get("CJMC_REGENERATE_GOLDEN") == "1":
        regenerate()
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert OUTPUTS[name] == expected, f"{name} differs; see the module docstring to regenerate"


def test_golden_covers_every_example_journey(examples):
    assert {f"{jid}.flow.dot" for jid in examples.journeys} | {"portfolio.dot"} == {p.name for p in GOLDEN.glob("*.dot")}


def test_dot_is_identical_across_runs(examples):
    assert golden_outputs() == OUTPUTS


def test_ids_derive_from_map_ids(examples):
    journey = examples.journeys["buy-first-bike"]
    dot = journey_flow_dot(examples, journey)
    for step in journey.steps:
        assert f'"step__{step.id}" [id="step-{step.id}"' in dot
    for stage in journey.stages:
        assert f'"cluster_stage__{stage.id}"' in dot


def test_flow_marks_loops_exits_unreachable(nasty, examples):
    dot = journey_flow_dot(examples, examples.journeys["research-bikes"])
    assert 'constraint="false"' in dot and "✕ Dropped" in dot and "✓ Completed" in dot
    assert "★ Moment of truth" in dot and "pain point" in dot


def test_unreachable_step_is_flagged(tmp_path):
    import yaml

    from cjmc.pipeline import compile_project

    (tmp_path / "maps").mkdir()
    journey = {"kind": "journey", "id": "j", "title": "J", "personas": ["p"], "stages": [{"id": "a", "name": "A", "steps": [
        {"id": "one", "name": "One", "next": []}, {"id": "two", "name": "Two"}]}]}
    (tmp_path / "maps" / "m.yaml").write_text(yaml.safe_dump_all([{"kind": "persona", "id": "p", "name": "P"}, journey]))
    project = compile_project(tmp_path).project
    dot = journey_flow_dot(project, project.journeys["j"])
    line = next(line for line in dot.splitlines() if '"step__two"' in line)
    assert "dashed" in line and "unreachable" in line


def test_step_href_becomes_url(examples):
    journey = examples.journeys["first-service"]
    dot = journey_flow_dot(examples, journey, step_href=lambda s: f'/j/x.html?a=1&b="{s.id}"#s')
    assert 'URL="/j/x.html?a=1&amp;b=%22' in dot


def test_portfolio_deduplicates_lifecycle(examples):
    edges = lifecycle_edges(examples)
    assert len(edges) == len(set(edges))
    # buy-first-bike followed_by first-service AND first-service preceded_by buy-first-bike: one edge
    assert edges.count(("buy-first-bike", "first-service")) == 1
    dot = portfolio_dot(examples)
    assert dot.count('"journey__buy-first-bike" -> "journey__first-service"') == 1
    assert "dashed" in dot  # future journeys


def test_nasty_text_cannot_inject_dot(nasty):
    dot = journey_flow_dot(nasty, nasty.journeys["nasty"])
    # Every map string sits inside an HTML label or a quoted, fully escaped string.
    assert "<script>" not in dot and "\n  }\n  }" not in dot
    for line in dot.splitlines():
        assert "\t" not in line
