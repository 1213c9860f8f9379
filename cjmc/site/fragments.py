"""Rendered fragments of pages (table rows, list items) kept for the next build.

A template marks a fragment with ``{% fragment KEY %}...{% endfragment %}``,
where ``KEY`` is a tuple of every value the body shows (and ``root``, the
page's prefix back to the site root). The key *is* the content, so a
fragment found under it is exactly what rendering the body would give: a
fragment is never stale, only unused. A large portfolio's catalog, backlog
and findings pages are hundreds of thousands of rows; after a one-journey
edit almost all of them are found.

Each page's fragments are stored in ``.cjmc-cache/fragments/`` under a key
of the code, the templates and the page's path: a *base* set, and a small
*delta* of the fragments made since the base was written. After a one-journey
edit a team page of a 1,000-journey portfolio needs one new fragment of
~1,000; rewriting its whole set (tens of MB over the catalog pages) took a
fifth of rendering those pages, so only the delta is written until the new
and the unused fragments are more than :data:`DELTA_SHARE` of the base; then
the base is rewritten and the delta emptied. Without a store (no cache) the
tag renders its body every time.

Fragments are kept as UTF-8. Decoding a rebuild's ~60,000 found fragments
(87 MB, mostly not ASCII) into strings, only to encode the pages again,
was a quarter of rendering the pages of a one-journey rebuild of 1,000
journeys. So with ``splicing`` on (the package's own templates, which only
ever print a fragment) a found fragment enters the page's text as a short
marker, and :meth:`FragmentStore.encoded_parts` puts its bytes in place
when the page is encoded. So does a fragment rendered now, once kept as
bytes: the page's text then never holds a large chunk of rows at once.
A template that did anything else with a fragment's text (a filter, a
test) would leave a marker unused or cut: the page is then rendered again
with ``begin(..., splice=False)`` (see :meth:`FragmentStore.all_spliced`).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any, Iterator

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
        # No store, a page that keeps no fragments, or a body without a key: render it.
        if store is None or key is None or not store.keeping:
            return caller()
        try:
            key = _key(key)
        except (TypeError, pickle.PicklingError, AttributeError):  # a key that cannot be pickled: render
            return caller()
        found = store.get_bytes(key)
        if found is None:
            html = store.put(key, caller())
            if not store.splicing or store.marker in html:  # markers inside are counted when the page is encoded
                return html
            # Spliced too, like a found fragment: a chunk of rows is up to a few MB of text, and the page's
            # encoder joins its pieces 256 at a time (see ``_encoded_pieces`` in the builder).
            found = store.current[key]
        return store.spliced_in(found) if store.splicing else found.decode()


def _key(value: Any) -> bytes:
    """A fragment key as 16 bytes: the digest of the pickled value.

    Keys hold view objects (rows, links); kept as objects, a large page's
    keys loaded from the last build were tens of MB. Pickling is
    deterministic for these values; a value pickled differently is a miss,
    never a wrong fragment.
    """
    return hashlib.blake2b(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), digest_size=16).digest()


# Rewrite a page's base set only when more than this share of it would be new or unused fragments.
DELTA_SHARE = 0.1


class FragmentStore:
    """The fragments of the page being rendered: last build's (from disk) and the ones made now.

    Fragments are not shared between pages: a large portfolio's rows are ~100 MB, more than the
    memory budget allows to keep (rows a touchpoint's, channel's and team's pages have in common
    are rendered once per page in a cold build, and found in the page's own store after).
    """

    def __init__(self, folder: Path | None, templates: str, *, splicing: bool = False):
        self.folder = KeyedFolder(folder) if folder is not None else None
        self.templates = templates
        self.previous: dict[bytes, bytes] = {}
        self.current: dict[bytes, bytes] = {}
        self.page_key = ""
        self.keeping = False
        self.may_splice = splicing
        self.splicing = False  # this page's found fragments go into its text as markers
        self.spliced: list[bytes] = []  # the page's found fragments that its text holds markers of
        self.used: set[int] = set()  # the markers put in place
        self.cut = False  # a marker was cut or changed
        # Nothing a map or a template holds can contain this: NUL, then 16 random hex digits.
        self.marker = f"\0{os.urandom(8).hex()}:"

    def begin(self, page_path: str, keep: bool = True, splice: bool = True) -> None:
        """Start a page. Without ``keep`` its fragments are neither looked up nor kept (see the site's
        ``render``: a page whose every fragment is keyed by its own page key would never find them).
        Without ``splice`` found fragments go into its text as text, even in a store that may splice."""
        self.current = {}
        self.previous = {}
        self.splicing = self.may_splice and splice
        self.spliced, self.used, self.cut = [], set(), False
        self.in_base: frozenset = frozenset()  # the keys of the base set on disk
        self.changed = False  # a fragment rendered, or one of last build's not used: save the page's set
        self.keeping = keep
        if not keep or self.folder is None:
            return
        self.page_key = digest("fragments", code_fingerprint(), self.templates, page_path)
        self.delta_key = digest("fragments-delta", self.page_key)
        self.previous = self._load(self.page_key)
        self.in_base = frozenset(self.previous)
        if self.previous:
            self.previous.update(self._load(self.delta_key))

    def _load(self, key: str) -> dict:
        loaded = self.folder.get_pickled(key)
        return loaded if isinstance(loaded, dict) else {}

    def get_bytes(self, key: Any) -> bytes | None:
        """The fragment under ``key`` as UTF-8, if last build's set or this page has it."""
        if not self.keeping:
            return None
        key = key if isinstance(key, bytes) else _key(key)
        found = self.current.get(key)
        if found is not None:
            return found
        found = self.previous.pop(key, None)  # moved, not copied: what is left was not used
        if found is None:
            self.changed = True  # not in last build's set: rendered now, the page's set must be saved
        if found is not None:
            self.current[key] = found
        return found

    def put(self, key: Any, html: str) -> str:
        """Keep ``html`` under ``key`` (with the fragments it holds markers of put in place); returns it."""
        if self.keeping:
            self.put_bytes(key, bytes(self.encode_into(bytearray(), html, count=False)) if self.marker in html
                           else html.encode())
        return html

    def put_bytes(self, key: Any, data: bytes) -> None:
        if self.keeping:
            self.current[key if isinstance(key, bytes) else _key(key)] = data

    def spliced_in(self, data: bytes) -> str:
        """A marker standing for ``data`` in the page's text (see the module docstring)."""
        self.spliced.append(data)
        return f"{self.marker}{len(self.spliced) - 1}\0"

    def encode_into(self, out: bytearray, text: str, *, count: bool = True) -> bytearray:
        """Append ``text`` as UTF-8 to ``out``, each marker replaced by its fragment's bytes."""
        for part in self.encoded_parts(text, count=count):
            out += part
        return out

    def encoded_parts(self, text: str, *, count: bool = True) -> Iterator[bytes]:
        """``text`` as UTF-8, each marker replaced by its fragment's bytes, in parts: a fragment is one part."""
        parts = text.split(self.marker)
        yield parts[0].encode()
        for part in parts[1:]:
            number, _, rest = part.partition("\0")
            index = int(number) if number.isdigit() and number.isascii() else len(self.spliced)
            if index >= len(self.spliced):  # a marker a template cut or changed: the page is made again
                self.cut = True
                continue
            yield self.spliced[index]
            if count:
                self.used.add(index)
            yield rest.encode()

    def all_spliced(self) -> bool:
        """Whether the page's text put in place each fragment it was given a marker for, and nothing else."""
        return not self.cut and len(self.used) == len(self.spliced)

    def end(self) -> None:
        """Keep the page's fragments for the next build (only when they changed): the delta, or a new base."""
        # Every key looked up went into ``current``; it equals last build's set unless something new was
        # needed or something old was not (left in ``previous``).
        if self.keeping and self.folder is not None and (self.changed or self.previous):
            delta = {key: html for key, html in self.current.items() if key not in self.in_base}
            unused = sum(1 for key in self.previous if key in self.in_base)
            try:
                if self.in_base and len(delta) + unused <= DELTA_SHARE * len(self.in_base):
                    self._save(self.delta_key, delta)
                else:
                    self._save(self.page_key, self.current)
                    # No delta: removed, not written empty. A new file costs ~0.5 ms of CPU on some disks
                    # (ext4 in a VM here), and a cold build of 1,000 journeys wrote 1,132 empty deltas.
                    self.folder.delete(self.delta_key, "pickle")
            except (OSError, pickle.PicklingError):
                pass
        self.current, self.previous, self.in_base = {}, {}, frozenset()

    def _save(self, key: str, fragments: dict) -> None:
        # Streamed to the file: a large page's rows are tens of MB, and a pickle in memory doubles them.
        self.folder.write(key, "pickle",
                          lambda handle: pickle.dump(fragments, handle, protocol=pickle.HIGHEST_PROTOCOL))
