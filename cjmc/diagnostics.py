"""One diagnostic type for every stage: YAML syntax, schema, links and lint rules.

Reporters consume only :class:`Diagnostic`. It is immutable and totally ordered
by (file, line, column, rule, message), so output is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Iterable, NamedTuple

from .frozen import fast_frozen

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}
# Words accepted where a user names a severity (FORMAT.md section 7).
SEVERITY_WORDS = {"error": "error", "warning": "warning", "warn": "warning", "info": "info", "off": "off"}

# Problems that make a project invalid (FORMAT.md section 6); always errors.
VALIDITY_RULES = (
    "yaml-syntax",
    "duplicate-key",
    "schema",
    "duplicate-id",
    "unresolved-reference",
    "channel-mismatch",
)


@fast_frozen
@dataclass(frozen=True, slots=True)
class Position:
    """A place in a source file; line and column are 1-based."""

    file: str
    line: int
    column: int


class Diagnostic(NamedTuple):
    """A finding. ``file`` is relative to the project root (POSIX separators).

    A named tuple: immutable, hashable and ordered by (file, line, column,
    rule, message, ...) like any tuple, and built in C: a large portfolio
    yields tens of thousands of findings, and a frozen dataclass made
    creating them the slowest step of ``cjmc lint``.
    """

    file: str
    line: int
    column: int
    rule: str
    message: str
    severity: str = "error"
    hint: str = ""
    # Identity of the element the finding is about, independent of line numbers,
    # e.g. ("buy-first-bike", "stage:checkout", "step:pays"); used by baselines.
    subject: tuple[str, ...] = ()

    @classmethod
    def at(cls, pos: Position | None, rule: str, message: str, *, severity: str = "error",
           hint: str = "", subject: tuple[str, ...] = ()) -> "Diagnostic":
        if pos is None:
            return cls("", 0, 0, rule, message, severity, hint, subject)
        return cls(pos.file, pos.line, pos.column, rule, message, severity, hint, subject)

    @property
    def identity(self) -> str:
        """The element's identity for matching findings across versions.

        A step id is unique within its journey, so the stage is left out when
        a step is named: moving a step to another stage keeps its identity.
        """
        parts = self.subject
        for part in parts:
            if part.startswith("step:"):
                return "/".join([p for p in parts if not p.startswith("stage:")])
        return "/".join(parts)

    def to_json(self) -> dict:
        data = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
        }
        if self.hint:
            data["hint"] = self.hint
        if self.subject:
            data["subject"] = "/".join(self.subject)
        return data

    def __reduce__(self):
        # Pickled as its fields, made again by tuple.__new__ (C) instead of the named tuple's __new__ (a
        # Python function): shards send ~29,000 findings of a large portfolio, and the compile cache keeps them.
        return _NEW_DIAGNOSTIC, (tuple(self),)


_NEW_DIAGNOSTIC = partial(tuple.__new__, Diagnostic)


def sorted_unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics without duplicates, in their total order."""
    return sorted(set(diagnostics))


def summarize(diagnostics: Iterable[Diagnostic]) -> dict[str, int]:
    counts = {s: 0 for s in SEVERITIES}
    for d in diagnostics:
        counts[d.severity] = counts.get(d.severity, 0) + 1
    return counts


FAIL_ON_CHOICES = ("error", "warning", "info", "never")


def fails(diagnostics: Iterable[Diagnostic], fail_on: str) -> bool:
    """True if any diagnostic is at or above the ``--fail-on`` threshold."""
    if fail_on == "never":
        return False
    threshold = SEVERITY_RANK[SEVERITY_WORDS.get(fail_on, fail_on)]
    return any(SEVERITY_RANK.get(d.severity, 0) >= threshold for d in diagnostics)


class UsageError(Exception):
    """The command could not run (exit code 2): bad arguments, no project, bad config."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.diagnostics = diagnostics or []
