"""The pre-commit hooks: the hook file's entries run on the files passed, and (when pre-commit is
installed and can reach PyPI) `pre-commit try-repo` on a throwaway copy of this repository."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cjmc.workflow.precommit import main

from .conftest import REPO, cli_env, commit_all, edit, git

HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())


def scaffold(tmp_path: Path) -> Path:
    project = tmp_path / "maps-repo"
    from cjmc.workflow.init import init_project

    init_project(project)
    return project


def run_hook(hook_id: str, files: list[str], cwd: Path) -> subprocess.CompletedProcess:
    (hook,) = [h for h in HOOKS if h["id"] == hook_id]
    assert hook["language"] == "python"
    command = shlex.split(hook["entry"])
    assert command[0] == "python"
    return subprocess.run([sys.executable, *command[1:], *hook.get("args", []), *files], cwd=cwd,
                          capture_output=True, text=True, env=cli_env(), timeout=120)


def test_hook_file_declares_both_hooks():
    assert [h["id"] for h in HOOKS] == ["cjmc-validate", "cjmc-lint"]
    for hook in HOOKS:
        assert {"id", "name", "entry", "language"} <= hook.keys()


def test_hook_entries_report_only_the_files_passed(tmp_path):
    project = scaffold(tmp_path)
    clean = run_hook("cjmc-validate", ["maps/personas.yaml", "maps/catalog.yaml"], project)
    assert clean.returncode == 0 and clean.stdout == ""
    assert run_hook("cjmc-lint", ["maps/journeys/sign-up.yaml"], project).returncode == 0

    edit(project / "maps/journeys/sign-up.yaml", "touchpoint: welcome-email", "touchpoint: welcome-mail")
    # the broken reference is in the journey: a commit of the persona file alone passes
    assert run_hook("cjmc-validate", ["maps/personas.yaml"], project).returncode == 0
    broken = run_hook("cjmc-validate", ["maps/personas.yaml", "maps/journeys/sign-up.yaml"], project)
    assert broken.returncode == 1
    assert broken.stdout.startswith("maps/journeys/sign-up.yaml:")
    assert "unresolved-reference" in broken.stdout and "welcome-email" in broken.stdout

    # run from outside the project: paths are shown as given
    outside = run_hook("cjmc-lint", [str(project / "maps/journeys/sign-up.yaml")], tmp_path)
    assert outside.returncode == 1
    assert outside.stdout.startswith("maps-repo/maps/journeys/sign-up.yaml:")


def test_precommit_main_in_process(tmp_path, capsys, monkeypatch):
    project = scaffold(tmp_path)
    monkeypatch.chdir(project)
    assert main([]) == 0
    assert main(["--lint", "--fail-on", "info", "maps/catalog.yaml"]) == 0
    (project / "cjmc.yaml").write_text("lint: {rules: {no-such-rule: error}}\n")
    assert main(["--lint", "maps/catalog.yaml"]) == 2
    assert "cjmc: error:" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed")
def test_pre_commit_try_repo(tmp_path):
    """The real thing: pre-commit builds the hook's environment from a copy of this repository."""
    source = tmp_path / "cjmc-src"
    source.mkdir()
    for name in ("cjmc", "schemas", "templates"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.so"))
    for name in ("pyproject.toml", "hatch_build.py", ".pre-commit-hooks.yaml", "README.md"):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, source / name)
    if not (source / "README.md").exists():
        (source / "README.md").write_text("cjmc\n")  # pyproject's readme
    git(source, "init", "-q")
    commit_all(source, "snapshot")

    project = scaffold(tmp_path)
    git(project, "init", "-q")
    commit_all(project, "maps")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PRE_COMMIT_COLOR": "never"}
    env.pop("PYTHONPATH", None)

    def try_repo(hook: str, *files: str) -> subprocess.CompletedProcess:
        return subprocess.run(["pre-commit", "try-repo", str(source), hook, "--files", *files], cwd=project,
                              capture_output=True, text=True, env=env, timeout=600)

    done = try_repo("cjmc-validate", "maps/catalog.yaml", "maps/journeys/sign-up.yaml")
    if done.returncode != 0 and ("Could not" in done.stdout + done.stderr or "network" in done.stderr.lower()):
        pytest.skip(f"pre-commit could not install the hook environment: {done.stdout[-500:]}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "cjmc validate" in done.stdout and "Passed" in done.stdout

    edit(project / "maps/catalog.yaml", "owner: digital\n", "owner: digitl\n", count=2)
    done = try_repo("cjmc-lint", "maps/catalog.yaml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "maps/catalog.yaml:17:12: error unresolved-reference: unknown team `digitl`" in done.stdout
