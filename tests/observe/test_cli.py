"""`cjmc observe` on the command line: outputs, and bad event data -> exit 2 with a clear message."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cjmc.cli import cli

from .conftest import make_project

needs_duckdb = pytest.mark.skipif(
    __import__("importlib").util.find_spec("duckdb") is None,
    reason="duckdb is not installed (pip install 'cjmc[observe]')")


def run(*args: str):
    return CliRunner().invoke(cli, ["observe", *args])


def assert_usage_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for fragment in fragments:
        assert fragment in result.output, result.output


@needs_duckdb
def test_text_output(project: Path) -> None:
    result = run(str(project))
    assert result.exit_code == 0, result.output
    assert "5 customers entered, 1 completed" in result.output
    assert "checkout -> cart: 1, 1m00s  UNDECLARED" in result.output
    assert "steps nobody reached: help" in result.output
    assert "page_view (1)" in result.output


@needs_duckdb
def test_json_output_and_file(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.json"
    result = run(str(project), "buy", "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert list(data["journeys"]) == ["buy"]
    assert data["journeys"]["buy"]["last_seen"]["cart"] == 2


@needs_duckdb
def test_csv_output_reads_back(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    assert run(str(project), "--format", "csv", "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert {"journey": "buy", "from_step": "checkout", "to_step": "cart", "count": "1", "cases": "1",
            "median_seconds": "60", "declared": "false"} in rows
    again = run(str(project), "--transitions", str(out), "--format", "json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.output)["journeys"]["buy"]["last_seen"]["cart"] == 2


@needs_duckdb
def test_journey_id_alone_uses_the_project_found_from_here(project: Path, monkeypatch) -> None:
    monkeypatch.chdir(project)
    result = run("buy", "--format", "json")
    assert result.exit_code == 0, result.output
    assert list(json.loads(result.output)["journeys"]) == ["buy"]


def test_unknown_journey(project: Path) -> None:
    assert_usage_error(run(str(project), "bye"), "no journey `bye`")


def test_emit_sql(project: Path) -> None:
    result = run(str(project), "--emit-sql")
    assert result.exit_code == 0
    assert result.output.startswith("-- cjmc observe")
    assert "LAG(step)" in result.output and "'help_opened', 'buy', 'help'" in result.output


def test_no_event_sources(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", None, "name: x\n")
    assert_usage_error(run(str(root)), "names no event sources")


def test_duckdb_missing(project: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb -> ImportError
    assert_usage_error(run(str(project)), "install duckdb: pip install 'cjmc[observe]'")


@needs_duckdb
@pytest.mark.parametrize("name, content, fragments", [
    ("events.csv", "case_id,when,event\nc1,2026-10-01T10:00:00,x\n",
     ["no column `timestamp` (time_column)", "its columns are: case_id, when, event"]),
    ("events.csv", "case_id,timestamp,event\nc1,yesterday,product_viewed\nc2,2026-13-45,cart_added\n",
     ["2 event(s) have a `timestamp` that is not a date-time", "'yesterday' (case c1)"]),
    ("events.csv", "", ["the file is empty"]),
    ("events.json", '{"case_id": 1}', ["not an event log", "CSV", "Parquet"]),
    ("events.parquet", "case_id,timestamp,event\n", ["cannot read it as a Parquet file"]),
    ("events.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00", ["cannot read it as a UTF-8 CSV file"]),
])
def test_bad_event_data(tmp_path: Path, name: str, content, fragments) -> None:
    root = make_project(tmp_path / "p", None, 'events:\n  sources: ["data/*"]\n')
    target = root / "data" / name
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content)
    assert_usage_error(run(str(root)), *fragments)


def test_glob_matches_nothing(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", None)
    assert_usage_error(run(str(root)), "`data/*.csv` matches no file")


@needs_duckdb
def test_events_option_overrides_sources(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere.csv"
    other.write_text("case_id,timestamp,event\nz,2026-10-01T10:00:00,product_viewed\n")
    result = run(str(project), "--events", str(other), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["journeys"]["buy"]["entered"] == 1


def test_conflicting_options(project: Path, tmp_path: Path) -> None:
    assert_usage_error(run(str(project), "--emit-sql", "--transitions", str(tmp_path / "t.csv")), "do not go together")
    assert_usage_error(run(str(project), "--events-table", "t"), "only applies to --emit-sql")


def test_invalid_maps_exit_1(project: Path) -> None:
    (project / "maps" / "bad.yaml").write_text("kind: journey\nid: Bad\n")
    result = run(str(project))
    assert result.exit_code == 1
    assert "fix them first" in result.output
