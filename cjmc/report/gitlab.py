"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

A JSON array with one object per finding, using the fields GitLab reads
(a subset of the Code Climate spec)::

    {"description": "message (hint: ...)", "check_name": "RULE",
     "fingerprint": "<32 hex>", "severity": "minor",
     "location": {"path": "maps/buy.yaml", "lines": {"begin": 12}}}

- Severity: ``error`` → ``major``, ``warning`` → ``minor``, ``info`` →
  ``info`` (GitLab's scale: info, minor, major, critical, blocker).
- ``fingerprint`` is the SARIF reporter's line-independent identity
  (:func:`cjmc.report.sarif.fingerprints`), so a merge request that only
  moves lines shows no new or fixed issues. Every fingerprint in a report
  is distinct: GitLab keeps only the first issue of a fingerprint.
- Paths are relative to the git work tree holding the project; a finding
  with no file points at ``cjmc.yaml`` line 1.
"""

from __future__ import annotations

from typing import Sequence

from ..diagnostics import Diagnostic
from ..jsontext import Rows, Shape, dumps_indented
from . import ReportContext
from .sarif import PROJECT_FILE, ci_path, fingerprints, repo_prefix

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


ISSUE = Shape({
    "description": str,
    "check_name": str,
    "fingerprint": str,
    "severity": str,
    "location": {"path": str, "lines": {"begin": int}},
})


def render(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    ordered = sorted(diagnostics)
    prefix = repo_prefix(context.root)
    paths = {file: ci_path(prefix, file or PROJECT_FILE) for file in {d.file for d in ordered}}
    issues = Rows([(ISSUE, (f"{d.message} (hint: {d.hint})" if d.hint else d.message, d.rule, fingerprint,
                            SEVERITIES.get(d.severity, "info"), paths[d.file],
                            (d.line if d.line > 1 else 1) if d.file else 1))
                   for d, fingerprint in zip(ordered, fingerprints(ordered))])
    return dumps_indented(issues) + "\n"
