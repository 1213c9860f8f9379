"""The emotion curve of a journey as a self-contained SVG, in pure Python.

Steps run along x in flow order (breadth-first from the start, unreachable
ones last), grouped by stage so each stage is one contiguous band; emotion
-2..2 runs along y. The line joins consecutive steps that both have an
emotion and breaks where one is missing. Above the plot a marker strip shows
moments of truth (stars) and pain points (triangles with the count, in the
worst severity's colour). Every number is formatted with ``_f`` and all
text goes through ``xml_escape``, so the output is byte-identical across runs.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

from ..model import Journey, Project, Step
from . import palette as P
from .text import wrap, xml_escape, url_text

COL = 112          # width of one step column
LEFT = 118         # room for the y-axis labels
TOP = 92           # title + stage names + marker strip
ROW = 46           # height of one emotion level
LABEL_LINES = 3


def _f(value: float) -> str:
    # A curve formats ~560 numbers for 30 steps, nearly all of them the same few hundred coordinates in every
    # journey (columns, emotion levels, marker offsets): kept, they cost a third of what formatting them did.
    # 0.0 and -0.0 are one key to a cache, and are written "0" and "-0".
    return _formatted(value) if value else _format(value)


def _format(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


_formatted = lru_cache(maxsize=4096)(_format)


def ordered_steps(journey: Journey) -> list[Step]:
    """Flow order, unreachable steps appended, then stably grouped by stage."""
    flow_order = list(journey.flow.order())
    rank = {sid: n for n, sid in enumerate(flow_order)}
    stage_rank = {stage.id: n for n, stage in enumerate(journey.stages)}
    steps = journey.steps
    return sorted(steps, key=lambda s: (stage_rank[s.stage], rank.get(s.id, len(flow_order) + s.index)))


def emotion_curve_svg(project: Project, journey: Journey, *,
                      step_href: Callable[[Step], "str | None"] | None = None) -> str:
    steps = ordered_steps(journey)
    plot_h = ROW * 4
    width = LEFT + COL * max(1, len(steps)) + 24
    label_top = TOP + plot_h + 18
    height = label_top + 14 * LABEL_LINES + 20
    y_of = {e: TOP + (2 - e) * ROW for e in P.EMOTIONS}
    x_of = {s.id: LEFT + COL * n + COL / 2 for n, s in enumerate(steps)}
    jid = journey.id
    # With links to the steps it is navigation: role="img" would hide the links from assistive tech.
    role = "group" if step_href else "img"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
           f'id="emotion-{jid}" class="cjmc-emotion" viewBox="0 0 {_f(width)} {_f(height)}" '
           f'width="{_f(width)}" height="{_f(height)}" style="max-width:100%;height:auto" role="{role}" '
           f'aria-labelledby="emotion-{jid}-title emotion-{jid}-desc" '
           f'font-family="{P.FONT_FAMILY}" font-size="11" fill="{P.INK}">']
    out.append(f'<title id="emotion-{jid}-title">{xml_escape(journey.title)}: emotion curve</title>')
    out.append(f'<desc id="emotion-{jid}-desc">{xml_escape(_describe(journey, steps))}</desc>')
    out.append(f'<rect x="0" y="0" width="{_f(width)}" height="{_f(height)}" fill="{P.PAPER}"/>')
    out.append(f'<text x="12" y="22" font-size="15" font-weight="bold">{xml_escape(journey.title)}</text>')
    # stage bands
    n = 0
    for number, stage in enumerate(journey.stages):
        count = sum(1 for s in steps if s.stage == stage.id)
        if not count:
            continue
        x = LEFT + COL * n
        out.append(f'<g id="emotion-{jid}-stage-{stage.id}"><rect x="{_f(x)}" y="34" width="{_f(COL * count)}" '
                   f'height="{_f(height - 40)}" fill="{P.BAND[number % 2]}"/>')
        name = wrap(stage.name, max(8, count * COL // 7), max_lines=1)[0]
        out.append(f'<text x="{_f(x + 6)}" y="48" font-size="12" font-weight="bold">'
                   f'{xml_escape(f"{number + 1} · {name}")}</text></g>')
        n += count
    # grid and y labels
    for e in P.EMOTIONS:
        y = y_of[e]
        out.append(f'<line x1="{_f(LEFT)}" y1="{_f(y)}" x2="{_f(width - 24)}" y2="{_f(y)}" stroke="{P.GRID}" '
                   f'stroke-width="{"1.5" if e == 0 else "1"}"/>')
        out.append(f'<rect x="8" y="{_f(y - 8)}" width="10" height="16" fill="{P.EMOTION_STRONG[e]}" stroke="{P.MUTED}" '
                   f'stroke-width="0.5"/>')
        out.append(f'<text x="22" y="{_f(y + 4)}" fill="{P.MUTED}">{xml_escape(P.EMOTION_NUMBER[e])} '
                   f'{xml_escape(P.EMOTION_LABEL[e])}</text>')
    # the line, broken where a step has no emotion, is unreachable or ends the journey
    segment: list[str] = []
    for step in steps + [None]:
        if step is not None and _plotted(journey, step):
            segment.append(f"{_f(x_of[step.id])},{_f(y_of[step.emotion])}")
            if step.id not in journey.flow.exits:  # the curve ends where a customer leaves
                continue
        if len(segment) > 1:
            out.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{P.INK}" stroke-width="2" '
                       'stroke-linejoin="round"/>')
        segment = []
    for step in steps:
        out.append(_step_group(journey, step, x_of[step.id], y_of, label_top, step_href))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _plotted(journey: Journey, step: Step) -> bool:
    return step.emotion in P.EMOTION_STRONG and step.id in journey.flow.reachable


def _step_group(journey: Journey, step: Step, x: float, y_of, label_top: float, step_href) -> str:
    reachable = step.id in journey.flow.reachable
    parts = [f'<g id="emotion-{journey.id}-step-{step.id}" class="step">',
             f"<title>{xml_escape(_step_summary(step, reachable))}</title>"]
    if step.emotion in P.EMOTION_STRONG:
        e = step.emotion
        y = y_of[e]
        dash = "" if reachable else ' stroke-dasharray="2 2"'
        parts.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="7" fill="{P.EMOTION_STRONG[e]}" stroke="{P.INK}" '
                     f'stroke-width="1.5"{dash}/>')
        parts.append(f'<text x="{_f(x + 10)}" y="{_f(y - 8)}" font-size="10" fill="{P.MUTED}">'
                     f'{xml_escape(P.EMOTION_NUMBER[e])}</text>')
    else:
        parts.append(f'<text x="{_f(x)}" y="{_f(y_of[0] + 4)}" text-anchor="middle" font-size="10" '
                     f'fill="{P.MUTED}">?</text>')
    if step.moment_of_truth:
        parts.append(f'<polygon points="{_star(x - 14, 68)}" fill="{P.ACCENT}"/>')
    worst = P.worst_severity(pp.severity for pp in step.pain_points)
    if worst:
        tx = x + 6
        parts.append(f'<polygon points="{_f(tx)},{_f(60)} {_f(tx + 9)},{_f(76)} {_f(tx - 9)},{_f(76)}" '
                     f'fill="{P.SEVERITY_COLOR[worst]}" stroke="{P.INK}" stroke-width="0.5"/>')
        parts.append(f'<text x="{_f(tx + 12)}" y="{_f(75)}" font-size="10" font-weight="bold">'
                     f'{len(step.pain_points)}</text>')
    colour = P.INK if reachable else P.UNREACHABLE
    lines = wrap(step.name, 18, max_lines=LABEL_LINES)
    if not reachable:
        lines = wrap(step.name, 18, max_lines=LABEL_LINES - 1) + ["(unreachable)"]
    tspans = "".join(f'<tspan x="{_f(x)}" dy="{"0" if i == 0 else "13"}">{xml_escape(line)}</tspan>'
                     for i, line in enumerate(lines))
    parts.append(f'<text x="{_f(x)}" y="{_f(label_top)}" text-anchor="middle" font-size="10" fill="{colour}">'
                 f"{tspans}</text>")
    href = step_href(step) if step_href else None
    body = "\n".join(parts[2:])
    if href:
        body = f'<a href="{url_text(href)}" xlink:href="{url_text(href)}">\n{body}\n</a>'
    return "\n".join(parts[:2] + [body, "</g>"])


def _star(cx: float, cy: float, radius: float = 8) -> str:
    # Precomputed unit star (5 points, top first): no float noise between platforms.
    unit = ((0, -1), (0.2245, -0.309), (0.9511, -0.309), (0.3633, 0.118), (0.5878, 0.809), (0, 0.382),
            (-0.5878, 0.809), (-0.3633, 0.118), (-0.9511, -0.309), (-0.2245, -0.309))
    points = []
    for ux, uy in unit:
        points.append(f"{_f(cx + ux * radius)},{_f(cy + uy * radius)}")
    return " ".join(points)


def _step_summary(step: Step, reachable: bool) -> str:
    e = step.emotion
    parts = [step.name, f"emotion {P.EMOTION_NUMBER[e]} ({P.EMOTION_LABEL[e]})" if e in P.EMOTION_STRONG
             else "no emotion recorded"]
    if step.pain_points:
        parts.append(f"{len(step.pain_points)} pain point{'s' if len(step.pain_points) != 1 else ''}, worst "
                     f"{P.worst_severity(pp.severity for pp in step.pain_points)}")
    if step.moment_of_truth:
        parts.append("moment of truth")
    if not reachable:
        parts.append("unreachable")
    return "; ".join(parts)


def _describe(journey: Journey, steps: list[Step]) -> str:
    return "Emotion by step, in flow order: " + " | ".join(
        _step_summary(s, s.id in journey.flow.reachable) for s in steps) + "."
