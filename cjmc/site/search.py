"""The client-side search index, written as ``search-index.js``.

``fetch()`` of a JSON file fails from ``file://`` URLs, so the index is a
script that assigns a global (``window.CJMC_SEARCH``). Every entry is
``{k: kind, t: title, x: text searched, c: context, u: URL relative to the
site root}``. The JSON is dumped with sorted keys and ``</`` escaped, so a map
string can never close the script.
"""

from __future__ import annotations

import json

from ..model import Project
from .views import journey_path, persona_path, touchpoint_path


def search_entries(project: Project) -> list[dict[str, str]]:
    entries: list[dict[str, str]] = []

    def add(kind: str, title: str, text: str, context: str, url: str) -> None:
        entries.append({"k": kind, "t": title, "x": text, "c": context, "u": url})

    for journey in project.journeys.values():
        page = journey_path(journey.id)
        add("journey", journey.title, " ".join(filter(None, [journey.id, journey.goal, journey.business_goal,
                                                             " ".join(journey.tags)])),
            f"{journey.state} journey", page)
        for step in journey.steps:
            stage = journey.stage(step.stage)
            add("step", step.name, " ".join([step.id, *step.thoughts, *step.questions]),
                f"{journey.title} › {stage.name if stage else step.stage}", f"{page}#step-{step.id}")
            for pp in step.pain_points:
                add("pain point", pp.text, f"{pp.id} {pp.severity}", f"{pp.severity} · {journey.title} › {step.name}",
                    f"{page}#pp-{pp.id}")
            for op in step.opportunities:
                add("opportunity", op.text, f"{op.id} {op.status}", f"{op.status} · {journey.title} › {step.name}",
                    f"{page}#opp-{op.id}")
    for persona in project.personas.values():
        add("persona", persona.name, " ".join(filter(None, [persona.id, persona.summary, persona.segment,
                                                            persona.quote])),
            persona.segment or "persona", persona_path(persona.id))
    for tp in project.touchpoints.values():
        add("touchpoint", tp.name, tp.id, f"touchpoint · {tp.channel}", touchpoint_path(tp.id))
    return entries


def search_index_js(project: Project) -> str:
    data = json.dumps(search_entries(project), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # Keep the JSON inert inside a script: no "</script>", no "<!--", no U+2028/9 line breaks.
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    data = data.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.CJMC_SEARCH = {data};\n"
