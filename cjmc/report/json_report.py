"""``--format json``: FORMAT.md section 7's object, keys in a stable order."""

from __future__ import annotations

from typing import Sequence

from ..diagnostics import Diagnostic, summarize
from ..jsontext import dumps_indented
from . import ReportContext


def render(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    payload = {"diagnostics": [d.to_json() for d in diagnostics], "summary": summarize(diagnostics)}
    return dumps_indented(payload) + "\n"
