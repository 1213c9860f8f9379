"""A tiny DOT writer: statements with attributes in a fixed order.

Values are passed already escaped (see text.py); ``html=True`` values are
emitted as ``<...>`` HTML-like labels, everything else as quoted strings.
Node names are derived from map ids, which match ``[a-z0-9_-]+``, so they are
always safe inside quotes.
"""

from __future__ import annotations


class Html(str):
    """An attribute value that is an HTML-like label body (emitted as ``<...>``)."""


def attrs(values: dict[str, object]) -> str:
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, Html):
            parts.append(f"{key}=<{value}>")
        else:
            parts.append(f'{key}="{value}"')
    return f" [{', '.join(parts)}]" if parts else ""


def node(name: str, values: dict[str, object], indent: str = "  ") -> str:
    return f'{indent}"{name}"{attrs(values)};'


def edge(a: str, b: str, values: dict[str, object], indent: str = "  ") -> str:
    return f'{indent}"{a}" -> "{b}"{attrs(values)};'


def defaults(kind: str, values: dict[str, object], indent: str = "  ") -> str:
    return f"{indent}{kind}{attrs(values)};"
