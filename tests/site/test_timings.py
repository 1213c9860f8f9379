"""``cjmc build --timings``: each phase of a build with its wall and CPU time, and what it did."""

from __future__ import annotations

import re
import shutil
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cjmc import sharded
from cjmc.cli import cli
from cjmc.timings import Phase, Timings, format_timings

from .conftest import EXAMPLES, REPO

ROW = re.compile(r"^(?P<name>\S.*?)\s+(?P<wall>\d+\.\d\d)\s+(?P<cpu>\d+\.\d\d)(?:\s\s(?P<what>.*))?$")
# A build's phases in the order they run; "lint" and "page keys" run only on some paths.
ORDER = ["settings and map files", "compile maps", "event data", "start diagrams", "lint", "page keys",
         "shared lookups", "templates and static files", "render pages", "wait for Graphviz", "fill diagrams",
         "publish", "total"]


def table(stderr: str) -> dict[str, tuple[float, float, str]]:
    """The timings table printed after the build's summary line: {phase: (wall, CPU, what)}."""
    lines = stderr.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("phase "))
    rows = {}
    for line in lines[start + 1:]:
        match = ROW.match(line)
        assert match, f"not a timings row: {line!r}"
        rows[match["name"]] = (float(match["wall"]), float(match["cpu"]), match["what"] or "")
    return rows


def test_a_phase_records_wall_and_cpu_time_in_order_even_when_it_raises() -> None:
    timings = Timings()
    with timings.phase("sleeping"):
        time.sleep(0.2)
    with pytest.raises(ValueError), timings.phase("failing") as phase:
        phase.detail = "half done"
        raise ValueError
    busy = timings.start("busy", "counting")
    deadline = time.process_time() + 0.1
    while time.process_time() < deadline:
        pass
    timings.stop(busy)
    assert [phase.name for phase in timings.phases] == ["sleeping", "failing", "busy"]
    sleeping, failing, busy = timings.phases
    assert sleeping.seconds >= 0.2 and sleeping.cpu_seconds < sleeping.seconds
    assert failing.detail == "half done" and failing.seconds >= 0
    assert busy.cpu_seconds >= 0.09 and busy.detail == "counting"
    total = timings.total()
    assert total.seconds >= sum(phase.seconds for phase in timings.phases)


def test_the_table_aligns_its_columns_and_ends_with_the_total() -> None:
    text = format_timings([Phase("compile maps", 3.861, 7.334, "1,002 map files"), Phase("publish", 0.004, 0.0)],
                          Phase("total", 18.94, 36.531))
    assert text.splitlines() == [
        "phase          wall s    CPU s  what",
        "compile maps     3.86     7.33  1,002 map files",
        "publish          0.00     0.00",
        "total           18.94    36.53",
    ]


def _build(project: Path, out: Path, *options: str) -> str:
    result = CliRunner().invoke(cli, ["build", str(project), "-o", str(out), *options])
    assert result.exit_code == 0, result.stderr
    return result.stderr


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLES, tmp_path / "examples", ignore=shutil.ignore_patterns(".cjmc-cache", "_site")))


def test_build_prints_each_phase_in_the_order_it_ran_only_when_asked(examples: Path, tmp_path: Path) -> None:
    assert "wall s" not in _build(examples, tmp_path / "quiet")
    rows = table(_build(examples, tmp_path / "site", "--no-cache", "--timings"))
    names = list(rows)
    assert names == [name for name in ORDER if name in names]
    assert {"settings and map files", "compile maps", "render pages", "publish", "total"} <= set(names)
    pages = len(list((tmp_path / "site").rglob("*.html")))
    assert rows["render pages"][2] == f"{pages} pages rendered, 0 reused"
    assert rows["compile maps"][2].endswith("1 process")  # the example project is small: no shards
    total_wall = rows["total"][0]
    assert sum(wall for name, (wall, _, _) in rows.items() if name != "total") <= total_wall + 0.01 * len(rows)


@pytest.fixture
def portfolio(tmp_path: Path, monkeypatch) -> Path:
    """A generated portfolio (no event data, so pages have keys), compiled by two shards."""
    if str(REPO / "bench") not in sys.path:
        sys.path.insert(0, str(REPO / "bench"))
    from generate import generate

    monkeypatch.setattr(sharded, "MIN_BYTES", 0)
    monkeypatch.setenv(sharded.WORKERS_VARIABLE, "2")
    return generate(6, tmp_path / "portfolio", seed=3)


def test_a_rebuild_shows_what_came_from_the_caches(portfolio: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    cold = table(_build(portfolio, out, "--timings"))
    journeys = portfolio / "maps" / "journeys"
    first = sorted(journeys.glob("*.yaml"))[0]
    first.write_text(first.read_text().replace("title: ", "title: Edited ", 1))
    warm = table(_build(portfolio, out, "--timings"))
    files = len(list((portfolio / "maps").rglob("*.yaml")))
    assert cold["compile maps"][2] == "0 map files from the cache, 2 processes, linted there"
    assert warm["compile maps"][2] == f"{files - 1} map files from the cache, 2 processes, linted there"
    rendered, reused = map(int, re.fullmatch(r"(\d+) pages rendered, (\d+) reused", warm["render pages"][2]).groups())
    assert reused > 0 and rendered > 0
    assert cold["render pages"][2] == f"{rendered + reused} pages rendered, 0 reused"
    laid_out = int(re.match(r"(\d+) diagrams?", warm["wait for Graphviz"][2]).group(1))
    cold_laid_out = int(re.match(r"(\d+) diagrams", cold["wait for Graphviz"][2]).group(1))
    assert 0 < laid_out < cold_laid_out  # the edited journey's flow (its title is the label) and maps that show it
    assert "page keys" in warm and "lint" not in warm  # the shards linted


def test_the_shared_lookups_are_made_with_the_collector_paused(tmp_path, monkeypatch):
    """The lookups are objects, not garbage: collections among them only walked the model (three full ones,
    ~0.09 s of a one-edit rebuild at 1,000 journeys). The collector is back on afterwards."""
    import gc

    from cjmc import runtime
    from cjmc.site import builder

    from .conftest import EXAMPLES, build

    seen = []
    build_pages = builder.build_pages

    def watching(*args, **kwargs):
        seen.append(gc.isenabled())
        return build_pages(*args, **kwargs)

    monkeypatch.setattr(builder, "build_pages", watching)
    monkeypatch.setattr(runtime, "ONE_SHOT", False)  # as in a library user's process: nothing is frozen
    assert gc.isenabled()
    assert build(EXAMPLES, tmp_path / "site", cache=False).written
    assert seen == [False] and gc.isenabled()
