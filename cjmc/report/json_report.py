"""``--format json``: FORMAT.md section 7's object, keys in a stable order."""

from __future__ import annotations

import json
from typing import Sequence

from ..diagnostics import Diagnostic, summarize
from . import ReportContext


def render(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    payload = {"diagnostics": [d.to_json() for d in diagnostics], "summary": summarize(diagnostics)}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
