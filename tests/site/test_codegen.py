"""The site's templates read attributes through the built-in getattr first, with Jinja's results."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from cjmc.config import load_config
from cjmc.site.builder import make_environment


class _Row:
    name = "<row>"
    items = ("a", "b")

    @property
    def broken(self):
        raise AttributeError("computed value missing")

    def __getitem__(self, key):
        return f"item {key}"


VALUES = {"row": _Row(), "rows": [_Row(), _Row()], "d": {"key": "value", "items": [1, 2], "nested": {"k": 3}},
          "text": "abc", "n": 5}

TEMPLATES = [
    "{{ row.name }}|{{ d.key }}|{{ d.nested.k }}|{{ text.upper() }}|{{ n.real }}",
    "{{ d.items }}",  # a dict's method, as Jinja finds it: getattr first
    "{{ row.broken }}",  # a property that fails: Jinja then tries row['broken']
    "{% for r in rows if r.name %}{{ loop.index }}{{ r.name }}{% endfor %}",
    "{% macro m(x) %}{{ x.name }}{% endmacro %}{% macro c(x) %}{{ caller(x) }}{% endmacro %}"
    "{{ m(row) }}{% call(r) c(row) %}{{ r.items|join }}{% endcall %}",
    "{% set first = rows[0] %}{{ first.name }}{% set ns = namespace(v=0) %}{% for r in rows %}{% set ns.v = ns.v + 1 %}{% endfor %}{{ ns.v }}",
    "{{ [row.name, d.key]|join(',') }}{{ {'k': row.name}.k }}",
    # chains, and reads of other expressions: each evaluated once
    "{{ d.nested.k }}|{{ rows[0].name }}|{{ rows[1].items|join }}|{{ d.nested.absent is defined }}"
    "|{{ row.name.upper() }}",
    "{% for r in rows %}{{ loop.cycle('x', 'y') }}{{ r.items.count('a') }}{% endfor %}{{ (rows|first).name }}",
    # in a loop's filter (Jinja makes it a generator function of its own) and in a set block
    "{% for r in rows if r.items.count('a') and d.nested.k %}{{ loop.length }}{% endfor %}"
    "{% set x %}{{ d.nested.k }}{% endset %}{{ x }}{% set y = d.nested.k + rows[0].items|length %}{{ y }}",
]


@pytest.fixture
def environment(tmp_path: Path) -> jinja2.Environment:
    (tmp_path / "cjmc.yaml").write_text("name: T\n", encoding="utf-8")
    return make_environment(load_config(tmp_path))


@pytest.mark.parametrize("source", TEMPLATES)
def test_templates_render_as_jinjas_own_code_does(environment, source):
    plain = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    assert environment.from_string(source).render(**VALUES) == plain.from_string(source).render(**VALUES)


def test_a_variable_and_a_longer_expression_are_read_with_the_builtin(environment):
    code = environment.compile("{{ row.name }}{{ d.nested.k }}", raw=True)
    assert "(_a := getattr((undefined(name='row') if l_0_row is missing else l_0_row), 'name', missing))" in code
    assert "(_a := getattr((_b := (_a if" in code  # d.nested.k: the outer read too
    assert "else environment.getattr(_b, 'k'))" in code
    assert "environment.getattr((_a" not in code


def test_a_longer_expression_is_evaluated_once(environment):
    calls = []

    def make():
        calls.append(1)
        return _Row()

    rendered = environment.from_string("{{ make().name }}|{{ make().broken }}").render(make=make)
    assert rendered == "&lt;row&gt;|item broken"
    assert len(calls) == 2


def test_a_missing_attribute_is_still_an_error(environment):
    with pytest.raises(jinja2.UndefinedError):
        environment.from_string("{{ n.nothing_here }}").render(**VALUES)
    with pytest.raises(jinja2.UndefinedError):
        environment.from_string("{{ d.absent }}").render(**VALUES)
    with pytest.raises(jinja2.UndefinedError):
        environment.from_string("{{ nobody.name }}").render()
