"""Markdown in ``description`` fields, rendered safely.

CommonMark with raw HTML turned off (it is escaped, not passed through), links
and images only with an http, https or mailto scheme or a relative URL, and
``rel="noopener"`` on every link. Headings are shifted down so an author's
``#`` never competes with the page's own ``<h1>``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup

from .markdown_plain import plain_html

ALLOWED_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def link_allowed(url: str) -> bool:
    """True for http(s)/mailto URLs and relative ones (no scheme at all)."""
    # Browsers ignore ASCII whitespace and control characters inside a scheme.
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url)
    match = _SCHEME.match(cleaned)
    if match is None:
        return True  # relative, or protocol-relative (http/https)
    return match.group(1).lower() in ALLOWED_SCHEMES


@lru_cache(maxsize=None)
def _parser(heading_shift: int):
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})
    md.validateLink = link_allowed  # type: ignore[method-assign]

    def link_open(renderer, tokens, idx, options, env):
        token = tokens[idx]
        token.attrSet("rel", "noopener")
        return renderer.renderToken(tokens, idx, options, env)

    def heading(renderer, tokens, idx, options, env):
        token = tokens[idx]
        level = min(6, int(token.tag[1]) + heading_shift)
        token.tag = f"h{level}"
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    if heading_shift:
        md.add_render_rule("heading_open", heading)
        md.add_render_rule("heading_close", heading)
    return md


def render_markdown(text: str | None, *, heading_shift: int = 2) -> Markup:
    """Safe HTML for a Markdown text (empty for None)."""
    if not text:
        return Markup("")
    html = plain_html(text)
    return Markup(html if html is not None else _parser(heading_shift).render(text))


def render_inline(text: str | None) -> Markup:
    """Safe HTML for one line of Markdown (no paragraph), e.g. a rule's summary."""
    if not text:
        return Markup("")
    return Markup(_parser(0).renderInline(text))
