"""Baselines: report only the lint findings introduced since a saved state.

A finding's key does not depend on line numbers: the rule plus the identity
of the element it is about (``Diagnostic.subject``), or, for findings without
a subject, the rule plus the file and message. Keys are counted (a multiset):
if the baseline held two findings with one key and now there are three, one
is new. Editing or moving lines therefore never brings an old finding back.

The baseline is either a JSON file written by :func:`save_baseline`
(``cjmc lint --write-baseline FILE``) or a git revision, whose maps are
compiled and linted on the fly.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

from .diagnostics import Diagnostic, UsageError
from .jsontext import dumps_indented

FORMAT_VERSION = 1
Key = tuple[str, ...]


def finding_key(diagnostic: Diagnostic) -> Key:
    """The line-independent identity of a finding."""
    if diagnostic.subject:
        return (diagnostic.rule, "subject", diagnostic.identity)
    return (diagnostic.rule, "file", diagnostic.file, diagnostic.message)


def count_keys(diagnostics: Iterable[Diagnostic]) -> Counter:
    return Counter(finding_key(d) for d in diagnostics)


def baseline_document(diagnostics: Iterable[Diagnostic]) -> dict:
    counts = count_keys(diagnostics)
    findings = []
    for key in sorted(counts):
        entry = {"rule": key[0]}
        if key[1] == "subject":
            entry["subject"] = key[2]
        else:
            entry["file"], entry["message"] = key[2], key[3]
        entry["count"] = counts[key]
        findings.append(entry)
    return {"cjmc_baseline": FORMAT_VERSION, "findings": findings}


def save_baseline(diagnostics: Iterable[Diagnostic], path: str | Path) -> None:
    """Write the findings' keys with their counts as JSON (sorted, so diffs of it are small)."""
    from .fsutil import atomic_write_text

    text = dumps_indented(baseline_document(diagnostics)) + "\n"
    atomic_write_text(Path(path), text)


def load_baseline(path: str | Path) -> Counter:
    """Key counts from a baseline file; UsageError when it cannot be read or is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read the baseline {path}: {exc.strerror}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"the baseline {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise UsageError(f"{path} is not a cjmc baseline (expected an object with `findings`)")
    counts: Counter = Counter()
    for entry in data["findings"]:
        try:
            rule = str(entry["rule"])
            if "subject" in entry:
                key: Key = (rule, "subject", str(entry["subject"]))
            else:
                key = (rule, "file", str(entry["file"]), str(entry["message"]))
            counts[key] += int(entry.get("count", 1))
        except (KeyError, TypeError, ValueError):
            raise UsageError(f"{path} is not a cjmc baseline: bad entry {entry!r}") from None
    return counts


def baseline_counts(baseline: str | Path, root: str | Path) -> Counter:
    """Key counts of a baseline given as a file path or a git revision of the project at ``root``."""
    path = Path(baseline)
    # An existing file is a baseline file; so is anything named like one (it is then unreadable).
    if path.is_file() or path.suffix.lower() == ".json":
        return load_baseline(path)
    from .workflow.gitrev import compile_revision

    _, diagnostics = compile_revision(Path(root), str(baseline), model=False)
    return count_keys(diagnostics)


def subtract(diagnostics: Sequence[Diagnostic], counts: Counter) -> list[Diagnostic]:
    """Diagnostics whose key is not (or no longer) covered by ``counts``, in their original order."""
    remaining = Counter(counts)
    kept = []
    for diagnostic in diagnostics:
        key = finding_key(diagnostic)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            kept.append(diagnostic)
    return kept


def filter_new(diagnostics: Sequence[Diagnostic], baseline: str | Path, root: str | Path) -> list[Diagnostic]:
    """Keep only the findings not in ``baseline`` (a baseline file or a git revision)."""
    return subtract(diagnostics, baseline_counts(baseline, root))
