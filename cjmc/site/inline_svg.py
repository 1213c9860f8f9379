"""SVG diagrams inlined in pages: no prolog, an accessible name, ids that cannot clash with the page's.

Works on UTF-8 bytes, as :mod:`cjmc.render.svgclean` does and for the same
reason: a build inlines ~1,000 flow diagrams of ~90 KB, whose text Python
would hold as two bytes a character. Every pattern is ASCII.
"""

from __future__ import annotations

import re
from html import unescape

from markupsafe import Markup, escape

from ..render.svgclean import PROLOG, strip_text

# No leading \b: a pattern that starts with a literal is scanned ~20 times faster; _word_before checks it.
_ID = re.compile(rb'id="([^"]*)"')
_REF = re.compile(rb'(url\(#)([^")]*)')
_LABELLEDBY = re.compile(rb'(aria-(?:labelledby|describedby)=")([^"]*)(")')
_CONTINUATION = range(0x80, 0xC0)  # the bytes after the first of a UTF-8 character
_ASCII_WORD = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")


def _word_before(match: re.Match) -> bool:
    """Whether a word character (``str.isalnum`` or ``_``) precedes the match: what a leading ``\\b`` refuses."""
    data, end = match.string, match.start()
    if end == 0:
        return False
    if data[end - 1] < 0x80:  # ASCII, nearly always (a space)
        return data[end - 1] in _ASCII_WORD
    start = end - 1
    while start > 0 and end - start < 4 and data[start] in _CONTINUATION:
        start -= 1
    character = data[start:end].decode("utf-8", "replace")[-1:]
    return character.isalnum() or character == "_"


def _root(svg: bytes) -> int:
    """Where the first ``<svg`` tag starts (``<svg`` then no word character, as ``\\b`` means in text); -1 if none."""
    for match in re.finditer(rb"<svg", svg):
        following = svg[match.end():match.end() + 4].decode("utf-8", "replace")[:1]
        if not (following.isalnum() or following == "_"):
            return match.start()
    return -1


def _text(data: bytes) -> str:
    return unescape(data.decode("utf-8", "replace"))


def inline_svg(svg: bytes, label: str, prefix: str, *, without_prolog: bool = False) -> bytes:
    """Make an SVG document (UTF-8) inline-able in a page; empty when it has no ``<svg ...>`` root.

    Drops any prolog, gives the root ``role="img"`` and an accessible name when
    it has none, and prefixes every id the SVG defines (and the references to
    them) with ``prefix``, so the SVG's ids (Graphviz writes ``step-x`` for a
    step node) never collide with the page's own ``#step-x`` targets. Links
    are navigation and always mean the page's elements (the flow's nodes
    link to ``#step-x``), so ``href="#..."`` is never rewritten; ``url(#...)``
    and ``aria-labelledby`` references are.

    ``without_prolog``: the caller knows ``svg`` has no prolog, DOCTYPE or
    comment (``clean_svg_bytes`` took them out, or cjmc wrote it): looking
    for them took ~0.1-0.2 ms of a 90 KB flow diagram here.
    """
    if not without_prolog and (b"<?" in svg or b"<!" in svg):
        svg = PROLOG.sub(b"", svg)
    svg = strip_text(svg)
    root = _root(svg)
    if root < 0:
        return b""
    svg = svg[root:]
    mark = prefix.encode("utf-8")
    references = b"url(#" in svg, b"aria-" in svg
    # The ids the SVG defines, as written (Graphviz writes `-` as `&#45;`): only references need them.
    defined = {_text(m.group(1)) for m in _ID.finditer(svg) if not _word_before(m)} if any(references) else set()
    svg = _ID.sub(lambda m: m.group(0) if _word_before(m) else b'id="' + mark + m.group(1) + b'"', svg)
    if references[0]:
        svg = _REF.sub(lambda m: m.group(1) + (mark if _text(m.group(2)) in defined else b"") + m.group(2), svg)
    if references[1]:
        svg = _LABELLEDBY.sub(lambda m: m.group(0) if _word_before(m) else m.group(1) + " ".join(
            prefix + token if unescape(token) in defined else token
            for token in m.group(2).decode("utf-8").split()).encode("utf-8") + m.group(3), svg)
    head_end = svg.find(b">")
    if head_end < 0:  # "<svg" and nothing after it is no SVG either
        return b""
    head = svg[:head_end]
    extra = ""
    if b"role=" not in head:
        # An SVG with links is navigation, not a picture: links inside role="img" are hidden from assistive tech.
        extra += ' role="group"' if b"<a " in svg else ' role="img"'
    if b"aria-label" not in head:
        extra += f' aria-label="{escape(label)}"'
    if b"focusable=" not in head:
        extra += ' focusable="false"'
    return b"<svg" + extra.encode("utf-8") + svg[4:]


def inline_svg_text(svg: str, label: str, prefix: str, *, without_prolog: bool = False) -> Markup:
    """:func:`inline_svg` of a text, as markup."""
    return Markup(inline_svg(svg.encode("utf-8"), label, prefix, without_prolog=without_prolog).decode("utf-8"))
