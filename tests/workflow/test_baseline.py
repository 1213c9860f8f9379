"""Baselines: old findings stay quiet when lines move; new ones are reported."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from cjmc.baseline import filter_new, finding_key, load_baseline, save_baseline, subtract
from cjmc.diagnostics import Diagnostic, UsageError
from cjmc.lint.engine import lint_compilation
from cjmc.pipeline import compile_project

from .conftest import edit, run_cjmc

JOURNEY = "maps/journeys/buy-first-bike.yaml"
NEW_PAIN_POINT = ("""      - id: adds-to-basket
        name: Adds the bike to the basket
        touchpoint: product-page
        emotion: 1
""", """      - id: adds-to-basket
        name: Adds the bike to the basket
        touchpoint: product-page
        emotion: 1
        pain_points:
          - {id: slow-basket, text: The basket takes seconds to update, evidence: [funnel-analytics-2026-04]}
""")


def lint(project):
    return lint_compilation(compile_project(project))


def shift_lines_and_add_finding(project) -> None:
    journey = project / JOURNEY
    edit(journey, *NEW_PAIN_POINT)  # new finding: pain-point-without-opportunity
    journey.write_text("# moved\n# down\n" + journey.read_text(encoding="utf-8"), encoding="utf-8")


NEW_SUBJECT = ("journey:buy-first-bike", "stage:choose", "step:adds-to-basket", "pain-point:slow-basket")


def test_baseline_file_round_trip(example_repo, tmp_path):
    _, project = example_repo
    before = lint(project)
    assert before, "the example project has findings to baseline"
    path = tmp_path / "baseline.json"
    save_baseline(before, path)
    data = json.loads(path.read_text())
    assert data["cjmc_baseline"] == 1
    assert sum(entry["count"] for entry in data["findings"]) == len(before)
    assert load_baseline(path) == Counter(finding_key(d) for d in before)

    shift_lines_and_add_finding(project)
    after = lint(project)
    old_lines = {(d.rule, d.subject): d.line for d in before if d.file == JOURNEY}
    new_lines = {(d.rule, d.subject): d.line for d in after if d.file == JOURNEY and d.subject != NEW_SUBJECT}
    assert new_lines.keys() == old_lines.keys()
    assert all(new_lines[key] > old_lines[key] for key in old_lines)  # every old finding really moved
    new = filter_new(after, path, project)
    assert [(d.rule, d.subject) for d in new] == [("pain-point-without-opportunity", NEW_SUBJECT)]


def test_baseline_git_revision(example_repo):
    _, project = example_repo
    shift_lines_and_add_finding(project)
    new = filter_new(lint(project), "HEAD", project)
    assert [(d.rule, d.subject) for d in new] == [("pain-point-without-opportunity", NEW_SUBJECT)]


def test_lint_cli_with_baseline(example_repo, tmp_path):
    _, project = example_repo
    saved = tmp_path / "b.json"
    done = run_cjmc("lint", str(project), "--write-baseline", str(saved), "--fail-on", "never")
    assert done.returncode == 0, done.stderr
    shift_lines_and_add_finding(project)
    for baseline in ("HEAD", str(saved)):
        done = run_cjmc("lint", str(project), "--baseline", baseline, "--format", "json", "--fail-on", "info")
        assert done.returncode == 1, done.stderr
        found = json.loads(done.stdout)["diagnostics"]
        assert [(d["rule"], d["line"]) for d in found] == [("pain-point-without-opportunity", 85)]


def test_multiset_counts():
    one = Diagnostic("a.yaml", 3, 1, "rule-x", "m", "warning", subject=("journey:j",))
    again = [Diagnostic("a.yaml", line, 1, "rule-x", "m", "warning", subject=("journey:j",)) for line in (10, 20, 30)]
    baseline = Counter({finding_key(one): 2})
    assert subtract(again, baseline) == [again[2]]
    # without a subject the key is rule + file + message, still not the line
    loose = Diagnostic("a.yaml", 5, 1, "yaml-syntax", "bad", "error")
    assert subtract([Diagnostic("a.yaml", 9, 2, "yaml-syntax", "bad", "error")], Counter({finding_key(loose): 1})) == []


def test_bad_revision_and_bad_files(example_repo, tmp_path):
    _, project = example_repo
    with pytest.raises(UsageError, match="unknown git revision"):
        filter_new([], "v9.9-nope", project)
    with pytest.raises(UsageError, match="cannot read the baseline"):
        filter_new([], str(tmp_path / "missing.json"), project)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(UsageError, match="not valid JSON"):
        filter_new([], str(broken), project)
    done = run_cjmc("lint", str(project), "--baseline", "v9.9-nope")
    assert done.returncode == 2 and "unknown git revision" in done.stderr
