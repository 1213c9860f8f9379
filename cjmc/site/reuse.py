"""Pages of the previous build whose inputs did not change: hard-linked into the new site, not rendered.

A page can be reused only when it has a key (a digest of everything it is
made from) and the previous build wrote a page under the same key that is
still there untouched: the manifest in ``.cjmc-cache/site/`` records each
reusable page's key with the size, modification and status-change time of
the file published, so a page someone edited in the output folder is
rendered again.

Keys are made for journey pages, from the cache key of the journey's
compiled file (its content, every id and shared definition, the lint
settings and the date), the findings shown on the page, the titles of the
journeys it links to, the diagram's cache key (DOT text and engine), the
templates and the site settings. The findings and rules pages show only
the findings (each one's text, place and page), so their key is every
finding, the templates and the site settings. A touchpoint's, channel's,
team's or persona's page shows rows about the journeys that use it, and each row
shows only what that journey's page key covers (see
:class:`.views.Block`); so its key is made from those journeys' page keys,
in page order, the plan key (every id and the content of every persona and
catalog file), the findings shown on the page, its diagram's key and the
same templates and site settings. A page with a journey whose page has no
key, and every other page, makes no key and is rendered.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import shutil
from itertools import repeat
from pathlib import Path
from stat import S_ISREG
from typing import Iterable, Mapping

from ..diagnostics import Diagnostic
from ..fsutil import atomic_write_text
from ..keyed_cache import code_fingerprint, digest
from ..model import Project
from .views import (SiteInfo, channel_path, journey_path, page_of, per_step_place, persona_map_name, persona_path,
                    subject_page, team_path, touchpoint_path)


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


def page_keys(project: Project, diagnostics: list[Diagnostic], sources: Mapping[str, str],
              diagram_keys: Mapping[str, str], site: SiteInfo, templates: str, plan_key: str = "") -> dict[str, str]:
    """A key for each page whose inputs are all known (site path -> key): journey pages, the findings and
    rules pages, and with the ``plan_key`` the pages of touchpoints, channels, teams and personas."""
    every, shown = findings_digests(diagnostics)
    common = digest(code_fingerprint(), templates, repr(site))
    keys = _journey_page_keys(project, shown, common, sources, diagram_keys)
    if not keys:
        return keys  # no page of this build is known well enough (no compile cache, event data)
    # The findings page shows every finding, in rule groups; the rules page counts them per rule.
    for path in ("lint.html", "rules.html"):
        keys[path] = digest(common, path, every)
    if plan_key:
        keys.update(_portfolio_page_keys(project, shown, common, keys, diagram_keys, plan_key))
    return keys


def findings_digests(diagnostics: list[Diagnostic]) -> tuple[str, dict[str, str]]:
    """A digest of every finding, in order, and one of the findings each page shows (page path -> digest).

    Each finding is written once with :func:`marshal.dumps` (format 2: no
    back-references, so equal values always give equal bytes; and
    self-delimiting, so the bytes of several joined say which findings they
    were). Turning 29,000 findings into text with ``repr`` had been half of
    making the page keys of a rebuild.
    """
    try:
        blobs = list(map(marshal.dumps, map(tuple, diagnostics), repeat(2)))
    except ValueError:  # a value marshal does not write (a str subclass, say): one at a time
        blobs = [_finding_bytes(d) for d in diagnostics]
    pages: dict[str, list[bytes]] = {}
    for diagnostic, blob in zip(diagnostics, blobs):
        page = subject_page(diagnostic.subject)
        if page is not None:
            pages.setdefault(page, []).append(blob)
    every = hashlib.sha256(b"".join(blobs)).hexdigest()
    return every, {page: digest(b"".join(found)) for page, found in pages.items()}


def _finding_bytes(diagnostic: Diagnostic) -> bytes:
    try:
        return marshal.dumps(tuple(diagnostic), 2)
    except ValueError:  # its text, marked as such (a repr holds no NUL: the joined bytes stay unambiguous)
        return b"repr\0" + repr(tuple(diagnostic)).encode("utf-8", "surrogatepass") + b"\0"


def _journey_page_keys(project: Project, shown: Mapping[str, str], common: str, sources: Mapping[str, str],
                       diagram_keys: Mapping[str, str]) -> dict[str, str]:
    keys = {}
    for journey in project.journeys.values():
        source, diagram = sources.get(journey.id), diagram_keys.get(f"flow-{journey.id}")
        if source is None or diagram is None:
            continue
        path = journey_path(journey.id)
        linked = [(ident, project.journeys[ident].title if ident in project.journeys else None)
                  for ident in (*journey.preceded_by, *journey.followed_by)]
        keys[path] = digest(common, path, journey.id, source, diagram, repr(linked), shown.get(path, ""))
    return keys


def _portfolio_page_keys(project: Project, shown: Mapping[str, str], common: str,
                         journey_keys: Mapping[str, str], diagram_keys: Mapping[str, str],
                         plan_key: str) -> dict[str, str]:
    """Keys of the touchpoint, channel, team and persona pages whose journeys all have page keys."""
    journeys_on = _journeys_on_pages(project)
    keys = {}
    for path, journey_ids in journeys_on.items():
        parts = [journey_keys.get(journey_path(ident)) for ident in journey_ids]
        if None in parts:
            continue
        diagram = ""
        if path.startswith("personas/"):
            diagram = diagram_keys.get(persona_map_name(path[len("personas/"):-len(".html")]), "none")
        # Ids and page keys never hold a line break: joined, they hash as one part each.
        keys[path] = digest(common, path, plan_key, diagram, "\n".join(journey_ids), "\n".join(parts),
                            shown.get(path, ""))
    return keys


def _journeys_on_pages(project: Project) -> dict[str, list[str]]:
    """For each touchpoint, channel, team and persona page, the journeys it shows anything of, in model order.

    A superset is safe (a key then changes more often than needed); a
    journey missing here would let a stale page be reused, so this follows
    everything ``context.py`` reads: the steps on a catalog entry's page
    (:func:`.views.step_owners`, as the pages use it), a team's own journeys
    and opportunities, a persona's journeys.
    """
    pages: dict[str, dict[str, None]] = {}  # path -> journey ids, in insertion order
    for item in project.touchpoints.values():
        pages[touchpoint_path(item.id)] = {}
    for item in project.channels.values():
        pages[channel_path(item.id)] = {}
    for item in project.teams.values():
        pages[team_path(item.id)] = {}
    for item in project.personas.values():
        pages[persona_path(item.id)] = {}
    pages_of = per_step_place(project, lambda owners: tuple(page_of(kind, ident) for kind, ident in owners))
    for journey in project.journeys.values():
        shown_on: set[str] = set()
        add = shown_on.add
        for persona in journey.personas:
            add(persona_path(persona))
        if journey.owner:
            add(team_path(journey.owner))
        for step in journey.steps:
            shown_on.update(pages_of(step))
            for opportunity in step.opportunities:
                if opportunity.owner:
                    add(team_path(opportunity.owner))
        for path in shown_on:
            pages.setdefault(path, {})[journey.id] = None
    return {path: list(ids) for path, ids in pages.items()}


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
        self._folders: set[Path] = set()  # folders of the new site made so far
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
            if _fingerprint(stat) != old[1:] or not S_ISREG(stat.st_mode):
                return False
            if target.parent not in self._folders:  # a thousand pages share a handful of folders
                target.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(target.parent)
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
