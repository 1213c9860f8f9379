"""The portfolio map as DOT: personas → journeys, and the lifecycle between
journeys (``preceded_by`` / ``followed_by``, one edge per pair however many
times it is written). Current journeys are solid white boxes; future
(as-designed) journeys are dashed green boxes tagged ``◇ future``.
"""

from __future__ import annotations

from typing import Callable

from ..model import Journey, Persona, Project
from . import palette as P
from .dot import Html, defaults, edge, node
from .text import html_label_text, html_lines, tooltip_text, url_text


def lifecycle_edges(project: Project, among: "set[str] | None" = None) -> list[tuple[str, str]]:
    """Deduplicated (before, after) journey pairs, in journey definition order (both ends in ``among``)."""
    order = {jid: n for n, jid in enumerate(project.journeys) if among is None or jid in among}
    pairs = set()
    for journey in map(project.journeys.__getitem__, order):
        pairs.update((journey.id, after) for after in journey.followed_by if after in order)
        pairs.update((before, journey.id) for before in journey.preceded_by if before in order)
    return sorted(pairs, key=lambda pair: (order[pair[0]], order[pair[1]]))


def portfolio_dot(project: Project, *,
                  journey_href: Callable[[Journey], "str | None"] | None = None,
                  persona_href: Callable[[Persona], "str | None"] | None = None) -> str:
    """Every persona and journey of the project in one map."""
    return _map_dot(project, "portfolio", project.name, "Personas and the journeys they take, in lifecycle order",
                    list(project.personas.values()), list(project.journeys.values()), journey_href, persona_href)


def persona_map_dot(project: Project, persona: Persona, *,
                    journey_href: Callable[[Journey], "str | None"] | None = None,
                    persona_href: Callable[[Persona], "str | None"] | None = None) -> str:
    """One persona's part of the portfolio map: its journeys and how they follow each other.

    A large portfolio's site shows these on the persona pages instead of one
    map of every journey, which is unreadable past a few dozen journeys and
    must be laid out again whenever any journey's title changes.
    """
    return _map_dot(project, f"personamap-{persona.id}", persona.name,
                    "The journeys this persona takes, in lifecycle order",
                    [persona], list(project.journeys_of_persona(persona.id)), journey_href, persona_href)


def _map_dot(project: Project, graph_id: str, title: str, subtitle: str, personas: list[Persona],
             journeys: list[Journey], journey_href, persona_href) -> str:
    out = [f'digraph "{graph_id}" {{']
    out.append(defaults("graph", {
        "id": graph_id, "rankdir": "LR", "newrank": "true", "fontname": P.DOT_FONT, "fontsize": "16",
        "fontcolor": P.INK, "bgcolor": P.PAPER, "labelloc": "t", "labeljust": "l", "nodesep": "0.25",
        "ranksep": "0.6", "pad": "0.2", "tooltip": tooltip_text([title]),
        "label": Html(f"<b>{html_lines(title, 70)}</b><br/><font point-size=\"11\" color=\"{P.MUTED}\">"
                      f"{html_label_text(subtitle)}</font>"),
    }))
    out.append(defaults("node", {"fontname": P.DOT_FONT, "fontsize": "11", "fontcolor": P.INK, "shape": "box",
                                 "style": "rounded,filled", "color": P.INK, "margin": "0.12,0.08"}))
    out.append(defaults("edge", {"fontname": P.DOT_FONT, "fontsize": "9", "arrowsize": "0.7"}))
    out.append('  subgraph "cluster_personas" {')
    out.append(defaults("graph", {"id": "portfolio-personas", "label": "Personas", "fontsize": "12", "style": "rounded",
                                  "color": P.GRID, "tooltip": "Personas"}, indent="    "))
    for persona in personas:
        label = f"<b>{html_lines(persona.name, 22)}</b>"
        if persona.segment:
            label += f'<br/><font point-size="9" color="{P.MUTED}">{html_lines(persona.segment, 28)}</font>'
        attrs = {"id": f"persona-{persona.id}", "label": Html(label), "fillcolor": P.BAND[0], "color": P.MUTED,
                 "tooltip": tooltip_text([persona.name, persona.summary or ""])}
        href = persona_href(persona) if persona_href else None
        if href:
            attrs.update({"URL": url_text(href), "target": "_top"})
        out.append(node(f"persona__{persona.id}", attrs, indent="    "))
    out.append("  }")
    for journey in journeys:
        out.append(node(f"journey__{journey.id}", _journey_attrs(journey, journey_href)))
    shown = {persona.id for persona in personas}
    for journey in journeys:
        for persona_id in journey.personas:
            if persona_id in shown:
                out.append(edge(f"persona__{persona_id}", f"journey__{journey.id}", {
                    "id": f"edge-{persona_id}.{journey.id}", "color": P.GRID, "penwidth": "1",
                    "arrowhead": "none", "tooltip": tooltip_text([f"{project.personas[persona_id].name} → {journey.title}"]),
                }))
    for before, after in lifecycle_edges(project, {journey.id for journey in journeys}):
        out.append(edge(f"journey__{before}", f"journey__{after}", {
            "id": f"edge-{before}.{after}", "color": P.ACCENT, "penwidth": "2", "label": "then",
            "fontcolor": P.ACCENT, "tooltip": tooltip_text([f"{project.journeys[before].title} → "
                                                            f"{project.journeys[after].title}"]),
        }))
    out.append("}")
    return "\n".join(out) + "\n"


def _journey_attrs(journey: Journey, journey_href) -> dict:
    future = journey.state == "future"
    steps = journey.steps
    pains = sum(len(step.pain_points) for step in steps)
    moments = sum(1 for step in steps if step.moment_of_truth)
    stats = f"{len(steps)} steps · {pains} pain points · {moments} moments of truth"
    tag = "◇ future (as designed)" if future else "● current"
    label = (f'<font point-size="9" color="{P.FUTURE if future else P.MUTED}"><b>{html_label_text(tag)}</b></font><br/>'
             f"<b>{html_lines(journey.title, 26)}</b><br/>"
             f'<font point-size="9" color="{P.MUTED}">{html_label_text(stats)}</font>')
    attrs: dict[str, object] = {
        "id": f"journey-{journey.id}", "label": Html(label),
        "fillcolor": "#eef6ec" if future else P.PAPER,
        "color": P.FUTURE if future else P.INK, "penwidth": "1.5",
        "style": "rounded,filled,dashed" if future else "rounded,filled",
        "tooltip": tooltip_text([journey.title, tag, stats]),
    }
    href = journey_href(journey) if journey_href else None
    if href:
        attrs.update({"URL": url_text(href), "target": "_top"})
    return attrs
