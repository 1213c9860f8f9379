"""The linker resolves references, checks ids and derives the flow graph."""

from __future__ import annotations

from pathlib import Path

from cjmc.link.flow import build_flow
from cjmc.pipeline import compile_project

CATALOG = """kind: catalog
channels: [{id: web, name: Web}, {id: phone, name: Phone}]
teams: [{id: shop, name: Shop}]
touchpoints: [{id: site, name: Site, channel: web, owner: shop}]
metrics: [{id: nps, name: NPS, better: higher}]
"""


def project(tmp_path: Path, journey: str, extra: str = "") -> Path:
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "base.yaml").write_text("kind: persona\nid: p\nname: P\n---\n" + CATALOG + extra)
    (tmp_path / "maps" / "j.yaml").write_text(journey)
    return tmp_path


def test_flow_default_order_explicit_next_exits_and_reachability() -> None:
    flow = build_flow([
        ("a", None, None),          # -> b (default)
        ("b", ("d", "c"), None),    # branch
        ("c", None, "dropped"),     # exit
        ("d", ("b",), None),        # loop back
        ("e", None, None),          # nobody goes here; -> f by default
        ("f", None, None),          # last: implicit completed
    ])
    assert flow.start == "a"
    assert flow.successors["a"] == ("b",) and ("a", "b") in flow.default_edges
    assert flow.successors["b"] == ("d", "c")
    assert flow.successors["c"] == () and flow.exits["c"] == "dropped"
    assert flow.exits["f"] == "completed"
    assert flow.reachable == {"a", "b", "c", "d"}
    assert flow.order() == ("a", "b", "d", "c")
    assert flow.predecessors("b") == ("a", "d")


def test_next_empty_list_is_a_dead_end_not_an_exit() -> None:
    flow = build_flow([("a", (), None), ("b", None, None)])
    assert flow.successors["a"] == () and "a" not in flow.exits


def test_model_is_built_with_positions_and_effective_channel(tmp_path: Path) -> None:
    root = project(tmp_path, """kind: journey
id: buy
title: Buy
personas: [p]
stages:
  - id: s
    name: S
    kpis: [{metric: nps, target: 30, actual: 10}]
    steps:
      - id: a
        name: A
        touchpoint: site
        emotion: 2
      - id: b
        name: B
        channel: phone
        next: [a]
""")
    result = compile_project(root)
    assert result.valid, result.diagnostics
    project_ = result.project
    journey = project_.journeys["buy"]
    a, b = journey.steps
    assert project_.step_channel(a) == "web" and project_.step_channel(b) == "phone"
    assert (a.pos.file, a.pos.line, a.pos.column) == ("maps/j.yaml", 10, 9)
    assert a.value_pos["emotion"].line == 13
    assert journey.stages[0].kpis[0].off_target("higher")
    assert journey.flow.successors["b"] == ("a",)
    assert {(r.kind, r.target) for r in project_.references} >= {("persona", "p"), ("touchpoint", "site"),
                                                                ("channel", "phone"), ("metric", "nps"),
                                                                ("channel", "web"), ("team", "shop")}


def test_every_link_error_in_one_run(tmp_path: Path) -> None:
    root = project(tmp_path, """kind: journey
id: buy
title: Buy
personas: [px]
owner: shopp
stages:
  - id: s
    name: S
    steps:
      - id: a
        name: A
        touchpoint: site
        channel: phone
        next: [zz]
      - id: a
        name: Again
""")
    rules = sorted((d.rule, d.line) for d in compile_project(root).diagnostics)
    assert rules == [("channel-mismatch", 13), ("duplicate-id", 15), ("unresolved-reference", 4),
                     ("unresolved-reference", 5), ("unresolved-reference", 14)]


def test_catalog_ids_unique_per_section_across_files(tmp_path: Path) -> None:
    root = project(tmp_path, "kind: catalog\nchannels: [{id: web, name: Web again}]\nteams: [{id: web, name: Web team}]\n")
    diagnostics = compile_project(root).diagnostics
    assert [(d.rule, d.file) for d in diagnostics] == [("duplicate-id", "maps/j.yaml")]


def test_references_to_items_of_invalid_documents_do_not_cascade(tmp_path: Path) -> None:
    root = project(tmp_path, """kind: journey
id: buy
title: Buy
personas: [p]
stages:
  - {id: s, name: S, steps: [{id: a, name: A, touchpoint: broken}]}
""", extra="---\nkind: catalog\ntouchpoints: [{id: broken, name: B, channel: web, colour: red}]\n")
    rules = [d.rule for d in compile_project(root).diagnostics]
    assert rules == ["schema"]


def test_an_invalid_document_still_gets_its_reference_errors_in_the_same_run(tmp_path: Path) -> None:
    root = project(tmp_path, """kind: journey
id: buy
title: Buy
personas: [px]
stages:
  - id: s
    name: S
    steps:
      - id: a
        name: A
        emotion: 9
        touchpoint: sitee
        metrics: [{metric: npss}]
""")
    found = [(d.rule, d.line, d.message) for d in compile_project(root).diagnostics]
    assert [(rule, line) for rule, line, _ in found] == [
        ("unresolved-reference", 4), ("schema", 11), ("unresolved-reference", 12), ("unresolved-reference", 13)]
    assert "did you mean `site`?" in [d.hint for d in compile_project(root).diagnostics][2]


def test_x_keys_are_kept_as_extensions_on_every_element(tmp_path: Path) -> None:
    journey = """kind: journey
id: j
title: J
personas: [p]
x-program: renewal
stages:
  - id: s
    name: S
    x-lane: online
    steps:
      - id: a
        name: A
        x-figma: https://example.com/a
        pain_points: [{id: slow, text: Slow, x-ticket: CX-1}]
        opportunities: [{id: fast, text: Faster, addresses: [slow], x-ticket: CX-2}]
      - id: b
        name: B
"""
    result = compile_project(project(tmp_path, journey))
    assert result.valid, result.diagnostics
    linked = result.project.journeys["j"]
    stage = linked.stages[0]
    first, second = stage.steps
    assert linked.extensions == {"x-program": "renewal"} and stage.extensions == {"x-lane": "online"}
    assert first.extensions == {"x-figma": "https://example.com/a"} and second.extensions == {}
    assert first.pain_points[0].extensions == {"x-ticket": "CX-1"}
    assert first.opportunities[0].extensions == {"x-ticket": "CX-2"}


def test_elements_without_extensions_or_lint_ignore_share_one_empty_mapping(tmp_path: Path) -> None:
    """~96,000 elements of a 1,000-journey model have neither: one mapping instead of an empty dict each,
    kept shared through a file's pickle. An element that has them gets its own."""
    import pickle

    journey = """kind: journey
id: j
title: J
personas: [p]
stages:
  - {id: s, name: S, steps: [{id: a, name: A, lint_ignore: {step-without-emotion: later}}, {id: b, name: B}]}
"""
    result = compile_project(project(tmp_path, journey))
    assert result.valid, result.diagnostics
    linked = pickle.loads(pickle.dumps(result.project.journeys["j"]))
    stage = linked.stages[0]
    first, second = stage.steps
    assert first.lint_ignore == {"step-without-emotion": "later"}
    assert second.lint_ignore == {} and second.extensions == {}
    assert second.lint_ignore is second.extensions is stage.extensions is linked.lint_ignore is first.extensions
