"""Parse YAML into plain Python values that remember where they came from.

Why not ``yaml.safe_load``: it forgets positions, turns ``2026-06-01`` into a
date and ``off`` into ``False``, and silently keeps the last of two duplicate
keys. We resolve plain scalars with the YAML 1.2 core schema (only
``true``/``false`` are booleans; dates stay strings) and build
:class:`LocDict` / :class:`LocList` values that carry the position of every
node, key and item: a mark with 0-based ``line`` and ``column``, which
:func:`line_column` turns into 1-based numbers. Only the few positions a
message or model object needs are ever converted.

Two loaders build these values. The optional C loader (``_fastyaml.c``, see
``c_loader.py``) reads libyaml's events directly, ~2.5 times as fast, and
gives back any file with something unusual (an error, an anchor, a tag, a
merge or duplicate key, deep nesting). Those files, and every file where the
C loader was not built, go to the Python loader (``pyyaml_loader.py``),
which reports every problem; ``tests/core/test_fastyaml.py`` holds the two to
the same results. PyYAML is imported only when the Python loader is needed:
importing it was ~9 % of validating a small project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from sys import intern
from typing import Any

from ..diagnostics import Diagnostic, Position
from .c_loader import c_loader

MAX_DEPTH = 100
MAX_VALUES = 1_000_000


# The optional C loader takes the files it can (see c_loader.py); None: every file takes the Python path.
_fast_load = c_loader()[0]

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
MERGE = "tag:yaml.org,2002:merge"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
TIMESTAMP = "tag:yaml.org,2002:timestamp"


# The YAML 1.2 core schema's plain scalars that are not text: the words, then the numbers.
_CORE_WORDS = {word: BOOL for word in ("true", "True", "TRUE", "false", "False", "FALSE")}
_CORE_WORDS.update({word: NULL for word in ("~", "null", "Null", "NULL")})
_CORE_WORDS["<<"] = MERGE
_INT = re.compile(r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z")
_FLOAT = re.compile(r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z")
_NUMBER_START = frozenset("-+0123456789.")
# A plain scalar whose first character is none of these is text.
# Texts up to this length are one object per value (``sys.intern``): ids, enum values and short labels recur
# (a severity on every pain point, a channel on every step), and each parsed scalar was a new string.
SHARED_TEXT = 64
_MAYBE_NOT_TEXT = frozenset("tTfFnN~<") | _NUMBER_START


def _implicit_tag(value: str) -> str:
    """The core-schema tag of a plain scalar (``value`` non-empty, first character in _MAYBE_NOT_TEXT)."""
    tag = _CORE_WORDS.get(value)
    if tag is not None:
        return tag
    if value[0] in _NUMBER_START:
        if _INT.match(value):
            return INT
        if _FLOAT.match(value):
            return FLOAT
    return STR


def line_column(mark: Any) -> tuple[int, int]:
    """The 1-based ``(line, column)`` of a position the loader keeps (a mark with 0-based ``line`` and ``column``)."""
    return mark.line + 1, mark.column + 1


class LocDict(dict):
    """A mapping with ``pos`` (the mapping), ``key_pos`` and ``value_pos`` per key: marks, see :func:`line_column`."""

    __slots__ = ("pos", "key_pos", "value_pos")


class LocList(list):
    """A sequence with ``pos`` and ``item_pos`` (one per item): marks, see :func:`line_column`."""

    __slots__ = ("pos", "item_pos")


@dataclass(frozen=True, slots=True)
class Document:
    """One YAML document of a file; ``data`` is a LocDict, LocList or scalar."""

    file: str
    index: int
    data: Any
    line: int
    column: int

    @property
    def position(self) -> Position:
        return Position(self.file, self.line, self.column)


class LoadError(Exception):
    """A problem that stops a file from loading; carries its diagnostic."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def decode(data: bytes, file: str) -> str:
    """Decode UTF-8 (with or without BOM), reporting the first bad byte's line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode("utf-8", "replace")) + 1
        raise LoadError(Diagnostic(
            file, line, column, "yaml-syntax",
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            hint="save the file as UTF-8",
        )) from None
    return text[1:] if text.startswith("\ufeff") else text


def load_documents(text: str, file: str) -> tuple[list[Document], list[Diagnostic]]:
    """Parse every document of ``text``. Returns documents and problems found.

    A syntax error stops the file (YAML cannot recover from it); duplicate keys
    and unsupported tags are reported and loading goes on.
    """
    anchors = _may_have_anchors(text)
    if _fast_load is not None and not anchors:
        # The common case in C; None means the file has something only the Python path handles
        # (an error, a tag, a duplicate or merge key...), and that path parses it again from the start.
        loaded = _fast_load(text, LocDict, LocList, _plain_number, MAX_DEPTH, SHARED_TEXT)
        if loaded is not None:
            return [Document(file, index, data, line, column) for index, data, line, column in loaded], []
    from .pyyaml_loader import load_with_pyyaml

    return load_with_pyyaml(text, file, anchors)


_ANCHOR = re.compile(r"(?:^|[\s\[{,:-])&[^\s]")


def _may_have_anchors(text: str) -> bool:
    """Aliases need anchors; most files have none, so skip the expansion count."""
    return "&" in text and _ANCHOR.search(text) is not None


_UNSUPPORTED = object()


def _core_value(tag: str, value: str) -> Any:
    """A scalar's value under its resolved ``tag``, or ``_UNSUPPORTED`` for a tag journey maps do not use."""
    if tag == STR or tag == TIMESTAMP:
        return value if len(value) > SHARED_TEXT else intern(value)
    if tag == NULL:
        return None
    if tag == BOOL:
        return value.lower() == "true"
    if tag == INT:
        try:
            return int(value, 0) if value[:2].lower() in ("0o", "0x") else int(value)
        except ValueError:
            return value
    if tag == FLOAT:
        special = value.lower().lstrip("+")
        if special in (".inf", "-.inf", ".nan"):
            return float(special.replace(".", ""))
        try:
            return float(value)
        except ValueError:
            return value
    return _UNSUPPORTED


def _plain_number(value: str) -> Any:
    """The value of an untagged plain scalar that starts like a number: the C loader asks for these."""
    return _core_value(_implicit_tag(value), value)


def comment_lines(text: str, marker: str = "cjmc:") -> list[tuple[int, str]]:
    """Lines (1-based) whose comments contain ``marker``, with the whole line's text.

    Used for ``# cjmc: disable-line RULE`` suppressions, which need the comment's
    column and whether the line holds only the comment; cheap when absent.
    """
    if marker not in text:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if marker in line and "#" in line:
            found.append((number, line))
    return found
