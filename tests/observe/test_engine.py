"""cjmc observe over small hand-made event logs (CSV and Parquet) with known answers."""

from __future__ import annotations

from pathlib import Path

import pytest

duckdb = pytest.importorskip("duckdb", reason="duckdb is not installed (pip install 'cjmc[observe]')")

from cjmc.observe.api import emit_sql, observations_for_build, observe
from cjmc.pipeline import compile_project

from .conftest import make_project


def _check_known_answers(report) -> None:
    buy = report.journeys["buy"]
    assert buy.source == "events" and buy.exact
    assert buy.entered == 5
    assert dict(buy.entries) == {"view": 4, "help": 0, "cart": 1, "checkout": 0, "abandon": 0, "paid": 0}
    assert dict(buy.step_reach) == {"view": 4, "help": 0, "cart": 4, "checkout": 3, "abandon": 1, "paid": 1}
    assert dict(buy.last_seen) == {"view": 1, "help": 0, "cart": 2, "checkout": 0, "abandon": 1, "paid": 1}
    assert dict(buy.stage_reach) == {"browse": 5, "pay": 3}
    assert dict(buy.stage_drop) == {"browse": 3, "pay": 1}
    assert buy.completed == 1
    got = {(t.from_step, t.to_step): (t.count, t.cases, t.median_seconds, t.declared) for t in buy.transitions}
    assert got == {
        ("view", "cart"): (3, 3, 120.0, True),
        ("cart", "checkout"): (3, 3, 60.0, True),
        ("checkout", "cart"): (1, 1, 60.0, False),
        ("checkout", "paid"): (1, 1, 120.0, True),
        ("checkout", "abandon"): (1, 1, 60.0, True),
    }
    assert [(t.from_step, t.to_step) for t in buy.undeclared] == [("checkout", "cart")]
    assert buy.unobserved_steps == ("help",)
    assert buy.unobserved_transitions == (("view", "help"), ("help", "cart"))
    assert buy.drop_share("cart") == 0.5
    other = report.journeys["other"]
    assert other.entered == 0 and other.unobserved_steps == ("start", "end")
    assert report.events == 17
    assert report.unmatched_events == 1 and report.unmatched_names == (("page_view", 1),)
    assert report.skipped_events == 1
    assert report.matched_events == 15


def test_known_answers_csv(project: Path) -> None:
    _check_known_answers(observe(compile_project(project)))


def test_known_answers_parquet(tmp_path: Path, project: Path) -> None:
    source = project / "data" / "events.csv"
    target = project / "data" / "events.parquet"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT case_id, CAST(timestamp AS TIMESTAMP) AS timestamp, event "
                f"FROM read_csv('{source}', header = true, all_varchar = true)) TO '{target}' (FORMAT parquet)")
    con.close()
    source.unlink()
    (project / "cjmc.yaml").write_text('events:\n  sources: ["data/*.parquet"]\n', encoding="utf-8")
    _check_known_answers(observe(compile_project(project)))


def test_csv_and_parquet_together(project: Path) -> None:
    lines = (project / "data" / "events.csv").read_text().splitlines()
    header, rows = lines[0], lines[1:]
    (project / "data" / "events.csv").write_text("\n".join([header, *rows[:8]]) + "\n")
    (project / "data" / "more.csv").write_text("\n".join([header, *rows[8:]]) + "\n")
    con = duckdb.connect()
    more = project / "data" / "more.csv"
    con.execute(f"COPY (SELECT * FROM read_csv('{more}', all_varchar = true)) "
                f"TO '{project / 'data' / 'more.parquet'}' (FORMAT parquet)")
    con.close()
    more.unlink()
    (project / "cjmc.yaml").write_text('events:\n  sources: ["data/*.csv", "data/*.parquet"]\n', encoding="utf-8")
    report = observe(compile_project(project))
    assert len(report.files) == 2
    _check_known_answers(report)


def test_custom_column_names(tmp_path: Path) -> None:
    from .conftest import EVENTS

    renamed = EVENTS.replace("case_id,timestamp,event", "session,at,name", 1)
    config = 'events:\n  sources: ["data/*.csv"]\n  case_column: session\n  time_column: at\n  event_column: name\n'
    root = make_project(tmp_path / "p", renamed, config)
    _check_known_answers(observe(compile_project(root)))


def test_one_journey_only(project: Path) -> None:
    report = observe(compile_project(project), "buy")
    assert list(report.journeys) == ["buy"]
    assert report.journeys["buy"].entered == 5


