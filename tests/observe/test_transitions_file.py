"""`--transitions FILE` (no duckdb needed): what can be computed from a transitions table."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjmc.diagnostics import UsageError
from cjmc.observe.api import observe
from cjmc.pipeline import compile_project

from .conftest import make_project

TABLE = """\
journey,from_step,to_step,count,median_seconds
buy,,view,4,
buy,,cart,1,
buy,view,cart,3,120
buy,cart,checkout,3,60
buy,checkout,cart,1,60
buy,checkout,paid,1,120
buy,checkout,abandon,1,60
"""


def _observe(tmp_path: Path, table: str, journey: str | None = None):
    root = make_project(tmp_path / "p", None, "name: x\n")
    path = tmp_path / "t.csv"
    path.write_text(table, encoding="utf-8")
    return observe(compile_project(root), journey, transitions=path)


def test_what_a_transitions_table_gives(tmp_path: Path) -> None:
    report = _observe(tmp_path, TABLE)
    buy = report.journeys["buy"]
    assert report.source == "transitions" and not buy.exact
    assert buy.entered == 5
    assert dict(buy.last_seen) == {"view": 1, "help": 0, "cart": 2, "checkout": 0, "abandon": 1, "paid": 1}
    assert dict(buy.stage_drop) == {"browse": 3, "pay": 1}
    assert buy.step_reach["cart"] == 5  # visits, not distinct customers
    assert [(t.from_step, t.to_step, t.count) for t in buy.undeclared] == [("checkout", "cart", 1)]
    assert buy.transition("checkout", "cart").cases is None
    assert buy.unobserved_steps == ("help",)
    assert buy.unobserved_transitions == (("view", "help"), ("help", "cart"))
    assert report.journeys["other"].entered == 0


def test_without_journey_column_for_one_journey(tmp_path: Path) -> None:
    table = "from_step,to_step,count\n,start,2\nstart,end,1\n"
    other = _observe(tmp_path, table, "other").journeys["other"]
    assert other.entered == 2 and dict(other.last_seen) == {"start": 1, "end": 1}


def test_unknown_steps_and_journeys_are_noted(tmp_path: Path) -> None:
    report = _observe(tmp_path, TABLE + "buy,view,gone,2,\nnope,a,b,1,\n")
    assert any("no step `gone`" in note for note in report.notes)
    assert any("`nope`" in note for note in report.notes)


@pytest.mark.parametrize("table, message", [
    ("journey,from,to,count\n", "no column from_step, to_step"),
    ("from_step,to_step,count\n,view,1\n", "has no `journey` column"),
    ("journey,from_step,to_step,count\nbuy,view,cart,many\n", "t.csv:2: `count` is not a number: 'many'"),
    ("journey,from_step,to_step,count\nbuy,view,cart,-1\n", "`count` is negative"),
    ("journey,from_step,to_step,count\nbuy,view,,1\n", "empty `to_step`"),
    ("journey,from_step,to_step,count\nbuy,view,cart,1\nbuy,view,cart,2\n", "appears twice"),
    ("", "the file is empty"),
])
def test_bad_tables(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(UsageError) as error:
        _observe(tmp_path, table)
    assert message in str(error.value)
