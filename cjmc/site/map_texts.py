"""The DOT of each persona's journey map, known by its digest without being made again.

Past 50 journeys the site shows one portfolio map per persona. A rebuild
must know each map's DOT digest (the diagram cache's key and part of the
persona page's key), and making the DOT of 50 maps took ~45 ms of a
2-second rebuild of 1,000 journeys, for maps that almost all had not
changed. A map is drawn from the persona (its file's content is in the
plan key: every id and the content of every persona and catalog file),
its journeys in project order (their files' compile keys, which hold the
plan key, the file's content and the code) and cjmc's code. The digest
of its DOT is kept in ``.cjmc-cache/compile/persona-maps.json`` under a
key of exactly those; a map whose key is found is handed to Graphviz's
cache as a :class:`~cjmc.render.cache.KnownText`, and its DOT is made only
if its SVG is not in the diagram cache. A map with a journey whose file
has no compile key (one process, no cache, a file saved during the build)
is always made.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Mapping

from ..fsutil import atomic_write_text
from ..keyed_cache import code_fingerprint, digest
from ..model import Project
from ..render.cache import KnownText, text_digest

FILE = "persona-maps.json"


class PersonaMapTexts:
    """Persona maps' DOT digests by a key of what each map is drawn from (see the module docstring)."""

    def __init__(self, folder: Path, plan_key: str, sources: Mapping[str, str], project: Project):
        self.path = folder / FILE
        self.plan_key = plan_key
        self.sources = sources
        # persona id -> journey ids, project order
        self.journeys_of: dict[str, list[str]] = {persona: [journey.id for journey in journeys]
                                                  for persona, journeys in project.journeys_by_persona().items()}
        self.known: dict[str, str] = {}
        if plan_key:
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                self.known = {k: v for k, v in loaded.items() if isinstance(k, str) and isinstance(v, str)}
            except (OSError, ValueError, AttributeError):
                self.known = {}
        self.now: dict[str, str] = {}

    def key(self, persona_id: str) -> str | None:
        """The key of everything persona ``persona_id``'s map is drawn from, or None when not all is known."""
        journeys = self.journeys_of.get(persona_id, [])
        parts = [self.sources.get(journey_id) for journey_id in journeys]
        if not self.plan_key or not journeys or None in parts:
            return None
        return digest("persona-map", code_fingerprint(), self.plan_key, persona_id, *parts)

    def text(self, persona_id: str, make: Callable[[], str]) -> Any:
        """The map's DOT (made now), or a KnownText of its digest whose ``load`` makes it."""
        key = self.key(persona_id)
        if key is None:
            return make()
        found = self.known.get(key)
        if found is not None:
            self.now[key] = found
            return KnownText(found, make)
        text = make()
        self.now[key] = text_digest(text)
        return text

    def save(self) -> None:
        """Keep the digests of this build's maps (only these), when they changed."""
        if not self.plan_key or self.now == self.known:
            return
        try:
            atomic_write_text(self.path, json.dumps(self.now, sort_keys=True, indent=0) + "\n")
        except OSError:
            pass  # a read-only checkout builds without a cache
