"""A folder of entries keyed by a digest of what produced them (diagrams, compiled map files).

An entry's name is the sha256 of everything it depends on, so a stale entry
is never found: change any input and the key changes. Entries are written
atomically (an interrupted build never leaves half an entry that a later one
would trust), a hit refreshes the entry's modification time, and once a day
entries unused for ``MAX_AGE_DAYS`` are removed, so the folder of a
long-lived project does not grow without bound. Nothing but entries this
class named is ever deleted.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Callable

from .fsutil import atomic_write_bytes, atomic_write_with

MAX_AGE_DAYS = 30
# A project's own caches, beside its cjmc.yaml: what a build (and ``cjmc lint --cache``) may reuse.
PROJECT_CACHE = ".cjmc-cache"


def digest(*parts: str | bytes) -> str:
    """sha256 of ``parts`` with a separator, so ("ab", "c") and ("a", "bc") differ."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8") if isinstance(part, str) else part)
        hasher.update(b"\0")
    return hasher.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The version, every source, compiled module and schema file of this cjmc (name, size, mtime), and
    which loader reads YAML.

    A cached result is only as good as the code that made it: a release bump,
    an edited checkout or a reinstall all change this, and so every key. The
    C loader's positions pickle as its own ``Mark`` type, so results made with
    it are never read by a process without it (``CJMC_PURE_PYTHON=1``).
    """
    from . import __version__
    from .load.c_loader import c_loader
    from .resources import data_dir

    package = Path(__file__).resolve().parent
    parts = [__version__, c_loader()[1]]
    for folder in (package, data_dir("schemas")):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".json", ".so", ".pyd") and "__pycache__" not in path.parts:
                stat = path.stat()
                parts.append(f"{path.relative_to(folder).as_posix()}:{stat.st_size}:{stat.st_mtime_ns}")
    return digest(*parts)


def user_cache_folder(name: str) -> Path | None:
    """``$XDG_CACHE_HOME/cjmc/NAME`` (by default ``~/.cache/cjmc/NAME``): for what depends on cjmc alone.

    None when there is no home folder to put it in.
    """
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):
            return None
    return Path(base) / "cjmc" / name


class KeyedFolder:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._name = str(self.folder)

    def entry_path(self, key: str, fmt: str) -> Path:
        """Where the entry under ``key`` is (or would be) kept."""
        return Path(self.entry_name(key, fmt))

    def entry_name(self, key: str, fmt: str) -> str:
        """:meth:`entry_path` as a string, made without pathlib (a rebuild looks up thousands of entries)."""
        return os.path.join(self._name, key[:2], f"{key}.{fmt}")

    def get(self, key: str, fmt: str) -> bytes | None:
        handle = self.open(key, fmt)
        if handle is None:
            return None
        with handle:
            return handle.read()

    def open(self, key: str, fmt: str) -> BinaryIO | None:
        """The entry under ``key``, open for reading (to read part of it); None when it is missing."""
        name = self.entry_name(key, fmt)
        try:
            handle = open(name, "rb")
        except OSError:
            return None
        try:
            os.utime(name)  # still in use: keep it past the next prune
        except OSError:
            pass
        return handle

    def get_pickled(self, key: str) -> Any:
        """The unpickled entry under ``key``; None when it is missing or damaged (a miss, never an error)."""
        data = self.get(key, "pickle")
        if data is None:
            return None
        try:
            return pickle.loads(data)
        except Exception:
            return None

    def has(self, key: str, fmt: str) -> bool:
        return self.entry_path(key, fmt).is_file()

    def put(self, key: str, fmt: str, data: bytes) -> None:
        atomic_write_bytes(self.entry_path(key, fmt), data)

    def write(self, key: str, fmt: str, produce: Callable[[BinaryIO], None]) -> None:
        """Like :meth:`put`, with ``produce`` writing the entry into an open file (nothing held in memory)."""
        atomic_write_with(self.entry_path(key, fmt), produce)

    def delete(self, key: str, fmt: str) -> None:
        """Remove the entry under ``key`` if there is one."""
        try:
            self.entry_path(key, fmt).unlink()
        except FileNotFoundError:
            pass

    def prune(self, max_age_days: float = MAX_AGE_DAYS, *, now: float | None = None) -> int:
        """Delete entries unused for ``max_age_days``; returns how many. Only cache files are touched."""
        cutoff = (now if now is not None else time.time()) - max_age_days * 86400
        removed = 0
        if not self.folder.is_dir():
            return 0
        for shard in self.folder.iterdir():
            if not (shard.is_dir() and len(shard.name) == 2 and not shard.is_symlink()):
                continue
            for entry in shard.iterdir():
                stem = entry.name.split(".")[0]
                if entry.is_file() and len(stem) == 64 and stem.startswith(shard.name):
                    try:
                        if entry.stat().st_mtime < cutoff:
                            entry.unlink()
                            removed += 1
                    except OSError:
                        pass
        return removed

    def prune_daily(self) -> None:
        """:meth:`prune` at most once a day (a stamp file remembers when)."""
        stamp = self.folder / ".last-prune"
        try:
            if stamp.is_file() and time.time() - stamp.stat().st_mtime < 86400:
                return
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp.write_bytes(b"")
        except OSError:
            return
        self.prune()


def prune_generations(parent: Path, current: str, max_age_days: float = MAX_AGE_DAYS, *,
                      now: float | None = None) -> int:
    """Keep ``parent/current`` fresh and delete sibling folders unused for ``max_age_days``; returns how many.

    For caches kept in one folder per cjmc code (a name of 16 hex digits,
    :func:`code_fingerprint`'s prefix): another version's folder is left
    alone while that version is still used on the project. Nothing but such
    folders is deleted, and never through a symbolic link.
    """
    import shutil

    cutoff = (now if now is not None else time.time()) - max_age_days * 86400
    removed = 0
    try:
        os.utime(parent / current)
        siblings = list(parent.iterdir())
    except OSError:
        return 0
    for folder in siblings:
        name = folder.name
        if name == current or len(name) != 16 or any(c not in "0123456789abcdef" for c in name):
            continue
        try:
            if folder.is_dir() and not folder.is_symlink() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder)
                removed += 1
        except OSError:
            pass
    return removed
