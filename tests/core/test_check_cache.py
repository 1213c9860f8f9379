"""``cjmc lint --cache`` and ``validate --cache``: the build's compile cache changes no finding, only how soon.

The sharded check (what ``validate`` and ``lint`` run on a large portfolio)
is run without a cache, with a cold one and with a warm one on every
multi-file acceptance project, the example and a generated portfolio; the
diagnostics and the files must be equal, and the warm run must take every
clean file from the cache. Then edits that reach other files are made
between runs, and the CLI is run as CI runs it.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cjmc.check import check_project
from cjmc.config import load_config, map_files
from cjmc.lint.settings import resolve_settings
from cjmc.sharded import MIN_BYTES, check_sharded, compile_sharded

from .test_compile_cache import _hook, _replace_once
from .test_sharded import TODAY, _projects

REPO = Path(__file__).resolve().parents[2]


def _check(project: Path, cache: Path | None, *, lint: bool = True, today: dt.date = TODAY):
    config = load_config(project)
    settings = resolve_settings(config) if lint else None
    return check_sharded(project, config, list(map_files(config)), 2, lint=lint, settings=settings, today=today,
                         cache_dir=cache)


def _assert_same(uncached, cached) -> None:
    assert cached.diagnostics == uncached.diagnostics
    assert cached.files == uncached.files


@pytest.mark.parametrize("lint", [True, False], ids=["lint", "validate"])
@pytest.mark.parametrize("project", _projects())
def test_a_cached_check_finds_what_an_uncached_one_finds(project: Path, lint: bool, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    uncached = _check(project, None, lint=lint)
    cold = _check(project, cache, lint=lint)
    _assert_same(uncached, cold)
    assert cold.cached_files == 0
    warm = _check(project, cache, lint=lint)
    _assert_same(uncached, warm)
    # Files with load or schema problems are parsed every time; link problems are cached with the file.
    problem_files = {d.file for d in uncached.diagnostics if d.rule in ("yaml-syntax", "duplicate-key", "schema")}
    assert len(set(uncached.files) - problem_files) <= warm.cached_files <= len(uncached.files)


@pytest.fixture()
def portfolio(tmp_path: Path) -> Path:
    sys.path.insert(0, str(REPO / "bench"))
    from generate import generate

    return generate(16, tmp_path / "corpus", seed=11)


def test_edits_reach_a_cached_lint(portfolio: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    journeys = sorted((portfolio / "maps" / "journeys").glob("*.yaml"))
    catalog = portfolio / "maps" / "catalog.yaml"
    files = len(list(map_files(load_config(portfolio))))
    _check(portfolio, cache)
    assert _check(portfolio, cache).cached_files == files

    def cached_equals_uncached(today: dt.date = TODAY):
        cached = _check(portfolio, cache, today=today)
        _assert_same(_check(portfolio, None, today=today), cached)
        return cached

    # One journey edited: only that file is parsed and linted again.
    _replace_once(journeys[2], "\n", "  # cjmc: disable-file stage-without-pain-points\n")
    assert cached_equals_uncached().cached_files == files - 1
    # A touchpoint renamed in the catalog: the plan changes, so every journey is linked and linted again.
    text = catalog.read_text(encoding="utf-8")
    first_name = next(line for line in text.splitlines() if line.strip().startswith("name:"))
    _replace_once(catalog, first_name, first_name + " renamed")
    assert cached_equals_uncached().cached_files == files - len(journeys) - 1  # the persona file
    # Other lint settings, and another day: no finding comes from an entry made for the others.
    later = TODAY + dt.timedelta(days=800)
    assert cached_equals_uncached(later).cached_files == files - len(journeys)  # parsed: only the journeys
    (portfolio / "cjmc.yaml").write_text((portfolio / "cjmc.yaml").read_text(encoding="utf-8")
                                         + "lint:\n  rules:\n    stage-without-pain-points: error\n",
                                         encoding="utf-8")
    config = load_config(portfolio)
    paths = list(map_files(config))
    strict = check_sharded(portfolio, config, paths, 2, lint=True, settings=resolve_settings(config), today=TODAY,
                           cache_dir=cache)
    assert strict.diagnostics == check_sharded(portfolio, config, paths, 2, lint=True,
                                               settings=resolve_settings(config), today=TODAY).diagnostics
    assert any(d.rule == "stage-without-pain-points" and d.severity == "error" for d in strict.diagnostics)


def _findings_files(cache: Path) -> list[Path]:
    from cjmc.sharded import FINDINGS_PREFIX

    return sorted(cache.glob(f"{FINDINGS_PREFIX}*.pickle"))


def test_a_damaged_or_unwritable_findings_file_is_no_cache(portfolio: Path, tmp_path: Path) -> None:
    uncached = _check(portfolio, None)
    cache = tmp_path / "cache"
    _check(portfolio, cache)
    [pack] = _findings_files(cache)
    pack.write_bytes(pack.read_bytes()[: pack.stat().st_size // 2])  # cut short, as by a full disk
    damaged = _check(portfolio, cache)
    _assert_same(uncached, damaged)
    files = len(uncached.files)
    journeys = len(list((portfolio / "maps" / "journeys").glob("*.yaml")))
    assert damaged.cached_files == files - journeys  # round 1 still came from round1.pickle
    assert _check(portfolio, cache).cached_files == files  # and the findings file was written whole again
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would go")
    _assert_same(uncached, _check(portfolio, blocked))


def test_validate_and_lint_keep_their_own_entries_and_old_ones_go(portfolio: Path, tmp_path: Path) -> None:
    """Both pre-commit hooks with --cache: neither replaces the other's entries, so both stay warm."""
    import os
    import time

    cache = tmp_path / "cache"
    files = len(list(map_files(load_config(portfolio))))
    _check(portfolio, cache, lint=False)
    _check(portfolio, cache)
    assert len(_findings_files(cache)) == 2
    assert _check(portfolio, cache, lint=False).cached_files == files
    assert _check(portfolio, cache).cached_files == files
    # Another day's file (the date is in every key) is deleted once unused for two days; nothing else is.
    stale, fresh = _findings_files(cache)
    old = time.time() - 3 * 86400
    os.utime(stale, (old, old))
    unrelated = cache / "findings-notes.pickle"
    unrelated.write_bytes(b"not an entry file")
    os.utime(unrelated, (old, old))
    later = TODAY + dt.timedelta(days=3)
    _check(portfolio, cache, today=later)
    left = set(_findings_files(cache))
    assert stale not in left and {fresh, unrelated} <= left
    assert len(left - {fresh, unrelated}) == 1  # the later day's own


