"""The client-side search index, written as ``search-index.js``.

``fetch()`` of a JSON file fails from ``file://`` URLs, so the index is a
script that assigns a global (``window.CJMC_SEARCH``). Every entry is
``{k: kind, t: title, x: text searched, c: context, u: URL relative to the
site root}``. The JSON is dumped with sorted keys and ``</`` escaped, so a map
string can never close the script.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Mapping

from ..model import Journey, Project
from .views import journey_path, persona_path, touchpoint_path

if TYPE_CHECKING:
    from .fragments import FragmentStore


def _add(entries: list[dict[str, str]], kind: str, title: str, text: str, context: str, url: str) -> None:
    entries.append({"k": kind, "t": title, "x": text, "c": context, "u": url})


def journey_entries(journey: Journey) -> list[dict[str, str]]:
    """A journey's entries: the journey, then each step with its pain points and opportunities."""
    entries: list[dict[str, str]] = []
    page = journey_path(journey.id)
    _add(entries, "journey", journey.title, " ".join(filter(None, [journey.id, journey.goal, journey.business_goal,
                                                                  " ".join(journey.tags)])),
         f"{journey.state} journey", page)
    for step in journey.steps:
        stage = journey.stage(step.stage)
        _add(entries, "step", step.name, " ".join([step.id, *step.thoughts, *step.questions]),
             f"{journey.title} › {stage.name if stage else step.stage}", f"{page}#step-{step.id}")
        for pp in step.pain_points:
            _add(entries, "pain point", pp.text, f"{pp.id} {pp.severity}",
                 f"{pp.severity} · {journey.title} › {step.name}", f"{page}#pp-{pp.id}")
        for op in step.opportunities:
            _add(entries, "opportunity", op.text, f"{op.id} {op.status}", f"{op.status} · {journey.title} › {step.name}",
                 f"{page}#opp-{op.id}")
    return entries


def catalog_entries(project: Project) -> list[dict[str, str]]:
    """The personas' and touchpoints' entries."""
    entries: list[dict[str, str]] = []
    for persona in project.personas.values():
        _add(entries, "persona", persona.name, " ".join(filter(None, [persona.id, persona.summary, persona.segment,
                                                                       persona.quote])),
             persona.segment or "persona", persona_path(persona.id))
    for tp in project.touchpoints.values():
        _add(entries, "touchpoint", tp.name, tp.id, f"touchpoint · {tp.channel}", touchpoint_path(tp.id))
    return entries


def _json_items(entries: list[dict[str, str]]) -> str:
    """The entries as the items of a JSON array (no brackets), kept inert inside a script."""
    data = json.dumps(entries, ensure_ascii=False, sort_keys=True, separators=(",", ":"))[1:-1]
    # No "</script>", no "<!--", no U+2028/9 line breaks.
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return data.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def search_index_js(project: Project, journey_keys: Mapping[str, str] | None = None,
                    store: "FragmentStore | None" = None) -> bytes:
    """The script, as UTF-8. With ``store`` and ``journey_keys`` (journey id -> its page's key), each journey's
    part is taken from the store when its key is unchanged (see :class:`.views.Block`), as the bytes kept."""
    keys = journey_keys or {}
    parts = []
    for journey in project.journeys.values():
        key = keys.get(journey.id)
        found = store.get_bytes(("search", key)) if store is not None and key is not None else None
        if found is None:
            found = _json_items(journey_entries(journey)).encode("utf-8")
            if store is not None and key is not None:
                store.put_bytes(("search", key), found)
        parts.append(found)
    parts.append(_json_items(catalog_entries(project)).encode("utf-8"))
    return b"window.CJMC_SEARCH = [" + b",".join(part for part in parts if part) + b"];\n"
