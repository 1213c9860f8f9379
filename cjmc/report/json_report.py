"""``--format json``: FORMAT.md section 7's object, keys in a stable order."""

from __future__ import annotations

from typing import Sequence

from ..diagnostics import Diagnostic, summarize
from ..jsontext import Rows, Shape, dumps_indented
from . import ReportContext


_BASE = {"rule": str, "severity": str, "message": str, "file": str, "line": int, "column": int}
# Diagnostic.to_json's four layouts: with or without "hint", with or without "subject".
_SHAPES = {(False, False): Shape(_BASE), (True, False): Shape({**_BASE, "hint": str}),
           (False, True): Shape({**_BASE, "subject": str}), (True, True): Shape({**_BASE, "hint": str, "subject": str})}


def _item(d: Diagnostic) -> tuple[Shape, tuple]:
    """``d.to_json()`` as a :class:`Rows` item."""
    values = (d.rule, d.severity, d.message, d.file, d.line, d.column)
    if d.hint:
        values += (d.hint,)
    if d.subject:
        values += ("/".join(d.subject),)
    return _SHAPES[bool(d.hint), bool(d.subject)], values


def render(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    payload = {"diagnostics": Rows([_item(d) for d in diagnostics]), "summary": summarize(diagnostics)}
    return dumps_indented(payload) + "\n"
