"""Acceptance tests over folders of projects.

``bad/NAME/`` holds a project and ``expect.yaml``: exactly the errors (rule,
file, line, column) it must produce; ``cjmc validate`` must exit 1 with them.
``good/NAME/`` projects (and the example project) must validate with exit 0.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cjmc.cli import cli
from cjmc.pipeline import compile_project

HERE = Path(__file__).parent
BAD = sorted(p for p in (HERE / "bad").iterdir() if p.is_dir())
GOOD = sorted(p for p in (HERE / "good").iterdir() if p.is_dir()) + [HERE.parents[1] / "examples"]


def test_there_are_at_least_25_bad_projects() -> None:
    assert len(BAD) >= 25


@pytest.mark.parametrize("project", BAD, ids=[p.name for p in BAD])
def test_bad_project_reports_exact_errors(project: Path) -> None:
    expected = yaml.safe_load((project / "expect.yaml").read_text())["expect"]
    result = compile_project(project)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert [{"rule": d.rule, "file": d.file, "line": d.line, "column": d.column} for d in errors] == expected
    assert all(d.message and d.rule for d in errors)

    run = CliRunner().invoke(cli, ["validate", str(project)])
    assert run.exit_code == 1, run.output
    assert "Traceback" not in run.output
    first = expected[0]
    assert f"{first['file']}:{first['line']}:{first['column']}: error {first['rule']}:" in run.output


@pytest.mark.parametrize("project", GOOD, ids=[p.name for p in GOOD])
def test_good_project_validates(project: Path) -> None:
    run = CliRunner().invoke(cli, ["validate", str(project)])
    assert run.exit_code == 0, run.output
    assert "no problems" in run.output
