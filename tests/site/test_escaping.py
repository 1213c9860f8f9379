"""The site's faster autoescaping gives exactly MarkupSafe's text, and only in the site's own templates.

Both implementations are held to it: the Python function, and the C one
(``cjmc/site/_fastescape.c``) that the site uses when it was built. CI sets
``CJMC_REQUIRE_C_LOADER=1``, and then a C part that failed to build fails here
instead of being skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jinja2
import markupsafe
import pytest
from markupsafe import Markup

from cjmc.config import load_config
from cjmc.site.builder import make_environment
from cjmc.site.escaping import EscapingTemplate, compiled_escape, escape, python_escape
from tests.core.leaks import compiled_or_skip, small_blocks_kept


def _compiled():
    return compiled_or_skip(compiled_escape(), "the C escape (cjmc/site/_fastescape.c)")


@pytest.fixture(params=["python", "c"])
def any_escape(request):
    """Each implementation of the site's escape."""
    return python_escape if request.param == "python" else _compiled()


class _Html:
    def __html__(self) -> str:
        return "<em>already safe</em>"


class _Text(str):
    """A str subclass: not the fast path, and still escaped."""


VALUES = [
    "", "plain words", "step-0012", "a & b", "<script>alert(1)</script>", "it's \"quoted\"", "x > y",
    "&amp; stays &amp;amp;", "ünïcödé — ✓", _Text("<b>"), Markup("<b>bold</b>"), Markup("a &amp; b"),
    _Html(), 12, -7, 10**30, 3.5, -0.0, 1e-07, float("inf"), float("nan"), None, True, ["<li>"],
    jinja2.Undefined(), jinja2.Undefined(name="missing"),
]


class _Count(int):
    """An int subclass may print anything: it is not the fast path."""

    def __str__(self) -> str:
        return "<3>"


def test_subclasses_of_the_fast_types_go_to_markupsafe(any_escape):
    assert any_escape(_Count(3)) == "&lt;3&gt;"
    with pytest.raises(jinja2.UndefinedError):
        any_escape(jinja2.StrictUndefined(name="missing"))


def test_an_inline_if_without_else_prints_nothing_with_strict_undefined(tmp_path: Path):
    (tmp_path / "cjmc.yaml").write_text("name: T\n", encoding="utf-8")
    env = make_environment(load_config(tmp_path))
    assert env.from_string("[{{ 'on' if flag }}|{{ n }}|{{ f }}]").render(flag=False, n=3, f=0.5) == "[|3|0.5]"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ nothing }}").render()


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_escape_gives_markupsafes_text_and_type(value, any_escape):
    ours, theirs = any_escape(value), markupsafe.escape(value)
    assert ours == theirs
    assert type(ours) is Markup


def test_markup_and_plain_text_are_not_copied(any_escape):
    marked = Markup("<b>x</b>")
    assert any_escape(marked) is marked


def test_the_site_uses_the_c_escape_when_it_is_built():
    assert escape is _compiled()


def test_the_c_escape_takes_every_kind_of_string_and_leaks_nothing():
    """Latin-1, two- and four-byte strings, a special character at either end, and no growth over many calls."""
    fast = _compiled()
    texts = ["plain", "café", "ünï — ✓", "emoji 🚲 ride", "🚲<", ">🚲", "&", "\"\u0100", "'x",
             "a" * 10_000 + "<"]
    for text in texts:
        assert fast(text) == markupsafe.escape(text), text
        assert type(fast(text)) is Markup
    values = [*texts, 7, 2.5, Markup("<i>"), jinja2.Undefined(), None, ["<"]]
    assert small_blocks_kept(lambda: [fast(value) for value in values]) < 64


def test_pure_python_mode_escapes_with_the_python_function():
    code = "import cjmc.site.escaping as e; print(e.escape is e.python_escape)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "CJMC_PURE_PYTHON": "1"})
    assert done.stdout.strip() == "True", done.stderr


def test_every_site_template_escapes_with_it_and_renders_the_same(tmp_path: Path):
    (tmp_path / "cjmc.yaml").write_text("name: T\n", encoding="utf-8")
    env = make_environment(load_config(tmp_path))
    source = "{% macro m(x) %}<i>{{ x }}</i>{% endmacro %}{% for v in values %}{{ v }}|{{ m(v) }};{% endfor %}"
    ours = env.from_string(source)
    assert isinstance(ours, EscapingTemplate)
    assert ours.root_render_func.__globals__["escape"] is escape
    plain = jinja2.Environment(autoescape=True).from_string(source)
    assert plain.root_render_func.__globals__["escape"] is markupsafe.escape  # other environments keep MarkupSafe's
    assert ours.render(values=VALUES) == plain.render(values=VALUES)
    assert "&lt;script&gt;" in ours.render(values=VALUES)
    for name in env.list_templates(filter_func=lambda name: name.endswith(".html")):
        assert env.get_template(name).root_render_func.__globals__["escape"] is escape, name
