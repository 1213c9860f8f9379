"""``--format sarif``: SARIF 2.1.0, as GitHub code scanning accepts it.

One run. ``tool.driver.rules`` holds one reporting descriptor per rule the
run knows (``context.rules`` plus any rule only seen in a finding), sorted
by name; each result names its rule by ``ruleId`` and ``ruleIndex``.

Choices a reader of the output should know:

- Levels: ``error`` → ``error``, ``warning`` → ``warning``, ``info`` →
  ``note`` (``off`` → ``none`` for a rule's default).
- URIs are relative (percent-encoded) with ``uriBaseId`` ``%SRCROOT%`` and
  no ``originalUriBaseIds``, so the file does not depend on the machine
  that wrote it; GitHub resolves them against the repository root. When
  the project is a sub-folder of a git work tree the folder is put in
  front (:func:`repo_prefix`), so the paths are repository-relative.
- A finding with no file (a project-level problem) points at
  ``cjmc.yaml`` line 1: code scanning wants a location on every result.
- ``partialFingerprints["cjmc/v1"]`` (:func:`fingerprints`) never depends
  on line numbers, so an alert keeps its identity when lines move.
- Nothing time- or machine-dependent is written: the same findings give
  the same bytes.

:func:`repo_prefix`, :func:`ci_path` and :func:`fingerprints` are shared
with the other CI reporters (GitHub annotations, GitLab Code Quality).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Mapping, Sequence
from urllib.parse import quote

from ..diagnostics import Diagnostic
from ..jsontext import Rows, Shape, dumps_indented
from . import ReportContext, RuleInfo

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/cjmc/cjmc"
FINGERPRINT_KEY = "cjmc/v1"
PROJECT_FILE = "cjmc.yaml"
LEVELS = {"error": "error", "warning": "warning", "info": "note", "off": "none"}
TAGS = ["journey-map"]


def repo_prefix(root: Path) -> str:
    """The project folder relative to the enclosing git work tree; ``""`` at its top or outside git.

    CI services want paths relative to the repository, while diagnostics
    are relative to the project root; the two differ when the maps live in
    a sub-folder of the repository.
    """
    try:
        start = Path(root).resolve()
    except OSError:
        return ""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            relative = start.relative_to(folder).as_posix()
            return "" if relative == "." else relative
    return ""


def ci_path(prefix: str, file: str) -> str:
    """A project-relative path made repository-relative with :func:`repo_prefix`'s result."""
    return f"{prefix}/{file}" if prefix else file


def fingerprints(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """A line-independent identity per diagnostic, in the same order; all distinct.

    The key is the rule and the finding's ``subject`` (the element it is
    about), or, for a finding without one, the rule, file and message.
    Several findings with the same key (a rule reporting one element twice)
    are told apart by their order, which does not change when lines move.
    The value is 32 hex digits of SHA-256, usable by SARIF and GitLab alike.
    """
    seen: dict[tuple[str, ...], int] = {}
    result = []
    sha256 = hashlib.sha256
    for d in diagnostics:
        key = (FINGERPRINT_KEY, "subject", d.rule, d.identity) if d.subject else (
            FINGERPRINT_KEY, "file", d.rule, d.file, d.message)
        count = seen[key] = seen.get(key, 0) + 1
        if count > 1:
            key = (*key, "\x01occurrence", str(count))
        result.append(sha256("\x00".join(key).encode("utf-8", "surrogatepass")).hexdigest()[:32])
    return result


def _known_rules(diagnostics: Sequence[Diagnostic], rules: Mapping[str, RuleInfo]) -> list[RuleInfo]:
    known = dict(rules)
    for d in diagnostics:
        if d.rule not in known:  # a rule the context did not describe: say what we can
            known[d.rule] = RuleInfo(d.rule, d.severity, f"cjmc rule {d.rule}")
    return [known[name] for name in sorted(known)]


def _descriptor(info: RuleInfo) -> dict:
    summary = info.summary or info.name
    documentation = info.documentation or summary
    return {
        "id": info.name,
        "name": info.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": documentation},
        "help": {"text": documentation, "markdown": documentation},
        "defaultConfiguration": {"level": LEVELS.get(info.severity, "warning")},
        "properties": {"tags": list(TAGS)},
    }


# A result, its values in the order of the slots (see :class:`..jsontext.Shape`).
RESULT = Shape({
    "ruleId": str,
    "ruleIndex": int,
    "level": str,
    "message": {"text": str},
    "locations": [{
        "physicalLocation": {
            "artifactLocation": {"uri": str, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": int, "startColumn": int},
        },
    }],
    "partialFingerprints": {FINGERPRINT_KEY: str},
})


def _result(d: Diagnostic, fingerprint: str, rule_index: int, uri: str) -> tuple:
    """The values of :data:`RESULT` for one finding in the file at ``uri``."""
    text = f"{d.message}\nhint: {d.hint}" if d.hint else d.message
    line, column = (d.line if d.line > 1 else 1, d.column if d.column > 1 else 1) if d.file else (1, 1)
    return (d.rule, rule_index, LEVELS.get(d.severity, "warning"), text, uri, line, column, fingerprint)


def render(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    ordered = sorted(diagnostics)
    rules = _known_rules(ordered, context.rules)
    index = {info.name: i for i, info in enumerate(rules)}
    prefix = repo_prefix(context.root)
    # Percent-encoded once per file: a portfolio's findings name each file many times.
    uris = {file: quote(ci_path(prefix, file or PROJECT_FILE), safe="/") for file in {d.file for d in ordered}}
    driver: dict = {"name": "cjmc", "informationUri": INFORMATION_URI}
    if context.tool_version:
        driver["semanticVersion"] = context.tool_version
        driver["version"] = context.tool_version
    driver["rules"] = [_descriptor(info) for info in rules]
    run = {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",
        "results": Rows([(RESULT, _result(d, fp, index[d.rule], uris[d.file]))
                         for d, fp in zip(ordered, fingerprints(ordered))]),
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return dumps_indented(log) + "\n"
