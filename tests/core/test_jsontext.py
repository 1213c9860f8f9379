"""``dumps_indented`` writes exactly what ``json.dumps(value, indent=2, ensure_ascii=False)`` writes.

Checked on generated values (every JSON type, Unicode and control
characters, the special floats, str/int/dict subclasses, keys json converts),
on the reports and the manifest of real projects, and on what json refuses
(a cycle, an unknown type, NaN where it is not allowed): the same error.
"""

from __future__ import annotations

import enum
import json
import math
from collections import OrderedDict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from cjmc.jsontext import MAX_DEPTH, Rows, Shape, dumps_indented

ROOT = Path(__file__).resolve().parents[2]


def expected(value, allow_nan=True) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=allow_nan)


texts = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from('"\\/\n\t\r\x00\x1f\x7f\u2028\u2029é😀'))
scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-(2 ** 80), max_value=2 ** 80)
           | st.floats(allow_nan=True, allow_infinity=True) | texts)
values = st.recursive(scalars, lambda children: st.lists(children, max_size=5)
                      | st.lists(children, max_size=3).map(tuple)
                      | st.dictionaries(texts, children, max_size=5), max_leaves=40)
keys_json_converts = st.dictionaries(st.none() | st.booleans() | st.integers() | st.floats() | texts, scalars,
                                     max_size=4)


@settings(max_examples=400, deadline=None)
@given(values)
def test_generated_values_are_written_as_json_writes_them(value):
    assert dumps_indented(value) == expected(value)


@settings(max_examples=100, deadline=None)
@given(st.lists(keys_json_converts, max_size=3))
def test_keys_that_are_not_strings_are_written_as_json_writes_them(value):
    assert dumps_indented(value) == expected(value)


def test_subclasses_and_nesting():
    class Level(enum.IntEnum):
        LOW = 1

    value = OrderedDict(b=[Markup("<b>safe</b>"), Level.LOW, True, False, None, 1.5, -0.0, 10 ** 30, (), {}, []],
                        a={"x": {"y": [[[{"z": "deep"}]]]}, "nan": math.nan, "inf": -math.inf})
    assert dumps_indented(value) == expected(value)
    deep = current = []
    for _ in range(MAX_DEPTH + 20):  # past our depth json.dumps takes over, with the same text
        current.append([])
        current = current[0]
    assert dumps_indented(deep) == expected(deep)
    assert dumps_indented("top-level text") == expected("top-level text")
    assert dumps_indented(7) == "7" and dumps_indented([]) == "[]" and dumps_indented({}) == "{}"


def test_what_json_refuses_is_refused_with_json_s_error():
    cyclic: list = []
    cyclic.append(cyclic)
    cases = [(cyclic, True), ({"when": object()}, True), ({"x": [math.nan]}, False), ({(1, 2): "tuple key"}, True)]
    for value, allow_nan in cases:
        with pytest.raises((ValueError, TypeError)) as theirs:
            expected(value, allow_nan)
        with pytest.raises(type(theirs.value)) as ours:
            dumps_indented(value, allow_nan=allow_nan)
        assert str(ours.value) == str(theirs.value)


def test_reports_and_the_manifest_of_a_real_project_are_json_dumps_text(tmp_path):
    """Every indented JSON output cjmc writes, re-read and written by json.dumps again, is the same text."""
    from cjmc.check import check_project
    from cjmc.interop.manifest import build_manifest, dumps_manifest
    from cjmc.pipeline import compile_project
    from cjmc.report import ReportContext, gitlab, json_report, sarif

    project = ROOT / "examples"
    checked, _ = check_project(project, lint=True)
    assert checked.diagnostics
    context = ReportContext(root=project, files=checked.files, tool_version="1.0")
    outputs = [module.render(checked.diagnostics, context) for module in (sarif, json_report, gitlab)]
    result = compile_project(project)
    outputs.append(dumps_manifest(build_manifest(result, checked.diagnostics)))
    for text in outputs:
        assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


# -- Rows: arrays of objects given as a shape and values ---------------------------------------------------------

constants = st.none() | st.booleans() | st.integers() | texts | st.just("%s %% %(x)s")
layouts = st.recursive(st.sampled_from([str, int]) | constants,
                       lambda children: st.dictionaries(texts | st.just("100%"), children, max_size=4)
                       | st.lists(children, max_size=3), max_leaves=12)


def slot_values(draw, shape: Shape) -> tuple:
    return tuple(draw(texts) if kind is str else draw(st.integers(min_value=-(2 ** 70), max_value=2 ** 70))
                 for kind in shape.kinds)


@settings(max_examples=300, deadline=None)
@given(st.lists(layouts.filter(lambda layout: isinstance(layout, dict)), min_size=1, max_size=3), st.data())
def test_rows_are_written_as_json_writes_their_objects(layouts_drawn, data):
    shapes = [Shape(layout) for layout in layouts_drawn]
    items = [(shape, slot_values(data.draw, shape))
             for shape in data.draw(st.lists(st.sampled_from(shapes), max_size=6))]
    rows = Rows(items)
    plain = [shape.fill(values) for shape, values in items]
    assert rows.to_list() == plain
    for wrap in (lambda x: x, lambda x: {"runs": [{"results": x, "n": 1}]}, lambda x: [[x]]):
        assert dumps_indented(wrap(rows)) == expected(wrap(plain))


def test_rows_with_values_of_another_type_are_written_as_json_writes_them():
    shape = Shape({"text": str, "count": int, "fixed": {"base": "%SRCROOT%", "100%": None}})
    cases = [(None, 1), ("a", True), (Markup("<b>"), 2), ("b", 1.5), ("c", None), (1, 2)]
    for values in cases:
        rows = Rows([(shape, ("fine", 0)), (shape, values)])
        plain = [{"text": "fine", "count": 0, "fixed": {"base": "%SRCROOT%", "100%": None}},
                 {"text": values[0], "count": values[1], "fixed": {"base": "%SRCROOT%", "100%": None}}]
        assert dumps_indented({"rows": rows}) == expected({"rows": plain})
    assert dumps_indented(Rows([])) == "[]"
    assert dumps_indented(Rows([(Shape({"only": "constants 100%"}), ())] * 2)) == expected([{"only": "constants 100%"}] * 2)
    with pytest.raises(ValueError):
        dumps_indented(Rows([(shape, ("too few",))]))
    with pytest.raises(TypeError) as refused:
        dumps_indented({"rows": Rows([(shape, ("a", 1))]), "other": object()})
    assert str(refused.value) == "Object of type object is not JSON serializable"
