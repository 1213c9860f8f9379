"""Making Graphviz's SVG fit to inline in HTML, the same on every run.

* drop the XML prolog, DOCTYPE and comments (they carry the engine version
  and are invalid inside HTML);
* give every node and cluster a ``<title>`` readers understand: Graphviz
  titles them with the DOT name (``step__sees-ad``), so the first line of the
  element's tooltip (the step's name, by construction) replaces it;
* use the palette's font stack (layout ran with Helvetica metrics).

The work is done on the UTF-8 bytes Graphviz wrote. Its SVGs hold text
beyond Latin-1 (``·``, curly quotes), which Python keeps as two bytes a
character: decoding, three substitutions and encoding again took ~1.0 ms of
a 90 KB flow diagram, against ~0.4 ms on bytes. Every pattern is ASCII, so
it matches the same text in the bytes as in the decoded string.
"""

from __future__ import annotations

import re

from .palette import FONT_FAMILY

# What ``\s`` matches in a text pattern (every character str.isspace() accepts), as UTF-8: in a bytes pattern
# ``\s`` is ASCII's six only.
SPACE = (rb"(?:[\t-\r\x1c-\x20]|\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f"
         rb"|\xe3\x80\x80)")
PROLOG = re.compile(rb"<\?xml[^>]*\?>%s*|<!DOCTYPE[^>]*>%s*|<!--.*?-->%s*" % (SPACE, SPACE, SPACE), re.S)
_GROUP = re.compile(rb'(<g id="[^"]*" class="(?:graph|node|cluster)">%s*<title>)([^<]*)(</title>%s*<g id="[^"]*">'
                    rb'<a [^>]*?xlink:title="([^"]*)")' % (SPACE, SPACE), re.S)
_FONT = re.compile(rb'font-family="(?:Helvetica,sans-Serif|Helvetica)"')
_FONT_STACK = f'font-family="{FONT_FAMILY}"'.encode()
# Bytes that may start or end what str.strip() strips and bytes.strip() does not: ASCII's separators \x1c-\x1f
# and every non-ASCII byte (part of a space such as U+00A0 or U+3000, perhaps).
_MAYBE_TEXT_SPACE = frozenset(range(0x1C, 0x20)) | frozenset(range(0x80, 0x100))


def clean_svg_bytes(svg: bytes) -> bytes:
    """Graphviz's SVG (UTF-8) cleaned as the module says, as UTF-8."""
    svg = PROLOG.sub(b"", svg)
    svg = _GROUP.sub(lambda m: m.group(1) + m.group(4).split(b"&#10;")[0] + m.group(3), svg)
    svg = _FONT.sub(_FONT_STACK, svg)
    return strip_text(svg) + b"\n"


def strip_text(data: bytes) -> bytes:
    """UTF-8 ``data`` without the whitespace at either end that ``str.strip`` would remove."""
    data = data.strip()
    if data and (data[0] in _MAYBE_TEXT_SPACE or data[-1] in _MAYBE_TEXT_SPACE):
        return data.decode("utf-8").strip().encode("utf-8")
    return data
