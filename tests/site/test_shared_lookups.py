"""The lookups the site's pages share give what the model gives, each made once."""

from __future__ import annotations

import sys
from pathlib import Path

from cjmc.pipeline import compile_project
from cjmc.site.context import _Index

from .conftest import EXAMPLES, REPO


def _generated(tmp_path: Path) -> Path:
    if str(REPO / "bench") not in sys.path:
        sys.path.insert(0, str(REPO / "bench"))
    from generate import generate

    return generate(60, tmp_path / "p", seed=3)


def test_each_personas_journeys_are_the_models_in_the_same_order(tmp_path: Path) -> None:
    for root in (EXAMPLES, _generated(tmp_path)):
        project = compile_project(root).project
        index = _Index(project)
        assert len(project.personas) >= 3
        shown = 0
        for persona in [*project.personas, "nobody"]:
            assert index.journeys_of_persona(persona) == project.journeys_of_persona(persona)
            shown += len(index.journeys_of_persona(persona))
        assert shown >= len(project.journeys), "every journey is some persona's"
        assert index.journeys_by_persona is index.journeys_by_persona, "made once"
        assert project.journeys_by_persona() == {persona: journeys for persona in project.personas
                                                 if (journeys := project.journeys_of_persona(persona))}
