"""diff_projects over two compiled models, without git."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cjmc.lint.engine import lint_compilation
from cjmc.pipeline import compile_project
from cjmc.workflow.diff import Moved, diff_projects, sparkline
from cjmc.workflow.diff_render import html, md, render_markdown, render_text

from .conftest import EXAMPLES, edit

JOURNEY = "maps/journeys/buy-first-bike.yaml"
NEW_JOURNEY = """kind: journey
id: returns-a-bike
title: Returns a bike | that did not fit
personas: [commuter]
stages:
  - id: return
    name: Return
    steps:
      - {id: books-collection, name: Books a collection, emotion: 0}
"""


def compiled(folder: Path):
    result = compile_project(folder)
    return result.project, lint_compilation(result)


@pytest.fixture
def versions(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(EXAMPLES, old)
    shutil.copytree(EXAMPLES, new)
    journey = new / JOURNEY
    # within a stage: swap two steps; across stages: move a step into the next stage
    edit(journey, """      - id: tracks-parcel
        name: Tracks the parcel on the carrier's site
        touchpoint: carrier-tracking-page
        emotion: 0
        questions: ["Will they call before they come?"]
""", "")
    edit(journey, """          - {metric: on-time-delivery-rate, target: 95, actual: 88}
""", """          - {metric: on-time-delivery-rate, target: 95, actual: 96}
      - id: tracks-parcel
        name: Tracks the parcel on the carrier's site
        touchpoint: carrier-tracking-page
        emotion: 0
        questions: ["Will they call before they come?"]
""")
    edit(journey, "    name: Delivery and first ride\n", "    name: Delivery and the first ride\n")
    edit(journey, """        moment_of_truth:
          why: The arrival is the first physical contact with Acme; a late or damaged delivery colours everything \
that follows
          kind: first
""", "")  # the backslash joins the two source lines
    edit(journey, """        thoughts: ["Why didn't I do this years ago?"]
""", """        thoughts: ["Why didn't I do this years ago?"]
        moment_of_truth: {why: "The ride decides whether they <recommend> us"}
""")
    edit(journey, """            severity: high
            evidence: [support-tickets-2026-q2]
        opportunities:
          - id: dispatch-date-promise""", """            severity: critical
            evidence: [support-tickets-2026-q2]
        opportunities:
          - id: dispatch-date-promise""")
    edit(journey, "  - {metric: conversion-rate, target: 3.5, actual: 2.1}",
         "  - {metric: conversion-rate, target: 3, actual: 2.1}")
    (new / "maps/journeys/returns.yaml").write_text(NEW_JOURNEY)
    return compiled(old), compiled(new)


def test_structure_emotion_pain_points_moments_metrics(versions):
    (old, old_findings), (new, new_findings) = versions
    diff = diff_projects(old, new, old_findings, new_findings)
    assert [j.id for j in diff.journeys_added] == ["returns-a-bike"]
    assert diff.journeys_removed == []
    assert [j.id for j in diff.journeys] == ["buy-first-bike"]
    j = diff.journeys[0]
    assert [(r.id, r.before, r.after) for r in j.stages_renamed] == [
        ("delivery", "Delivery and first ride", "Delivery and the first ride")]
    assert not j.stages_reordered
    assert j.steps_moved == [Moved("tracks-parcel", "Tracks the parcel on the carrier's site", "delivery", "delivery",
                                   "order")]
    assert j.steps_added == j.steps_removed == j.steps_renamed == []
    assert j.emotions == []
    assert j.curve_changed  # same emotions, new order
    assert [(m.step, m.why) for m in j.moments_lost] == [
        ("receives-bike", "The arrival is the first physical contact with Acme; a late or damaged delivery colours "
                          "everything that follows")]
    assert [(m.step, m.why) for m in j.moments_gained] == [
        ("first-ride", "The ride decides whether they <recommend> us")]
    assert [(c.id, c.before, c.after) for c in j.severity_changes] == [("no-dispatch-date", "high", "critical")]
    assert [(m.scope, m.metric, m.change, m.target_before, m.target_after, m.actual_before, m.actual_after)
            for m in j.metrics] == [
        ("journey", "conversion-rate", "changed", 3.5, 3, 2.1, 2.1),
        ("step:receives-bike", "on-time-delivery-rate", "changed", 95, 95, 88, 96)]
    fixed = {(f.rule, f.subject) for f in j.findings_fixed}
    assert ("metric-off-target", "journey:buy-first-bike/step:receives-bike/"
                                 "metric-use:on-time-delivery-rate") in fixed
    # findings of an added journey have no journey diff to go to: they are listed project-wide
    assert all(f.journey in (None, "returns-a-bike") for f in diff.findings_introduced)


def test_step_moved_to_another_stage(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(EXAMPLES, old)
    shutil.copytree(EXAMPLES, new)
    journey = new / JOURNEY
    block = """      - id: adds-to-basket
        name: Adds the bike to the basket
        touchpoint: product-page
        emotion: 1
"""
    edit(journey, block, "")
    edit(journey, """    goal: Pay a price I expected
    steps:
""", """    goal: Pay a price I expected
    steps:
""" + block)
    diff = diff_projects(compile_project(old).project, compile_project(new).project)
    (j,) = diff.journeys
    assert j.steps_moved == [Moved("adds-to-basket", "Adds the bike to the basket", "choose", "checkout", "stage")]


def test_renderers_escape_map_text(versions):
    (old, old_findings), (new, new_findings) = versions
    diff = diff_projects(old, new, old_findings, new_findings)
    markdown = render_markdown(diff)
    assert "**Returns a bike &#124; that did not fit**" in markdown
    assert "&lt;recommend&gt;" in markdown and "<recommend>" not in markdown
    assert "🔀 step `tracks-parcel`" in markdown
    assert "| `step:receives-bike` | `on-time-delivery-rate` | 95 | 88 → **96** |" in markdown
    assert markdown.splitlines()[3].startswith("**1 journey changed · 1 journey added · 1 stage renamed · 1 step moved")
    text = render_text(diff)
    assert "+ journey returns-a-bike: Returns a bike | that did not fit" in text


def test_escaping_and_sparkline():
    assert html("a|b <c> `d` @team\n& e") == "a&#124;b &lt;c&gt; &#96;d&#96; &#64;team &amp; e"
    assert md("*bold* [link](x) #1") == r"\*bold\* \[link\](x) \#1"
    assert sparkline([("a", -2), ("b", -1), ("c", 0), ("d", 1), ("e", 2), ("f", None)]) == "▁▂▄▆█·"


def test_identical_projects_have_no_diff():
    project = compile_project(EXAMPLES)
    findings = lint_compilation(project)
    diff = diff_projects(project.project, project.project, findings, findings)
    assert diff.empty
    assert render_text(diff) == "No changes to the journeys.\n"
