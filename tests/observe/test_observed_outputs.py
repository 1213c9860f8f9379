"""Observations reach the flow diagram (observed mode) and the journey page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("duckdb", reason="observed outputs need duckdb (the test extra installs it)")

from cjmc.observe.api import observations_for_build  # noqa: E402
from cjmc.pipeline import compile_project  # noqa: E402
from cjmc.render import palette as P  # noqa: E402
from cjmc.render.api import journey_flow_dot  # noqa: E402
from cjmc.site.builder import build_site  # noqa: E402

JOURNEY = """kind: journey
id: buy
title: Buy
personas: [p]
stages:
  - id: s
    name: Shop
    steps:
      - {id: a, name: Arrives}
      - {id: b, name: Browses}
      - {id: c, name: Checks out}
"""
# 4 customers a→b→c, 2 stop at b, 1 jumps a→c (not declared): a→b 6, b→c 4, a→c 1.
EVENTS = "case_id,timestamp,event\n" + "".join(
    f"k{i},2026-10-01T10:0{n}:00Z,buy.{step}\n" for i, steps in enumerate(["abc"] * 4 + ["ab"] * 2 + ["ac"])
    for n, step in enumerate(steps))


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "p.yaml").write_text("kind: persona\nid: p\nname: P\n")
    (tmp_path / "maps" / "j.yaml").write_text(JOURNEY)
    (tmp_path / "events.csv").write_text(EVENTS)
    (tmp_path / "cjmc.yaml").write_text("events: {sources: [events.csv]}\n")
    return tmp_path


def edge_line(dot: str, source: str, target: str, suffix: str = "") -> str:
    pattern = rf'"step__{source}" -> "step__{target}" \[id="edge-{source}\.{target}{suffix}"[^\n]*'
    match = re.search(pattern, dot)
    assert match, f"no edge {source}->{target}{suffix}"
    return match.group(0)


def test_flow_diagram_observed_mode_scales_edges_and_adds_undeclared_paths(project: Path) -> None:
    result = compile_project(project)
    observations, note = observations_for_build(result)
    assert observations is not None, note
    journey = result.project.journeys["buy"]
    plain = journey_flow_dot(result.project, journey)
    dot = journey_flow_dot(result.project, journey, observed=observations["buy"])
    assert "not in map" not in plain and "penwidth=\"9.0\"" not in plain
    busiest = edge_line(dot, "a", "b")
    assert 'penwidth="9.0"' in busiest and 'label="6"' in busiest
    assert 'label="4"' in edge_line(dot, "b", "c")
    undeclared = edge_line(dot, "a", "c", ".observed")
    assert P.UNDECLARED in undeclared and 'style="dashed"' in undeclared and "1 not in map" in undeclared
    assert "arrow width = customers" in dot
    assert journey_flow_dot(result.project, journey, observed=observations["buy"]) == dot


def test_journey_page_shows_funnel_drop_off_and_undeclared_paths(project: Path, tmp_path_factory) -> None:
    out = tmp_path_factory.mktemp("site") / "site"
    result = build_site(project, out)
    assert result.written, result.diagnostics
    page = (out / "journeys" / "buy.html").read_text()
    section = page[page.index('id="observed"'):page.index('id="steps"')]
    assert "<strong>7</strong> customers entered" in section
    assert re.search(r"Browses</a>.*?<td class=\"num\">6</td><td class=\"num\">2</td><td class=\"num\">33 %", section,
                     re.S), "drop-off row for Browses"
    assert 'href="#step-a">Arrives</a> → <a href="#step-c">Checks out</a>: 1 times' in section
    assert "high-drop" in section  # 2 of 6 (33 %) stop at a step that is no exit


def test_without_event_files_lint_and_build_skip_with_a_note(project: Path) -> None:
    (project / "events.csv").unlink()
    observations, note = observations_for_build(compile_project(project))
    assert observations is None and "no event file matches" in note


def test_selecting_one_journey_does_not_count_another_journeys_events_as_unmatched(project: Path) -> None:
    from cjmc.observe.api import observe

    (project / "maps" / "k.yaml").write_text(JOURNEY.replace("id: buy", "id: sell"))
    with (project / "events.csv").open("a") as log:
        log.write("z1,2026-10-02T10:00:00Z,sell.a\nz1,2026-10-02T10:01:00Z,page_view\n")
    report = observe(compile_project(project), "buy")
    assert list(report.journeys) == ["buy"]
    assert report.unmatched_events == 1 and report.unmatched_names == (("page_view", 1),)
    assert report.journeys["buy"].entered == 7
