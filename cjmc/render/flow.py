"""The journey flow diagram as DOT: stages as clusters left to right, steps as
nodes, the real flow (document order, branches, skips, loops, exits).

Visual encoding (also drawn in the legend):

* fill and a badge ``☹ −1 negative`` → emotion (colour *and* text, so it
  reads in greyscale);
* ``⚠ 2 pain points · high`` on the worst severity's colour;
* a thick purple double border and ``★ Moment of truth``;
* edges: ink = next in document order, purple = explicit ``next`` (branch,
  and ``skip`` when it jumps over steps), dashed purple = back edge (loop,
  ``constraint=false`` so it does not distort the ranks);
* exits: ``✕ Dropped`` (red) / ``✓ Completed`` (blue) end nodes in the stage
  where they happen; unreachable steps dashed grey with ``unreachable``.

Observed mode (``observed=`` an ObservedJourney from ``cjmc observe``): edge
width follows how many customers took the transition (a Sankey-style flow),
edges carry their counts, declared transitions nobody took are dotted grey,
and transitions customers take that the map does not declare are added as
dashed orange edges.
"""

from __future__ import annotations

from typing import Callable

from ..model import Journey, Project, Step
from . import palette as P
from .dot import Html, defaults, edge, node
from .text import html_label_text, html_lines, tooltip_text, url_text

StepHref = Callable[[Step], "str | None"]


def journey_flow_dot(project: Project, journey: Journey, *, step_href: StepHref | None = None,
                     observed=None) -> str:
    flow = journey.flow
    index = {step.id: step.index for step in journey.steps}
    out = [f'digraph "journey__{journey.id}" {{']
    out.append(defaults("graph", {
        "id": f"flow-{journey.id}", "rankdir": "LR", "newrank": "true", "compound": "true",
        "fontname": P.DOT_FONT, "fontsize": "16", "fontcolor": P.INK, "bgcolor": P.PAPER,
        "labelloc": "t", "labeljust": "l", "nodesep": "0.3", "ranksep": "0.45", "pad": "0.2",
        "tooltip": tooltip_text([journey.title]),
        "label": Html(_title(project, journey)),
    }))
    out.append(defaults("node", {
        "fontname": P.DOT_FONT, "fontsize": "11", "fontcolor": P.INK, "shape": "box",
        "style": "rounded,filled", "color": P.INK, "penwidth": "1", "margin": "0.1,0.06",
    }))
    out.append(defaults("edge", {"fontname": P.DOT_FONT, "fontsize": "9", "color": P.INK, "arrowsize": "0.7"}))
    out.append(node("start", {
        "id": "flow-start", "shape": "circle", "label": "Start", "fillcolor": P.INK, "fontcolor": P.PAPER,
        "fontsize": "10", "width": "0.55", "fixedsize": "true", "tooltip": "Start",
    }))
    for number, stage in enumerate(journey.stages, start=1):
        out.append(f'  subgraph "cluster_stage__{stage.id}" {{')
        out.append(defaults("graph", {
            "id": f"stage-{stage.id}", "label": Html(f"<b>{number} · {html_lines(stage.name, 30)}</b>"),
            "fontsize": "13", "style": "rounded,filled", "fillcolor": P.BAND[(number - 1) % 2], "color": P.GRID,
            "labeljust": "l", "tooltip": tooltip_text([stage.name, f"Goal: {stage.goal}" if stage.goal else ""]),
        }, indent="    "))
        for step in stage.steps:
            out.append(node(f"step__{step.id}", _step_attrs(project, journey, step, step_href), indent="    "))
            kind = flow.exits.get(step.id)
            if kind:
                out.append(node(f"exit__{step.id}", _exit_attrs(step, kind), indent="    "))
        out.append("  }")
    out.extend(_legend(observed is not None))
    if flow.start:
        out.append(edge("start", f"step__{flow.start}", {"id": "edge-start", "tooltip": "Start"}))
    volumes = _volumes(observed)
    widest = max(volumes.values(), default=0)
    for step in journey.steps:
        for target in flow.successors.get(step.id, ()):
            attrs = _edge_attrs(journey, step, target, index, (step.id, target) in flow.default_edges)
            if observed is not None:
                attrs.update(_observed_attrs(volumes.get((step.id, target), 0), widest, declared=True))
            out.append(edge(f"step__{step.id}", f"step__{target}", attrs))
        kind = flow.exits.get(step.id)
        if kind:
            colour = P.DROPPED if kind == "dropped" else P.COMPLETED
            out.append(edge(f"step__{step.id}", f"exit__{step.id}", {
                "id": f"edge-{step.id}.exit", "color": colour, "penwidth": "1.4",
                "style": "dashed" if kind == "dropped" else None, "tooltip": tooltip_text([f"{step.name} → {kind}"]),
            }))
    if observed is not None:
        known = {s.id for s in journey.steps}
        for transition in observed.undeclared:
            if transition.from_step in known and transition.to_step in known:
                attrs = {"id": f"edge-{transition.from_step}.{transition.to_step}.observed", "constraint": "false",
                         "tooltip": tooltip_text([f"{transition.from_step} → {transition.to_step}: "
                                                  f"{transition.count} not in the map"])}
                attrs.update(_observed_attrs(transition.count, widest, declared=False))
                out.append(edge(f"step__{transition.from_step}", f"step__{transition.to_step}", attrs))
    out.append("}")
    return "\n".join(out) + "\n"


