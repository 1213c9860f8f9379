"""Pages of the previous build whose inputs did not change: hard-linked into the new site, not rendered.

A page can be reused only when it has a key (a digest of everything it is
made from) and the previous build wrote a page under the same key that is
still there untouched: the manifest in ``.cjmc-cache/site/`` records each
reusable page's key with the size, modification and status-change time of
the file published, so a page someone edited in the output folder is
rendered again. Keys are
made only for journey pages, from the cache key of the journey's compiled
file (its content, every id and shared definition, the lint settings and
the date), the findings shown on the page, the titles of the journeys it
links to, the diagram's cache key (DOT text and engine), the templates and
the site settings; anything else makes no key and the page is rendered.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Iterable, Mapping

from ..diagnostics import Diagnostic
from ..fsutil import atomic_write_text
from ..keyed_cache import code_fingerprint, digest
from ..model import Project
from .views import SiteInfo, journey_path, subject_path


def template_fingerprint(folders: Iterable[Path]) -> str:
    """The content of every template file (the package's and an override folder's)."""
    parts = []
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    parts.extend((path.relative_to(folder).as_posix(), path.read_bytes()))
        parts.append("|")
    return digest(*parts)


def journey_page_keys(project: Project, diagnostics: list[Diagnostic], sources: Mapping[str, str],
                      diagram_keys: Mapping[str, str], site: SiteInfo, templates: str) -> dict[str, str]:
    """A key for each journey page whose inputs are all known (site path -> key)."""
    shown: dict[str, list[str]] = {}
    for d in diagnostics:
        href = subject_path(d.subject)
        if href:
            shown.setdefault(href.split("#")[0], []).append(repr(d))
    common = digest(code_fingerprint(), templates, repr(site))
    keys = {}
    for journey in project.journeys.values():
        source, diagram = sources.get(journey.id), diagram_keys.get(f"flow-{journey.id}")
        if source is None or diagram is None:
            continue
        path = journey_path(journey.id)
        linked = [(ident, project.journeys[ident].title if ident in project.journeys else None)
                  for ident in (*journey.preceded_by, *journey.followed_by)]
        keys[path] = digest(common, path, journey.id, source, diagram, repr(linked), *shown.get(path, ()))
    return keys


def _fingerprint(stat: os.stat_result) -> list[int]:
    """Size, modification and status-change time: an edit in place changes the last even when the
    first two are put back (``os.utime`` cannot set it)."""
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]


class PageReuse:
    """Which pages the previous build of ``out`` left that can be reused, and the manifest for the next build."""

    def __init__(self, folder: Path | None, out: Path, keys: Mapping[str, str]):
        self.out = out
        self.keys = dict(keys) if folder is not None else {}
        self.manifest = folder / f"{digest(str(out))[:32]}.json" if folder is not None else None
        self.previous: dict[str, list] = {}
        self.reused = 0
        if self.manifest is not None and self.keys:
            try:
                self.previous = json.loads(self.manifest.read_text("utf-8")).get("pages", {})
            except (OSError, ValueError, AttributeError):
                self.previous = {}

    def place(self, path: str, target: Path) -> bool:
        """Hard-link the previous build's page to ``target`` when it can be reused; whether it was."""
        key, old = self.keys.get(path), self.previous.get(path)
        if key is None or not isinstance(old, list) or len(old) != 4 or old[0] != key:
            return False
        source = self.out / path
        try:
            stat = source.stat()
            if _fingerprint(stat) != old[1:] or not source.is_file():
                return False
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:  # a file system without hard links
                shutil.copy2(source, target)
        except OSError:
            return False
        self.reused += 1
        return True

    def save(self) -> None:
        """Record the pages of the site just published (after it is in ``out``)."""
        if self.manifest is None:
            return
        pages = {}
        for path, key in sorted(self.keys.items()):
            try:
                stat = (self.out / path).stat()
            except OSError:
                continue
            pages[path] = [key, *_fingerprint(stat)]
        try:
            atomic_write_text(self.manifest, json.dumps({"out": str(self.out), "pages": pages}, indent=0) + "\n")
        except OSError:
            pass  # no cache on a read-only checkout
