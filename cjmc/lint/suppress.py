"""Suppressions: ``lint_ignore`` on elements and ``# cjmc:`` comments.

Each suppression records whether it was used, so the engine can report the
ones that suppress nothing (``unused-suppression``): stale ignores hide the
next real problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..diagnostics import Position
from ..model import Project
from .finding import Finding

COMMENT = re.compile(r"#\s*cjmc:\s*(disable-line|disable-file)\b\s*([a-z0-9, -]*)")


@dataclass
class Suppression:
    rule: str
    pos: Position
    reason: str
    scope: tuple  # ("element", journey, stage, step) | ("line", file, line, covers_next) | ("file", file)
    used: bool = False
    subject: tuple[str, ...] = ()


@dataclass
class Suppressions:
    items: list[Suppression] = field(default_factory=list)
    # rule -> its items, made at the first question: a portfolio's ~30,000 findings each asked every item.
    _by_rule: dict[str, list[Suppression]] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def collect(cls, project: Project) -> "Suppressions":
        items: list[Suppression] = []
        for journey in project.journeys.values():
            subject = (f"journey:{journey.id}",)
            pos = journey.value_pos.get("lint_ignore", journey.pos)
            for rule, reason in journey.lint_ignore.items():
                items.append(Suppression(rule, pos, reason, ("element", journey.id, None, None), subject=subject))
            for stage in journey.stages:
                pos = stage.value_pos.get("lint_ignore", stage.pos)
                stage_subject = subject + (f"stage:{stage.id}",)
                for rule, reason in stage.lint_ignore.items():
                    items.append(Suppression(rule, pos, reason, ("element", journey.id, stage.id, None),
                                             subject=stage_subject))
                for step in stage.steps:
                    pos = step.value_pos.get("lint_ignore", step.pos)
                    for rule, reason in step.lint_ignore.items():
                        items.append(Suppression(rule, pos, reason, ("element", journey.id, stage.id, step.id),
                                                 subject=stage_subject + (f"step:{step.id}",)))
        for file, comments in project.comments.items():
            for line, text in comments:
                match = COMMENT.search(text)
                if not match:
                    continue
                directive, names = match.groups()
                column = match.start() + 1
                comment_only = text.lstrip().startswith("#")
                for rule in filter(None, (n.strip() for n in names.split(","))):
                    pos = Position(file, line, column)
                    if directive == "disable-file":
                        items.append(Suppression(rule, pos, "", ("file", file)))
                    else:
                        items.append(Suppression(rule, pos, "", ("line", file, line, comment_only)))
        return cls(items)

    def suppresses(self, rule: str, finding: Finding) -> bool:
        if self._by_rule is None:
            self._by_rule = {}
            for item in self.items:
                self._by_rule.setdefault(item.rule, []).append(item)
        hit = False
        for item in self._by_rule.get(rule, ()):
            if self._matches(item.scope, finding):
                item.used = True
                hit = True
        return hit

    @staticmethod
    def _matches(scope: tuple, finding: Finding) -> bool:
        kind = scope[0]
        if kind == "element":
            _, journey, stage, step = scope
            if finding.journey != journey:
                return False
            if stage is not None and finding.stage != stage:
                return False
            return step is None or finding.step == step
        if kind == "line":
            _, file, line, covers_next = scope
            return finding.pos.file == file and (finding.pos.line == line or
                                                 (covers_next and finding.pos.line == line + 1))
        return finding.pos.file == scope[1]

    def unused(self) -> list[Suppression]:
        return [item for item in self.items if not item.used]
