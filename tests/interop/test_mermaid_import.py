"""Converting parsed journeys into cjmc map files, and writing them safely."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from cjmc.interop.mermaid_import import (
    OutputConflictError, UnreadableSourceError, import_mermaid, score_to_emotion,
)

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CORPUS = SHARED / "corpus" / "mermaid"

DOCS = """journey
    title My working day
    accTitle: A day
    accDescr: Work, then home
    section Go to work
      Make tea: 5: Me
      Go upstairs: 3: Me
      Do work: 1: Me, Cat
    section Go home
      Go downstairs: 5: Me
      Sit down: 5: Me
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def journeys(out: Path) -> dict[str, dict]:
    files = sorted((out / "maps" / "journeys").glob("*.yaml"))
    return {f.stem: yaml.safe_load(f.read_text(encoding="utf-8")) for f in files}


def personas(out: Path) -> list[dict]:
    return list(yaml.safe_load_all((out / "maps" / "personas.yaml").read_text(encoding="utf-8")))


def messages(report, severity: str = "warning") -> list[tuple[int, str]]:
    return [(i.line, i.message) for i in report.issues if i.severity == severity]


@pytest.mark.parametrize("score, emotion", [
    (1, -2), (2, -1), (3, 0), (4, 1), (5, 2),
    (4.5, 2), (3.5, 1), (2.5, -1), (1.5, -2), (3.49, 0), (3.2, 0), (2.8, 0),  # half away from zero
    (0, -2), (-1, -2), (0.4, -2), (6, 2), (10, 2), (5.4, 2), (math.inf, 2), (-math.inf, -2),  # clamped
    (math.nan, None), (None, None),
])
def test_score_to_emotion(score, emotion) -> None:
    assert score_to_emotion(score) == emotion


