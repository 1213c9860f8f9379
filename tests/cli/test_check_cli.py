"""`cjmc validate` / `lint` / `rules` / `schema` as a user runs them: exit codes, options, output routing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cjmc.cli import cli

JOURNEY = """kind: journey
id: buy
title: Buy
personas: [p]
stages:
  - id: s
    name: S
    steps:
      - {id: a, name: A, emotion: 1}
      - {id: b, name: B}
"""  # no moment of truth (warning), no pain points (warning), b has no emotion (info)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "p.yaml").write_text("kind: persona\nid: p\nname: P\n")
    (tmp_path / "maps" / "j.yaml").write_text(JOURNEY)
    return tmp_path


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.mark.parametrize("fail_on, code", [("error", 0), ("warning", 1), ("info", 1), ("never", 0)])
def test_lint_exit_code_follows_fail_on(project: Path, fail_on: str, code: int) -> None:
    result = run("lint", str(project), "--fail-on", fail_on)
    assert result.exit_code == code, result.output


def test_only_info_findings_fail_only_at_info(project: Path) -> None:
    (project / "cjmc.yaml").write_text("lint:\n  rules:\n    journey-without-moment-of-truth: off\n"
                                       "    stage-without-pain-points: info\n")
    assert run("lint", str(project), "--fail-on", "warning").exit_code == 0
    assert run("lint", str(project), "--fail-on", "info").exit_code == 1


@pytest.mark.parametrize("fail_on, code", [("error", 1), ("never", 0)])
def test_invalid_maps_fail_validate(project: Path, fail_on: str, code: int) -> None:
    (project / "maps" / "j.yaml").write_text(JOURNEY.replace("personas: [p]", "personas: [q]"))
    result = run("validate", str(project), "--fail-on", fail_on)
    assert result.exit_code == code
    assert "unresolved-reference" in result.output


def test_validate_runs_no_lint_rules(project: Path) -> None:
    result = run("validate", str(project))
    assert result.exit_code == 0 and result.output.strip() == "no problems in 2 files"


@pytest.mark.parametrize("config, message", [
    ("lint:\n  rules:\n    stage-without-painpoints: error\n", "did you mean `stage-without-pain-points`?"),
    ("lint:\n  rules:\n    stale-journey: {max_age: 10}\n", "did you mean `max_age_days`?"),
    ("lint:\n  rules:\n    stale-journey: {max_age_days: soon}\n", "must be int"),
    ("lint:\n  rules:\n    stale-journey: loud\n", "stale-journey"),
])
def test_bad_lint_settings_are_exit_2_with_a_hint(project: Path, config: str, message: str) -> None:
    (project / "cjmc.yaml").write_text(config)
    result = run("lint", str(project))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_unreadable_config_is_exit_2(project: Path) -> None:
    (project / "cjmc.yaml").write_text("lint: [\n")
    result = run("lint", str(project))
    assert result.exit_code == 2 and "cjmc.yaml:" in result.output


def test_select_and_ignore(project: Path) -> None:
    only = json.loads(run("lint", str(project), "--format", "json", "--select", "step-without-emotion").output)
    assert {d["rule"] for d in only["diagnostics"]} == {"step-without-emotion"}
    rest = json.loads(run("lint", str(project), "--format", "json",
                          "--ignore", "step-without-emotion,stage-without-pain-points").output)
    assert {d["rule"] for d in rest["diagnostics"]} == {"journey-without-moment-of-truth"}
    unknown = run("lint", str(project), "--select", "step-without-emotions")
    assert unknown.exit_code == 2 and "did you mean `step-without-emotion`" in unknown.output


def test_json_output_has_format_md_shape(project: Path) -> None:
    data = json.loads(run("lint", str(project), "--format", "json").output)
    assert data["summary"] == {"error": 0, "warning": 2, "info": 1}
    first = data["diagnostics"][0]
    assert list(first)[:6] == ["rule", "severity", "message", "file", "line", "column"]
    assert (first["file"], first["line"], first["column"]) == ("maps/j.yaml", 1, 1)


def test_each_output_goes_where_its_format_says(project: Path, tmp_path: Path) -> None:
    sarif = tmp_path / "out" / "results.sarif"
    result = run("lint", str(project), "--format", "sarif", "-o", str(sarif), "--format", "github")
    assert result.exit_code == 0
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert result.output.startswith("::warning file=") and "$schema" not in result.output


def test_text_is_plain_when_not_a_terminal_or_no_color(project: Path) -> None:
    for env in (None, {"NO_COLOR": "1"}):
        output = run("lint", str(project), env=env).output
        assert "\033[" not in output
        assert "maps/j.yaml:1:1: warning journey-without-moment-of-truth:" in output


def test_text_is_coloured_on_a_terminal(project: Path, monkeypatch) -> None:
    from cjmc.cli import check_cmds

    monkeypatch.setattr(check_cmds, "_color_wanted", lambda destination: destination is None)
    output = CliRunner().invoke(cli, ["lint", str(project)], color=True).output
    assert "\033[33;1mwarning" in output and "hint:" in output and "^" in output


def test_rules_list_explain_and_json() -> None:
    listing = run("rules")
    assert listing.exit_code == 0 and "stage-without-pain-points        warning" in listing.output
    explained = run("rules", "stale-journey")
    assert "max_age_days" in explained.output and "Failing example" in explained.output
    data = json.loads(run("rules", "--format", "json").output)
    assert {"name": "unreachable-step", "severity": "error"}.items() <= next(
        r for r in data if r["name"] == "unreachable-step").items()
    missing = run("rules", "stale-journeys")
    assert missing.exit_code == 2 and "did you mean `stale-journey`" in missing.output


def test_schema_prints_valid_json_schemas() -> None:
    for kind in ("persona", "catalog", "journey", "config", "map", "manifest"):
        result = run("schema", kind)
        assert result.exit_code == 0
        assert json.loads(result.output)["$id"].endswith(f"/{kind}.schema.json")
    assert run("schema", "jouney").exit_code == 2


def test_missing_project_is_exit_2(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "no such project folder" in result.output


def test_project_is_discovered_upward_from_the_current_folder(project: Path, monkeypatch) -> None:
    (project / "cjmc.yaml").write_text("name: Found\n")
    monkeypatch.chdir(project / "maps")
    result = run("validate")
    assert result.exit_code == 0 and "2 files" in result.output


def test_lint_and_validate_report_the_same_in_one_process_and_in_shards(tmp_path: Path, monkeypatch) -> None:
    import sys

    from cjmc import check, sharded

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from generate import generate

    project = generate(16, tmp_path / "p", seed=11)
    monkeypatch.setattr(sharded, "MIN_BYTES", 0)
    calls = []
    real = check.check_sharded
    monkeypatch.setattr(check, "check_sharded", lambda *a, **k: calls.append(a[3]) or real(*a, **k))
    for command in (["lint", "--format", "json", "--fail-on", "never"], ["validate", "--format", "sarif"]):
        single = run(*command, str(project), env={"CJMC_WORKERS": "1"})
        shards = run(*command, str(project), env={"CJMC_WORKERS": "2"})
        assert single.exit_code == shards.exit_code == 0, shards.output
        assert single.output == shards.output
    assert calls == [2, 2]
