"""``--format github``: GitHub Actions workflow commands, plus a job summary.

Output is one line a finding::

    ::error file=maps/buy.yaml,line=12,col=7,title=cjmc schema::unknown key `pain_point`%0Ahint: ...

``warning`` findings become ``::warning``, ``info`` findings ``::notice``.
The message and the hint (on a new line) are escaped as @actions/core's
``escapeData`` does (``%``, CR, LF), properties as its ``escapeProperty``
does (also ``:`` and ``,``), so no message can end the command early or
start another one. A finding with no file is annotated without ``file``,
``line`` and ``col`` (GitHub shows it on the run, not on a file). Paths are
made relative to the git work tree that holds the project, as GitHub wants.

Side effect: GitHub shows only the first 10 annotations of each kind per
step, so when ``GITHUB_STEP_SUMMARY`` is set, :func:`render` also APPENDS a
Markdown summary to that file (other steps write there too; it is never
overwritten): a heading, the counts by severity, and a table of at most
:data:`SUMMARY_ROWS` findings, errors first. A summary that cannot be
written is a warning on stderr, never a failure of the run.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Sequence

from ..diagnostics import SEVERITIES, SEVERITY_RANK, Diagnostic, summarize
from . import ReportContext
from .sarif import ci_path, repo_prefix

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
SUMMARY_ROWS = 200


def escape_data(value: str) -> str:
    """@actions/core ``escapeData``: for the message after ``::``."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """@actions/core ``escapeProperty``: for ``key=value`` properties."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(d: Diagnostic, prefix: str = "") -> str:
    properties = []
    if d.file:
        properties.append(("file", ci_path(prefix, d.file)))
        if d.line >= 1:
            properties.append(("line", str(d.line)))
            if d.column >= 1:
                properties.append(("col", str(d.column)))
    properties.append(("title", f"cjmc {d.rule}"))
    message = f"{d.message}\nhint: {d.hint}" if d.hint else d.message
    listed = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{COMMANDS.get(d.severity, 'warning')} {listed}::{escape_data(message)}"


_NEWLINES = re.compile(r"\r\n|\r|\n")


def _cell(value: str) -> str:
    """Text safe inside a Markdown table cell: no HTML, no column breaks, no line breaks."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = value.replace("\\", "\\\\").replace("|", "\\|")
    return _NEWLINES.sub("<br>", value)


def step_summary(diagnostics: Sequence[Diagnostic], context: ReportContext, prefix: str = "") -> str:
    counts = summarize(diagnostics)
    files = len(context.files)
    lines = [f"## cjmc {context.command}", ""]
    tally = " · ".join(f"**{counts.get(name, 0)}** {name}" for name in SEVERITIES)
    lines.append(f"{tally} in {files} file{'s' if files != 1 else ''}")
    lines.append("")
    if not diagnostics:
        lines.append("No problems found.")
    else:
        lines += ["| Location | Severity | Rule | Message |", "| --- | --- | --- | --- |"]
        ranked = sorted(diagnostics, key=lambda d: (-SEVERITY_RANK.get(d.severity, 0), d))
        for d in ranked[:SUMMARY_ROWS]:
            location = f"{ci_path(prefix, d.file)}:{d.line}" if d.file else "<project>"
            message = f"{d.message}\nhint: {d.hint}" if d.hint else d.message
            lines.append(f"| {_cell(location)} | {d.severity} | {_cell(d.rule)} | {_cell(message)} |")
        if len(ranked) > SUMMARY_ROWS:
            lines += ["", f"... and {len(ranked) - SUMMARY_ROWS} more"]
    return "\n".join(lines) + "\n\n"


def write_step_summary(diagnostics: Sequence[Diagnostic], context: ReportContext, prefix: str = "") -> None:
    """Append the summary to ``$GITHUB_STEP_SUMMARY`` when it is set; warn on stderr if that fails."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    text = step_summary(diagnostics, context, prefix)
    try:
        with open(path, "a", encoding="utf-8", errors="replace") as handle:
            handle.write(text)
    except OSError as exc:
        print(f"cjmc: warning: could not append the job summary to {path}: {exc.strerror or exc}",
              file=sys.stderr)


def render(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    ordered = sorted(diagnostics)
    prefix = repo_prefix(context.root)
    write_step_summary(ordered, context, prefix)
    return "".join(annotation(d, prefix) + "\n" for d in ordered)