def _volumes(observed) -> dict[tuple[str, str], int]:
    if observed is None:
        return {}
    return {(t.from_step, t.to_step): t.count for t in observed.transitions}


def _observed_attrs(count: int, widest: int, *, declared: bool) -> dict[str, object]:
    """Width 1..9 pt by share of the busiest transition; the count as the label."""
    if count == 0:
        return {"style": "dotted", "color": P.UNREACHABLE, "penwidth": "1", "label": "0",
                "fontcolor": P.MUTED}
    width = 1 + 8 * count / widest if widest else 1
    attrs: dict[str, object] = {"penwidth": f"{width:.1f}", "label": str(count), "arrowsize": "0.6"}
    if not declared:
        attrs.update({"color": P.UNDECLARED, "fontcolor": P.UNDECLARED, "style": "dashed",
                      "label": f"{count} not in map"})
    return attrs


def _title(project: Project, journey: Journey) -> str:
    personas = ", ".join(project.personas[p].name if p in project.personas else p for p in journey.personas)
    state = "Future state (as designed)" if journey.state == "future" else "Current state"
    return (f'<b>{html_lines(journey.title, 70)}</b><br/>'
            f'<font point-size="11" color="{P.MUTED}">{html_label_text(state)} · '
            f'{html_lines("for " + personas, 90)}</font>')


def _touch(project: Project, step: Step) -> str | None:
    if step.touchpoint:
        tp = project.touchpoints.get(step.touchpoint)
        return tp.name if tp else step.touchpoint
    channel = project.step_channel(step)
    if channel:
        ch = project.channels.get(channel)
        return ch.name if ch else channel
    return None


def emotion_badge(emotion: int | None) -> str:
    if emotion is None:
        return "no emotion recorded"
    return f"{P.EMOTION_SYMBOL[emotion]} {P.EMOTION_NUMBER[emotion]} {P.EMOTION_LABEL[emotion]}"


