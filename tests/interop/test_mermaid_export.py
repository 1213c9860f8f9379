"""export_mermaid: compiled Journey -> Mermaid text that Mermaid's grammar accepts, and back."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from cjmc.interop.mermaid_export import emotion_to_score, export_mermaid
from cjmc.interop.mermaid_import import import_mermaid
from cjmc.interop.mermaid_parse import parse_journey

model = pytest.importorskip("cjmc.model")

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CORPUS = SHARED / "corpus" / "mermaid"


def make(cls, **given):
    """A real (frozen) model object; fields not given get an empty value of their kind."""
    values = {}
    for f in dataclasses.fields(cls):
        if not f.init or f.name in given or f.default is not dataclasses.MISSING \
                or f.default_factory is not dataclasses.MISSING:
            continue
        kind = str(f.type)
        values[f.name] = () if kind.startswith("tuple") else {} if kind.startswith("Mapping") else None
    return cls(**values, **given)


def journey(stages, title="A day", personas=("me",), description=None, extensions=None):
    built, index = [], 0
    for stage_id, stage_name, steps in stages:
        made = []
        for step_id, name, emotion, *ext in steps:
            made.append(make(model.Step, id=step_id, name=name, stage=stage_id, index=index, emotion=emotion,
                             extensions=ext[0] if ext else {}))
            index += 1
        built.append(make(model.Stage, id=stage_id, name=stage_name, steps=tuple(made)))
    return make(model.Journey, id="j", title=title, personas=tuple(personas), description=description,
                state="current", stages=tuple(built), extensions=extensions or {})


DAY = journey([
    ("work", "Go to work", [("tea", "Make tea", 2), ("up", "Go upstairs", 0), ("work", "Do work", -2)]),
    ("home", "Go home", [("down", "Go downstairs", 1), ("sit", "Sit down", -1)]),
], personas=("me", "cat"))


def reimport(tmp_path: Path, text: str) -> dict:
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "exported.mmd"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    report = import_mermaid([source], out)
    assert not report.has_errors, report.errors
    (path,) = (out / "maps" / "journeys").glob("*.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def shape(stages) -> list:
    """(stage name, [(step name, emotion)]) for model stages or imported YAML stages."""
    def get(obj, key):
        return obj.get(key) if isinstance(obj, dict) else getattr(obj, key)
    return [(get(s, "name"), [(get(st, "name"), get(st, "emotion")) for st in get(s, "steps")]) for s in stages]


@pytest.mark.parametrize("emotion, score", [(-2, 1), (-1, 2), (0, 3), (1, 4), (2, 5), (None, 3), (7, 5), (-9, 1)])
def test_emotion_to_score(emotion, score) -> None:
    assert emotion_to_score(emotion) == score


def test_output_shape() -> None:
    text = export_mermaid(DAY, {"me": "Me", "cat": "Cat"})
    assert text == ("journey\n    title A day\n    section Go to work\n      Make tea: 5: Me, Cat\n"
                    "      Go upstairs: 3: Me, Cat\n      Do work: 1: Me, Cat\n    section Go home\n"
                    "      Go downstairs: 4: Me, Cat\n      Sit down: 2: Me, Cat\n")


def test_round_trip(tmp_path: Path) -> None:
    text = export_mermaid(DAY, {"me": "Me", "cat": "Cat"})
    parsed = parse_journey(text)
    assert parsed.issues == ()
    doc = reimport(tmp_path, text)
    assert shape(doc["stages"]) == shape(DAY.stages)
    assert doc["title"] == "A day" and doc["personas"] == ["me", "cat"]


def test_step_without_emotion_is_neutral_with_a_comment(tmp_path: Path) -> None:
    j = journey([("s", "S", [("a", "Unknown feeling", None), ("b", "Happy", 2)])])
    text = export_mermaid(j)
    assert "      %% a: no emotion recorded, drawn as neutral (3)\n      Unknown feeling: 3: me\n" in text
    assert shape(reimport(tmp_path, text)["stages"]) == [("S", [("Unknown feeling", 0), ("Happy", 2)])]


def test_step_actors_and_accessibility_texts(tmp_path: Path) -> None:
    j = journey([("s", "S", [("a", "Alone", 1, {"x-mermaid-actors": ["Cat"]}), ("b", "Together", 2)])],
                personas=("me", "cat"), description="Work, then home.\n\nSecond #1; paragraph",
                extensions={"x-mermaid-acc-title": "A day, accessibly"})
    text = export_mermaid(j, {"me": "Me", "cat": "Cat"})
    assert "      Alone: 4: Cat\n      Together: 5: Me, Cat\n" in text
    doc = reimport(tmp_path, text)
    assert doc["description"] == "Work, then home. Second #1; paragraph"
    assert doc["x-mermaid-acc-title"] == "A day, accessibly"
    assert doc["stages"][0]["steps"][0]["x-mermaid-actors"] == ["Cat"]


HOSTILE = journey([
    ("s1", "Step 1: context; #1", [
        ("a", "Journey planning", 1), ("b", "Title page: draft", 2), ("c", "section review", -1),
        ("d", "accDescr {oops}", 0), ("e", "100%% sure #2; at 08:00", 1), ("f", "%%{init: {}}%% x", -2),
        ("g", "multi\nline  name", 0, {"x-mermaid-actors": ["Dr. No, Jr.", "A:B", "#1;"]}),
    ]),
    ("s2", "  ", [("h", "journey", 2)]),
], title="Q&A #1; the sequel: %%")


def test_hostile_names_still_parse(tmp_path: Path) -> None:
    text = export_mermaid(HOSTILE)
    parsed = parse_journey(text)
    assert parsed.issues == (), (text, parsed.issues)
    j = parsed.journey
    assert [s.name for s in j.sections] == ["Step 1꞉ context； ＃1", "s2"]
    assert len(j.tasks) == 8
    assert j.tasks[6].people == ("Dr. No‚ Jr.", "A꞉B", "＃1；")
    doc = reimport(tmp_path, text)
    names = [st["name"] for s in doc["stages"] for st in s["steps"]]
    assert names == ["Journey planning", "Title page꞉ draft", "section review", "accDescr {oops}",
                     "100%% sure ＃2； at 08꞉00", "%%{init꞉ {}}%% x", "multi line name", "journey"]
    assert doc["title"] == "Q&A ＃1； the sequel: %%"
    assert [st.get("emotion") for s in doc["stages"] for st in s["steps"]] == [1, 2, -1, 0, 1, -2, 0, 2]


def test_round_trip_through_the_compiled_corpus(tmp_path: Path) -> None:
    pipeline = pytest.importorskip("cjmc.pipeline")
    if not CORPUS.is_dir():
        pytest.skip(f"shared Mermaid corpus not found at {CORPUS}")
    project = tmp_path / "project"
    import_mermaid(sorted(CORPUS.glob("*.mmd")), project)
    compiled = pipeline.compile_project(project)
    journeys = getattr(compiled, "project", compiled).journeys
    names = {p.id: p.name for p in getattr(compiled, "project", compiled).personas.values()}
    assert journeys
    for original in journeys.values():
        text = export_mermaid(original, names)
        parsed = parse_journey(text)
        assert parsed.issues == (), (original.id, parsed.issues)
        again = reimport(tmp_path / original.id, text)
        expected = [(name, [(n, 0 if e is None else e) for n, e in steps]) for name, steps in shape(original.stages)]
        assert shape(again["stages"]) == expected, original.id
