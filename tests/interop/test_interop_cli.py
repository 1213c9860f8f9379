"""`cjmc import mermaid`: output format and exit codes (0 ok, 1 input errors, 2 could not run)."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from cjmc.cli.interop_cmds import import_group

GOOD = "journey\n  title Good\n  section S\n    a: 5: Me\n    b: 9: Me\n"
BAD = "journey\n  title Bad\n  section S\n    a: 5; Me\n"
LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<sev>warning|error) mermaid-import: .+$")


def run(*args: str):
    result = CliRunner().invoke(import_group, ["mermaid", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result


def files(tmp_path: Path, **texts: str) -> list[str]:
    paths = []
    for name, text in texts.items():
        path = tmp_path / f"{name}.mmd"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def test_success_with_warnings_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(*files(tmp_path, good=GOOD), "-o", str(out))
    assert result.exit_code == 0, result.output
    *findings, summary = result.output.splitlines()
    assert findings == [f"{tmp_path / 'good.mmd'}:5:5: warning mermaid-import: task 'b': score 9 is outside 1..5; "
                        "emotion clamped to 2"]
    assert summary.startswith("1 journey(s), 1 stage(s), 2 step(s) (2 with an emotion) from 1 of 1 file(s); "
                              "1 warning(s), 0 error(s); wrote 3 file(s)")
    assert (out / "maps" / "journeys" / "good.yaml").is_file()


def test_input_errors_exit_1_and_the_rest_is_imported(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(*files(tmp_path, bad=BAD, good=GOOD), "-o", str(out))
    assert result.exit_code == 1
    findings = [LINE.match(line) for line in result.output.splitlines()[:-1]]
    assert all(findings), result.output
    assert [(Path(m["file"]).name, m["line"], m["col"], m["sev"]) for m in findings] == [
        ("bad.mmd", "4", "9", "error"), ("good.mmd", "5", "5", "warning")]
    assert (out / "maps" / "journeys" / "good.yaml").is_file()
    assert "1 error(s)" in result.output


def test_existing_files_exit_2_and_force_replaces_them(tmp_path: Path) -> None:
    out = tmp_path / "out"
    source = files(tmp_path, good=GOOD)
    assert run(*source, "-o", str(out)).exit_code == 0
    result = run(*source, "-o", str(out))
    assert result.exit_code == 2
    assert "refusing to overwrite" in result.output and str(out / "maps" / "personas.yaml") in result.output
    assert run(*source, "-o", str(out), "--force").exit_code == 0


def test_bad_arguments_exit_2(tmp_path: Path) -> None:
    assert run().exit_code == 2  # no FILE
    assert run(str(tmp_path / "missing.mmd"), "-o", str(tmp_path / "out")).exit_code == 2
    assert run(str(tmp_path), "-o", str(tmp_path / "out")).exit_code == 2  # a folder is not a file
    a_file = tmp_path / "taken"
    a_file.write_text("x", encoding="utf-8")
    assert run(*files(tmp_path, good=GOOD), "-o", str(a_file)).exit_code == 2
    assert run(*files(tmp_path, good=GOOD), "--nope").exit_code == 2
    assert not (tmp_path / "out").exists()


def test_no_traceback_on_odd_inputs(tmp_path: Path) -> None:
    odd = {
        "empty": "", "binary": "\x00\x01\x02", "flow": "flowchart LR\n a-->b", "only_kw": "journey",
        "bad_yaml": "---\n: [\n---\njourney\n", "unclosed": "journey\naccDescr {\n", "colon": "journey\n:\n:",
        "upper": "JOURNEY\n", "huge_score": "journey\nsection S\n a: 1e999: Me", "emoji": "journey\n😀: 😀: 😀",
    }
    paths = files(tmp_path, **odd)
    latin = tmp_path / "latin.mmd"
    latin.write_bytes(b"journey\ntitle \xff\xfe\n")
    result = run(*paths, str(latin), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert all(LINE.match(line) for line in result.output.splitlines()[:-1]), result.output
