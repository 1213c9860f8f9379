"""Load two versions of a project (git revisions or the working tree) and diff them."""

from __future__ import annotations

from pathlib import Path

from .diff import ProjectDiff, diff_projects


def load_version(root: Path, revision: str | None, *, lint: bool = True):
    """(project model, diagnostics) at ``revision``, or of the working tree when it is None."""
    if revision is None:
        from ..check import compile_linted

        result, diagnostics = compile_linted(root, lint=lint)
        return result.project, diagnostics
    from .gitrev import compile_revision

    result, diagnostics = compile_revision(root, revision, lint=lint)
    return result.project, diagnostics


def compare(root: Path, base: str, head: str | None = None, *, lint: bool = True) -> ProjectDiff:
    """What changed in the project at ``root`` from ``base`` to ``head`` (default: the working tree)."""
    from .gitrev import repo_location, resolve_revision

    repo_location(root)  # a clear UsageError outside a repository
    resolve_revision(root, base)
    if head is not None:
        resolve_revision(root, head)
    old, old_findings = load_version(root, base, lint=lint)
    new, new_findings = load_version(root, head, lint=lint)
    if not lint:
        return diff_projects(old, new)
    return diff_projects(old, new, old_findings, new_findings)
