"""Making map text safe for DOT and SVG, and wrapping long names.

Map strings never reach DOT unescaped. Rules, checked against Debian's dot
2.43 and graphviz-pure (both behave the same):

* HTML-like labels (``label=<...>``): XML-escape ``& < > "``; a backslash
  must be doubled, because both engines expand ``\\N``, ``\\G``... inside
  HTML text too.
* Quoted tooltips go through escape expansion twice, so each backslash is
  written as four; ``& < > "`` become entities, which both engines copy to
  the SVG as they are.
* URLs: characters that are unsafe in a quoted DOT string or in XML are
  percent-encoded.

Everywhere, characters that XML 1.0 forbids are dropped and other control
characters (tabs, newlines) become spaces.
"""

from __future__ import annotations

import re
import unicodedata

# XML 1.0 Char production, minus the C0 controls we turn into spaces.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"[\t\n\r\x85\u2028\u2029]+")


def clean(text: object) -> str:
    """``text`` as one line of XML-safe characters (controls dropped, line breaks → spaces)."""
    value = str(text)
    if value.isprintable():  # no line break, control, surrogate or noncharacter: nothing to replace or drop
        return value.strip()
    value = _SPACES.sub(" ", value)
    if value.isprintable():
        return value.strip()
    value = _INVALID_XML.sub("", value)
    # C1 controls (U+0080..U+009F) are legal XML but meaningless in a label.
    return "".join(ch for ch in value if unicodedata.category(ch) != "Cc").strip()


def xml_escape(text: object) -> str:
    """Escape for XML text and attribute values (also used by the pure-SVG renderer)."""
    return (clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def html_label_text(text: object) -> str:
    """Escape one piece of map text for a Graphviz HTML-like label."""
    return xml_escape(text).replace("\\", "\\\\")


def tooltip_text(lines: list[str]) -> str:
    """The inside of a quoted ``tooltip`` attribute; lines joined with DOT's ``\\n``."""
    return "\\n".join(xml_escape(line).replace("\\", "\\\\\\\\") for line in lines if clean(line))


# Any character that url_text drops or percent-encodes; most URLs have none.
_URL_UNSAFE = re.compile('[\x00-\x20\x7f\\\\"<>{}|^`\ud800-\udfff\ufffe\uffff]')


def url_text(url: str) -> str:
    """The inside of a quoted ``URL``/``href`` attribute."""
    value = str(url)
    if _URL_UNSAFE.search(value) is None:
        return value.replace("&", "&amp;")
    value = _INVALID_XML.sub("", value)
    out = []
    for ch in value:
        if ch in '\\"<>{}|^` ' or ord(ch) < 0x21 or ord(ch) == 0x7F:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
        else:
            out.append(ch)
    return "".join(out).replace("&", "&amp;")


def wrap(text: object, width: int = 22, max_lines: int | None = None) -> list[str]:
    """Split ``text`` into lines of at most ``width`` characters, on word boundaries.

    A word longer than ``width`` gets a line of its own (and is cut only if it
    is longer than twice the width). With ``max_lines``, the last kept line
    ends in an ellipsis.
    """
    words = clean(text).split(" ")
    lines: list[str] = []
    current = ""
    for word in words:
        if not word:
            continue
        while len(word) > 2 * width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current = f"{current} {word}"
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(1, width - 1)].rstrip() + "…"
    return lines or [""]


def html_lines(text: object, width: int = 22) -> str:
    """Wrapped, escaped text for an HTML-like label, lines joined by ``<br/>``."""
    return "<br/>".join(html_label_text(line) for line in wrap(text, width))
