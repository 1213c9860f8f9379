"""A folder of rendered diagrams keyed by what produced them.

The key is sha256(engine name, engine version, format, sha256 of the DOT
text): change any of them and the diagram is rendered again; otherwise the
bytes are reused. A job may give its DOT text by its digest and a way to
load it (:class:`KnownText`): the text is then read only when the diagram is
not in the cache (a rebuild knows its unchanged diagrams by their digests).
Entries are written atomically, so an interrupted build never leaves a
half-written diagram that a later build would trust. A hit refreshes the
entry's modification time, and once a day entries unused for
``MAX_AGE_DAYS`` are removed, so the folder of a long-lived project (or a
``cjmc serve`` session) does not grow without bound.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Union

from ..keyed_cache import KeyedFolder, digest
from .engines import Engine, find_engine, start_many
from .errors import RenderError


def text_digest(dot_text: str) -> str:
    return hashlib.sha256(dot_text.encode("utf-8")).hexdigest()


def cache_key(engine: Engine, fmt: str, dot_text: str) -> str:
    return key_of_digest(engine, fmt, text_digest(dot_text))


def key_of_digest(engine: Engine, fmt: str, dot_digest: str) -> str:
    return digest(engine.name, engine.version, fmt, dot_digest)


@dataclass(frozen=True)
class KnownText:
    """A DOT text given by its :func:`text_digest`; ``load()`` gives the text, asked only on a cache miss."""

    digest: str
    load: Callable[[], str]


Job = tuple[str, Union[str, KnownText]]  # (name, DOT text or KnownText)


@dataclass
class RenderStats:
    rendered: int = 0
    reused: int = 0


DiagramCache = KeyedFolder  # diagrams are kept under their key with the format as suffix


def render_cached(jobs: list[Job], fmt: str, engine: str | Engine = "auto",
                  cache_dir: Path | None = None, stats: RenderStats | None = None) -> dict[str, bytes]:
    """:func:`render_many` that skips jobs whose output is in ``cache_dir`` (no cache when None).

    ``stats`` (if given) is incremented with how many were rendered vs reused.
    """
    return start_cached(jobs, fmt, engine, cache_dir, stats).wait()


class CachedRendering:
    """Diagrams found in the cache plus a :class:`Rendering` of the rest (see :func:`start_cached`).

    Outputs are read one at a time (:meth:`each`): a large portfolio's SVGs
    together are ~100 MB that nobody needs in memory at once.
    """

    def __init__(self, jobs: list[Job], fmt: str, engine: Engine | None, cache: DiagramCache | None,
                 stats: RenderStats):
        self.order = [name for name, _ in jobs]
        self.fmt = fmt
        self.cache = cache
        self.stats = stats
        self.keys: dict[str, str] = {}
        self.hits: set[str] = set()
        missing: list[tuple[str, str]] = []
        for name, text in jobs:
            if cache is not None:
                known = text.digest if isinstance(text, KnownText) else text_digest(text)
                self.keys[name] = key_of_digest(engine, fmt, known)
                if cache.has(self.keys[name], fmt):
                    self.hits.add(name)
                    continue
            missing.append((name, text.load() if isinstance(text, KnownText) else text))
        self.rendering = start_many(missing, fmt, engine) if missing else None

    def wait(self) -> dict[str, bytes]:
        try:
            return dict(self.each())
        finally:
            self.cancel()

    def cached(self, name: str) -> bytes | None:
        """A job's output if it came from the cache (None when Graphviz is drawing it)."""
        if name not in self.hits:
            return None
        return self.cache.get(self.keys[name], self.fmt)

    def fresh(self):
        """Yield ``(name, output)`` for each diagram Graphviz drew in this run, in job order.

        The cache is not touched: :meth:`store` keeps an output, so whoever
        uses it first (any process) can store it as it goes.
        """
        if self.rendering is not None:
            for name, data in self.rendering.each():
                self.stats.rendered += 1
                yield name, data
            self.rendering.cancel()
        self.stats.reused += len(self.hits)

    def kept(self, name: str) -> bool:
        """Whether the cache holds this job's output (stored by this process or another)."""
        return self.cache is not None and self.cache.has(self.keys[name], self.fmt)

    def store(self, name: str, data: bytes) -> bool:
        """Keep a fresh output in the cache.

        False when there is no cache or it cannot be written (a read-only
        checkout, a file where its folder would be): a cache that cannot be
        written is no cache, never a failed build.
        """
        if self.cache is None:
            return False
        try:
            self.cache.put(self.keys[name], self.fmt, data)
        except OSError:
            return False
        return True

    def prune(self) -> None:
        """Once a day, remove cache entries no build used for a long time."""
        if self.cache is not None:
            self.cache.prune_daily()

    def each(self):
        """Yield ``(name, output)`` in job order once Graphviz is done; fresh outputs go into the cache."""
        fresh: dict[str, bytes] = {}  # only what the cache could not keep: the rest goes there and is read back
        for name, data in self.fresh():
            if not self.store(name, data):
                fresh[name] = data
        for name in self.order:
            if name in fresh:
                yield name, fresh.pop(name)
                continue
            data = self.cache.get(self.keys[name], self.fmt) if self.cache is not None else None
            if data is None:
                raise RenderError(f"the diagram cache lost {name} while rendering")
            yield name, data
        self.prune()

    def cancel(self) -> None:
        if self.rendering is not None:
            self.rendering.cancel()


def start_cached(jobs: list[Job], fmt: str, engine: str | Engine = "auto",
                 cache_dir: Path | None = None, stats: RenderStats | None = None) -> CachedRendering:
    """Look ``jobs`` up in the cache and start Graphviz on the others; ``.wait()`` returns every output."""
    if not jobs:  # nothing to draw: no engine needed
        return CachedRendering([], fmt, None, None, stats if stats is not None else RenderStats())
    resolved = engine if isinstance(engine, Engine) else find_engine(engine)
    cache = DiagramCache(cache_dir) if cache_dir is not None else None
    return CachedRendering(jobs, fmt, resolved, cache, stats if stats is not None else RenderStats())
