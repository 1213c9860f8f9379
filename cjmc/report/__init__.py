"""Reporters: each turns the run's diagnostics into one output format.

Every reporter is a function ``render(diagnostics, context) -> str`` that
consumes only :class:`~cjmc.diagnostics.Diagnostic` and the
:class:`ReportContext`; the table below drives ``--format``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from ..diagnostics import Diagnostic

FORMATS = {
    "text": "cjmc.report.text:render",
    "json": "cjmc.report.json_report:render",
    "sarif": "cjmc.report.sarif:render",
    "github": "cjmc.report.github:render",
    "junit": "cjmc.report.junit:render",
    "gitlab": "cjmc.report.gitlab:render",
}


@dataclass(frozen=True)
class RuleInfo:
    """What a reporter may say about a rule (SARIF's rule metadata, help links)."""

    name: str
    severity: str
    summary: str
    documentation: str = ""


@dataclass(frozen=True)
class ReportContext:
    root: Path
    files: Sequence[str] = ()
    rules: Mapping[str, RuleInfo] = field(default_factory=dict)
    color: bool = False
    tool_version: str = ""
    command: str = "lint"


def reporter(name: str) -> Callable[[Sequence[Diagnostic], ReportContext], str]:
    module_name, attribute = FORMATS[name].split(":")
    return getattr(importlib.import_module(module_name), attribute)
