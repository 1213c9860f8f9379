"""JSON text as ``json.dumps(value, indent=2, ensure_ascii=False)`` writes it, in a third of the time.

The standard library's C encoder works only without ``indent``; with it,
``json`` runs a generator per container in Python. The reports CI reads
(SARIF, JSON, GitLab) and the exported manifest are indented: for 29,371
findings of a 1,000-journey portfolio the SARIF log's ``json.dumps`` took
0.8 s, two thirds of rendering it. :func:`dumps_indented` builds the same
text with one Python call per container and C for every string. Output is
byte-identical (``tests/core/test_jsontext.py`` compares it with
``json.dumps`` on every report, the manifest and generated values); a
value it does not handle exactly as ``json`` does (a key that is not a
string, a type ``json`` cannot write, nesting past :data:`MAX_DEPTH`) is
handed to ``json.dumps`` whole, so errors are ``json``'s too.

A report is mostly one array of objects that all have the same keys
(29,371 SARIF results). :class:`Rows` holds such an array as values
only, each with its :class:`Shape`; it is written with one ``%``-format
per object, each column of strings escaped by one ``map`` in C. The SARIF
log of that portfolio took 0.65 s to render with dictionaries and
:func:`dumps_indented`, against ~0.25 s with :class:`Rows`.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring
from typing import Any

MAX_DEPTH = 200  # deeper values (and cycles) go to json.dumps, which reports a cycle as it always has
_INDENTS = ["\n" + "  " * level for level in range(MAX_DEPTH + 2)]


class _Unusual(Exception):
    """A value to leave to ``json.dumps``."""


def dumps_indented(value: Any, *, allow_nan: bool = True) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False, allow_nan=allow_nan)``; a :class:`Rows` is its list."""
    out: list[str] = []
    try:
        _write(value, 0, out, allow_nan)
    except _Unusual:
        return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=allow_nan, default=_as_list)
    return "".join(out)


class Shape:
    """The layout of JSON objects that many values share: the same keys in the same order.

    ``layout`` is the object with the type ``str`` or ``int`` in the place
    of each value that differs from object to object (a *slot*); every
    other leaf is a constant, written as it is. ``Shape({"rule": str,
    "where": {"line": int, "kind": "file"}})`` has two slots, filled in
    that order by the values of a :class:`Rows` item.
    """

    __slots__ = ("layout", "kinds", "_templates")

    def __init__(self, layout: dict):
        self.layout = layout
        self.kinds: tuple[type, ...] = tuple(_slot_kinds(layout))
        self._templates: dict[int, str] = {}

    def fill(self, values: tuple) -> dict:
        """The object with ``values`` in its slots."""
        if len(values) != len(self.kinds):
            raise ValueError(f"{len(self.kinds)} values expected, got {len(values)}")
        return _filled(self.layout, iter(values))

    def template(self, level: int) -> str:
        """The object written at nesting ``level``, with ``%s`` for each slot and every other ``%`` doubled."""
        template = self._templates.get(level)
        if template is None:
            out: list = []
            _write(_filled(self.layout, iter([_SLOT] * len(self.kinds))), level, out, True)
            template = "".join("%s" if part is _SLOT else part.replace("%", "%%") for part in out)
            self._templates[level] = template
        return template


class Rows:
    """A JSON array of objects, each given as ``(shape, values)``: see :class:`Shape`."""

    __slots__ = ("items",)

    def __init__(self, items: list[tuple[Shape, tuple]]):
        self.items = items

    def to_list(self) -> list[dict]:
        """The array as dictionaries (what ``json.dumps`` is given when it writes one)."""
        return [shape.fill(values) for shape, values in self.items]


class _Slot:
    """Where a :class:`Shape`'s template takes a value."""


_SLOT = _Slot()


def _slot_kinds(layout: Any):
    if layout is str or layout is int:
        yield layout
    elif isinstance(layout, dict):
        for item in layout.values():
            yield from _slot_kinds(item)
    elif isinstance(layout, (list, tuple)):
        for item in layout:
            yield from _slot_kinds(item)


