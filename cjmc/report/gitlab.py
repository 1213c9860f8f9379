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
from ..jsontext import dumps_indented
from . import ReportContext
from .sarif import PROJECT_FILE, ci_path, fingerprints, repo_prefix

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def render(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    ordered = sorted(diagnostics)
    prefix = repo_prefix(context.root)
    issues = []
    for d, fingerprint in zip(ordered, fingerprints(ordered)):
        issues.append({
            "description": f"{d.message} (hint: {d.hint})" if d.hint else d.message,
            "check_name": d.rule,
            "fingerprint": fingerprint,
            "severity": SEVERITIES.get(d.severity, "info"),
            "location": {
                "path": ci_path(prefix, d.file or PROJECT_FILE),
                "lines": {"begin": max(d.line, 1) if d.file else 1},
            },
        })
    return dumps_indented(issues) + "\n"
