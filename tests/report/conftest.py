"""Shared fixtures: diagnostics built by hand and a context rooted in a fake git work tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjmc.diagnostics import Diagnostic
from cjmc.report import ReportContext, RuleInfo

RULES = {
    "schema": RuleInfo("schema", "error", "A document does not follow the map language.",
                       "schema: unknown, missing or mistyped keys.\n\nFix the key the message names."),
    "stage-without-pain-points": RuleInfo("stage-without-pain-points", "warning",
                                          "A stage lists no pain points.", "Docs for stage-without-pain-points."),
    "step-without-emotion": RuleInfo("step-without-emotion", "info", "A step has no emotion.", ""),
}

FILES = ["maps/journeys/buy.yaml", "maps/journeys/return.yaml", "maps/touchpoints.yaml"]


@pytest.fixture(autouse=True)
def _no_step_summary(monkeypatch):
    """Never append to a real job summary when the suite itself runs in GitHub Actions."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def project_root(tmp_path: Path) -> Path:
    """A project at the top of a git work tree, so CI paths equal project paths."""
    root = tmp_path / "project"
    (root / ".git").mkdir(parents=True)
    return root


def make_context(root: Path, files=FILES, rules=RULES) -> ReportContext:
    return ReportContext(root=root, files=list(files), rules=dict(rules), tool_version="0.1.0", command="lint")


def sample_diagnostics() -> list[Diagnostic]:
    return [
        Diagnostic("maps/journeys/buy.yaml", 12, 7, "schema", "unknown key `pain_point`", "error",
                   "did you mean `pain_points`?", ("buy-first-bike", "stage:checkout")),
        Diagnostic("maps/journeys/buy.yaml", 30, 5, "stage-without-pain-points", "stage `pay` lists no pain points",
                   "warning", "", ("journey:buy-first-bike", "stage:pay")),
        Diagnostic("maps/journeys/buy.yaml", 41, 9, "step-without-emotion", "step `pays` has no emotion", "info",
                   "add `emotion: -2..2`", ("journey:buy-first-bike", "stage:pay", "step:pays")),
        Diagnostic("", 0, 0, "schema", "cjmc.yaml: `version` must be 1", "error"),
    ]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return project_root(tmp_path)


@pytest.fixture
def context(root: Path) -> ReportContext:
    return make_context(root)


@pytest.fixture
def diagnostics() -> list[Diagnostic]:
    return sample_diagnostics()
