"""`cjmc diff` and git baselines on a portfolio large enough for shards give what one process gives.

Both compile old revisions (checked out into a temporary folder) and, for
the working tree, the project itself; on a large portfolio they now compile
and lint in shards (``cjmc.check.compile_linted``). Here a generated
portfolio above the shards' threshold is diffed and baselined with the
default number of processes and with ``CJMC_WORKERS=1``, and the results
must be the same, byte for byte.
"""

from __future__ import annotations

import shutil
import sys

import pytest

from cjmc import sharded
from cjmc.sharded import MIN_BYTES

from .conftest import REPO, commit_all, git


@pytest.fixture(scope="module")
def portfolio_repo(tmp_path_factory):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    project = generate(40, tmp_path_factory.mktemp("large") / "p", seed=11)
    assert sum(path.stat().st_size for path in (project / "maps").rglob("*.yaml")) > MIN_BYTES
    git(project, "init", "-q")
    commit_all(project, "base")
    journeys = sorted((project / "maps" / "journeys").glob("*.yaml"))
    for journey, old, new in ((journeys[0], "title: ", "title: Renamed "), (journeys[1], "emotion: 1", "emotion: -2"),
                              (journeys[2], "touchpoint: ", "touchpoint: no-such-")):
        text = journey.read_text(encoding="utf-8")
        assert old in text
        journey.write_text(text.replace(old, new, 1), encoding="utf-8")
    commit_all(project, "edits")
    (journeys[3]).write_text(journeys[3].read_text(encoding="utf-8").replace("title: ", "title: Unsaved ", 1),
                             encoding="utf-8")
    return project


def _shard_runs(monkeypatch) -> list[int]:
    runs: list[int] = []
    real = sharded._run

    def counting(*args, **kwargs):
        runs.append(args[3])  # workers
        return real(*args, **kwargs)

    monkeypatch.setattr(sharded, "_run", counting)
    return runs


def test_diff_of_a_large_portfolio_is_the_same_in_shards_and_in_one_process(portfolio_repo, monkeypatch):
    from cjmc.workflow.compare import compare
    from cjmc.workflow.diff_render import render_json, render_markdown

    runs = _shard_runs(monkeypatch)
    monkeypatch.setenv("CJMC_WORKERS", "2")
    in_shards = [compare(portfolio_repo, "HEAD~1", "HEAD"), compare(portfolio_repo, "HEAD")]
    assert runs == [2, 2, 2, 2]  # both revisions of both diffs
    monkeypatch.setenv("CJMC_WORKERS", "1")
    in_one = [compare(portfolio_repo, "HEAD~1", "HEAD"), compare(portfolio_repo, "HEAD")]
    assert len(runs) == 4
    for sharded_diff, single_diff in zip(in_shards, in_one):
        assert render_json(sharded_diff) == render_json(single_diff)
        assert render_markdown(sharded_diff, base="b", head="h") == render_markdown(single_diff, base="b", head="h")
    assert "Renamed" in render_json(in_shards[0]) and "Unsaved" in render_json(in_shards[1])
    assert "unresolved-reference" in render_json(in_shards[0])  # a finding introduced by the edits


def test_a_git_baseline_of_a_large_portfolio_counts_the_same_in_shards_and_in_one_process(portfolio_repo,
                                                                                          monkeypatch):
    from cjmc.baseline import baseline_counts

    runs = _shard_runs(monkeypatch)
    monkeypatch.setenv("CJMC_WORKERS", "2")
    in_shards = baseline_counts("HEAD~1", portfolio_repo)
    assert runs == [2]
    monkeypatch.setenv("CJMC_WORKERS", "1")
    in_one = baseline_counts("HEAD~1", portfolio_repo)
    assert len(runs) == 1
    assert in_shards == in_one and sum(in_one.values()) > 100


def test_export_and_the_pre_commit_hook_on_a_large_portfolio_match_one_process(portfolio_repo, monkeypatch):
    """``cjmc export`` takes its model, and the pre-commit hook its findings, from the same shards."""
    from cjmc.interop.manifest import build_manifest, dumps_manifest
    from cjmc.workflow.gitrev import compile_revision
    from cjmc.workflow.precommit import check

    journey = str(sorted((portfolio_repo / "maps" / "journeys").glob("*.yaml"))[2])  # holds a broken reference
    runs = _shard_runs(monkeypatch)
    results = {}
    for workers in ("2", "1"):
        monkeypatch.setenv("CJMC_WORKERS", workers)
        compilation, _ = compile_revision(portfolio_repo, "HEAD~1", lint=False)  # valid: before the edits
        results[workers] = (dumps_manifest(build_manifest(compilation)), check([journey], lint=True),
                            check([journey], lint=False))
    assert runs == [2, 2, 2]  # the model, then the hook's findings (validated, linted) in shards
    assert results["2"] == results["1"]
    manifest, (linted, lint_failed), (validated, validate_failed) = results["2"]
    assert '"journeys"' in manifest and lint_failed and validate_failed
    assert any("unresolved-reference" in line for line in validated) and len(linted) > len(validated)


def test_the_pre_commit_hook_with_cache_reports_what_it_reports_without(portfolio_repo, monkeypatch):
    from cjmc.workflow.precommit import check, main

    monkeypatch.setenv("CJMC_WORKERS", "2")
    journeys = sorted((portfolio_repo / "maps" / "journeys").glob("*.yaml"))
    staged = [str(journeys[2]), str(journeys[3])]
    cache = portfolio_repo / ".cjmc-cache" / "compile"
    try:
        expected = check(staged, lint=True)
        assert not cache.exists()
        assert check(staged, lint=True, cache=True) == expected  # cold: the cache is written
        assert len(list(cache.glob("findings-*.pickle"))) == 1
        assert check(staged, lint=True, cache=True) == expected  # warm
        assert main(["--lint", "--cache", *staged]) == 1  # journeys[2] holds a broken reference
    finally:
        shutil.rmtree(portfolio_repo / ".cjmc-cache", ignore_errors=True)


def test_a_revision_is_checked_out_in_memory_when_there_is_room(portfolio_repo, tmp_path, monkeypatch):
    from cjmc.workflow import gitrev

    memory = tmp_path / "memory"
    memory.mkdir()
    monkeypatch.setattr(gitrev, "_MEMORY_FOLDERS", (str(tmp_path / "missing"), str(memory)))
    with gitrev.checkout(portfolio_repo, "HEAD~1") as folder:
        assert folder.parent == memory and len(list((folder / "maps" / "journeys").glob("*.yaml"))) == 40
    assert list(memory.iterdir()) == []  # removed afterwards
    assert gitrev._memory_folder(10**18) is None  # no room for it: the system's temporary folder
    monkeypatch.setattr(gitrev, "MEMORY_HEADROOM", 10**12)
    assert gitrev._memory_folder(10**6) is None
    monkeypatch.setattr(gitrev, "_MEMORY_FOLDERS", ())
    with gitrev.checkout(portfolio_repo, "HEAD~1") as folder:
        assert folder.parent != memory and (folder / "cjmc.yaml").is_file()
