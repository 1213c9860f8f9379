"""Which rules run, at which severity, with which options.

Sources, later winning: each rule's default, the preset (``lint.extends``),
``lint.rules`` in cjmc.yaml, then ``--select`` / ``--ignore``. Unknown rules or
options are a usage error (exit 2) with a did-you-mean, never silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ..config import Config
from ..diagnostics import SEVERITY_WORDS, Diagnostic, UsageError
from ..validate.messages import did_you_mean
from .registry import Rule, all_rules



@dataclass(frozen=True)
class RuleSetting:
    rule: Rule
    severity: str  # error | warning | info | off
    options: Mapping[str, Any]


def resolve_settings(config: Config, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> dict[str, RuleSetting]:
    rules = all_rules()
    problems: list[Diagnostic] = []
    settings: dict[str, RuleSetting] = {}
    for name, rule in rules.items():
        severity = rule.severity
        if config.lint_extends == "strict" and rule.strict:
            severity = rule.strict
        settings[name] = RuleSetting(rule, severity, dict(rule.options))

    for name, (value, pos) in config.lint_rules.items():
        if name.startswith("x-"):
            continue
        if name not in rules:
            problems.append(Diagnostic.at(pos, "schema", f"unknown lint rule `{name}` in cjmc.yaml",
                                          hint=did_you_mean(name, rules) or "run `cjmc rules` for the list"))
            continue
        current = settings[name]
        if isinstance(value, str):
            settings[name] = RuleSetting(current.rule, SEVERITY_WORDS[value], current.options)
            continue
        options = dict(current.options)
        severity = SEVERITY_WORDS[value["severity"]] if "severity" in value else current.severity
        for option, option_value in value.items():
            if option == "severity" or option.startswith("x-"):
                continue
            if option not in current.rule.options:
                known = ", ".join(current.rule.options) or "none"
                problems.append(Diagnostic.at(pos, "schema", f"rule `{name}` has no option `{option}`",
                                              hint=did_you_mean(option, current.rule.options)
                                              or f"its options: {known}"))
                continue
            default = current.rule.options[option]
            if not _same_type(default, option_value):
                problems.append(Diagnostic.at(pos, "schema",
                                              f"option `{option}` of rule `{name}` must be "
                                              f"{type(default).__name__}, got `{option_value}`"))
                continue
            options[option] = option_value
        settings[name] = RuleSetting(current.rule, severity, options)

    select, ignore = list(select), list(ignore)
    for name in [*select, *ignore]:
        if name not in rules:
            raise UsageError(f"unknown lint rule `{name}`" + (f"; {did_you_mean(name, rules)}"
                                                              if did_you_mean(name, rules) else ""))
    if problems:
        raise UsageError("cjmc.yaml has lint settings that cannot be used", problems)
    for name, setting in settings.items():
        if (select and name not in select) or name in ignore:
            settings[name] = RuleSetting(setting.rule, "off", setting.options)
        elif select and setting.severity == "off":
            settings[name] = RuleSetting(setting.rule, setting.rule.severity, setting.options)
    return settings


def _same_type(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))