def test_same_timestamp_breaks_ties_by_document_order(tmp_path: Path) -> None:
    events = ("case_id,timestamp,event\n"
              "c1,2026-10-01T10:00:00,cart_added\n"
              "c1,2026-10-01T10:00:00,product_viewed\n")
    report = observe(compile_project(make_project(tmp_path / "p", events)))
    buy = report.journeys["buy"]
    assert [(t.from_step, t.to_step, t.median_seconds) for t in buy.transitions] == [("view", "cart", 0.0)]


def test_repeated_events_at_one_step_are_one_visit(tmp_path: Path) -> None:
    events = ("case_id,timestamp,event\n"
              "c1,2026-10-01T10:00:00,product_viewed\n"
              "c1,2026-10-01T10:00:05,product_viewed\n"
              "c1,2026-10-01T10:01:00,cart_added\n"
              "c1,2026-10-01T10:02:00,cart_viewed\n")
    buy = observe(compile_project(make_project(tmp_path / "p", events))).journeys["buy"]
    assert [(t.from_step, t.to_step, t.count, t.median_seconds) for t in buy.transitions] == [("view", "cart", 1, 60.0)]


def test_header_only_log_observes_nobody(tmp_path: Path) -> None:
    report = observe(compile_project(make_project(tmp_path / "p", "case_id,timestamp,event\n")))
    assert report.events == 0
    assert report.journeys["buy"].entered == 0
    assert report.journeys["buy"].unobserved_steps[0] == "view"


def test_observations_for_build(project: Path, tmp_path: Path) -> None:
    observations, note = observations_for_build(compile_project(project))
    assert set(observations) == {"buy", "other"} and note == ""
    assert observations["buy"].entered == 5
    bare = make_project(tmp_path / "bare", config="name: bare\n")
    assert observations_for_build(compile_project(bare)) == (None, "")


def _run_emitted(sql: str) -> list[tuple]:
    con = duckdb.connect()
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_emitted_sql_gives_the_same_numbers(project: Path) -> None:
    compilation = compile_project(project)
    sql = emit_sql(compilation)
    assert "VALUES" in sql and "'product_viewed', 'buy', 'view'" in sql
    rows = _run_emitted(sql)
    report = observe(compilation)
    expected = []
    for jid, observed in report.journeys.items():
        expected += [(jid, None, step, n, n, None) for step, n in observed.entries.items() if n]
        expected += [(jid, t.from_step, t.to_step, t.count, t.cases, t.median_seconds) for t in observed.transitions]
    normalise = lambda rs: sorted((j, f or "", t, c, k, None if m is None else float(m)) for j, f, t, c, k, m in rs)
    assert normalise(rows) == normalise(expected)


def test_emitted_sql_result_read_back_with_transitions(project: Path, tmp_path: Path) -> None:
    compilation = compile_project(project)
    out = tmp_path / "transitions.csv"
    sql = emit_sql(compilation).rstrip().rstrip(";")
    con = duckdb.connect()
    con.execute(f"COPY ({sql}) TO '{out}' (FORMAT csv, HEADER)")
    con.close()
    from_events = observe(compilation).journeys["buy"]
    from_table = observe(compilation, transitions=out).journeys["buy"]
    assert from_table.source == "transitions" and not from_table.exact
    for field in ("entered", "entries", "last_seen", "stage_drop", "undeclared", "unobserved_steps",
                  "unobserved_transitions", "transitions", "completed"):
        assert getattr(from_table, field) == getattr(from_events, field), field
    # Reach counts visits: c2 came back to the cart.
    assert from_table.step_reach["cart"] == 5 and from_events.step_reach["cart"] == 4
    assert dict(from_table.stage_reach) == {}


def test_emit_sql_for_a_table_needs_no_sources(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", None, "name: x\n")
    sql = emit_sql(compile_project(root), events_table="analytics.events")
    assert "FROM analytics.events" in sql


def test_offsets_are_honoured(tmp_path: Path) -> None:
    # 10:00+02:00 is 08:00 UTC: before the 09:30Z cart event, so view -> cart.
    events = ("case_id,timestamp,event\n"
              "c1,2026-10-01T09:30:00Z,cart_added\n"
              "c1,2026-10-01T10:00:00+02:00,product_viewed\n")
    buy = observe(compile_project(make_project(tmp_path / "p", events))).journeys["buy"]
    assert [(t.from_step, t.to_step, t.median_seconds) for t in buy.transitions] == [("view", "cart", 5400.0)]
