"""Human-readable output: ``FILE:LINE:COL: SEVERITY RULE: MESSAGE``, then a summary.

Piped output is one line a finding (the hint in parentheses), so tools can
parse it. On a terminal it is coloured and each finding shows its source
line with a caret and the hint beneath.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ..diagnostics import Diagnostic, summarize
from . import ReportContext

COLORS = {"error": "\033[31;1m", "warning": "\033[33;1m", "info": "\033[36m"}
DIM, BOLD, RESET = "\033[2m", "\033[1m", "\033[0m"


def format_text_line(d: Diagnostic, *, color: bool) -> str:
    location = f"{d.file or '<project>'}:{d.line}:{d.column}"
    if not color:
        hint = f" (hint: {d.hint})" if d.hint else ""
        return f"{location}: {d.severity} {d.rule}: {d.message}{hint}"
    return f"{BOLD}{location}{RESET}: {COLORS.get(d.severity, '')}{d.severity}{RESET} {DIM}{d.rule}{RESET}: {d.message}"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``1 page``, ``3 pages``: a count with its noun, for a person to read."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def summary_line(diagnostics: Sequence[Diagnostic], files: int) -> str:
    counts = summarize(diagnostics)
    where = f"in {files} file{'s' if files != 1 else ''}"
    if not diagnostics:
        return f"no problems {where}"
    parts = [f"{n} {name}{'s' if n != 1 and name != 'info' else ''}"
             for name, n in counts.items() if n]
    return f"{', '.join(parts)} {where}"


def _source_excerpt(root: Path, d: Diagnostic, cache: dict[str, list[str]]) -> list[str]:
    if not d.file or d.line < 1:
        return []
    if d.file not in cache:
        try:
            cache[d.file] = (root / d.file).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            cache[d.file] = []
    lines = cache[d.file]
    if d.line > len(lines):
        return []
    source = lines[d.line - 1].replace("\t", " ")
    gutter = f"{d.line:>5} | "
    return [f"{DIM}{gutter}{RESET}{source}", " " * len(gutter) + " " * (d.column - 1) + f"{COLORS.get(d.severity, '')}^{RESET}"]


def render(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    lines = []
    cache: dict[str, list[str]] = {}
    for d in diagnostics:
        lines.append(format_text_line(d, color=context.color))
        if context.color:
            lines.extend(_source_excerpt(context.root, d, cache))
            if d.hint:
                lines.append(f"        {BOLD}hint:{RESET} {d.hint}")
    lines.append(summary_line(diagnostics, len(context.files)))
    return "\n".join(lines) + "\n"
