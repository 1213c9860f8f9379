"""Turn jsonschema errors into one plain sentence each, placed at the right node.

Authors never see "Additional properties are not allowed ('x' was unexpected)":
they see "unknown key `pain_point` in step `sees-ad`" with a did-you-mean hint
at the line of the key. Placement follows FORMAT.md section 6: an unknown key
points at the key, a missing key at the mapping that lacks it, a bad value at
the value.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Iterable, Sequence

from ..diagnostics import Diagnostic, Position
from ..load.yaml_loader import LocDict, LocList, line_column

ID_PATTERN = "^[a-z0-9][a-z0-9_-]{0,63}$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"

# What an item of a list key is called in messages.
ITEM_NAMES = {
    "stages": "stage",
    "steps": "step",
    "pain_points": "pain point",
    "opportunities": "opportunity",
    "kpis": "metric use",
    "channels": "channel",
    "teams": "team",
    "touchpoints": "touchpoint",
    "evidence": "evidence item",
}
MAPPING_NAMES = {"moment_of_truth": "moment of truth", "lint": "lint settings", "site": "site settings",
                 "diagrams": "diagram settings", "rules": "rule settings", "lint_ignore": "lint_ignore"}

JSON_TYPE_WORDS = {
    "string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
    "array": "a list", "object": "a mapping (key: value lines)", "null": "empty",
}


def close_match(word: str, candidates: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(str(word), sorted(set(candidates)), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    match = close_match(word, candidates)
    return f"did you mean `{match}`?" if match else ""


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", str(text).lower()).strip("-_")
    return slug[:64] or "my-id"


def _describe_value(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (LocDict, dict)):
        return "a mapping"
    if isinstance(value, (LocList, list)):
        return "a list"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"text (\"{shown}\")"
    return f"`{value}`"


class Locator:
    """Finds positions and element names for paths inside one document."""

    def __init__(self, file: str, root: Any, doc_pos: tuple[int, int], kind: str):
        self.file = file
        self.root = root
        self.doc_pos = doc_pos
        self.kind = kind

    def _walk(self, path: Sequence[Any]) -> tuple[Any, Any]:
        """Return (parent, node) for ``path``; parent is None for the root."""
        parent, node = None, self.root
        for part in path:
            parent = node
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return parent, None
        return parent, node

    def position(self, path: Sequence[Any], *, key: bool = False) -> Position:
        if not path:
            mark = getattr(self.root, "pos", None)
            return Position(self.file, *(self.doc_pos if mark is None else line_column(mark)))
        parent, node = self._walk(path)
        last = path[-1]
        pos = None
        if isinstance(parent, LocDict):
            table = parent.key_pos if key else parent.value_pos
            pos = table.get(last)
        elif isinstance(parent, LocList) and isinstance(last, int) and last < len(parent.item_pos):
            pos = parent.item_pos[last]
        if pos is None:
            pos = getattr(node, "pos", None) or getattr(parent, "pos", None)
        return Position(self.file, *(self.doc_pos if pos is None else line_column(pos)))

    def element_name(self, path: Sequence[Any]) -> str:
        """Human name of the element at ``path``, e.g. "step `sees-ad`"."""
        _, node = self._walk(path)
        noun = self.kind
        for i in range(len(path) - 1, -1, -1):
            part = path[i]
            if isinstance(part, int) and i > 0 and isinstance(path[i - 1], str):
                noun = ITEM_NAMES.get(path[i - 1], "item")
                if self.kind == "catalog" and path[i - 1] == "metrics" and i == 1:
                    noun = "metric"
                elif path[i - 1] == "metrics":
                    noun = "metric use"
                break
            if isinstance(part, str):
                noun = MAPPING_NAMES.get(part, f"`{part}`")
                break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            return f"{noun} `{node['id']}`"
        return noun


def translate(error: Any, locator: Locator) -> list[Diagnostic]:
    """One jsonschema ValidationError → diagnostics (several for several unknown keys)."""
    path = list(error.absolute_path)
    validator = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    instance = error.instance
    key_name = next((p for p in reversed(path) if isinstance(p, str)), None)

    if validator in ("anyOf", "oneOf"):
        from jsonschema.exceptions import best_match

        best = best_match(error.context) if error.context else None
        if best is not None and best is not error:
            # best_match's path is relative to the anyOf's instance.
            best_path = path + list(best.relative_path)
            best.path.clear()
            best.path.extend(best_path)
            return translate(best, locator)

    if validator == "additionalProperties" and isinstance(instance, dict):
        allowed = sorted(schema.get("properties", {}))
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        results = []
        where = locator.element_name(path)
        for extra in instance:
            if extra in allowed or any(p.search(extra) for p in patterns):
                continue
            suggestion = did_you_mean(extra, allowed)
            hint = suggestion or (f"allowed keys: {', '.join(allowed)}" if allowed else "")
            if not suggestion:
                hint += "; keys starting with `x-` hold your own extension data"
            results.append(Diagnostic.at(
                locator.position(path + [extra], key=True), "schema",
                f"unknown key `{extra}` in {where}", hint=hint))
        return results

    if validator == "required":
        missing = [k for k in error.validator_value if isinstance(instance, dict) and k not in instance]
        where = locator.element_name(path)
        return [Diagnostic.at(locator.position(path), "schema",
                              f"missing required key `{k}` in {where}",
                              hint=_required_hint(k, locator.kind)) for k in missing]

    pos = locator.position(path)
    subject = f"`{key_name}`" if key_name else locator.kind

    if validator == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, list) else [expected]
        words = " or ".join(JSON_TYPE_WORDS.get(t, t) for t in expected)
        hint = ""
        if "string" in expected and isinstance(instance, (bool, int, float)):
            hint = f"put the value in quotes: \"{_plain(instance)}\""
        elif "array" in expected and not isinstance(instance, list):
            hint = f"write a list, e.g. {key_name or 'key'}: [{_plain(instance) if instance is not None else '...'}]"
        return [Diagnostic.at(pos, "schema", f"{subject} must be {words}, not {_describe_value(instance)}",
                              hint=hint)]

    if validator in ("enum", "const"):
        allowed = error.validator_value if validator == "enum" else [error.validator_value]
        allowed_text = ", ".join(str(a) for a in allowed)
        suggestion = did_you_mean(str(instance), [str(a) for a in allowed])
        hint = suggestion or f"allowed values: {allowed_text}"
        if isinstance(instance, bool):
            hint = "YAML reads this word as true/false; write one of: " + allowed_text
        return [Diagnostic.at(pos, "schema",
                              f"{subject} must be one of {allowed_text}; got {_describe_value(instance)}",
                              hint=hint)]

    if validator == "pattern":
        pattern = error.validator_value
        if pattern == ID_PATTERN:
            return [Diagnostic.at(pos, "schema", f"`{instance}` is not a valid id",
                                  hint="ids use lowercase letters, digits, `-` and `_`, start with a letter "
                                       f"or digit and have at most 64 characters, e.g. `{slugify(instance)}`")]
        if pattern == DATE_PATTERN:
            return [Diagnostic.at(pos, "schema", f"{subject} must be a date written YYYY-MM-DD; got `{instance}`",
                                  hint="for example 2026-09-01")]
        return [Diagnostic.at(pos, "schema", f"{subject} does not match the expected form `{pattern}`")]

    if validator in ("minimum", "maximum"):
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            message = f"{subject} must be between {low} and {high}; got {_plain(instance)}"
        elif low is not None:
            message = f"{subject} must be at least {low}; got {_plain(instance)}"
        else:
            message = f"{subject} must be at most {high}; got {_plain(instance)}"
        hint = "emotion runs from -2 (very negative) to 2 (very positive)" if key_name == "emotion" else ""
        return [Diagnostic.at(pos, "schema", message, hint=hint)]

    if validator == "minItems":
        return [Diagnostic.at(pos, "schema", f"{subject} needs at least {error.validator_value} "
                                             f"item{'s' if error.validator_value != 1 else ''}")]
    if validator == "minLength":
        return [Diagnostic.at(pos, "schema", f"{subject} must not be empty")]
    if validator == "maxLength":
        return [Diagnostic.at(pos, "schema", f"{subject} is longer than {error.validator_value} characters")]

    return [Diagnostic.at(pos, "schema", f"{subject}: {error.message}")]


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


_REQUIRED_HINTS = {
    "kind": "add `kind: journey`, `kind: persona` or `kind: catalog` as the first line of the document",
    "id": "add an id, e.g. `id: my-thing` (lowercase letters, digits, `-`, `_`)",
    "personas": "name at least one persona this journey is for, e.g. `personas: [commuter]`",
    "stages": "a journey needs at least one stage with steps",
    "steps": "a stage needs at least one step",
    "why": "say why this moment makes or breaks the journey",
    "channel": "name the channel this touchpoint is on, e.g. `channel: web`",
    "better": "say whether higher or lower is better: `better: higher`",
    "metric": "name the metric this measures, e.g. `metric: conversion-rate`",
}


def _required_hint(key: str, kind: str) -> str:
    return _REQUIRED_HINTS.get(key, f"add `{key}: ...`")
