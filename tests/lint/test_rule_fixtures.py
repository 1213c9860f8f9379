"""Every rule's fixture cases (tests/lint/fixtures/RULE.yaml), run by one test.

A fixture file holds ``rule``, optional ``common`` files shared by its cases,
and ``cases``: each with ``files`` (path -> YAML text), optional ``config``
(the cjmc.yaml text; with ``events: {sources: [...]}`` and an event log among
the files, the rules that compare the map with event data get observations),
optional ``today`` (YYYY-MM-DD) and ``expect``: the
findings of that rule as ``{file, line, column}`` plus optional ``message``
(a substring) and ``severity``. Only findings of the fixture's rule count;
every case must otherwise be a valid project, so fixtures cannot rot.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from cjmc.lint.engine import lint_compilation
from cjmc.pipeline import compile_project

FIXTURES = Path(__file__).parent / "fixtures"


def _cases():
    for path in sorted(FIXTURES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for index, case in enumerate(data["cases"]):
            yield pytest.param(data, case, id=f"{data['rule']}::{case.get('name', index)}")


@pytest.mark.parametrize("fixture, case", list(_cases()))
def test_rule_case(tmp_path: Path, fixture: dict, case: dict) -> None:
    rule = fixture["rule"]
    files = {**fixture.get("common", {}), **case["files"]}
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if "config" in case:
        (tmp_path / "cjmc.yaml").write_text(case["config"], encoding="utf-8")
    today = dt.date.fromisoformat(str(case.get("today", "2026-11-01")))

    result = compile_project(tmp_path)
    observations = None
    if "events:" in case.get("config", ""):
        pytest.importorskip("duckdb", reason="event fixtures need duckdb (the test extra installs it)")
        from cjmc.observe.api import observations_for_build

        observations, note = observations_for_build(result)
        assert observations is not None, note
    diagnostics = lint_compilation(result, today=today, observations=observations)

    invalid = [d for d in diagnostics if d.severity == "error" and d.rule not in (rule,)
               and d.rule in ("yaml-syntax", "duplicate-key", "schema", "duplicate-id", "unresolved-reference",
                              "channel-mismatch")]
    if rule not in ("yaml-syntax", "duplicate-key", "schema", "duplicate-id", "unresolved-reference",
                    "channel-mismatch"):
        assert not invalid, f"fixture is not a valid project: {invalid}"
    found = [d for d in diagnostics if d.rule == rule]
    expected = case.get("expect") or []
    assert [(d.file, d.line, d.column) for d in found] == [(e["file"], e["line"], e["column"]) for e in expected], \
        "\n".join(f"{d.file}:{d.line}:{d.column}: {d.message}" for d in found)
    for diagnostic, expectation in zip(found, expected):
        if "message" in expectation:
            assert expectation["message"] in diagnostic.message
        if "severity" in expectation:
            assert diagnostic.severity == expectation["severity"]


def test_every_rule_has_fixtures_with_failing_and_passing_cases() -> None:
    from cjmc.lint.registry import all_rules

    covered: dict[str, list] = {}
    for path in FIXTURES.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert path.stem == data["rule"], f"{path.name} should be named after its rule"
        covered[data["rule"]] = data["cases"]
    for name in all_rules():
        assert name in covered, f"rule {name} has no fixture file"
        assert any(case.get("expect") for case in covered[name]), f"{name}: no failing case"
        assert any(not case.get("expect") for case in covered[name]), f"{name}: no passing case"