def test_docs_example(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = import_mermaid([write(tmp_path, "day.mmd", DOCS)], out)
    assert report.issues == []
    (summary,) = report.sources
    assert (summary.journeys, summary.stages, summary.steps, summary.steps_with_emotion) == (1, 2, 5, 5)
    doc = journeys(out)["my-working-day"]
    assert doc["kind"] == "journey" and doc["title"] == "My working day"
    assert doc["personas"] == ["me", "cat"]
    assert doc["description"] == "Work, then home" and doc["x-mermaid-acc-title"] == "A day"
    assert [(s["id"], s["name"]) for s in doc["stages"]] == [("go-to-work", "Go to work"), ("go-home", "Go home")]
    steps = [st for s in doc["stages"] for st in s["steps"]]
    assert [(st["id"], st["emotion"]) for st in steps] == [
        ("make-tea", 2), ("go-upstairs", 0), ("do-work", -2), ("go-downstairs", 2), ("sit-down", 2)]
    # steps whose actors differ from the journey's list them; Do work has both actors, like the journey
    assert [st.get("x-mermaid-actors") for st in steps] == [["Me"], ["Me"], None, ["Me"], ["Me"]]
    assert personas(out) == [{"kind": "persona", "id": "me", "name": "Me"},
                             {"kind": "persona", "id": "cat", "name": "Cat"}]
    assert (out / "cjmc.yaml").is_file()
    assert sorted(p.relative_to(out).as_posix() for p in report.written) == [
        "cjmc.yaml", "maps/journeys/my-working-day.yaml", "maps/personas.yaml"]


def test_scores_warn_with_their_line(tmp_path: Path) -> None:
    text = "journey\ntitle Scores\nsection S\n  ok: 4: Me\n  high: 7: Me\n  low: 0: Me\n  half: 4.5: Me\n" \
           "  word: great: Me\n  blank:  : Me\n  time 08:00 start: 5: Me\n"
    out = tmp_path / "out"
    report = import_mermaid([write(tmp_path, "s.mmd", text)], out)
    warned = messages(report)
    assert [line for line, _ in warned] == [5, 6, 7, 8, 9, 10, 10]
    assert "outside 1..5" in warned[0][1] and "clamped to 2" in warned[0][1]
    assert "clamped to -2" in warned[1][1]
    assert "rounded to 2" in warned[2][1]
    assert "not a number" in warned[3][1]
    assert "no score" in warned[4][1]
    assert any("contains ':'" in m for line, m in warned if line == 10)
    steps = journeys(out)["scores"]["stages"][0]["steps"]
    assert [st.get("emotion") for st in steps] == [1, 2, -2, 2, None, None, None]
    assert [st.get("x-mermaid-score") for st in steps] == [None, 7, 0, 4.5, "great", None, "00 start"]
    assert report.sources[0].steps_with_emotion == 4


def test_untitled_diagram_gets_title_from_file_name(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = import_mermaid([write(tmp_path, "customer_onboarding-flow.mmd", "journey\nsection S\n  a: 3: Me")], out)
    assert messages(report) == [(1, "the diagram has no title; using 'Customer onboarding flow' (from the file name)")]
    assert journeys(out)["customer-onboarding-flow"]["title"] == "Customer onboarding flow"


def test_tasks_before_first_section_go_to_a_journey_stage(tmp_path: Path) -> None:
    out = tmp_path / "out"
    import_mermaid([write(tmp_path, "a.mmd", "journey\ntitle T\n  early: 3: Me\nsection Journey\n  late: 4: Me")], out)
    stages = journeys(out)["t"]["stages"]
    assert [(s["id"], s["name"], len(s["steps"])) for s in stages] == [("journey", "Journey", 1),
                                                                       ("journey-2", "Journey", 1)]


def test_sections_and_steps_keep_duplicates_apart(tmp_path: Path) -> None:
    out = tmp_path / "out"
    text = "journey\ntitle T\nsection API docs\n  api docs: 3\nsection API docs\n  api docs: 4\n  API Docs: 5"
    import_mermaid([write(tmp_path, "a.mmd", text)], out)
    stages = journeys(out)["t"]["stages"]
    assert [s["id"] for s in stages] == ["api-docs", "api-docs-2"]
    assert [st["id"] for s in stages for st in s["steps"]] == ["api-docs", "api-docs-2", "api-docs-3"]


def test_empty_sections_are_left_out_with_a_warning(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = import_mermaid([write(tmp_path, "a.mmd", "journey\ntitle T\nsection Empty\nsection Full\n  a: 5")], out)
    assert messages(report) == [  # issues come sorted by file, line, column
        (1, "no task names an actor; the journey gets the generated persona 'Customer'"),
        (3, "section 'Empty' has no tasks and is left out "
            "(Mermaid does not draw it either; a cjmc stage needs a step)"),
    ]
    assert [s["name"] for s in journeys(out)["t"]["stages"]] == ["Full"]


def test_journey_without_actors_gets_a_generated_persona(tmp_path: Path) -> None:
    out = tmp_path / "out"
    import_mermaid([write(tmp_path, "a.mmd", "journey\ntitle T\nsection S\n  a: 5\n  b: 4:")], out)
    doc = journeys(out)["t"]
    assert doc["personas"] == ["customer"]
    assert all("x-mermaid-actors" not in st for st in doc["stages"][0]["steps"])
    assert personas(out) == [{"kind": "persona", "id": "customer", "name": "Customer"}]


def test_personas_are_shared_across_files_and_ids_unique(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = write(tmp_path, "a.mmd", "journey\ntitle Same\nsection S\n  a: 5: Me, me, Пользователь")
    second = write(tmp_path, "b.mmd", "journey\ntitle Same\nsection S\n  a: 5: Me\n  b: 3: Me, Brock, ")
    report = import_mermaid([first, second], out)
    assert [p["name"] for p in personas(out)] == ["Me", "me", "Пользователь", "Brock"]
    ids = [p["id"] for p in personas(out)]
    assert ids[:2] == ["me", "me-2"] and ids[2].startswith("persona-") and ids[3] == "brock"
    assert sorted(journeys(out)) == ["same", "same-2"]
    assert journeys(out)["same-2"]["personas"] == ["me", "brock"]
    assert any("empty actor name" in m for _, m in messages(report))


def test_diagram_without_tasks_is_an_error_and_not_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = import_mermaid([write(tmp_path, "a.mmd", "journey\ntitle Nothing here\nsection S")], out)
    assert messages(report, "error") == [(1, "the diagram has no tasks; a cjmc journey needs at least one step, "
                                             "so nothing is imported from it")]
    assert report.written == [] and not out.exists()


def test_file_without_journey_is_an_error_naming_the_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    flow = write(tmp_path, "flow.mmd", "flowchart LR\n  a --> b\n")
    notes = write(tmp_path, "notes.md", "# Notes\n\n```mermaid\nflowchart LR\n  a --> b\n```\n")
    plain = write(tmp_path, "plain.md", "# Nothing\n")
    good = write(tmp_path, "good.mmd", DOCS)
    report = import_mermaid([flow, notes, plain, good], out)
    errors = {(Path(i.file).name, i.line) for i in report.errors}
    assert errors == {("flow.mmd", 1), ("notes.md", 1), ("plain.md", 1)}
    assert "journeys" in {p.parent.name for p in report.written}  # the good file was still imported
    assert [s.journeys for s in report.sources] == [0, 0, 0, 1]


def test_rejected_diagram_reports_its_line_and_others_still_import(tmp_path: Path) -> None:
    out = tmp_path / "out"
    bad = write(tmp_path, "bad.mmd", "%%{init: {}}%%\njourney\n  title Bad\n  %% note\n  section Step 1: Context\n")
    report = import_mermaid([bad, write(tmp_path, "good.mmd", DOCS)], out)
    (error,) = report.errors
    assert (Path(error.file).name, error.line, error.column) == ("bad.mmd", 5, 17)
    assert list(journeys(out)) == ["my-working-day"]


def test_markdown_with_several_journeys(tmp_path: Path) -> None:
    md = ("# Journeys\n\nIntro.\n\n```mermaid\njourney\n  section A\n    one: 5: Me\n```\n\n"
          "```mermaid\nflowchart LR\n  a --> b\n```\n\n"
          "~~~mermaid\njourney\n  section B\n    two: 2: Me\n    oops 12:00: 3: Me\n~~~\n")
    out = tmp_path / "out"
    report = import_mermaid([write(tmp_path, "Customer journeys.md", md)], out)
    assert report.sources[0].journeys == 2
    assert sorted(d["title"] for d in journeys(out).values()) == ["Customer journeys", "Customer journeys (2)"]
    # lines are Markdown lines: the journeys start on lines 6 and 17, the odd task is on line 20
    assert {line for line, _ in messages(report)} == {6, 17, 20}


def test_yaml_quotes_values_yaml_1_2_reads_as_numbers(tmp_path: Path) -> None:
    out = tmp_path / "out"
    import_mermaid([write(tmp_path, "058.mmd", "journey\nsection 1e5\n  任务: 4: 0o17")], out)
    text = (out / "maps" / "journeys" / "058.yaml").read_text(encoding="utf-8")
    assert "id: '058'" in text and "name: '1e5'" in text
    assert "name: '0o17'" in (out / "maps" / "personas.yaml").read_text(encoding="utf-8")


def test_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    source = write(tmp_path, "day.mmd", DOCS)
    import_mermaid([source], out)
    journey_file = out / "maps" / "journeys" / "my-working-day.yaml"
    journey_file.write_text("# edited by hand\n", encoding="utf-8")
    (out / "cjmc.yaml").write_text("name: Mine\n", encoding="utf-8")
    other = write(tmp_path, "other.mmd", "journey\ntitle Other\nsection S\n  a: 5: Me")
    with pytest.raises(OutputConflictError) as caught:
        import_mermaid([other, source], out)
    assert set(caught.value.paths) == {journey_file, out / "maps" / "personas.yaml"}
    assert str(journey_file) in str(caught.value)
    assert journey_file.read_text(encoding="utf-8") == "# edited by hand\n"
    assert not (out / "maps" / "journeys" / "other.yaml").exists()  # nothing written at all

    report = import_mermaid([other, source], out, force=True)
    assert journey_file.read_text(encoding="utf-8").startswith("# Imported from")
    assert (out / "cjmc.yaml").read_text(encoding="utf-8") == "name: Mine\n"  # never replaced
    assert out / "cjmc.yaml" not in report.written


def test_unreadable_sources_stop_the_import(tmp_path: Path) -> None:
    with pytest.raises(UnreadableSourceError) as caught:
        import_mermaid([write(tmp_path, "day.mmd", DOCS), tmp_path / "missing.mmd", tmp_path], tmp_path / "out")
    assert [why for _, why in caught.value.problems] == ["No such file or directory", "is a directory"]
    assert not (tmp_path / "out").exists()


def test_not_utf8_is_an_error_for_that_file(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.mmd"
    bad.write_bytes("journey\ntitle Caf\xe9\nsection S\n  a: 5".encode("latin-1"))
    report = import_mermaid([bad], tmp_path / "out")
    assert "not UTF-8" in report.errors[0].message


def test_same_file_twice_is_imported_once(tmp_path: Path) -> None:
    source = write(tmp_path, "day.mmd", DOCS)
    report = import_mermaid([source, source], tmp_path / "out")
    assert len(report.sources) == 1 and list(journeys(tmp_path / "out")) == ["my-working-day"]


def test_generated_project_validates(tmp_path: Path) -> None:
    pipeline = pytest.importorskip("cjmc.pipeline")
    out = tmp_path / "project"
    paths = sorted(CORPUS.glob("*.mmd")) if CORPUS.is_dir() else []
    paths.append(write(tmp_path, "day.mmd", DOCS))
    report = import_mermaid(paths, out)
    assert not report.has_errors
    result = pipeline.compile_project(out)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert errors == [], errors
