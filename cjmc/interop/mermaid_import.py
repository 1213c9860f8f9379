"""Turn Mermaid ``journey`` diagrams into a cjmc project (FORMAT.md).

Mapping, diagram by diagram (see :mod:`cjmc.interop.mermaid_parse` for how
the text is read):

- ``title`` -> journey ``title`` (none: a title made from the file name, with
  a warning); ``accDescr`` -> ``description``; ``accTitle`` ->
  ``x-mermaid-acc-title``.
- ``section`` -> stage; tasks before the first section go into a stage named
  "Journey"; a section without tasks is left out (Mermaid does not draw it and
  a cjmc stage needs a step), with a warning.
- task -> step; score 1..5 -> ``emotion`` -2..2 (score - 3, rounded half away
  from zero; outside 1..5 clamped with a warning; a blank or NaN score gives
  no emotion, with a warning). A lossy score is kept in ``x-mermaid-score``.
- actors -> one persona per distinct actor name across the whole import, in
  ``maps/personas.yaml``; the journey's ``personas`` are its actors; a step
  whose actors differ from the journey's lists them in ``x-mermaid-actors``.
  A journey without any actor gets the persona "Customer" (FORMAT.md wants at
  least one).

Ids are derived from names (:func:`derive_id`): stable, valid for any script,
unique within their scope. Nothing is written until every output path is
known to be free; existing files are never overwritten unless ``force``.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import yaml

from .mermaid_parse import (
    MermaidJourney, MermaidTask, ParseResult, extract_mermaid_blocks, is_journey, js_number,
    parse_journey, parse_markdown,
)

__all__ = [
    "ImportIssue", "SourceSummary", "ImportReport", "MermaidImportError", "UnreadableSourceError",
    "OutputConflictError", "import_mermaid", "slugify", "derive_id", "score_to_emotion",
]

MAX_ID_LENGTH = 64
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mdx"})
DEFAULT_STAGE_NAME = "Journey"
FALLBACK_PERSONA_NAME = "Customer"
PERSONAS_FILE = Path("maps") / "personas.yaml"
JOURNEYS_DIR = Path("maps") / "journeys"
PROJECT_FILE = "cjmc.yaml"
_PROJECT_YAML = ("# cjmc project created by `cjmc import mermaid`; every key is optional (FORMAT.md, section 1).\n"
                 "name: Imported journeys\n")


# --------------------------------------------------------------------------- report


@dataclass(frozen=True, order=True)
class ImportIssue:
    file: str
    line: int
    column: int
    severity: str  # 'warning' | 'error'
    message: str


@dataclass
class SourceSummary:
    file: str
    journeys: int = 0
    stages: int = 0
    steps: int = 0
    steps_with_emotion: int = 0


@dataclass
class ImportReport:
    written: list[Path] = field(default_factory=list)
    sources: list[SourceSummary] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[ImportIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[ImportIssue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)


class MermaidImportError(Exception):
    """The import could not run at all (nothing was written)."""


class UnreadableSourceError(MermaidImportError):
    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("cannot read " + "; ".join(f"{file}: {why}" for file, why in problems))


class OutputConflictError(MermaidImportError):
    def __init__(self, paths: list[Path]):
        self.paths = paths
        listed = "\n".join(f"  {p}" for p in paths)
        super().__init__(f"refusing to overwrite {len(paths)} existing file(s) "
                         f"(use --force to replace them):\n{listed}")


# --------------------------------------------------------------------------- ids

# Latin letters NFKD does not decompose into ASCII.
_LATIN_EXTRA = {"ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
                "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ł": "l", "Ł": "l", "þ": "th", "Þ": "th",
                "ı": "i", "ħ": "h", "Ħ": "h"}


def slugify(name: str) -> str:
    """ASCII slug of ``name``: NFKD transliteration, other characters separate words.

    May be empty (a name in Cyrillic, CJK or emoji only); at most 64 chars.
    """
    out = []
    for ch in unicodedata.normalize("NFKD", name):
        ch = _LATIN_EXTRA.get(ch, ch)
        if ch.isascii() and ch.isalnum():
            out.append(ch.lower())
        elif unicodedata.category(ch[0]).startswith("M"):  # combining accents: drop, keep the word whole
            continue
        else:
            out.append("-")
    return re.sub(r"-+", "-", "".join(out)).strip("-")[:MAX_ID_LENGTH].rstrip("-")


def _short_hash(name: str) -> str:
    return hashlib.sha1(unicodedata.normalize("NFC", name).encode("utf-8")).hexdigest()[:6]


def derive_id(name: str, kind: str, taken: set[str], fallbacks: Iterable[str] = ()) -> str:
    """A valid, stable id for ``name``, unique in ``taken`` (which it joins).

    The slug of ``name`` (else of the first fallback that has one), else
    ``<kind>-<6 hex of sha1(name)>``; a taken id gets ``-2``, ``-3``...
    """
    base = next((s for s in map(slugify, (name, *fallbacks)) if s), "") or f"{kind}-{_short_hash(name)}"
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = base[: MAX_ID_LENGTH - len(suffix)].rstrip("-") + suffix
        n += 1
    taken.add(candidate)
    return candidate


# --------------------------------------------------------------------------- conversion


def score_to_emotion(score: float | None) -> int | None:
    """Mermaid score 1..5 -> cjmc emotion -2..2; None for a blank or NaN score."""
    if score is None or math.isnan(score):
        return None
    if score > 5:
        return 2
    if score < 1:
        return -2
    shifted = score - 3
    return int(math.copysign(math.floor(abs(shifted) + 0.5), shifted))


_BREAK_TAG = re.compile(r"</?br\s*/?>", re.IGNORECASE)


def _clean(text: str | None) -> str:
    """Mermaid label -> cjmc plain text: line-break tags become spaces, whitespace collapses.

    U+2060 WORD JOINER is dropped: :mod:`.mermaid_export` puts it where Mermaid
    would otherwise read a keyword or a ``%%`` comment.
    """
    return " ".join(_BREAK_TAG.sub(" ", (text or "").replace("\u2060", "")).split())


@dataclass
class _Step:
    name: str
    line: int
    emotion: int | None
    raw_score: object  # kept as x-mermaid-score when the emotion lost information
    actors: list[str]


@dataclass
class _Stage:
    name: str
    steps: list[_Step] = field(default_factory=list)


@dataclass
class _Draft:
    file: str
    line: int
    title: str
    description: str
    acc_title: str
    actors: list[str]
    stages: list[_Stage]


Warn = Callable[[int, int, str, str], None]


def _convert(journey: MermaidJourney, fallback_title: str, report: Warn) -> tuple[str, str, list[_Stage], list[str]]:
    title = _clean(journey.title)
    if not title:
        title = fallback_title
        report(journey.line, 1, "warning", f"the diagram has no title; using {title!r} (from the file name)")
    stages: dict[int | None, _Stage] = {}
    for task in journey.tasks:
        stage = stages.get(task.section_index)
        if stage is None:
            stage = stages[task.section_index] = _Stage(_stage_name(journey, task.section_index, report))
        stage.steps.append(_step(task, report))
    for index, section in enumerate(journey.sections):
        if index not in stages:
            report(section.line, section.column, "warning", f"section {_clean(section.name)!r} has no tasks and is "
                   "left out (Mermaid does not draw it either; a cjmc stage needs a step)")
    actors = list(dict.fromkeys(a for stage in stages.values() for step in stage.steps for a in step.actors))
    return title, (journey.acc_descr or "").replace("\u2060", ""), list(stages.values()), actors


def _stage_name(journey: MermaidJourney, index: int | None, report: Warn) -> str:
    if index is None:
        return DEFAULT_STAGE_NAME
    section = journey.sections[index]
    name = _clean(section.name)
    if not name:
        name = f"Section {index + 1}"
        report(section.line, section.column, "warning", f"section {index + 1} has a blank name; calling it {name!r}")
    return name


def _step(task: MermaidTask, report: Warn) -> _Step:
    name = _clean(task.name)
    shown = repr(name)
    emotion = score_to_emotion(task.score)
    raw_score: object = None
    if task.score is None:
        report(task.line, task.column, "warning",
               f"task {shown} has no score (Mermaid reads it as 0); the step gets no emotion")
    elif math.isnan(task.score):
        raw_score = task.score_text.strip()
        hint = ""
        if task.dropped or any(p and math.isfinite(js_number(p)) for p in task.people):
            hint = "; the task name probably contains ':', which ends a name in Mermaid"
        report(task.line, task.column, "warning",
               f"task {shown}: score {raw_score!r} is not a number, so the step gets no emotion{hint}")
    elif not 1 <= task.score <= 5:
        raw_score = _number(task.score, task.score_text)
        report(task.line, task.column, "warning",
               f"task {shown}: score {raw_score} is outside 1..5; emotion clamped to {emotion}")
    elif not task.score.is_integer():
        raw_score = _number(task.score, task.score_text)
        report(task.line, task.column, "warning",
               f"task {shown}: score {raw_score} is not a whole number; emotion rounded to {emotion}")
    if "" in task.people:
        report(task.line, task.column, "warning",
               f"task {shown} has an empty actor name (a trailing ',' or ':'); it is ignored")
    actors = list(dict.fromkeys(a for a in task.people if a))
    return _Step(name, task.line, emotion, raw_score, actors)


def _number(score: float, text: str) -> object:
    if math.isfinite(score):
        return int(score) if score.is_integer() else score
    return text.strip()


# --------------------------------------------------------------------------- sources


def _read(paths: Iterable[Path]) -> list[tuple[str, Path, bytes]]:
    seen: set[Path] = set()
    sources, problems = [], []
    for path in paths:
        path = Path(path)
        try:
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            sources.append((str(path), path, path.read_bytes()))
        except IsADirectoryError:
            problems.append((str(path), "is a directory"))
        except OSError as exc:
            problems.append((str(path), exc.strerror or str(exc)))
    if problems:
        raise UnreadableSourceError(problems)
    return sources


def _parse_source(path: Path, text: str) -> tuple[list[ParseResult], str | None]:
    """All journey diagrams of one file, or why there is none."""
    markdown = path.suffix.lower() in MARKDOWN_SUFFIXES
    if not markdown and not is_journey(text) and extract_mermaid_blocks(text):
        markdown = True  # e.g. a .txt file of notes with fenced diagrams
    if not markdown:
        return [parse_journey(text)], None
    results = parse_markdown(text)
    if results:
        return results, None
    blocks = len(extract_mermaid_blocks(text))
    if blocks:
        return [], f"no Mermaid journey diagram in this file ({blocks} mermaid block(s), none of them a journey)"
    return [], "no Mermaid journey diagram in this file (no ```mermaid block)"


def _title_from_file(path: Path, number: int, count: int) -> str:
    title = " ".join(re.sub(r"[-_.]+", " ", path.stem).split()) or "Imported journey"
    title = title[0].upper() + title[1:]
    return f"{title} ({number})" if count > 1 and number > 1 else title


# --------------------------------------------------------------------------- documents


def _journey_document(draft: _Draft, journey_id: str, persona_ids: dict[str, str]) -> dict:
    actors = draft.actors or [FALLBACK_PERSONA_NAME]
    doc: dict = {"kind": "journey", "id": journey_id, "title": draft.title,
                 "personas": [persona_ids[a] for a in actors]}
    if draft.description:
        doc["description"] = draft.description
    if draft.acc_title:
        doc["x-mermaid-acc-title"] = draft.acc_title
    doc["x-mermaid-source"] = f"{draft.file}:{draft.line}"
    stage_ids: set[str] = set()
    step_ids: set[str] = set()
    stages = []
    for stage in draft.stages:
        steps = []
        for step in stage.steps:
            entry: dict = {"id": derive_id(step.name, "step", step_ids), "name": step.name}
            if step.emotion is not None:
                entry["emotion"] = step.emotion
            if step.raw_score is not None:
                entry["x-mermaid-score"] = step.raw_score
            if set(step.actors) != set(draft.actors):
                entry["x-mermaid-actors"] = step.actors
            steps.append(entry)
        stages.append({"id": derive_id(stage.name, "stage", stage_ids), "name": stage.name, "steps": steps})
    doc["stages"] = stages
    return doc


class _Dumper(yaml.SafeDumper):
    """``yaml.safe_dump``'s dumper, also quoting strings YAML 1.2 reads as numbers.

    PyYAML resolves YAML 1.1, so it writes ``id: 058`` or ``name: 1e5`` bare;
    cjmc loads with the 1.2 core schema, where those are numbers. Resolvers
    added to this subclass only make the emitter quote such strings.
    """


for _tag, _pattern, _first in [
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("tag:yaml.org,2002:float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
]:
    _Dumper.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _dump(documents: list[dict], header: str) -> str:
    body = "---\n".join(yaml.dump(d, Dumper=_Dumper, sort_keys=False, allow_unicode=True) for d in documents)
    return header + body


def _plan(drafts: list[_Draft]) -> dict[Path, str]:
    """Relative output path -> file text, ids assigned in input order."""
    persona_ids: dict[str, str] = {}
    taken_personas: set[str] = set()
    for draft in drafts:
        for actor in draft.actors or [FALLBACK_PERSONA_NAME]:
            if actor not in persona_ids:
                persona_ids[actor] = derive_id(actor, "persona", taken_personas)
    files: dict[Path, str] = {}
    journey_ids: set[str] = set()
    for draft in drafts:
        journey_id = derive_id(draft.title, "journey", journey_ids, fallbacks=[Path(draft.file).stem])
        document = _journey_document(draft, journey_id, persona_ids)
        header = f"# Imported from {draft.file} by `cjmc import mermaid`.\n"
        files[JOURNEYS_DIR / f"{journey_id}.yaml"] = _dump([document], header)
    personas = [{"kind": "persona", "id": pid, "name": name} for name, pid in persona_ids.items()]
    if personas:
        files[PERSONAS_FILE] = _dump(personas, "# Mermaid journey actors, imported by `cjmc import mermaid`.\n")
    return files


# --------------------------------------------------------------------------- entry point


def import_mermaid(paths: list[Path], out_dir: Path, force: bool = False) -> ImportReport:
    """Import Mermaid journeys from ``.mmd`` files and Markdown files into ``out_dir``.

    Writes ``maps/journeys/<id>.yaml`` per journey, ``maps/personas.yaml`` and,
    if absent, a minimal ``cjmc.yaml``. Diagram problems become issues in the
    report (a broken diagram does not stop the others); unreadable inputs and
    existing output files raise :class:`MermaidImportError` before anything is
    written.
    """
    out_dir = Path(out_dir)
    report = ImportReport()
    drafts: list[_Draft] = []
    for display, path, data in _read(paths):
        summary = SourceSummary(display)
        report.sources.append(summary)

        def issue(line: int, column: int, severity: str, message: str, _file: str = display) -> None:
            report.issues.append(ImportIssue(_file, line, column, severity, message))

        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            issue(1, 1, "error", f"not UTF-8 text (byte {exc.start}); nothing imported from this file")
            continue
        results, missing = _parse_source(path, text)
        if missing:
            issue(1, 1, "error", missing)
        for number, result in enumerate(results, start=1):
            for problem in result.issues:
                issue(problem.line, problem.column, problem.severity, problem.message)
            if result.journey is None:
                continue
            if not result.journey.tasks:
                issue(result.journey.line, 1, "error", "the diagram has no tasks; a cjmc journey needs at least "
                      "one step, so nothing is imported from it")
                continue
            title, description, stages, actors = _convert(
                result.journey, _title_from_file(path, number, len(results)), issue)
            if not actors:
                issue(result.journey.line, 1, "warning", "no task names an actor; the journey gets the generated "
                      f"persona {FALLBACK_PERSONA_NAME!r}")
            drafts.append(_Draft(display, result.journey.line, title, description,
                                 _clean(result.journey.acc_title), actors, stages))
            summary.journeys += 1
            summary.stages += len(stages)
            summary.steps += sum(len(s.steps) for s in stages)
            summary.steps_with_emotion += sum(1 for s in stages for st in s.steps if st.emotion is not None)
    report.issues.sort()
    if drafts:
        report.written = _write(out_dir, _plan(drafts), force)
    return report


def _write(out_dir: Path, files: dict[Path, str], force: bool) -> list[Path]:
    if out_dir.exists() and not out_dir.is_dir():
        raise MermaidImportError(f"output {out_dir} exists and is not a folder")
    conflicts = [out_dir / rel for rel in files if (out_dir / rel).exists()]
    if conflicts and not force:
        raise OutputConflictError(conflicts)
    if not (out_dir / PROJECT_FILE).exists():
        files = {Path(PROJECT_FILE): _PROJECT_YAML, **files}
    written = []
    try:
        for rel, text in files.items():
            target = out_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            written.append(target)
    except OSError as exc:
        raise MermaidImportError(f"cannot write {exc.filename or out_dir}: {exc.strerror or exc}") from exc
    return written
