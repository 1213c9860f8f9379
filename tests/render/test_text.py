"""Map text made safe for DOT and SVG: the fast paths give what the careful paths give."""

from __future__ import annotations

import random

import pytest

from cjmc.render.text import clean, url_text


@pytest.mark.parametrize("url, expected", [
    ("../journeys/checkout.html#step-pay", "../journeys/checkout.html#step-pay"),
    ("https://example.com/?a=1&b=2", "https://example.com/?a=1&amp;b=2"),
    ("notes/with space.html", "notes/with%20space.html"),
    ('x"><script>', "x%22%3E%3Cscript%3E"),
    ("a\\b{c}|d^e`f", "a%5Cb%7Bc%7D%7Cd%5Ee%60f"),
    ("tab\there\x7f", "tab%09here%7F"),
    ("bad\x00\x0bchars\ufffe", "badchars"),
    ("café/✓", "café/✓"),
])
def test_url_text(url, expected):
    assert url_text(url) == expected


@pytest.mark.parametrize("text, expected", [
    ("  Pay for the order  ", "Pay for the order"),
    ("two\nlines\r\nand\ttab", "two lines and tab"),
    ("line\u2028separator\x85next", "line separator next"),
    ("bell\x07 and \x9f C1", "bell and  C1"),
    ("no\ud800surrogate\uffff", "nosurrogate"),
    (42, "42"),
])
def test_clean(text, expected):
    assert clean(text) == expected


def _careful_url_text(url: str) -> str:
    """url_text character by character, as it was written before its fast path."""
    out = []
    for ch in url:
        if ch in "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f" or "\x10" <= ch <= "\x1f" \
                or "\ud800" <= ch <= "\udfff" or ch in "\ufffe\uffff":
            continue
        if ch in '\\"<>{}|^` ' or ord(ch) < 0x21 or ord(ch) == 0x7F:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
        else:
            out.append(ch)
    return "".join(out).replace("&", "&amp;")


def test_url_text_agrees_with_the_careful_version_on_random_text():
    rng = random.Random(7)
    alphabet = [chr(code) for code in range(0x90)] + ["\ud800", "\ufffe", "\uffff", "é", "✓", "\u2028", "&"]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        assert url_text(text) == _careful_url_text(text), repr(text)