def _step_attrs(project: Project, journey: Journey, step: Step, step_href: StepHref | None) -> dict:
    reachable = step.id in journey.flow.reachable
    emotion = step.emotion if step.emotion in P.EMOTION_STRONG else None
    rows = []
    if emotion is None:
        rows.append(f'<td align="left"><font point-size="9" color="{P.MUTED}">? {emotion_badge(None)}</font></td>')
    else:
        rows.append(f'<td align="left" bgcolor="{P.EMOTION_STRONG[emotion]}"><font point-size="9" '
                    f'color="{P.EMOTION_INK[emotion]}">{html_label_text(emotion_badge(emotion))}</font></td>')
    rows.append(f'<td align="left"><b>{html_lines(step.name, 22)}</b></td>')
    touch = _touch(project, step)
    if touch:
        rows.append(f'<td align="left"><font point-size="9" color="{P.MUTED}">{html_lines(touch, 28)}</font></td>')
    worst = P.worst_severity(pp.severity for pp in step.pain_points)
    if worst:
        count = len(step.pain_points)
        text = f"⚠ {count} pain point{'s' if count != 1 else ''} · {worst}"
        rows.append(f'<td align="left" bgcolor="{P.SEVERITY_COLOR[worst]}"><font point-size="9" '
                    f'color="{P.SEVERITY_INK[worst]}"><b>{html_label_text(text)}</b></font></td>')
    if step.moment_of_truth:
        rows.append(f'<td align="left" bgcolor="{P.ACCENT}"><font point-size="9" color="{P.PAPER}">'
                    f'<b>★ Moment of truth</b></font></td>')
    if not reachable:
        rows.append(f'<td align="left"><font point-size="9" color="{P.MUTED}"><i>⚠ unreachable</i></font></td>')
    elif step.id not in journey.flow.exits and not journey.flow.successors.get(step.id):
        rows.append(f'<td align="left"><font point-size="9" color="{P.MUTED}"><i>⊘ dead end</i></font></td>')
    label = ('<table border="0" cellborder="0" cellspacing="1" cellpadding="2">'
             + "".join(f"<tr>{row}</tr>" for row in rows) + "</table>")
    attrs: dict[str, object] = {
        "id": f"step-{step.id}",
        "label": Html(label),
        "fillcolor": P.EMOTION_TINT[emotion] if emotion is not None else P.PAPER,
        "tooltip": tooltip_text(_step_tooltip(project, journey, step, touch, worst)),
    }
    if step.moment_of_truth:
        attrs.update({"color": P.ACCENT, "penwidth": "2.5", "peripheries": "2"})
    if not reachable:
        attrs.update({"style": "rounded,filled,dashed", "color": P.UNREACHABLE, "fillcolor": P.UNREACHABLE_FILL,
                      "fontcolor": P.MUTED})
    href = step_href(step) if step_href else None
    if href:
        attrs.update({"URL": url_text(href), "target": "_top"})
    return attrs


def _step_tooltip(project, journey, step, touch, worst) -> list[str]:
    lines = [step.name]
    if touch:
        lines.append(f"Touchpoint: {touch}" if step.touchpoint else f"Channel: {touch}")
    lines.append(f"Emotion: {emotion_badge(step.emotion if step.emotion in P.EMOTION_STRONG else None)}")
    if worst:
        lines.append(f"Pain points: {len(step.pain_points)} (worst: {worst})")
    if step.moment_of_truth:
        lines.append(f"Moment of truth: {step.moment_of_truth.why}")
    if step.id not in journey.flow.reachable:
        lines.append("Unreachable from the start of the journey")
    return lines


def _exit_attrs(step: Step, kind: str) -> dict:
    dropped = kind == "dropped"
    return {
        "id": f"exit-{step.id}",
        "label": "✕ Dropped" if dropped else "✓ Completed",
        "shape": "box", "style": "rounded,filled,bold", "fontsize": "10",
        "fillcolor": P.DROPPED if dropped else P.COMPLETED, "color": P.DROPPED if dropped else P.COMPLETED,
        "fontcolor": P.PAPER,
        "tooltip": tooltip_text([f"{'Dropped' if dropped else 'Completed'} after: {step.name}"]),
    }


