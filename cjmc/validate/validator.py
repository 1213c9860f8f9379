"""Check each loaded document against the JSON Schema of its kind."""

from __future__ import annotations

from typing import Any

from ..diagnostics import Diagnostic, Position
from ..load.yaml_loader import Document, LocDict, line_column
from .messages import Locator, did_you_mean, translate
from .schemas import KINDS, full_validator, is_valid_fast


def document_kind(document: Document) -> tuple[str | None, list[Diagnostic]]:
    """The document's kind, or None with the diagnostics that explain why not."""
    data = document.data
    if not isinstance(data, LocDict):
        return None, [Diagnostic.at(document.position, "schema",
                                    "a map document must be a mapping of keys, starting with `kind:`",
                                    hint="start the document with `kind: journey`, `kind: persona` or `kind: catalog`")]
    if "kind" not in data:
        return None, [Diagnostic.at(Position(document.file, *line_column(data.pos)), "schema",
                                    "missing required key `kind` in this document",
                                    hint="add `kind: journey`, `kind: persona` or `kind: catalog`")]
    kind = data["kind"]
    if kind not in KINDS:
        pos = Position(document.file, *line_column(data.value_pos["kind"]))
        hint = did_you_mean(str(kind), KINDS) or "use journey, persona or catalog"
        return None, [Diagnostic.at(pos, "schema", f"unknown kind `{kind}`; a document is a journey, "
                                                   "persona or catalog", hint=hint)]
    return kind, []


def validate_document(document: Document, kind: str) -> list[Diagnostic]:
    """All schema problems of one document (empty when it is valid)."""
    if is_valid_fast(kind, document.data):
        return []
    return schema_errors(kind, document.data, document.file, (document.line, document.column))


def schema_errors(schema_name: str, data: Any, file: str, doc_pos: tuple[int, int]) -> list[Diagnostic]:
    locator = Locator(file, data, doc_pos, schema_name)
    results: list[Diagnostic] = []
    for error in _one_per_value(full_validator(schema_name).iter_errors(data)):
        results.extend(translate(error, locator))
    return sorted(set(results))


# When one value breaks several keywords (``state: true`` is neither text nor an
# allowed word), the author needs one sentence: keep the most specific.
_VALUE_KEYWORD_PRIORITY = {"enum": 0, "const": 0, "pattern": 1, "minimum": 1, "maximum": 1, "type": 2}


def _one_per_value(errors):
    chosen: dict[tuple, object] = {}
    rest = []
    for error in errors:
        if error.validator not in _VALUE_KEYWORD_PRIORITY:
            rest.append(error)
            continue
        key = tuple(error.absolute_path)
        current = chosen.get(key)
        if current is None or _VALUE_KEYWORD_PRIORITY[error.validator] < _VALUE_KEYWORD_PRIORITY[current.validator]:
            chosen[key] = error
    return rest + list(chosen.values())
