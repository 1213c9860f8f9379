"""Render a :class:`~cjmc.workflow.diff.ProjectDiff` as text, Markdown (a PR comment) or JSON.

Every piece of map text that goes into Markdown passes through :func:`md`
(or :func:`html` inside HTML tags), so a title with ``|``, ``<`` or a
backtick cannot break the table, inject HTML or mention people.
"""

from __future__ import annotations

import re

from ..jsontext import dumps_indented
from ..report.text import counted
from .diff import EmotionChange, FindingRef, JourneyDiff, MetricChange, ProjectDiff, sparkline

MARKER = "<!-- cjmc-diff -->"
ARROW = {"up": "↑", "down": "↓", "added": "+", "removed": "−"}

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "`": "&#96;", "@": "&#64;", '"': "&quot;"}
_MD_PUNCT = re.compile(r"([\\*_\[\]~#])")


def html(text: object) -> str:
    """Plain text made safe inside HTML and Markdown tables, on one line."""
    return _entities(" ".join(str(text).split()))


def md(text: object) -> str:
    """Plain text made safe as Markdown: Markdown punctuation backslashed, then HTML-escaped."""
    return _entities(_MD_PUNCT.sub(r"\\\1", " ".join(str(text).split())))


def _entities(text: str) -> str:
    return "".join(_HTML.get(ch, ch) for ch in text)


_CODE_ID = re.compile(r"`([A-Za-z0-9_.:/-]{1,80})`")


def md_message(text: str) -> str:
    """A finding's message: `id` spans stay code, everything else is escaped like map text."""
    text = " ".join(text.split())
    out, last = [], 0
    for match in _CODE_ID.finditer(text):
        out.append(_entities(_MD_PUNCT.sub(r"\\\1", text[last:match.start()])))
        out.append(f"`{match.group(1)}`")
        last = match.end()
    out.append(_entities(_MD_PUNCT.sub(r"\\\1", text[last:])))
    return "".join(out)