def _edge_attrs(journey: Journey, step: Step, target: str, index: dict[str, int], default: bool) -> dict:
    target_step = journey.step(target)
    names = f"{step.name} → {target_step.name if target_step else target}"
    attrs: dict[str, object] = {"id": f"edge-{step.id}.{target}"}
    if index.get(target, 0) <= step.index:
        attrs.update({"color": P.ACCENT, "style": "dashed", "constraint": "false", "penwidth": "1.2",
                      "tooltip": tooltip_text([f"{names} (loop back)"])})
    elif default:
        attrs["tooltip"] = tooltip_text([names])
    else:
        # A skip jumps over steps that are not themselves branches of this step.
        siblings = set(journey.flow.successors.get(step.id, ()))
        skip = any(other.index > step.index and other.index < index.get(target, 0) and other.id not in siblings
                   for other in journey.steps)
        attrs.update({"color": P.ACCENT, "penwidth": "1.4",
                      "tooltip": tooltip_text([f"{names} ({'skip' if skip else 'explicit next'})"])})
        if skip:
            attrs.update({"label": "skip", "fontcolor": P.ACCENT})
    return attrs


def _legend(observed: bool = False) -> list[str]:
    cell = '<td bgcolor="{bg}"><font point-size="9" color="{ink}">{text}</font></td>'
    emotions = "".join(cell.format(bg=P.EMOTION_STRONG[e], ink=P.EMOTION_INK[e],
                                   text=html_label_text(f"{P.EMOTION_SYMBOL[e]} {P.EMOTION_NUMBER[e]}"))
                       for e in P.EMOTIONS)
    severities = "".join(cell.format(bg=P.SEVERITY_COLOR[s], ink=P.SEVERITY_INK[s], text=s) for s in P.SEVERITIES)
    rows = [
        f'<tr><td align="left"><font point-size="9">Emotion</font></td>{emotions}</tr>',
        f'<tr><td align="left"><font point-size="9">⚠ Pain points · worst</font></td>{severities}<td></td></tr>',
        f'<tr><td align="left" colspan="6" bgcolor="{P.ACCENT}"><font point-size="9" color="{P.PAPER}">'
        f'<b>★ Moment of truth</b> (double border)</font></td></tr>',
        f'<tr><td align="left" colspan="6"><font point-size="9">→ next step  '
        f'<font color="{P.ACCENT}">→ explicit next / skip   ⇢ loop back (dashed)</font></font></td></tr>',
        f'<tr><td align="left" colspan="3" bgcolor="{P.DROPPED}"><font point-size="9" color="{P.PAPER}">✕ Dropped</font></td>'
        f'<td align="left" colspan="3" bgcolor="{P.COMPLETED}"><font point-size="9" color="{P.PAPER}">✓ Completed</font></td></tr>',
        f'<tr><td align="left" colspan="6" bgcolor="{P.UNREACHABLE_FILL}"><font point-size="9" color="{P.MUTED}">'
        f'<i>⚠ unreachable</i> (dashed grey)</font></td></tr>',
    ]
    if observed:
        rows.append(f'<tr><td align="left" colspan="6"><font point-size="9">Observed: arrow width = customers · '
                    f'<font color="{P.UNDECLARED}">⇢ not in the map (dashed orange)</font> · '
                    f'<font color="{P.MUTED}">⋯ nobody (dotted)</font></font></td></tr>')
    table = f'<table border="0" cellborder="0" cellspacing="2" cellpadding="2">{"".join(rows)}</table>'
    return [
        '  subgraph "cluster_legend" {',
        defaults("graph", {"id": "flow-legend", "label": "Legend", "fontsize": "10", "style": "rounded",
                           "color": P.GRID, "labeljust": "l", "tooltip": "Legend"}, indent="    "),
        node("legend", {"id": "flow-legend-key", "shape": "plain", "style": "solid", "label": Html(table), "tooltip": "Legend"},
             indent="    "),
        "  }",
    ]
