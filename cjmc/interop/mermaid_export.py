"""Write a compiled journey (:class:`cjmc.model.Journey`) as a Mermaid ``journey`` block.

The output is meant to be pasted into Markdown that GitHub renders::

    journey
        title Buying a first bike
        section Awareness
          Sees a social ad: 4: Casey the Commuter

- emotion -2..2 -> score 1..5 (emotion + 3). A step without an emotion is
  drawn neutral (3) and a ``%%`` comment line above it says so; read back, it
  has emotion 0, since comments are all Mermaid drops.
- actors: the step's ``x-mermaid-actors`` (written by the importer when a
  task's actors differ from the journey's), else the journey's personas, by
  name when ``persona_names`` is given, else by id.
- ``accTitle:`` from ``x-mermaid-acc-title``; ``accDescr:`` from the
  description, on one line (that statement takes any text up to the newline).

What the grammar cannot hold is replaced by a lookalike, so the text still
reads the same (the lexer stops a title at ``#`` ``;``, a section or task name
also at ``:``, and an actor at ``,``):

====  ==========================================  ================================
char  replaced by                                  in
====  ==========================================  ================================
#     ＃ U+FF03 FULLWIDTH NUMBER SIGN                title, section, task, actor
;     ； U+FF1B FULLWIDTH SEMICOLON                  title, section, task, actor
:     ꞉ U+A789 MODIFIER LETTER COLON                section, task, actor
,     ‚ U+201A SINGLE LOW-9 QUOTATION MARK          actor
====  ==========================================  ================================

Two more hazards are defused with an invisible U+2060 WORD JOINER, which the
importer removes again: ``%%`` (a comment or directive to Mermaid's
preprocessor) becomes ``%\\u2060%``; and a task name starting with a keyword the
lexer would take first (``journey``, ``title ``, ``section ``,
``accDescr {``, case-insensitive) gets the joiner after its first letter.
Line breaks and runs of whitespace in any text become one space.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, Mapping

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Journey, Step

__all__ = ["export_mermaid", "emotion_to_score"]

WORD_JOINER = "\u2060"
_TITLE = str.maketrans({"#": "\uff03", ";": "\uff1b"})
_NAME = str.maketrans({"#": "\uff03", ";": "\uff1b", ":": "\ua789"})
_ACTOR = str.maketrans({"#": "\uff03", ";": "\uff1b", ":": "\ua789", ",": "\u201a"})
_KEYWORD_START = re.compile(r"(?:journey(?![A-Za-z0-9_])|title\s|section\s|accDescr\s*\{|accTitle\s*:|accDescr\s*:)",
                            re.IGNORECASE | re.ASCII)
_ENTITY_LIKE = re.compile(r"#(?=[A-Za-z0-9_]+;)")
NEUTRAL = 3


def emotion_to_score(emotion: int | None) -> int:
    """cjmc emotion -2..2 -> Mermaid score 1..5; no emotion -> 3 (neutral)."""
    if emotion is None:
        return NEUTRAL
    return min(5, max(1, int(emotion) + 3))


def _one_line(text: object) -> str:
    return " ".join(str(text or "").split()).replace("%%", "%" + WORD_JOINER + "%")


def _name(text: object, table: dict, fallback: str) -> str:
    name = _one_line(text).translate(table)
    return name or fallback


def _task_name(text: object) -> str:
    name = _name(text, _NAME, "Step")
    if _KEYWORD_START.match(name) or name.startswith("%"):
        name = name[0] + WORD_JOINER + name[1:]
    return name


def _actors(step: "Step", default: Iterable[str]) -> list[str]:
    listed = (getattr(step, "extensions", None) or {}).get("x-mermaid-actors")
    if isinstance(listed, list) and all(isinstance(a, str) for a in listed):
        names: Iterable[str] = listed
    else:
        names = default
    return [a for a in (_name(n, _ACTOR, "") for n in names) if a]


def export_mermaid(journey: "Journey", persona_names: Mapping[str, str] | None = None) -> str:
    """The journey as the text of a Mermaid ``journey`` diagram (ends with a newline)."""
    names = persona_names or {}
    default_actors = [names.get(p, p) for p in journey.personas]
    extensions = getattr(journey, "extensions", None) or {}
    lines = ["journey"]
    title = _name(journey.title, _TITLE, "")
    if title:
        lines.append(f"    title {title}")
    acc_title = _one_line(extensions.get("x-mermaid-acc-title"))
    if acc_title:
        lines.append(f"    accTitle: {_ENTITY_LIKE.sub('#' + WORD_JOINER, acc_title)}")
    description = _one_line(journey.description)
    if description:
        lines.append(f"    accDescr: {_ENTITY_LIKE.sub('#' + WORD_JOINER, description)}")
    for stage in journey.stages:
        lines.append(f"    section {_name(stage.name, _NAME, stage.id)}")
        for step in stage.steps:
            if step.emotion is None:
                lines.append(f"      %% {step.id}: no emotion recorded, drawn as neutral ({NEUTRAL})")
            task = f"      {_task_name(step.name)}: {emotion_to_score(step.emotion)}"
            actors = _actors(step, default_actors)
            lines.append(task + (": " + ", ".join(actors) if actors else ""))
    return "\n".join(lines) + "\n"