def _filled(layout: Any, values: Any) -> Any:
    if layout is str or layout is int:
        return next(values)
    if isinstance(layout, dict):
        return {key: _filled(item, values) for key, item in layout.items()}
    if isinstance(layout, (list, tuple)):
        return [_filled(item, values) for item in layout]
    return layout


def _as_list(value: Any) -> list:
    """``json.dumps``'s ``default``: a :class:`Rows` as its list; anything else refused as json refuses it."""
    if type(value) is Rows:
        return value.to_list()
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


_ENCODERS = {str: encode_basestring, int: int.__repr__}


def _write_rows(rows: Rows, level: int, out: list) -> None:
    """A :class:`Rows` at ``level``: the objects of each shape made a column at a time."""
    items = rows.items
    if not items:
        out.append("[]")
        return
    if level + 1 >= MAX_DEPTH:
        raise _Unusual
    by_shape: dict[Shape, list[int]] = {}
    for index, (shape, values) in enumerate(items):
        if len(values) != len(shape.kinds):
            raise _Unusual  # json.dumps, through Shape.fill, raises the error
        by_shape.setdefault(shape, []).append(index)
    texts: list[str] = [""] * len(items)
    for shape, indices in by_shape.items():
        template = shape.template(level + 1)
        columns = list(zip(*(items[index][1] for index in indices))) if shape.kinds else []
        encoded = []
        for kind, column in zip(shape.kinds, columns):
            if set(map(type, column)) != {kind}:  # None, a subclass, a bool in place of an int: json's rules
                raise _Unusual
            encoded.append(map(_ENCODERS[kind], column))
        if encoded:
            for index, fields in zip(indices, zip(*encoded)):
                texts[index] = template % fields
        else:
            for index in indices:
                texts[index] = template % ()
    inner = _INDENTS[level + 1]
    out.append("[" + inner)
    out.append(("," + inner).join(texts))
    out.append(_INDENTS[level] + "]")


def _float(value: float, allow_nan: bool) -> str:
    if math.isfinite(value):
        return float.__repr__(value)
    if not allow_nan:
        raise _Unusual  # json.dumps raises its ValueError
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def _scalar(value: Any, allow_nan: bool) -> str:
    """A non-container value as json writes it (same checks, same order as ``json.encoder``)."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value, allow_nan)
    raise _Unusual


def _opened(value: Any, level: int, out: list[str], bracket: str) -> str | None:
    """Open a container at ``level``: None when it is empty (written whole), else the separator of its items."""
    if not value:
        out.append("{}" if bracket == "{" else "[]")
        return None
    if level >= MAX_DEPTH:
        raise _Unusual
    inner = _INDENTS[level + 1]
    out.append(bracket + inner)
    return "," + inner


def _write(value: Any, level: int, out: list[str], allow_nan: bool) -> None:
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif kind is dict or (kind is not list and kind is not tuple and isinstance(value, dict)):
        separator = _opened(value, level, out, "{")
        if separator is None:
            return
        first = True
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual  # json's own conversions of other keys, and its errors
            if first:
                first = False
            else:
                out.append(separator)
            item_kind = type(item)
            if item_kind is str:
                out.append(encode_basestring(key) + ": " + encode_basestring(item))
            elif item_kind is int:
                out.append(encode_basestring(key) + ": " + int.__repr__(item))
            else:
                out.append(encode_basestring(key) + ": ")
                _write(item, level + 1, out, allow_nan)
        out.append(_INDENTS[level] + "}")
    elif kind is list or kind is tuple or isinstance(value, (list, tuple)):
        separator = _opened(value, level, out, "[")
        if separator is None:
            return
        first = True
        for item in value:
            if first:
                first = False
            else:
                out.append(separator)
            if type(item) is str:
                out.append(encode_basestring(item))
            else:
                _write(item, level + 1, out, allow_nan)
        out.append(_INDENTS[level] + "]")
    elif kind is Rows:
        _write_rows(value, level, out)
    elif kind is _Slot:
        out.append(value)
    else:
        out.append(_scalar(value, allow_nan))
