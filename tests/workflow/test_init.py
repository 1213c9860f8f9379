"""`cjmc init`: a project that validates, lints and builds cleanly, and never overwrites."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from cjmc.pipeline import compile_project

from .conftest import run_cjmc

SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.M)


def test_init_then_validate_lint_build(tmp_path):
    target = tmp_path / "journeys"
    done = run_cjmc("init", str(target))
    assert done.returncode == 0, done.stderr
    for command in ("validate", "lint"):
        done = run_cjmc(command, str(target), "--format", "json", "--fail-on", "info")
        assert done.returncode == 0, done.stdout + done.stderr
        assert json.loads(done.stdout)["diagnostics"] == []  # not even a warning or an info
    done = run_cjmc("build", str(target), "-o", str(tmp_path / "site"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "index.html").is_file()


def test_scaffold_uses_every_lane_and_wires_the_editor(tmp_path):
    assert run_cjmc("init", str(tmp_path)).returncode == 0
    project = compile_project(tmp_path).project
    (journey,) = project.journeys.values()
    steps = journey.steps
    assert journey.kpis and len(journey.stages) >= 2
    for lane in ("touchpoint", "channel", "emotion", "thoughts", "questions", "backstage", "evidence",
                 "moment_of_truth", "metrics", "pain_points", "opportunities", "next", "exit"):
        assert any(getattr(step, lane) not in (None, ()) for step in steps), lane
    moments = [s for s in steps if s.moment_of_truth]
    assert all(s.metrics for s in moments)
    assert all(pp.evidence for _, pp in journey.pain_points)
    addressed = {pid for _, op in journey.opportunities for pid in op.addresses}
    assert addressed == {pp.id for _, pp in journey.pain_points}

    settings = json.loads((tmp_path / ".vscode/settings.json").read_text())
    for schema in settings["yaml.schemas"]:
        assert (tmp_path / schema).is_file(), schema
    for path in [tmp_path / "cjmc.yaml", *sorted((tmp_path / "maps").rglob("*.yaml"))]:
        (reference,) = SCHEMA_LINE.findall(path.read_text())
        assert (path.parent / reference).resolve().is_file(), (path, reference)
    assert (tmp_path / ".github/workflows/cjmc.yml").is_file()


def test_init_refuses_to_overwrite(tmp_path):
    (tmp_path / "cjmc.yaml").write_text("name: mine\n")
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "catalog.yaml").write_text("kind: catalog\n")
    done = run_cjmc("init", str(tmp_path))
    assert done.returncode == 2
    assert "cjmc.yaml" in done.stderr and "maps/catalog.yaml" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "cjmc.yaml").read_text() == "name: mine\n"
    assert not (tmp_path / "maps" / "personas.yaml").exists()  # nothing was written


def test_a_built_scaffold_leaves_git_nothing_new_to_commit(tmp_path):
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed (CI installs it)")
    assert run_cjmc("init", str(tmp_path)).returncode == 0
    env = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}
    subprocess.run([git, "init", "-q", str(tmp_path)], check=True, env=env)
    before = subprocess.run([git, "status", "--porcelain", "--untracked-files=all"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=True).stdout
    assert run_cjmc("build", str(tmp_path)).returncode == 0  # the default output folder, and .cjmc-cache/
    assert (tmp_path / ".cjmc-cache").is_dir() and (tmp_path / "_site" / "index.html").is_file()
    after = subprocess.run([git, "status", "--porcelain", "--untracked-files=all"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, check=True).stdout
    assert after == before
