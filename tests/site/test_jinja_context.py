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


FRAGMENTS = ("{% for b in blocks %}{% fragment (root, b) if b else none %}<tr>{{ b }}{{ raw(b) }}</tr>{% endfragment %}"
             "{% endfor %}|{% fragment none %}{{ raw('<n>') }}{% endfragment %}")


def test_fragment_tags_called_directly_render_and_store_as_through_jinjas_context(environment, monkeypatch):
    """The ``{% fragment %}`` tag's method is called without ``Context.call``: the same text and the same
    stored fragments, on a miss and on a hit, as through Jinja's own context."""
    from cjmc.site.fragments import FragmentStore

    blocks = ["<a>", None, "b&c", "<a>"]
    results = {}
    for name, context_class in (("ours", QuickCallContext), ("jinja", jinja2.runtime.Context)):
        monkeypatch.setattr(environment, "context_class", context_class)
        environment.fragment_store = store = FragmentStore(None, "")
        store.begin("page.html")
        first = environment.from_string(MACROS + FRAGMENTS).render(blocks=blocks, root="../")
        stored = dict(store.current)
        again = environment.from_string(MACROS + FRAGMENTS).render(blocks=blocks, root="../")
        results[name] = (first, again, stored)
    assert results["ours"] == results["jinja"]
    first, again, stored = results["ours"]
    assert first == again and "<tr>&lt;a&gt;&lt;a&gt;</tr>" in first and len(stored) == 2


def test_fragment_calls_skip_jinjas_context_call(environment, monkeypatch):
    from cjmc.site.fragments import FragmentStore

    def refuse(self, obj, *args, **kwargs):
        raise AssertionError(f"Context.call for {obj!r}")

    environment.fragment_store = FragmentStore(None, "")
    monkeypatch.setattr(jinja2.runtime.Context, "call", refuse)
    assert environment.from_string("{% fragment ('k',) %}<i>{{ 1 }}</i>{% endfragment %}").render() == "<i>1</i>"
