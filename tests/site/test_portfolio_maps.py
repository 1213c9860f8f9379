"""A large portfolio's map is drawn per persona, on the persona pages, instead of one map on the home page.

``site.portfolio_map`` chooses: ``whole``, ``per-persona``, or ``auto``
(whole up to ``WHOLE_MAP_MAX_JOURNEYS`` journeys). The example project has 6
journeys, so its goldens keep the whole map; these tests set
``per-persona`` on a copy of it. That a title edit lays out only the maps
of the edited journey's personas again is in ``test_incremental_build.py``.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from cjmc.config import load_config
from cjmc.pipeline import compile_project
from cjmc.render.api import persona_map_dot, portfolio_dot
from cjmc.site import builder

from .conftest import EXAMPLES, build
from .htmlscan import scan_site
from .test_links import broken_links


def per_persona(project: Path) -> Path:
    """Set ``site.portfolio_map: per-persona`` in the project's cjmc.yaml."""
    config = project / "cjmc.yaml"
    text = config.read_text(encoding="utf-8")
    if re.search(r"^site:", text, flags=re.MULTILINE):
        text = re.sub(r"^site:\n", "site:\n  portfolio_map: per-persona\n", text, count=1, flags=re.MULTILINE)
    else:
        text += "\nsite:\n  portfolio_map: per-persona\n"
    config.write_text(text, encoding="utf-8")
    assert load_config(project).site_portfolio_map == "per-persona"
    return project


@pytest.fixture(scope="module")
def examples():
    return compile_project(EXAMPLES).project


@pytest.fixture(scope="module")
def per_persona_site(tmp_path_factory) -> tuple[Path, object]:
    copy = Path(shutil.copytree(EXAMPLES, tmp_path_factory.mktemp("maps") / "project"))
    out = copy.parent / "site"
    result = build(per_persona(copy), out)
    assert result.written, result.diagnostics
    return out, compile_project(copy).project


# ---------------------------------------------------------------- the DOT

def test_a_persona_map_holds_that_persona_its_journeys_and_the_lifecycle_between_them(examples):
    persona = next(p for p in examples.personas.values()
                   if 1 < len(examples.journeys_of_persona(p.id)) < len(examples.journeys))
    mine = {j.id for j in examples.journeys_of_persona(persona.id)}
    dot = persona_map_dot(examples, persona, journey_href=lambda j: f"../journeys/{j.id}.html")
    assert dot == persona_map_dot(examples, persona, journey_href=lambda j: f"../journeys/{j.id}.html")
    assert set(re.findall(r'^  "?journey__([a-z0-9_-]+)"? \[', dot, flags=re.MULTILINE)) == mine
    assert re.findall(r'"?persona__([a-z0-9_-]+)"? \[', dot) == [persona.id]
    edges = set(re.findall(r'"?journey__([a-z0-9_-]+)"? -> "?journey__([a-z0-9_-]+)"?', dot))
    everywhere = set(re.findall(r'"?journey__([a-z0-9_-]+)"? -> "?journey__([a-z0-9_-]+)"?', portfolio_dot(examples)))
    assert edges == {(a, b) for a, b in everywhere if a in mine and b in mine}
    assert html.escape(persona.name) in dot
    assert "URL" not in dot.split("persona__")[2].split("\n")[0], "the persona's own node does not link to its page"


def test_auto_draws_one_map_up_to_the_limit_and_a_map_per_persona_beyond(examples, monkeypatch):
    config = load_config(EXAMPLES)
    assert config.site_portfolio_map == "auto"
    assert builder.portfolio_maps(config, examples) == "whole"  # 6 journeys
    monkeypatch.setattr(builder, "WHOLE_MAP_MAX_JOURNEYS", len(examples.journeys) - 1)
    assert builder.portfolio_maps(config, examples) == "per-persona"


def test_an_unknown_portfolio_map_setting_is_a_config_error(tmp_path):
    from cjmc.diagnostics import UsageError

    copy = Path(shutil.copytree(EXAMPLES, tmp_path / "project"))
    config = copy / "cjmc.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("site:\n", "site:\n  portfolio_map: huge\n", 1),
                      encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        load_config(copy)
    [problem] = raised.value.diagnostics
    assert (problem.file, problem.rule) == ("cjmc.yaml", "schema")
    assert "portfolio_map" in problem.message and "per-persona" in problem.hint
    assert config.read_text(encoding="utf-8").splitlines()[problem.line - 1].strip() == "portfolio_map: huge"


# ---------------------------------------------------------------- the site

def test_the_home_page_links_each_persona_map_instead_of_drawing_the_whole_map(per_persona_site):
    out, project = per_persona_site
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="portfolio-svg-' not in home and "<svg" not in home.split('id="map-h"')[1]
    section = home.split('id="map-h"')[1].split("</section>")[0]
    drawn = [p for p in project.personas.values() if project.journeys_of_persona(p.id)]
    assert drawn
    assert re.findall(r'href="personas/([a-z0-9_-]+)\.html"', section) == [p.id for p in drawn]


def test_each_persona_page_shows_the_map_of_its_own_journeys(per_persona_site):
    out, project = per_persona_site
    for persona in project.personas.values():
        page = (out / "personas" / f"{persona.id}.html").read_text(encoding="utf-8")
        mine = {j.id for j in project.journeys_of_persona(persona.id)}
        if not mine:
            assert 'id="pmap-h"' not in page
            continue
        figure = page.split('id="pmap-h"')[1].split("</figure>")[0]
        assert "<svg" in figure and "cjmc-diagram" not in figure
        assert set(re.findall(r'xlink:href="\.\./journeys/([a-z0-9_-]+)\.html"', figure)) == mine


def test_a_site_with_persona_maps_has_no_broken_link_and_unique_ids(per_persona_site):
    out, _ = per_persona_site
    checked, problems = broken_links(out)
    assert checked > 1000
    assert not problems, "\n".join(problems[:50])
    for rel, scan in scan_site(out).items():
        duplicates = sorted({i for i in scan.ids if scan.ids.count(i) > 1})
        assert not duplicates, f"{rel}: duplicate ids {duplicates}"
