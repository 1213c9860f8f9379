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
    """``json.dumps(value, indent=2, ensure_ascii=False, allow_nan=allow_nan)``."""
    out: list[str] = []
    try:
        _write(value, 0, out, allow_nan)
    except _Unusual:
        return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=allow_nan)
    return "".join(out)


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
    else:
        out.append(_scalar(value, allow_nan))
