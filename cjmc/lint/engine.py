"""Run the lint rules over a compiled project and apply suppressions."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Iterable, Mapping

from ..diagnostics import Diagnostic, sorted_unique
from ..model import Project
from ..pipeline import Compilation
from .finding import Finding
from .registry import all_rules
from .settings import RuleSetting, resolve_settings
from .suppress import Suppressions

UNUSED_SUPPRESSION = "unused-suppression"
BOTH_SCOPES = ("journey", "project")


def lint_compilation(result: Compilation, *, select: Iterable[str] = (), ignore: Iterable[str] = (),
                     today: _dt.date | None = None, observations: Mapping[str, Any] | None = None
                     ) -> list[Diagnostic]:
    """Validation diagnostics plus lint findings, sorted. Raises UsageError for bad settings.

    ``observations`` (journey id -> ObservedJourney, from :mod:`cjmc.observe`)
    feed the rules that compare a map with event data; without them those
    rules report nothing.
    """
    run = RuleRun(resolve_settings(result.config, select, ignore), today=today, observations=observations)
    project = result.project
    diagnostics = list(result.diagnostics)
    if project is None:
        return diagnostics
    suppressions = Suppressions.collect(project)
    diagnostics += run.apply(project, suppressions, has_errors=not result.valid)
    diagnostics += run.unused_suppressions(suppressions)
    return sorted_unique(diagnostics)


class RuleRun:
    """The rules of one lint run, with their settings, applied to one project or to part of one.

    A rule's ``SCOPE`` says what it needs: ``journey`` rules read one journey
    at a time and report in that journey's file, so a large portfolio can be
    linted in shards (see :mod:`cjmc.shards`); ``project`` rules need every
    definition and reference at once.
    """

    def __init__(self, settings: Mapping[str, RuleSetting], *, today: _dt.date | None = None,
                 observations: Mapping[str, Any] | None = None):
        self.settings = settings
        self.context = {"today": today or _dt.date.today(), "observations": observations}
        self.not_run: set[str] = set()

    def apply(self, project: Project, suppressions: Suppressions, *, has_errors: bool,
              scopes: tuple[str, ...] = BOTH_SCOPES) -> list[Diagnostic]:
        diagnostics = []
        for name, setting in self.settings.items():
            rule = setting.rule
            if setting.severity == "off" or rule.check is None or rule.scope not in scopes:
                continue
            # With invalid documents left out of the model, "referenced nowhere" is not trustworthy.
            if has_errors and name == "unused-definition":
                self.not_run.add(name)
                continue
            for finding in rule.check(project, {**setting.options, **self.context}):
                if suppressions.suppresses(name, finding):
                    continue
                diagnostics.append(_diagnostic(name, setting.severity, finding))
        return diagnostics

    def unused_suppressions(self, suppressions: Suppressions) -> list[Diagnostic]:
        unused_setting = self.settings.get(UNUSED_SUPPRESSION)
        if not unused_setting or unused_setting.severity == "off":
            return []
        diagnostics = []
        known = all_rules()
        for item in suppressions.unused():
            if item.rule in known and (self.settings[item.rule].severity == "off" or item.rule in self.not_run):
                continue  # the rule did not run, so we cannot tell
            if item.rule not in known:
                from ..validate.messages import did_you_mean

                message = f"`{item.rule}` is not a lint rule, so this suppression does nothing"
                hint = did_you_mean(item.rule, known) or "run `cjmc rules` for the list"
            else:
                message = f"suppression of `{item.rule}` suppresses nothing"
                hint = "remove it: the problem it hid is gone"
            diagnostics.append(Diagnostic.at(item.pos, UNUSED_SUPPRESSION, message, severity=unused_setting.severity,
                                             hint=hint, subject=item.subject))
        return diagnostics


def _diagnostic(rule: str, severity: str, finding: Finding) -> Diagnostic:
    return Diagnostic(finding.pos.file, finding.pos.line, finding.pos.column, rule, finding.message,
                      severity, finding.hint, finding.subject)
