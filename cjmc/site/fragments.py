"""Rendered fragments of pages (table rows, list items) kept between builds and between pages.

A template marks a fragment with ``{% fragment KEY %}...{% endfragment %}``,
where ``KEY`` is a tuple of every value the body shows (and ``root``, the
page's prefix back to the site root). The key *is* the content, so a
fragment found under it is exactly what rendering the body would give: a
fragment is never stale, only unused. A large portfolio's catalog, backlog
and findings pages are hundreds of thousands of rows; after a one-journey
edit almost all of them are found, and within one build a row shared by a
touchpoint's, a channel's and a team's page is rendered once.

Each page's fragments are stored in ``.cjmc-cache/fragments/`` under a key
of the code, the templates and the page's path, and rewritten only when the
set of fragments the page uses changed. Without a store (no cache) the tag
renders its body every time.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from jinja2 import nodes
from jinja2.ext import Extension

from ..keyed_cache import KeyedFolder, code_fingerprint, digest


class FragmentExtension(Extension):
    """The ``fragment`` tag: render the body once per key (see the module docstring)."""

    tags = {"fragment"}

    def __init__(self, environment):
        super().__init__(environment)
        environment.extend(fragment_store=None)

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        key = parser.parse_expression()
        body = parser.parse_statements(("name:endfragment",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_render", [key]), [], [], body).set_lineno(lineno)

    def _render(self, key: Any, caller) -> str:
        store = self.environment.fragment_store
        if store is None:
            return caller()
        try:
            key = _Key(key)
        except TypeError:  # an unhashable key: render the body
            return caller()
        found = store.get(key)
        if found is None:
            found = store.put(key, caller())
        return found


class _Key:
    """A fragment key that hashes once: keys hold frozen dataclasses, whose hash is Python code."""

    __slots__ = ("value", "hash")

    def __init__(self, value: Any):
        self.value = value
        self.hash = hash(value)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and self.hash == other.hash and self.value == other.value

    def __reduce__(self):
        return _Key, (self.value,)


class FragmentStore:
    """The fragments of the page being rendered: last build's (from disk) and this process's so far."""

    SHARED_LIMIT = 200_000  # fragments remembered across pages in one process (~60 MB at most)

    def __init__(self, folder: Path | None, templates: str):
        self.folder = KeyedFolder(folder) if folder is not None else None
        self.templates = templates
        self.shared: dict = {}
        self.previous: dict = {}
        self.current: dict = {}
        self.page_key = ""

    def begin(self, page_path: str) -> None:
        self.current = {}
        self.previous = {}
        self.changed = False  # a fragment rendered, or one of last build's not used: save the page's set
        if self.folder is None:
            return
        self.page_key = digest("fragments", code_fingerprint(), self.templates, page_path)
        data = self.folder.get(self.page_key, "pickle")
        if data is not None:
            try:
                loaded = pickle.loads(data)
                self.previous = loaded if isinstance(loaded, dict) else {}
            except Exception:  # a damaged entry is a miss
                self.previous = {}

    def get(self, key: Any) -> str | None:
        key = key if isinstance(key, _Key) else _Key(key)
        found = self.current.get(key)
        if found is not None:
            return found
        found = self.previous.get(key)
        if found is None:
            found = self.shared.get(key)
            self.changed = True  # not in last build's set (rendered or shared: it must be saved)
        if found is not None:
            self.current[key] = found
        return found

    def put(self, key: Any, html: str) -> str:
        key = key if isinstance(key, _Key) else _Key(key)
        self.current[key] = html
        if len(self.shared) < self.SHARED_LIMIT:
            self.shared[key] = html
        return html

    def end(self) -> None:
        """Keep the page's fragments for the next build (only when they changed)."""
        # Every key looked up went into ``current``; it equals last build's set unless something new was
        # needed or something old was not.
        if self.folder is not None and (self.changed or len(self.current) != len(self.previous)):
            try:
                self.folder.put(self.page_key, "pickle", pickle.dumps(self.current, protocol=pickle.HIGHEST_PROTOCOL))
            except (OSError, pickle.PicklingError):
                pass
        self.current, self.previous = {}, {}
