"""The Python loader: PyYAML composes, then :class:`_Builder` makes position-keeping values.

It loads every file the C loader gives back (see ``yaml_loader.py``), and
every file where the C loader was not built, and it reports every problem a
YAML file can have. We compose with PyYAML's C parser (when present); the
values keep the composer's own marks as positions. Keeping the marks the
composer made anyway, instead of a tuple of two new numbers for each of the
~1.2 million positions of a 1,000-journey portfolio, took a quarter off
building the values.

Two guards run before the tree is built, because the C composer recurses and
crashes the interpreter on pathological nesting, and because aliases can
expand exponentially ("billion laughs").
"""

from __future__ import annotations

import re
from sys import intern
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..diagnostics import Diagnostic
from .yaml_loader import (MAP, MAX_DEPTH, MAX_VALUES, MERGE, NULL, SEQ, SHARED_TEXT, STR, _MAYBE_NOT_TEXT,
                          _UNSUPPORTED, Document, LoadError, LocDict, LocList, _core_value, _implicit_tag)

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _CoreSchemaLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A loader that leaves tag resolution to :class:`_Builder`.

    The composer asks the loader to resolve the tag of every node and to track
    the path to it: three Python calls per node, a third of composing a large
    portfolio. Here they are C callables that do no work: ``resolve`` is
    ``slice``, so an implicitly tagged node gets ``slice(kind, value,
    implicit)`` as its tag, and the builder resolves plain scalars with the
    YAML 1.2 core schema itself. An explicit tag (``!!str``, ``!custom``)
    stays a string, as the author wrote it.
    """

    resolve = slice
    descend_resolver = {}.get  # (parent, index) -> index, ignored
    ascend_resolver = int  # () -> 0, ignored


def _tag(node: Any) -> str:
    """A node's resolved tag: the explicit one, or the core schema's."""
    tag = node.tag
    if tag.__class__ is not slice:
        return tag
    if node.__class__ is not ScalarNode:
        return SEQ if node.__class__ is SequenceNode else MAP
    value = node.value
    if not tag.step[0]:  # quoted, block or with the non-specific tag `!`: text
        return STR
    if not value:
        return NULL
    return _implicit_tag(value) if value[0] in _MAYBE_NOT_TEXT else STR


def load_with_pyyaml(text: str, file: str, anchors: bool) -> tuple[list[Document], list[Diagnostic]]:
    """:func:`yaml_loader.load_documents` for a file the C loader did not take; ``anchors``: it may have some."""
    problems: list[Diagnostic] = []
    try:
        if anchors or not _PARSER_LIMITS_DEPTH:
            _check_depth(text, file)
        nodes = list(yaml.compose_all(text, Loader=_CoreSchemaLoader))
    except LoadError as exc:
        return [], [exc.diagnostic]
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem):
            return [], [_depth_problem(text, file)]
        return [], [_syntax_diagnostic(exc, text, file)]
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML always marks its errors
        return [], [Diagnostic(file, 1, 1, "yaml-syntax", str(exc))]
    except RecursionError:
        return [], [_too_deep(file, 1, 1)]

    documents = []
    for index, node in enumerate(nodes):
        if node is None:
            continue
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        try:
            if anchors:
                _check_expansion(node, file)
            data = _Builder(file, problems).build(node, 0)
        except LoadError as exc:
            problems.append(exc.diagnostic)
            continue
        if data is None:  # an empty document ("---" with nothing after it) is ignored
            continue
        documents.append(Document(file, index, data, line, column))
    return documents, problems


def _syntax_diagnostic(exc: yaml.MarkedYAMLError, text: str, file: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = (exc.problem or "invalid YAML").strip()
    message = problem
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        message = f"{problem} ({exc.context} at line {exc.context_mark.line + 1})"
    hint = "check the indentation and quoting on this line and the one before"
    if exc.context and "quoted scalar" in exc.context and exc.context_mark is not None:
        mark = exc.context_mark
        line, column = mark.line + 1, mark.column + 1
        message = "this quoted text is never closed"
        hint = "add the closing quote (a quote inside the text is written \\\" or '')"
    offending = _char_at(text, mark.index) if mark else ""
    if offending == "\t" or "'\\t'" in problem:
        message = "a tab character cannot be used for indentation in YAML"
        hint = "indent with spaces (your editor can convert tabs to spaces)"
    elif "control characters" in problem or "special characters" in problem:
        hint = "remove the invisible control character or write it as an escape in double quotes"
    elif "mapping values are not allowed" in problem:
        hint = "a value containing ': ' must be quoted, e.g. name: \"Checkout: pay\""
    elif "found character '%'" in problem or "found character '@'" in problem \
            or "found character '`'" in problem:
        hint = "quote the value: it starts with a character YAML reserves"
    return Diagnostic(file, line, column, "yaml-syntax", message, hint=hint)


def _char_at(text: str, index: int) -> str:
    return text[index] if 0 <= index < len(text) else ""


def _too_deep(file: str, line: int, column: int) -> Diagnostic:
    return Diagnostic(file, line, column, "yaml-syntax",
                      f"the YAML is nested more than {MAX_DEPTH} levels deep",
                      hint="journey maps need far less nesting; is this file generated by mistake?")


_HALF_DEPTH = MAX_DEPTH // 2
# A line starting with this many spaces or block indicators could nest deeply.
_DEEP_LINE = re.compile(r"^[ \t?:-]{%d,}" % _HALF_DEPTH, re.MULTILINE)


def _libyaml_version() -> tuple[int, ...]:
    try:
        from yaml import _yaml

        return tuple(_yaml.get_version())
    except (ImportError, AttributeError):
        return (0,)


# libyaml 0.2.6 (bundled since PyYAML 6.0.3) refuses more than 1,000 nesting levels itself, so
# the recursive C composer cannot overflow; the builder enforces our own limit where it meets
# it, and no text needs a scan before composing. (Alias counting recurses in Python, so a file
# with anchors is still checked first.)
_PARSER_LIMITS_DEPTH = _BaseLoader is not yaml.SafeLoader and _libyaml_version() >= (0, 2, 6)


def _depth_problem(text: str, file: str) -> Diagnostic:
    """Where a text that libyaml found more than 1,000 levels deep passes our limit."""
    try:
        _check_depth(text, file)
    except LoadError as exc:
        return exc.diagnostic
    return _too_deep(file, 1, 1)  # pragma: no cover - deeper than libyaml allows is deeper than ours


def _check_depth(text: str, file: str) -> None:
    """Refuse pathological nesting before the recursive C composer sees it.

    Nesting comes from brackets and from indentation or block indicators at
    the start of a line. When both stay under half the limit the document
    cannot be too deep; only the rare file that might be pays for an exact
    count with the streaming event parser.
    """
    brackets = text.count("[") + text.count("{")
    if brackets > _HALF_DEPTH:
        brackets = _naive_bracket_depth(text)
    if brackets <= _HALF_DEPTH and _DEEP_LINE.search(text) is None:
        return
    try:
        _count_depth(text, file, _CoreSchemaLoader)
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" not in str(exc.problem):
            raise
        # libyaml 0.2.6 (PyYAML >= 6.0.3) stops at 1,000 levels, and its scanner reads a run of
        # brackets before the first event, so the C parser fails before we reach our limit.
        # PyYAML's Python scanner looks at most 1,024 characters ahead: it finds our exact place.
        _count_depth(text, file, yaml.SafeLoader)


def _count_depth(text: str, file: str, loader: type) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise LoadError(_too_deep(file, mark.line + 1, mark.column + 1))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


_BRACKET = re.compile(r"[\[\]{}]")


def _naive_bracket_depth(text: str) -> int:
    depth = deepest = 0
    for char in _BRACKET.findall(text):
        if char == "[" or char == "{":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif depth:
            depth -= 1
    return deepest


def _check_expansion(root: Any, file: str) -> None:
    """Count the values a document expands to, following aliases, in linear time."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Any) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            mark = node.start_mark
            raise LoadError(Diagnostic(file, mark.line + 1, mark.column + 1, "yaml-syntax",
                                       "an alias refers to the collection that contains it",
                                       hint="recursive anchors cannot describe a journey map"))
        if isinstance(node, ScalarNode):
            return 1
        active.add(key)
        if isinstance(node, MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        else:
            total = 1 + sum(size(item) for item in node.value)
        active.discard(key)
        if total > MAX_VALUES:
            mark = node.start_mark
            raise LoadError(Diagnostic(
                file, mark.line + 1, mark.column + 1, "yaml-syntax",
                f"this document expands to more than {MAX_VALUES:,} values through aliases",
                hint="anchors and aliases (&name / *name) are nested too deeply; is this an alias bomb?"))
        sizes[key] = total
        return total

    size(root)


class _Builder:
    """Turns composed nodes into LocDict/LocList/scalars, reporting as it goes.

    This runs once per node of every file, so the common cases come first and
    positions are computed inline.
    """

    __slots__ = ("file", "problems")

    def __init__(self, file: str, problems: list[Diagnostic]):
        self.file = file
        self.problems = problems

    def build(self, node: Any, depth: int) -> Any:
        """``node`` as a value; ``depth`` counts the collections around it (0 for a document's root)."""
        kind = node.__class__
        if kind is ScalarNode:
            tag = node.tag
            if tag.__class__ is slice:
                value = node.value
                if not tag.step[0] or (value and value[0] not in _MAYBE_NOT_TEXT):
                    return value if len(value) > SHARED_TEXT else intern(value)
            return self.scalar(node)
        if kind is SequenceNode:
            if depth >= MAX_DEPTH:
                self.too_deep(node)
            if node.tag.__class__ is not slice and node.tag != SEQ:
                self.unsupported_tag(node)
            result = LocList()
            result.pos = node.start_mark
            positions = []
            build = self.build
            for item in node.value:
                result.append(build(item, depth + 1))
                positions.append(item.start_mark)
            result.item_pos = positions
            return result
        return self.mapping(node, depth)

    def mapping(self, node: MappingNode, depth: int) -> LocDict:
        if depth >= MAX_DEPTH:
            self.too_deep(node)
        if node.tag.__class__ is not slice and node.tag != MAP:
            self.unsupported_tag(node)
        result = LocDict()
        result.pos = node.start_mark
        key_pos: dict[str, Any] = {}
        value_pos: dict[str, Any] = {}
        merged: set[str] = set()  # keys that came from `<<`; an explicit key overrides them
        build = self.build
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                mark = key_node.start_mark
                self.problems.append(Diagnostic(
                    self.file, mark.line + 1, mark.column + 1, "yaml-syntax",
                    "a key must be a plain word, not a list or mapping",
                    hint="complex keys ('? ') are not used in journey maps"))
                continue
            key = intern(key_node.value)  # keys are kept as the text the author wrote (one object per key)
            if key == "<<" and _tag(key_node) == MERGE:
                before = set(result)
                self.merge(result, key_pos, value_pos, value_node, depth)
                merged |= set(result) - before
                continue
            if key in result:
                if key in merged:
                    merged.discard(key)
                    del result[key]
                else:
                    mark = key_node.start_mark
                    self.problems.append(Diagnostic(
                        self.file, mark.line + 1, mark.column + 1, "duplicate-key",
                        f"duplicate key `{key}` (first defined at line {key_pos[key].line + 1})",
                        hint="remove one of the two; YAML would silently keep only the last"))
                    continue
            result[key] = build(value_node, depth + 1)
            key_pos[key] = key_node.start_mark
            value_pos[key] = value_node.start_mark
        result.key_pos = key_pos
        result.value_pos = value_pos
        return result

    def merge(self, result: LocDict, key_pos: dict, value_pos: dict, value_node: Any, depth: int) -> None:
        """Support ``<<: *defaults`` merge keys; explicit keys win over merged ones."""
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        for source in sources:
            if not isinstance(source, MappingNode):
                mark = source.start_mark
                self.problems.append(Diagnostic(self.file, mark.line + 1, mark.column + 1, "yaml-syntax",
                                                "`<<` must merge a mapping or a list of mappings"))
                continue
            merged = self.mapping(source, depth + 1)
            for key, value in merged.items():
                if key not in result:
                    result[key] = value
                    key_pos[key] = merged.key_pos[key]
                    value_pos[key] = merged.value_pos[key]

    def scalar(self, node: ScalarNode) -> Any:
        value = _core_value(_tag(node), node.value)
        if value is _UNSUPPORTED:
            self.unsupported_tag(node)
            return node.value
        return value

    def too_deep(self, node: Any) -> None:
        """Our limit: the collection at ``MAX_DEPTH`` levels, where :func:`_check_depth` would stop too."""
        raise LoadError(_too_deep(self.file, node.start_mark.line + 1, node.start_mark.column + 1))

    def unsupported_tag(self, node: Any) -> None:
        mark = node.start_mark
        self.problems.append(Diagnostic(
            self.file, mark.line + 1, mark.column + 1, "yaml-syntax",
            f"unsupported YAML tag `{node.tag}`",
            hint="remove the tag; journey maps use plain strings, numbers, lists and mappings"))
