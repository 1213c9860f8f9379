"""Read a project as it was at a git revision, through the ``git`` program.

The project may be a sub-folder of the repository: paths are taken relative
to the repository root and written out relative to the project, so a
revision's maps compile exactly like the working tree's.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from pathlib import Path, PurePosixPath
from typing import Iterator

from ..diagnostics import UsageError

MAP_SUFFIXES = (".yaml", ".yml")


def _git(root: Path, *args: str, input: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], input=input, capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError("the `git` program is not installed or not on PATH") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _GitFailed(message[-1] if message else f"git {' '.join(args)} failed")
    return done.stdout


class _GitFailed(Exception):
    pass


def repo_location(root: Path) -> tuple[Path, str]:
    """(repository top level, the project's path inside it as a POSIX prefix ending in / or empty)."""
    try:
        top = _git(root, "rev-parse", "--show-toplevel").decode().strip()
        prefix = _git(root, "rev-parse", "--show-prefix").decode().strip()
    except _GitFailed:
        raise UsageError(f"{root} is not inside a git repository") from None
    return Path(top), prefix


def resolve_revision(root: Path, revision: str) -> str:
    """The commit id ``revision`` names; UsageError when it names none."""
    if not revision or revision.startswith("-"):
        raise UsageError(f"not a git revision: {revision!r}")
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").decode().strip()
    except _GitFailed:
        raise UsageError(f"unknown git revision: {revision}") from None


def revision_files(root: Path, revision: str) -> dict[str, bytes]:
    """The project's YAML files (maps and cjmc.yaml) at ``revision``, keyed by project-relative path."""
    top, prefix = repo_location(root)
    commit = resolve_revision(root, revision)
    try:
        listing = _git(top, "ls-tree", "-r", "-z", "--name-only", commit, "--", prefix or ".")
    except _GitFailed as exc:
        raise UsageError(f"cannot list the files of {revision}: {exc}") from None
    paths = [p for p in listing.decode("utf-8", "surrogateescape").split("\0")
             if p and p.endswith(MAP_SUFFIXES) and p.startswith(prefix)]
    if not paths:
        return {}
    # One `git cat-file --batch` for every blob: one process however many files.
    request = "".join(f"{commit}:{p}\n" for p in paths).encode("utf-8", "surrogateescape")
    try:
        out = _git(top, "cat-file", "--batch", input=request)
    except _GitFailed as exc:
        raise UsageError(f"cannot read the files of {revision}: {exc}") from None
    files: dict[str, bytes] = {}
    offset = 0
    for path in paths:
        end = out.index(b"\n", offset)
        header = out[offset:end].split()
        offset = end + 1
        if len(header) < 3 or header[1] != b"blob":
            continue  # a submodule or a missing object
        size = int(header[2])
        files[path[len(prefix):]] = out[offset:offset + size]
        offset += size + 1
    return files


@contextlib.contextmanager
def checkout(root: Path, revision: str) -> Iterator[Path]:
    """A temporary folder holding the project's YAML files as they were at ``revision``."""
    files = revision_files(Path(root), revision)
    folder = Path(tempfile.mkdtemp(prefix="cjmc-rev-", dir=_memory_folder(sum(map(len, files.values())))))
    try:
        for name, data in files.items():
            relative = PurePosixPath(name)
            if relative.is_absolute() or ".." in relative.parts:
                continue
            target = folder.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# A revision's files go to a file system in memory when there is room for this many times their size: creating
# a file there costs ~30 µs of CPU against ~0.5 ms on some disks (ext4 in a VM here; see docs/performance.md).
MEMORY_HEADROOM = 4
_MEMORY_FOLDERS = ("/dev/shm",)


def _memory_folder(size: int) -> str | None:
    """A writable folder in memory with room for ``size`` bytes, or None (the system's temporary folder)."""
    import os

    for folder in _MEMORY_FOLDERS:
        try:
            stats = os.statvfs(folder)
        except (OSError, AttributeError):  # no such folder; no statvfs (Windows)
            continue
        if os.access(folder, os.W_OK | os.X_OK) and stats.f_bavail * stats.f_frsize >= MEMORY_HEADROOM * size:
            return folder
    return None


def compile_revision(root: Path, revision: str, *, lint: bool = True, model: bool = True):
    """(Compilation, diagnostics) of the project at ``revision``; diagnostics are linted when ``lint``.
    Without ``model`` the Compilation may be None (see :func:`cjmc.check.compile_linted`)."""
    from ..check import compile_linted

    with checkout(root, revision) as folder:
        return compile_linted(folder, lint=lint, events_root=Path(root), model=model)
