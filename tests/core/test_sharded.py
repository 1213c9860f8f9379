"""The sharded path (one process per core) reports exactly what the single-process path does.

Every acceptance project, every lint-rule fixture case, the example and a
generated portfolio are checked both ways; files of one project land in
different shards, so duplicate ids, references and suppressions that cross
shards are covered.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
import yaml

from cjmc.config import load_config, map_files
from cjmc.lint.engine import lint_compilation
from cjmc.lint.settings import resolve_settings
from cjmc.pipeline import compile_project
from cjmc.sharded import check_sharded, worker_count

REPO = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 1)


def _projects() -> list:
    params = [pytest.param(p, id=f"acceptance/{p.parent.name}/{p.name}")
              for p in sorted((REPO / "tests" / "acceptance").glob("*/*"))
              if (p / "maps").is_dir() and len(list(map_files(load_config(p)))) >= 2]
    params.append(pytest.param(REPO / "examples", id="examples"))
    return params


def _materialize_fixtures(root: Path) -> list[Path]:
    projects = []
    for path in sorted((REPO / "tests" / "lint" / "fixtures").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for index, case in enumerate(data["cases"]):
            if "events:" in case.get("config", ""):
                continue  # the observed-journey rules are not sharded
            project = root / f"{data['rule']}-{index}"
            for name, text in {**data.get("common", {}), **case["files"]}.items():
                (project / name).parent.mkdir(parents=True, exist_ok=True)
                (project / name).write_text(text, encoding="utf-8")
            if "config" in case:
                (project / "cjmc.yaml").write_text(case["config"], encoding="utf-8")
            projects.append(project)
    return projects


def _assert_same(project: Path, workers: int) -> None:
    config = load_config(project)
    paths = list(map_files(config))
    assert len(paths) >= 2, "one file: nothing to split"
    serial = compile_project(project, config)
    for lint in (False, True):
        settings = resolve_settings(config) if lint else None
        sharded = check_sharded(project, config, paths, workers, lint=lint, settings=settings, today=TODAY)
        expected = lint_compilation(serial, today=TODAY) if lint else serial.diagnostics
        assert sharded.workers == min(workers, len(paths))
        assert sharded.files == serial.project.files
        assert sharded.diagnostics == expected


@pytest.mark.parametrize("project", _projects())
def test_acceptance_projects_and_example_give_the_same_findings(project: Path) -> None:
    _assert_same(project, 2)


def test_every_lint_fixture_gives_the_same_findings_sharded(tmp_path: Path) -> None:
    checked = 0
    for project in _materialize_fixtures(tmp_path):
        if len(list(map_files(load_config(project)))) >= 2:
            _assert_same(project, 2)
            checked += 1
    assert checked > 30


def test_a_generated_portfolio_gives_the_same_findings_in_two_and_three_shards(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    from generate import generate

    project = generate(40, tmp_path / "corpus", seed=3)
    # Cross-shard trouble: a duplicate journey id, a reference to a journey in another file, a suppression.
    journeys = sorted((project / "maps" / "journeys").glob("*.yaml"))
    text = journeys[-1].read_text(encoding="utf-8")
    first_id = yaml.safe_load(journeys[0].read_text(encoding="utf-8"))["id"]
    last_id = yaml.safe_load(text)["id"]
    journeys[-1].write_text(text.replace(f"id: {last_id}\n", f"id: {first_id}\n", 1), encoding="utf-8")
    (project / "maps" / "catalog.yaml").write_text(
        (project / "maps" / "catalog.yaml").read_text(encoding="utf-8") + "# cjmc: disable-file unused-definition\n",
        encoding="utf-8")
    for workers in (2, 3):
        _assert_same(project, workers)


def test_small_projects_and_projects_with_event_data_use_one_process(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CJMC_WORKERS", raising=False)
    config = load_config(REPO / "examples")
    paths = list(map_files(config))
    assert config.events.get("sources"), "the example has event data"
    assert worker_count(config, paths, min_bytes=0) == 1
    (tmp_path / "maps").mkdir()
    for name in ("a", "b"):
        (tmp_path / "maps" / f"{name}.yaml").write_text("kind: persona\nid: " + name + "\nname: N\n")
    small = load_config(tmp_path)
    small_paths = list(map_files(small))
    assert worker_count(small, small_paths) == 1  # far below the size where a second process pays
    monkeypatch.setenv("CJMC_WORKERS", "2")
    assert worker_count(small, small_paths, min_bytes=0) == 2
    monkeypatch.setenv("CJMC_WORKERS", "1")
    assert worker_count(small, small_paths, min_bytes=0) == 1
    monkeypatch.setenv("CJMC_WORKERS", "2")
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert worker_count(small, small_paths, min_bytes=0) == 1  # as under cjmc serve
    finally:
        stop.set()
        thread.join()


def test_a_worker_that_fails_is_reported_not_hidden(tmp_path: Path, monkeypatch) -> None:
    from cjmc import sharded

    (tmp_path / "maps").mkdir()
    for name in ("a", "b"):
        (tmp_path / "maps" / f"{name}.yaml").write_text("kind: persona\nid: " + name + "\nname: N\n")

    def broken(self):
        raise ValueError("boom")

    monkeypatch.setattr(sharded.Shard, "load", broken)
    config = load_config(tmp_path)
    with pytest.raises(RuntimeError, match="boom"):
        check_sharded(tmp_path, config, list(map_files(config)), 2, lint=False)


def test_the_main_process_pauses_its_gc_while_findings_arrive(tmp_path: Path, monkeypatch) -> None:
    """~29,000 findings of a large portfolio are unpickled and sorted with no garbage among them: a full
    collection in the middle of them had been ~15 ms of a 1.9 s lint, on its one-core tail."""
    import gc

    from cjmc import runtime, sharded

    (tmp_path / "maps").mkdir()
    for name in ("a", "b"):
        (tmp_path / "maps" / f"{name}.yaml").write_text("kind: persona\nid: " + name + "\nname: N\n")
    seen = []
    real_sorted_unique = sharded.sorted_unique

    def watching(diagnostics):
        seen.append(gc.isenabled())
        return real_sorted_unique(diagnostics)

    monkeypatch.setattr(sharded, "sorted_unique", watching)
    monkeypatch.setattr(runtime, "ONE_SHOT", False)  # as in a library user's process: nothing is frozen
    config = load_config(tmp_path)
    assert gc.isenabled()
    checked = check_sharded(tmp_path, config, list(map_files(config)), 2, lint=True,
                            settings=resolve_settings(config), today=TODAY)
    assert seen == [False] and gc.isenabled()  # paused while the shards' results were taken, then back on
    assert checked.files == ("maps/a.yaml", "maps/b.yaml")


def test_a_shard_held_up_by_one_file_leaves_the_others_to_the_other_shard(tmp_path: Path, monkeypatch) -> None:
    """Shards take the next file when done with one: a slow core (or a slow file) does not hold up half the files."""
    import time

    from cjmc import sharded
    from cjmc.fsutil import file_size

    sys.path.insert(0, str(REPO / "bench"))
    from generate import generate

    root = generate(12, tmp_path / "p", seed=3)
    config = load_config(root)
    paths = list(map_files(config))
    largest = max(paths, key=file_size)  # the first one taken
    load_file = sharded.load_file

    def slow_on_the_largest(path, project_root, data=None):
        if path == largest:
            time.sleep(1.5)
        return load_file(path, project_root, data)

    monkeypatch.setattr(sharded, "load_file", slow_on_the_largest)
    done = sharded._run(root, config, paths, 2, None)
    assert sorted(len(summary.files) for summary in done.summaries) == [1, len(paths) - 1]
    assert sorted(name for summary in done.summaries for _, name in summary.files) == sorted(
        path.relative_to(root).as_posix() for path in paths)


def test_an_interrupt_as_a_shard_starts_stops_the_shards_already_started(tmp_path: Path, monkeypatch) -> None:
    """Ctrl+C as the second shard's start ends (a held signal is raised there): both shards are stopped,
    none is left waiting for a plan that never comes."""
    import multiprocessing

    from cjmc import sharded

    (tmp_path / "maps").mkdir()
    for name in ("a", "b", "c"):
        (tmp_path / "maps" / f"{name}.yaml").write_text("kind: persona\nid: " + name + "\nname: N\n")
    started = []
    start = sharded._Child.start

    def interrupted_after_the_second(self):
        start(self)
        started.append(self.process)
        if len(started) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(sharded._Child, "start", interrupted_after_the_second)
    config = load_config(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        sharded._run(tmp_path, config, list(map_files(config)), 3, None)
    assert len(started) == 2
    assert [process.is_alive() for process in started] == [False, False]
    assert multiprocessing.active_children() == []
    assert not sharded._PARENT_ENDS
