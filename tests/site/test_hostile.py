"""A hostile project (markup, event handlers, javascript: links, quotes, ``</script>``, Jinja-looking
text in every text field) builds to a site where none of it is live."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import build
from .htmlscan import scan_site

EVIL = ("<script>alert(1)</script><img src=x onerror=alert(2)> \"' </script><!-- {{ 7*7 }} {% raw %} "
        "<svg onload=alert(3)> javascript:alert(4) \u2028")
EVIL_MD = EVIL + ("\n\n[click](javascript:alert(5)) [c2](JAVASCRIPT:alert(6)) [c3](vbscript:x) "
                  "[c4](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) ![i](javascript:alert(7)) "
                  "<a href=\"javascript:alert(8)\">raw</a> [ok](https://example.com/x)\n")


def q(text: str) -> str:
    return json.dumps(text)  # a valid YAML double-quoted scalar


def hostile_project(root: Path) -> Path:
    (root / "maps").mkdir(parents=True)
    (root / "cjmc.yaml").write_text(f"name: {q(EVIL)}\nsite:\n  title: {q(EVIL)}\n", encoding="utf-8")
    e, md = q(EVIL), q(EVIL_MD)
    (root / "maps" / "all.yaml").write_text(f"""
kind: persona
id: p1
name: {e}
summary: {e}
description: {md}
segment: {e}
quote: {e}
goals: [{e}]
frustrations: [{e}]
motivations: [{e}]
channels: [web]
tags: [{e}]
---
kind: catalog
channels:
  - {{id: web, name: {e}, description: {md}}}
teams:
  - {{id: t1, name: {e}, description: {md}}}
touchpoints:
  - {{id: tp1, name: {e}, channel: web, owner: t1, url: "javascript:alert(9)", description: {md}}}
metrics:
  - {{id: m1, name: {e}, unit: {e}, better: higher, description: {md}}}
evidence:
  - {{id: ev1, title: {e}, type: survey, url: "javascript:alert(10)", description: {md}}}
---
kind: journey
id: j1
title: {e}
personas: [p1]
description: {md}
goal: {e}
business_goal: {e}
owner: t1
tags: [{e}]
kpis:
  - {{metric: m1, target: 2, actual: 1}}
stages:
  - id: s1
    name: {e}
    description: {md}
    goal: {e}
    steps:
      - id: a
        name: {e}
        description: {md}
        touchpoint: tp1
        emotion: -2
        thoughts: [{e}]
        questions: [{e}]
        backstage: [{e}]
        evidence: [ev1]
        moment_of_truth: {{why: {e}, kind: first}}
        metrics: [{{metric: m1, target: 1, actual: 2}}]
        pain_points:
          - {{id: pp1, text: {e}, severity: critical, evidence: [ev1]}}
        opportunities:
          - {{id: op1, text: {e}, addresses: [pp1], owner: t1, status: idea}}
      - id: b
        name: {e}
        emotion: 1
""", encoding="utf-8")
    return root


OUR_SCRIPTS = {"static/cjmc.js", "static/backlog.js"}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = hostile_project(tmp_path_factory.mktemp("hostile") / "project")
    out = root.parent / "site"
    result = build(root, out)
    assert result.written, [d for d in result.diagnostics if d.severity == "error"]
    return out


def test_nothing_hostile_is_live(hostile_site: Path):
    pages = scan_site(hostile_site)
    assert len(pages) >= 8
    for rel, scan in pages.items():
        depth = rel.count("/")
        for src, inline in scan.scripts:
            assert src is not None and not inline.strip(), f"{rel}: inline script {inline[:80]!r}"
            assert src.removeprefix("../" * depth) in OUR_SCRIPTS, f"{rel}: unexpected script {src}"
        assert not scan.event_handlers, f"{rel}: event handler attributes {scan.event_handlers}"
        for tag, attribute, url in scan.links:
            lowered = "".join(url.split()).lower()
            assert not lowered.startswith(("javascript:", "vbscript:", "data:")), f"{rel}: {tag} {attribute}={url}"


def test_text_is_shown_escaped_and_jinja_is_not_evaluated(hostile_site: Path):
    journey = (hostile_site / "journeys" / "j1.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in journey
    assert "{{ 7*7 }}" in journey  # shown as text, never evaluated
    assert "<svg onload" not in journey
    assert 'href="https://example.com/x" rel="noopener"' in journey


def test_search_index_cannot_close_its_script(hostile_site: Path):
    index = (hostile_site / "search-index.js").read_text(encoding="utf-8")
    assert "</script" not in index.lower() and "<" not in index
    payload = index.removeprefix("window.CJMC_SEARCH = ").rstrip().removesuffix(";")
    entries = json.loads(payload)
    assert any(EVIL.strip() in entry["t"] or entry["t"] == EVIL for entry in entries)


def test_the_emotion_curve_is_inlined_as_it_would_be_after_looking_for_a_prolog(tmp_path: Path):
    """The site inlines its own emotion curves without looking for a prolog or comments to drop: map texts with
    "<!--" are escaped, so there is none, and the curve is what a full look would give."""
    from cjmc.pipeline import compile_project
    from cjmc.render import api
    from cjmc.site.builder import _emotion_label, journey_diagrams
    from cjmc.site.inline_svg import inline_svg_text

    result = compile_project(hostile_project(tmp_path / "p"))  # its texts hold "<!--"
    journeys = list(result.project.journeys.values())
    assert journeys
    for journey in journeys:
        curve = api.emotion_curve_svg(result.project, journey, step_href=lambda step: f"#step-{step.id}")
        assert "<!" not in curve and "<?" not in curve
        _, inlined = journey_diagrams(result.project, journey)
        assert inlined == str(inline_svg_text(curve, _emotion_label(journey), "emotion-svg-"))
        assert "&lt;!--" in inlined or "&lt;script" in inlined, "the hostile texts are in the curve, escaped"
