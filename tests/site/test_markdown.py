"""Markdown in description fields: CommonMark, no raw HTML, safe link schemes, rel=noopener."""

from __future__ import annotations

import pytest

from cjmc.site.markdown import link_allowed, render_markdown


@pytest.mark.parametrize("url", ["https://a.example/x", "http://a.example", "mailto:a@b.example", "../x.html",
                                 "#frag", "page.html?q=1", "//cdn.example/x"])
def test_allowed_links(url):
    assert link_allowed(url)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", "java\tscript:x", "vbscript:x",
                                 "data:text/html,x", "data:image/png;base64,AAAA", "file:///etc/passwd", "ftp://x"])
def test_refused_links(url):
    assert not link_allowed(url)


def test_render_escapes_html_and_drops_bad_links():
    html = render_markdown("**b** <script>x</script> [a](javascript:alert(1)) [b](https://ok.example) "
                           "![i](data:image/png;base64,AA)")
    assert "<strong>b</strong>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert 'href="javascript' not in html and "<img" not in html
    assert '<a href="https://ok.example" rel="noopener">b</a>' in html


def test_headings_are_shifted_below_the_page_heading():
    assert render_markdown("# Title").startswith("<h3>")
    assert render_markdown("") == ""
