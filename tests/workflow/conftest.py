"""Helpers for the workflow tests: throwaway git repositories and CLI runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd)}
    done = subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def cli_env() -> dict[str, str]:
    """Environment for `python -m cjmc` subprocesses that import this checkout."""
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": str(REPO) + (os.pathsep + path if path else ""), "NO_COLOR": "1"}


def run_cjmc(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cjmc", *args], cwd=cwd, capture_output=True, text=True,
                          env=cli_env(), timeout=timeout)


@pytest.fixture
def example_repo(tmp_path: Path) -> tuple[Path, Path]:
    """(repository, project) with the example project in the `cx/` sub-folder, committed once."""
    repo = tmp_path / "repo"
    project = repo / "cx"
    shutil.copytree(EXAMPLES, project)
    (repo / "README.md").write_text("not a map\n")
    git(repo, "init", "-q")
    commit_all(repo, "base")
    return repo, project


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
