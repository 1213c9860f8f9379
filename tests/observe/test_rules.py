"""The three event-data rules, fed observations directly (no duckdb needed).

They are not in cjmc.lint.registry yet, so the fixture harness in tests/lint
does not run them; these tests call ``check(project, options)`` as the lint
engine will, with ``options["observations"]``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cjmc.lint.registry import DOC_SECTIONS
from cjmc.lint.rules import high_drop_off, undeclared_transition, unobserved_step
from cjmc.observe.api import observe
from cjmc.pipeline import compile_project

from .conftest import MAPS, make_project
from .test_transitions_file import TABLE

RULES = (undeclared_transition, unobserved_step, high_drop_off)


def line_of(step_id: str) -> int:
    return next(n for n, text in enumerate(MAPS.splitlines(), start=1) if f"{{id: {step_id}," in text)


@pytest.fixture
def observed(tmp_path: Path):
    root = make_project(tmp_path / "p", None, "name: x\n")
    table = tmp_path / "t.csv"
    table.write_text(TABLE, encoding="utf-8")
    compilation = compile_project(root)
    return compilation.project, dict(observe(compilation, transitions=table).journeys)


def findings(module, project, observations, **options):
    return list(module.check(project, {**module.OPTIONS, **options, "observations": observations}))


@pytest.mark.parametrize("module", RULES)
def test_rule_module_shape(module) -> None:
    assert module.NEEDS_EVENTS is True
    assert module.NAME == module.__doc__.split(":")[0]
    assert module.SEVERITY in ("warning", "info")
    for section in DOC_SECTIONS:
        assert f"\n{section}\n" in module.__doc__, section


@pytest.mark.parametrize("module", RULES)
def test_without_observations_nothing(module, observed) -> None:
    project, _ = observed
    assert findings(module, project, None) == []
    assert list(module.check(project, dict(module.OPTIONS))) == []  # engine not wired: no key at all


def test_undeclared_transition(observed) -> None:
    project, observations = observed
    found = findings(undeclared_transition, project, observations)
    assert len(found) == 1
    finding = found[0]
    assert (finding.pos.file, finding.pos.line) == ("maps/all.yaml", line_of("checkout"))
    assert "from `checkout` to `cart` once" in finding.message
    assert (finding.journey, finding.stage, finding.step) == ("buy", "pay", "checkout")
    assert finding.subject[-1] == "to:cart"
    assert findings(undeclared_transition, project, observations, min_count=2) == []


def test_unobserved_step(observed) -> None:
    project, observations = observed
    found = findings(unobserved_step, project, observations)
    assert [(f.step, f.pos.line) for f in found] == [("help", line_of("help"))]
    assert "`help_opened`" in found[0].hint
    # `other` was not observed at all (nobody entered): its steps are not reported.
    assert all(f.journey == "buy" for f in found)


def test_high_drop_off(observed) -> None:
    project, observations = observed
    found = findings(high_drop_off, project, observations)
    # cart: 2 last seen of 5 visits = 40 % > 30 %; view 1 of 4 = 25 %; exits are never reported.
    assert [f.step for f in found] == ["cart"]
    assert "40% of the customers who reached step `cart`" in found[0].message
    assert findings(high_drop_off, project, observations, max_share=0.5) == []
    assert [f.step for f in findings(high_drop_off, project, observations, max_share=0.2)] == ["view", "cart"]
    assert findings(high_drop_off, project, observations, min_reached=10) == []
