from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from cjmc.pipeline import compile_project

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# Names that try to break DOT, XML or layout.
NASTY = [
    'Says "hi" \\ and \\N leaves\\',
    "<script>alert('x')</script> & {braces} [brackets] <b>bold</b>",
    "Line one\nline two\ttab",
    "Emoji 🚲😀 and ☹ faces",
    "مرحبا بالعالم العربي",
    "שלום עולם",
    "A very long step name that certainly needs wrapping across several lines of the node",
    "&amp; already &lt;escaped&gt; -> edge; }",
]


@pytest.fixture(scope="session")
def examples():
    return compile_project(EXAMPLES).project


@pytest.fixture(scope="session")
def graphviz_pure() -> str:
    from cjmc.render.engines import find_engine

    return find_engine("graphviz-pure").name


def write_nasty_project(folder: Path) -> Path:
    steps = [{"id": f"s{n}", "name": name, "emotion": (n % 5) - 2} for n, name in enumerate(NASTY)]
    steps[1]["pain_points"] = [{"id": "p1", "text": "It <hurts> & \"stings\"", "severity": "high"}]
    steps[2]["moment_of_truth"] = {"why": "Because {of} \\this\\"}
    steps[3]["next"] = ["s1", "s5"]
    steps[-1]["exit"] = "dropped"
    journey = {"kind": "journey", "id": "nasty", "title": 'Nasty "title" <&> \\', "personas": ["p"],
               "stages": [{"id": "a", "name": "Stage <one> & \"two\"", "steps": steps[:4]},
                          {"id": "b", "name": "שלב ב׳ {}", "steps": steps[4:]}]}
    persona = {"kind": "persona", "id": "p", "name": "Persona \"P\" <x>"}
    (folder / "maps").mkdir(parents=True)
    (folder / "maps" / "all.yaml").write_text(yaml.safe_dump_all([persona, journey], allow_unicode=True),
                                               encoding="utf-8")
    return folder


@pytest.fixture()
def nasty(tmp_path):
    result = compile_project(write_nasty_project(tmp_path / "nasty"))
    assert result.valid, result.diagnostics
    return result.project


needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Debian's Graphviz `dot` is not installed")
