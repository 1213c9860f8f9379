"""The CI files parse and wire the commands the way docs/ci/README.md says."""

from __future__ import annotations

import yaml

from .conftest import REPO


def load(name: str):
    return yaml.safe_load((REPO / name).read_text(encoding="utf-8"))


def test_action_is_a_composite_that_lints_uploads_and_comments():
    action = load("action.yml")
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) >= {"project", "fail-on", "comment"}
    steps = action["runs"]["steps"]
    scripts = "\n".join(step.get("run", "") for step in steps)
    assert '"$ACTION_PATH"' in scripts and "${{ github.action_path }}" in str(steps)
    assert "cjmc lint" in scripts and "--format github --format sarif -o cjmc.sarif" in scripts
    assert any(step.get("uses", "").startswith("github/codeql-action/upload-sarif") for step in steps)
    assert "cjmc diff" in scripts and "--format markdown" in scripts
    assert "<!-- cjmc-diff -->" in scripts and "gh api" in scripts
    # inputs reach scripts through the environment, never pasted into the script text
    assert "${{ inputs." not in scripts


def test_docs_workflows_parse():
    gitlab = load("docs/ci/gitlab-ci.yml")
    assert gitlab["cjmc-lint"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    pages = load("docs/ci/github-pages.yml")
    uses = [step.get("uses", "") for job in pages["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    assert any(u.startswith("actions/deploy-pages") for u in uses)
    lint = load("docs/ci/github-lint.yml")
    assert any("cjmc@" in step.get("uses", "") for step in lint["jobs"]["cjmc"]["steps"])
