"""GitHub workflow commands: @actions/core escaping, and the appended job summary."""

from __future__ import annotations

import re

import pytest

from cjmc.diagnostics import Diagnostic
from cjmc.report import github

from .conftest import make_context


def unescape_data(value: str) -> str:
    """What the runner does to the message (specific codes first, ``%25`` last)."""
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(value: str) -> str:
    return (value.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
            .replace("%2C", ",").replace("%25", "%"))


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Parse ``::cmd k=v,k=v::data`` the way the Actions runner does."""
    assert line.startswith("::")
    head, sep, data = line[2:].partition("::")
    assert sep
    command, _, listed = head.partition(" ")
    properties = {}
    for pair in filter(None, listed.split(",")):
        key, _, value = pair.partition("=")
        properties[key] = unescape_property(value)
    return command, properties, unescape_data(data)


def test_escaping_matches_actions_core():
    assert github.escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert github.escape_property("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext%3A a%2C b"
    # '%' is escaped first, so an already-escaped-looking text survives a round trip
    assert github.escape_data("%0A") == "%250A"
    assert unescape_data(github.escape_data("%0A")) == "%0A"


def test_one_command_per_diagnostic_by_severity(context, diagnostics):
    lines = github.render(diagnostics, context).splitlines()
    assert len(lines) == len(diagnostics)
    commands = [parse_command(line)[0] for line in lines]
    assert sorted(commands) == ["error", "error", "notice", "warning"]


def test_annotation_format(context):
    d = Diagnostic("maps/journeys/buy.yaml", 12, 7, "schema", "unknown key", "error", "did you mean `x`?")
    assert github.render([d], context) == (
        "::error file=maps/journeys/buy.yaml,line=12,col=7,title=cjmc schema::unknown key%0Ahint: did you mean `x`?\n")


def test_hostile_message_and_file_name_round_trip(context):
    file = "maps/odd:name, with comma%.yaml"
    message = "100% sure: a, b\r\nsecond line ::warning::not a command"
    d = Diagnostic(file, 3, 4, "schema", message, "warning", "fix it: now, please")
    line = github.render([d], context)
    assert line.count("\n") == 1 and line.endswith("\n")  # CR/LF never split the command
    assert "\r" not in line
    command, properties, data = parse_command(line.rstrip("\n"))
    assert command == "warning"
    assert properties == {"file": file, "line": "3", "col": "4", "title": "cjmc schema"}
    assert data == message + "\nhint: fix it: now, please"
    # the properties part holds no raw ':' or ',' from the file name
    head = line[2:].partition("::")[0]
    assert "file=maps/odd%3Aname%2C with comma%25.yaml," in head


def test_finding_without_file_or_line(context):
    no_file = Diagnostic("", 0, 0, "schema", "bad config", "error")
    no_line = Diagnostic("maps/a.yaml", 0, 0, "yaml-syntax", "not UTF-8", "info")
    lines = github.render([no_file, no_line], context).splitlines()
    assert lines == ["::error title=cjmc schema::bad config",
                     "::notice file=maps/a.yaml,title=cjmc yaml-syntax::not UTF-8"]


def test_paths_relative_to_the_git_work_tree(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    project = tmp_path / "repo" / "cx"
    project.mkdir()
    d = Diagnostic("maps/a.yaml", 1, 2, "schema", "x", "error")
    assert github.render([d], make_context(project)).startswith("::error file=cx/maps/a.yaml,line=1,col=2,")


def test_no_summary_without_the_variable(context, diagnostics, tmp_path, monkeypatch):
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    github.render(diagnostics, context)
    assert list(workdir.iterdir()) == []


def test_summary_is_appended_never_overwritten(context, diagnostics, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.write_text("# Earlier step\n\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))

    output = github.render(diagnostics, context)
    assert output.count("\n") == len(diagnostics)  # the summary does not go to stdout
    first = summary.read_text(encoding="utf-8")
    assert first.startswith("# Earlier step\n\n## cjmc lint\n")
    assert "**2** error · **1** warning · **1** info in 3 files" in first
    assert "| Location | Severity | Rule | Message |" in first
    assert "| maps/journeys/buy.yaml:12 | error | schema | unknown key `pain_point`<br>hint: did you mean " \
           "`pain_points`? |" in first
    assert "| &lt;project&gt; | error | schema |" in first

    github.render(diagnostics, context)
    second = summary.read_text(encoding="utf-8")
    assert second == first + first[len("# Earlier step\n\n"):]
    assert second.count("## cjmc lint") == 2


def test_summary_without_findings(context, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert github.render([], context) == ""
    text = summary.read_text(encoding="utf-8")
    assert "**0** error · **0** warning · **0** info in 3 files" in text
    assert "No problems found." in text and "|" not in text


def table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines()
            if line.startswith("| ") and not line.startswith(("| Location", "| ---"))]


def test_summary_cells_are_escaped(context, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    d = Diagnostic("maps/a|b.yaml", 2, 1, "schema", "a | b\r\nc\rd\ne <script>&", "error", "x|y")
    github.render([d], context)
    rows = table_rows(summary.read_text(encoding="utf-8"))
    assert rows == [r"| maps/a\|b.yaml:2 | error | schema | a \| b<br>c<br>d<br>e &lt;script&gt;&amp;<br>hint: x\|y |"]
    # still four cells: every '|' left unescaped is a column separator
    assert len(re.split(r"(?<!\\)\|", rows[0])) == 6


def test_summary_is_capped_and_errors_come_first(context, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    many = [Diagnostic("maps/a.yaml", n, 1, "stage-without-pain-points", f"w{n}", "warning") for n in range(1, 251)]
    many.append(Diagnostic("maps/z.yaml", 999, 1, "schema", "the error", "error"))
    github.render(many, context)
    text = summary.read_text(encoding="utf-8")
    rows = table_rows(text)
    assert len(rows) == github.SUMMARY_ROWS
    assert "the error" in rows[0]
    assert "... and 51 more" in text


def test_unwritable_summary_warns_instead_of_crashing(context, diagnostics, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path))  # a folder cannot be appended to
    output = github.render(diagnostics, context)
    assert output.count("\n") == len(diagnostics)
    err = capsys.readouterr().err
    assert err.startswith("cjmc: warning: could not append the job summary")


@pytest.mark.parametrize("severity, command", [("error", "error"), ("warning", "warning"), ("info", "notice")])
def test_severity_to_command(context, severity, command):
    d = Diagnostic("a.yaml", 1, 1, "r", "m", severity)
    assert github.render([d], context).startswith(f"::{command} ")
