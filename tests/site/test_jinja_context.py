"""Macro calls that skip Jinja's call machinery give exactly Jinja's text."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from jinja2.runtime import Macro

from cjmc.config import load_config
from cjmc.site.builder import make_environment
from cjmc.site.jinja_context import QuickCallContext

MACROS = (
    "{% macro link(l, root) %}<a href=\"{{ root }}{{ l.href }}\">{{ l.label }}</a>{% endmacro %}"
    "{% macro raw(x) %}{{ x }}{% endmacro %}"
    "{% macro opt(a, b='<b>') %}{{ a }}/{{ b }}{% endmacro %}"
    "{% macro wrap(x) %}[{{ caller(x) }}]{% endmacro %}"
    "{% macro many() %}{{ varargs|join(',') }}{{ kwargs|dictsort }}{% endmacro %}"
    "{% macro stop() %}{{ 1|halt }}{% endmacro %}"
)

TEMPLATES = [
    "{% for l in links %}{{ link(l, '../') }}{% endfor %}",
    "{{ raw('<i>&') }}|{{ raw(raw('<i>')) }}",
    "{{ opt('x') }}|{{ opt('x', '<y>') }}|{{ opt(a='x', b='z') }}|{{ opt('x', b='<q>') }}",
    "{% call(v) wrap('<v>') %}{{ v }}:{{ raw(v) }}{% endcall %}",
    "{{ many(1, '<2>', k='<v>') }}",
    "{% autoescape false %}{{ raw('<i>') }}{% endautoescape %}",
    "{% set shown = raw('<s>') %}{{ shown }}{{ shown|length }}",
]

VALUES = {"links": [{"href": "a.html", "label": "A & <B>"}, {"href": "b.html?x=1&y=2", "label": "B"}]}


def _halt(value):
    raise StopIteration


@pytest.fixture
def environment(tmp_path: Path) -> jinja2.Environment:
    (tmp_path / "cjmc.yaml").write_text("name: T\n", encoding="utf-8")
    env = make_environment(load_config(tmp_path))
    env.filters["halt"] = _halt
    return env


@pytest.mark.parametrize("body", TEMPLATES)
def test_macro_calls_render_as_with_jinjas_context(environment, body):
    plain = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    assert environment.context_class is QuickCallContext
    plain.filters["halt"] = _halt
    ours = environment.from_string(MACROS + body).render(**VALUES)
    assert ours == plain.from_string(MACROS + body).render(**VALUES)


def test_a_call_with_the_macros_own_arguments_skips_macro_call(environment, monkeypatch):
    template = environment.from_string(MACROS + "{{ link(links[0], '') }}|{{ opt('x') }}")

    def refuse(self, *args, **kwargs):
        raise AssertionError(f"Macro.__call__ for {self.name}")

    monkeypatch.setattr(Macro, "__call__", refuse)
    with pytest.raises(AssertionError, match="Macro.__call__ for opt"):  # a default filled in: Jinja's path
        template.render(**VALUES)
    assert environment.from_string(MACROS + "{{ link(links[0], '') }}").render(**VALUES) == \
        '<a href="a.html">A &amp; &lt;B&gt;</a>'


def test_a_macro_that_raises_stopiteration_gives_undefined_as_in_jinja(environment):
    plain = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    body = MACROS + "{{ stop() is undefined }}"
    plain.filters["halt"] = _halt
    assert environment.from_string(body).render() == plain.from_string(body).render() == "True"