def test_a_build_and_a_cached_lint_share_what_parsing_gave(portfolio: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    config = load_config(portfolio)
    paths = list(map_files(config))
    compile_sharded(portfolio, config, paths, 2, settings=resolve_settings(config), today=TODAY, per_journey=_hook,
                    cache_dir=cache)
    after_build = _check(portfolio, cache)
    _assert_same(_check(portfolio, None), after_build)
    # Round 1 came from the build's entries, so the persona and catalog files were not parsed; the journeys
    # were, for lint's own round 2 (a build's entries hold its diagrams too, under another key).
    journeys = len(list((portfolio / "maps" / "journeys").glob("*.yaml")))
    assert after_build.cached_files == len(paths) - journeys


def test_the_one_process_path_ignores_the_cache(tmp_path: Path) -> None:
    project = REPO / "examples"
    checked, _ = check_project(project, lint=True, today=TODAY, cache=True, min_bytes=10**12)
    assert checked.workers == 1 and checked.cached_files == 0
    assert checked.diagnostics == check_project(project, lint=True, today=TODAY, min_bytes=10**12)[0].diagnostics


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CJMC_WORKERS": "2"}
    return subprocess.run([sys.executable, "-m", "cjmc", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def test_lint_cache_on_the_command_line(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    from generate import generate

    project = generate(40, tmp_path / "corpus", seed=3)
    assert sum(p.stat().st_size for p in map_files(load_config(project))) >= MIN_BYTES  # so it runs in shards
    plain = _cli("lint", ".", "--fail-on", "never", "--format", "json", cwd=project)
    assert plain.returncode == 0, plain.stderr
    assert not (project / ".cjmc-cache").exists()  # nothing is written without --cache
    cold = _cli("lint", ".", "--fail-on", "never", "--format", "json", "--cache", cwd=project)
    assert (project / ".cjmc-cache" / "compile").is_dir()
    warm = _cli("lint", ".", "--fail-on", "never", "--format", "json", "--cache", cwd=project)
    assert cold.stdout == plain.stdout and warm.stdout == plain.stdout
    assert cold.returncode == warm.returncode == 0
    validated = _cli("validate", ".", "--cache", cwd=project)
    assert validated.returncode == 0, validated.stdout + validated.stderr
