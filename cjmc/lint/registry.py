"""The list of lint rules and what each module must declare.

A rule is a module under ``cjmc.lint.rules`` with ``NAME``, ``SEVERITY``,
``SUMMARY``, ``OPTIONS`` (name -> default), optional ``STRICT`` (its severity
under the strict preset), a ``check(project, options)`` generator of
:class:`~cjmc.lint.finding.Finding`, and a module docstring that is its
documentation page. ``SCOPE = "project"`` marks a rule that needs the whole
project at once (the default, ``journey``, reads one journey at a time and
reports in its file). Adding a rule is adding its module name here; a test
checks every module in the package is listed, documented and has fixtures.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import Any, Callable, Mapping

RULE_MODULES = (
    "journey_without_moment_of_truth",
    "stage_without_pain_points",
    "moment_of_truth_without_metric",
    "unreachable_step",
    "dead_end_step",
    "touchpoint_without_owner",
    "unused_definition",
    "metric_off_target",
    "stale_journey",
    "pain_point_without_opportunity",
    "pain_point_without_evidence",
    "step_without_emotion",
    "emotion_drop_without_pain_point",
    "unused_suppression",
    # Compare the map with event data (cjmc observe); they need `events:` in cjmc.yaml.
    "undeclared_transition",
    "unobserved_step",
    "high_drop_off",
)

DOC_SECTIONS = ("What it finds", "Why it matters", "Failing example", "Passing example", "Options")


@dataclass(frozen=True)
class Rule:
    name: str
    severity: str
    summary: str
    options: Mapping[str, Any]
    strict: str | None
    documentation: str
    check: Callable | None
    module: ModuleType
    needs_events: bool = False
    scope: str = "journey"  # or "project": see cjmc.lint.engine.RuleRun


@lru_cache(maxsize=None)
def all_rules() -> dict[str, Rule]:
    rules = {}
    for module_name in RULE_MODULES:
        module = importlib.import_module(f"cjmc.lint.rules.{module_name}")
        rules[module.NAME] = Rule(
            name=module.NAME, severity=module.SEVERITY, summary=module.SUMMARY,
            options=dict(getattr(module, "OPTIONS", {})), strict=getattr(module, "STRICT", None),
            documentation=(module.__doc__ or "").strip(), check=getattr(module, "check", None), module=module,
            needs_events=getattr(module, "NEEDS_EVENTS", False), scope=getattr(module, "SCOPE", "journey"))
    return rules


def rule_infos() -> dict:
    """Rule metadata for reporters, including the validity problems (always errors)."""
    from ..diagnostics import VALIDITY_RULES
    from ..report import RuleInfo

    infos = {}
    for name in VALIDITY_RULES:
        infos[name] = RuleInfo(name, "error", VALIDITY_SUMMARIES[name], VALIDITY_SUMMARIES[name])
    for rule in all_rules().values():
        infos[rule.name] = RuleInfo(rule.name, rule.severity, rule.summary, rule.documentation)
    return infos


VALIDITY_SUMMARIES = {
    "yaml-syntax": "The file is not valid YAML (or not UTF-8).",
    "duplicate-key": "A mapping has the same key twice.",
    "schema": "A document does not follow the cjmc map language (unknown key, missing key, wrong type or value).",
    "duplicate-id": "Two things of the same kind share an id.",
    "unresolved-reference": "A reference names something that is not defined.",
    "channel-mismatch": "A step's channel differs from the channel of its touchpoint.",
}
