"""GitLab Code Quality: the fields GitLab reads, its severity words, stable distinct fingerprints."""

from __future__ import annotations

import json
import re

from cjmc.diagnostics import Diagnostic
from cjmc.report import gitlab, sarif

from .conftest import make_context

GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def test_shape(context, diagnostics):
    issues = json.loads(gitlab.render(diagnostics, context))
    assert isinstance(issues, list) and len(issues) == len(diagnostics)
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert set(issue["location"]) == {"path", "lines"}
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
        assert issue["severity"] in GITLAB_SEVERITIES
        assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])
    by_check = {(i["check_name"], i["location"]["path"]): i for i in issues}
    error = by_check[("schema", "maps/journeys/buy.yaml")]
    assert error == {
        "description": "unknown key `pain_point` (hint: did you mean `pain_points`?)",
        "check_name": "schema",
        "fingerprint": error["fingerprint"],
        "severity": "major",
        "location": {"path": "maps/journeys/buy.yaml", "lines": {"begin": 12}},
    }
    project = by_check[("schema", "cjmc.yaml")]
    assert project["location"]["lines"]["begin"] == 1


def test_severities(context):
    made = [Diagnostic("a.yaml", n, 1, "r", f"m{n}", severity) for n, severity in
            enumerate(("error", "warning", "info"), start=1)]
    assert [i["severity"] for i in json.loads(gitlab.render(made, context))] == ["major", "minor", "info"]


def test_fingerprints_are_unique_line_independent_and_shared_with_sarif(context, diagnostics):
    issues = json.loads(gitlab.render(diagnostics, context))
    prints = [i["fingerprint"] for i in issues]
    assert len(set(prints)) == len(prints)
    assert prints == sarif.fingerprints(sorted(diagnostics))
    moved = [d._replace(line=d.line + 7) if d.file else d for d in diagnostics]
    assert [i["fingerprint"] for i in json.loads(gitlab.render(moved, context))] == prints


def test_duplicate_findings_keep_distinct_fingerprints(context):
    same = [Diagnostic("a.yaml", n, 1, "stale-journey", "old", "warning", "", ("journey:a",)) for n in (3, 8)]
    prints = [i["fingerprint"] for i in json.loads(gitlab.render(same, context))]
    assert len(set(prints)) == 2


def test_paths_relative_to_the_git_work_tree(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    project = tmp_path / "repo" / "journeys"
    project.mkdir()
    made = [Diagnostic("maps/a.yaml", 4, 1, "schema", "x", "error"), Diagnostic("", 0, 0, "schema", "y", "error")]
    paths = [i["location"]["path"] for i in json.loads(gitlab.render(made, make_context(project)))]
    assert paths == ["journeys/cjmc.yaml", "journeys/maps/a.yaml"]


def test_empty_report_is_an_empty_list(context):
    assert json.loads(gitlab.render([], context)) == []
