"""Run the lint rules over a compiled project and apply suppressions."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Iterable, Mapping

from ..diagnostics import Diagnostic, sorted_unique
from ..pipeline import Compilation
from .finding import Finding
from .registry import all_rules
from .settings import resolve_settings
from .suppress import Suppressions

UNUSED_SUPPRESSION = "unused-suppression"


def lint_compilation(result: Compilation, *, select: Iterable[str] = (), ignore: Iterable[str] = (),
                     today: _dt.date | None = None, observations: Mapping[str, Any] | None = None
                     ) -> list[Diagnostic]:
    """Validation diagnostics plus lint findings, sorted. Raises UsageError for bad settings.

    ``observations`` (journey id -> ObservedJourney, from :mod:`cjmc.observe`)
    feed the rules that compare a map with event data; without them those
    rules report nothing.
    """
    settings = resolve_settings(result.config, select, ignore)
    project = result.project
    diagnostics = list(result.diagnostics)
    if project is None:
        return diagnostics
    suppressions = Suppressions.collect(project)
    has_errors = not result.valid
    context = {"today": today or _dt.date.today(), "observations": observations}
    not_run: set[str] = set()
    for name, setting in settings.items():
        if setting.severity == "off" or setting.rule.check is None:
            continue
        # With invalid documents left out of the model, "referenced nowhere" is not trustworthy.
        if has_errors and name == "unused-definition":
            not_run.add(name)
            continue
        for finding in setting.rule.check(project, {**setting.options, **context}):
            if suppressions.suppresses(name, finding):
                continue
            diagnostics.append(_diagnostic(name, setting.severity, finding))

    unused_setting = settings.get(UNUSED_SUPPRESSION)
    if unused_setting and unused_setting.severity != "off":
        known = all_rules()
        for item in suppressions.unused():
            if item.rule in known and (settings[item.rule].severity == "off" or item.rule in not_run):
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
    return sorted_unique(diagnostics)


def _diagnostic(rule: str, severity: str, finding: Finding) -> Diagnostic:
    return Diagnostic(finding.pos.file, finding.pos.line, finding.pos.column, rule, finding.message,
                      severity, finding.hint, finding.subject)
