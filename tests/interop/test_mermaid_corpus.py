"""Real diagrams (shared/corpus/mermaid/*.mmd) against what SOURCES.tsv says Mermaid makes of them.

The expected numbers are read from each row's bracketed note, e.g.
``[Mermaid jison grammar @df032c9: parses; 2 sections, 5 tasks, 1 actors; 3 NaN scores]``,
never copied into this file.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest

from cjmc.interop.mermaid_import import import_mermaid
from cjmc.interop.mermaid_parse import parse_journey

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CORPUS = SHARED / "corpus" / "mermaid"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared Mermaid corpus not found at {CORPUS}")

NOTE = re.compile(r"\[Mermaid jison grammar @\w+: ([^\]]*)\]")
COUNTS = re.compile(r"parses; (\d+) sections?, (\d+) tasks?, (\d+) actors?")
REJECTED_LINE = re.compile(r"\bline (\d+)")
EXTRAS = {  # clause in the note -> how to count it on the parsed journey
    r"(\d+) tasks without actors": lambda j: sum(1 for t in j.tasks if not t.people),
    r"(\d+) tasks with an empty-string actor": lambda j: sum(1 for t in j.tasks if "" in t.people),
    r"(\d+) NaN scores": lambda j: sum(1 for t in j.tasks if t.score is not None and math.isnan(t.score)),
    r"(\d+) scores outside 1-5": lambda j: sum(1 for t in j.tasks
                                                if t.score is not None and not math.isnan(t.score)
                                                and not 1 <= t.score <= 5),
    r"(\d+) tasks lose text after a 3rd colon": lambda j: sum(1 for t in j.tasks if t.dropped.strip()),
}


def _rows() -> list[tuple[str, str]]:
    if not CORPUS.is_dir():
        return []
    with open(CORPUS / "SOURCES.tsv", encoding="utf-8", newline="") as handle:
        return [(row["file"], row["notes"]) for row in csv.DictReader(handle, delimiter="\t")]


ROWS = _rows()


def _verdict(note: str) -> str:
    match = NOTE.search(note)
    assert match, f"no '[Mermaid jison grammar ...]' verdict in note: {note!r}"
    return match.group(1)


def test_every_diagram_has_a_note() -> None:
    files = sorted(p.name for p in CORPUS.glob("*.mmd"))
    assert files, "empty corpus"
    assert files == sorted(name for name, _ in ROWS)


@pytest.mark.parametrize("name, note", ROWS, ids=[name for name, _ in ROWS])
def test_parse_matches_mermaid(name: str, note: str) -> None:
    verdict = _verdict(note)
    result = parse_journey((CORPUS / name).read_text(encoding="utf-8"))
    counts = COUNTS.search(verdict)
    if counts is None:  # Mermaid rejects it: we must too, on the line the note gives
        assert result.journey is None, f"Mermaid rejects {name} ({verdict}) but it parsed"
        line = REJECTED_LINE.search(verdict)
        assert line, f"rejection note without a line: {verdict!r}"
        assert result.errors[0].line == int(line.group(1))
        return
    journey = result.journey
    assert journey is not None, result.errors
    sections, tasks, actors = map(int, counts.groups())
    assert (len(journey.sections), len(journey.tasks), len(journey.actors)) == (sections, tasks, actors)
    for clause, count in EXTRAS.items():
        found = re.search(clause, verdict)
        if found:
            assert count(journey) == int(found.group(1)), clause
    overridden = re.search(r"overridden by in-body title '([^']*)'", verdict)
    if overridden and overridden.group(1):
        assert journey.title == overridden.group(1)


def test_front_matter_title_survives_without_in_body_title() -> None:
    """058.mmd: the note says the title becomes '', but the diagram has no ``title`` line.

    Diagram.fromText sets the front-matter title before parsing and nothing in
    the body replaces it, so Mermaid shows the front-matter title.
    """
    journey = parse_journey((CORPUS / "058.mmd").read_text(encoding="utf-8")).journey
    assert journey.title == "元数据"
    assert journey.acc_descr == "多行描述\n第二行"  # the later accDescr { } wins over accDescr:


@pytest.mark.parametrize("name, note", ROWS, ids=[name for name, _ in ROWS])
def test_imports(name: str, note: str, tmp_path: Path) -> None:
    source = CORPUS / name
    report = import_mermaid([source], tmp_path)
    journey = parse_journey(source.read_text(encoding="utf-8")).journey
    if journey is None:
        assert report.has_errors and not report.written
        return
    (summary,) = report.sources
    with_tasks = {t.section_index for t in journey.tasks}
    assert summary.journeys == 1
    assert summary.stages == len(with_tasks)
    assert summary.steps == len(journey.tasks)
    assert not report.has_errors, report.errors
    personas = (tmp_path / "maps" / "personas.yaml").read_text(encoding="utf-8").count("kind: persona")
    assert personas == (len([a for a in journey.actors if a]) or 1)