def number(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def emotion_word(value: int | None) -> str:
    return "none" if value is None else f"{value:+d}" if value else "0"


# ---------------------------------------------------------------------------
# summaries


def summary_parts(diff: ProjectDiff) -> list[str]:
    c = diff.counts()
    parts = []
    for key, singular, plural in (
        ("journeys_changed", "journey changed", "journeys changed"),
        ("journeys_added", "journey added", "journeys added"),
        ("journeys_removed", "journey removed", "journeys removed"),
        ("stages_added", "stage added", "stages added"),
        ("stages_removed", "stage removed", "stages removed"),
        ("stages_renamed", "stage renamed", "stages renamed"),
        ("steps_added", "step added", "steps added"),
        ("steps_removed", "step removed", "steps removed"),
        ("steps_renamed", "step renamed", "steps renamed"),
        ("steps_moved", "step moved", "steps moved"),
        ("pain_points_added", "pain point added", "pain points added"),
        ("pain_points_resolved", "resolved", "resolved"),
        ("severity_changes", "severity changed", "severities changed"),
        ("moments_of_truth_gained", "moment of truth gained", "moments of truth gained"),
        ("moments_of_truth_lost", "moment of truth lost", "moments of truth lost"),
        ("metric_changes", "metric changed", "metrics changed"),
    ):
        if c[key]:
            parts.append(counted(c[key], singular, plural))
    parts.extend(_emotion_parts([e for j in diff.journeys for e in j.emotions]))
    if c["findings_introduced"]:
        parts.append(counted(c["findings_introduced"], "new finding"))
    if c["findings_fixed"]:
        parts.append(counted(c["findings_fixed"], "finding fixed", "findings fixed"))
    return parts


def _emotion_parts(changes: list[EmotionChange]) -> list[str]:
    parts = []
    for direction in ("down", "up"):
        stages: list[str] = []
        for change in changes:
            if change.direction == direction and change.stage_name not in stages:
                stages.append(change.stage_name)
        if stages:
            where = ", ".join(stages[:2]) + (f" +{len(stages) - 2} more" if len(stages) > 2 else "")
            parts.append(f"emotion {ARROW[direction]} at {where}")
    return parts


def journey_parts(journey: JourneyDiff) -> list[str]:
    single = ProjectDiff(journeys=[journey])
    return [p for p in summary_parts(single) if not p.startswith("1 journey changed")]


# ---------------------------------------------------------------------------
# JSON


def render_json(diff: ProjectDiff) -> str:
    return dumps_indented(diff.to_json()) + "\n"


# ---------------------------------------------------------------------------
# text


def render_text(diff: ProjectDiff) -> str:
    if diff.empty:
        return "No changes to the journeys.\n"
    lines = [" · ".join(summary_parts(diff)), ""]
    for journey in diff.journeys_added:
        lines.append(f"+ journey {journey.id}: {journey.title} ({journey.file})")
    for journey in diff.journeys_removed:
        lines.append(f"- journey {journey.id}: {journey.title} ({journey.file})")
    if diff.journeys_added or diff.journeys_removed:
        lines.append("")
    for journey in diff.journeys:
        lines.append(f"journey {journey.id}: {journey.title}")
        lines.extend(f"  {line}" for line in _journey_lines(journey, _text_item))
        lines.append("")
    if diff.findings_introduced or diff.findings_fixed:
        lines.append("other findings (catalog, personas, new journeys)")
        lines.extend(f"  {line}" for line in _finding_lines(diff.findings_introduced, diff.findings_fixed, _text_item))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _text_item(text: object) -> str:
    return " ".join(str(text).split())


def _journey_lines(journey: JourneyDiff, esc) -> list[str]:
    """Change lines shared by text and Markdown; ``esc`` makes map text safe for the target."""
    out = []
    if journey.title_before is not None:
        out.append(f"title: {esc(journey.title_before)} → {esc(journey.title)}")
    if journey.fields_changed:
        out.append("changed: " + ", ".join(journey.fields_changed))
    for s in journey.stages_added:
        out.append(f"+ stage {s.id}: {esc(s.name)}")
    for s in journey.stages_removed:
        out.append(f"- stage {s.id}: {esc(s.name)}")
    for r in journey.stages_renamed:
        out.append(f"~ stage {r.id} renamed: {esc(r.before)} → {esc(r.after)}")
    if journey.stages_reordered:
        out.append("~ stages reordered")
    for s in journey.steps_added:
        out.append(f"+ step {s.id} in {s.stage}: {esc(s.name)}")
    for s in journey.steps_removed:
        out.append(f"- step {s.id} from {s.stage}: {esc(s.name)}")
    for r in journey.steps_renamed:
        out.append(f"~ step {r.id} renamed: {esc(r.before)} → {esc(r.after)}")
    for m in journey.steps_moved:
        where = f"from stage {m.stage_before} to {m.stage_after}" if m.how == "stage" else f"within {m.stage_after}"
        out.append(f"~ step {m.id} moved {where}")
    if journey.emotions or journey.curve_changed:
        out.append(f"emotion curve: {sparkline(journey.curve_before)} → {sparkline(journey.curve_after)}")
    for e in journey.emotions:
        out.append(f"{ARROW[e.direction]} emotion at {e.step}: {emotion_word(e.before)} → {emotion_word(e.after)}")
    for p in journey.pain_points_added:
        out.append(f"+ pain point {p.id} ({p.severity}) at {p.step}: {esc(p.text)}")
    for p in journey.pain_points_resolved:
        out.append(f"✓ pain point {p.id} resolved ({p.severity}) at {p.step}: {esc(p.text)}")
    for c in journey.severity_changes:
        out.append(f"~ pain point {c.id} severity: {c.before} → {c.after}")
    for m in journey.moments_gained:
        out.append(f"+ moment of truth at {m.step}: {esc(m.why)}")
    for m in journey.moments_lost:
        out.append(f"- moment of truth at {m.step}: {esc(m.why)}")
    for m in journey.metrics:
        out.append(_metric_line(m))
    out.extend(_finding_lines(journey.findings_introduced, journey.findings_fixed, esc))
    return out


def _metric_line(m: MetricChange) -> str:
    if m.change == "added":
        return f"+ metric {m.metric} on {m.scope}: target {number(m.target_after)}, actual {number(m.actual_after)}"
    if m.change == "removed":
        return f"- metric {m.metric} on {m.scope}"
    parts = []
    if m.target_before != m.target_after:
        parts.append(f"target {number(m.target_before)} → {number(m.target_after)}")
    if m.actual_before != m.actual_after:
        parts.append(f"actual {number(m.actual_before)} → {number(m.actual_after)}")
    return f"~ metric {m.metric} on {m.scope}: " + ", ".join(parts)


def _finding_lines(introduced: list[FindingRef], fixed: list[FindingRef], esc) -> list[str]:
    out = [f"! new {f.severity} {f.rule}: {esc(f.message)} ({f.file}:{f.line})" for f in introduced]
    out += [f"✓ fixed {f.severity} {f.rule}: {esc(f.message)}" for f in fixed]
    return out


# ---------------------------------------------------------------------------
# Markdown (a pull-request comment)


def render_markdown(diff: ProjectDiff, *, title: str = "Journey map changes", base: str = "", head: str = "") -> str:
    lines = [MARKER, f"### {md(title)}", ""]
    if base or head:
        lines += [f"<sub>{html(base or 'base')} → {html(head or 'working tree')}</sub>", ""]
    if diff.empty:
        lines.append("No changes to the journeys.")
        return "\n".join(lines) + "\n"
    lines += ["**" + " · ".join(summary_parts(diff)) + "**", ""]
    for journey in diff.journeys_added:
        lines.append(f"- ➕ new journey **{md(journey.title)}** `{journey.id}` ({md(journey.file)})")
    for journey in diff.journeys_removed:
        lines.append(f"- ➖ removed journey **{md(journey.title)}** `{journey.id}`")
    if diff.journeys_added or diff.journeys_removed:
        lines.append("")
    for journey in diff.journeys:
        lines += _markdown_journey(journey)
    if diff.findings_introduced or diff.findings_fixed:
        lines += ["<details><summary><b>Other lint findings</b> (catalog, personas, new journeys)</summary>", ""]
        lines += _markdown_findings(diff.findings_introduced, diff.findings_fixed)
        lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _markdown_journey(j: JourneyDiff) -> list[str]:
    parts = journey_parts(j)
    head = f"<b>{html(j.title)}</b> <code>{j.id}</code>" + (f": {html(' · '.join(parts))}" if parts else "")
    out = [f"<details><summary>{head}</summary>", ""]
    if j.title_before is not None:
        out.append(f"Title: ~~{md(j.title_before)}~~ → {md(j.title)}  ")
    if j.fields_changed:
        out.append("Changed: " + ", ".join(f"`{name}`" for name in j.fields_changed))
    if j.title_before is not None or j.fields_changed:
        out.append("")

    structure = []
    structure += [f"- ➕ stage `{s.id}` **{md(s.name)}**" for s in j.stages_added]
    structure += [f"- ➖ stage `{s.id}` {md(s.name)}" for s in j.stages_removed]
    structure += [f"- ✏️ stage `{r.id}` renamed: ~~{md(r.before)}~~ → **{md(r.after)}**" for r in j.stages_renamed]
    structure += ["- 🔀 stages reordered"] if j.stages_reordered else []
    structure += [f"- ➕ step `{s.id}` **{md(s.name)}** in `{s.stage}`" for s in j.steps_added]
    structure += [f"- ➖ step `{s.id}` {md(s.name)} (was in `{s.stage}`)" for s in j.steps_removed]
    structure += [f"- ✏️ step `{r.id}` renamed: ~~{md(r.before)}~~ → **{md(r.after)}**" for r in j.steps_renamed]
    for m in j.steps_moved:
        where = f"from `{m.stage_before}` to `{m.stage_after}`" if m.how == "stage" else f"within `{m.stage_after}`"
        structure.append(f"- 🔀 step `{m.id}` {md(m.name)} moved {where}")
    if structure:
        out += ["**Stages and steps**", "", *structure, ""]

    if j.emotions or j.curve_changed:
        out += [f"**Emotion curve** `{sparkline(j.curve_before)}` → `{sparkline(j.curve_after)}`", ""]
        if j.emotions:
            out += ["| step | stage | before | after | |", "|---|---|---:|---:|---|"]
            out += [f"| {md(e.name)} `{e.step}` | {md(e.stage_name)} | {emotion_word(e.before)} | "
                    f"{emotion_word(e.after)} | {ARROW[e.direction]} |" for e in j.emotions]
            out.append("")

    pains = []
    pains += [f"- 🔴 added **{p.severity}** `{p.id}` at `{p.step}`: {md(p.text)}" for p in j.pain_points_added]
    pains += [f"- ✅ resolved {p.severity} `{p.id}` (was at `{p.step}`): {md(p.text)}" for p in j.pain_points_resolved]
    pains += [f"- ⚖️ `{c.id}` severity {c.before} → **{c.after}**: {md(c.text)}" for c in j.severity_changes]
    if pains:
        out += ["**Pain points**", "", *pains, ""]

    moments = [f"- ⭐ gained at `{m.step}` {md(m.name)}: {md(m.why)}" for m in j.moments_gained]
    moments += [f"- ➖ lost at `{m.step}` {md(m.name)}: {md(m.why)}" for m in j.moments_lost]
    if moments:
        out += ["**Moments of truth**", "", *moments, ""]

    if j.metrics:
        out += ["**KPIs and metrics**", "", "| where | metric | target | actual |", "|---|---|---:|---:|"]
        for m in j.metrics:
            out.append(f"| `{m.scope}` | `{m.metric}` | {_pair(m.target_before, m.target_after, m.change)} | "
                       f"{_pair(m.actual_before, m.actual_after, m.change)} |")
        out.append("")

    if j.findings_introduced or j.findings_fixed:
        out += ["**Lint**", "", *_markdown_findings(j.findings_introduced, j.findings_fixed), ""]
    out += ["</details>", ""]
    return out


def _pair(before: float | None, after: float | None, change: str) -> str:
    if change == "added":
        return number(after)
    if change == "removed":
        return f"~~{number(before)}~~"
    return number(after) if before == after else f"{number(before)} → **{number(after)}**"


def _markdown_findings(introduced: list[FindingRef], fixed: list[FindingRef]) -> list[str]:
    out = [f"- ⚠️ new {f.severity} `{f.rule}`: {md_message(f.message)} ({md(f.file)}:{f.line})" for f in introduced]
    out += [f"- ✔️ fixed {f.severity} `{f.rule}`: {md_message(f.message)}" for f in fixed]
    return out


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
