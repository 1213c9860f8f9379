"""``--format json``: FORMAT.md section 7's object, each diagnostic as ``Diagnostic.to_json`` gives it."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cjmc.diagnostics import Diagnostic, summarize
from cjmc.report import gitlab, json_report, sarif

from .conftest import make_context

texts = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from('%"\\\n\x00\u2028é'), max_size=10)
diagnostics = st.lists(st.builds(Diagnostic, texts, st.integers(0, 10 ** 6), st.integers(0, 999), texts, texts,
                                 st.sampled_from(["error", "warning", "info"]), st.just("") | texts,
                                 st.lists(texts, max_size=3).map(tuple)), max_size=8)


@settings(max_examples=300, deadline=None)
@given(diagnostics)
def test_each_diagnostic_is_its_to_json_in_json_s_own_layout(found):
    text = json_report.render(found, make_context(Path("project")))
    expected = {"diagnostics": [d.to_json() for d in found], "summary": summarize(found)}
    assert text == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"


@settings(max_examples=100, deadline=None)
@given(diagnostics)
def test_ci_reports_of_any_text_are_json_s_own_layout(tmp_path_factory, found):
    context = make_context(tmp_path_factory.mktemp("project"))
    for module in (sarif, gitlab):
        text = module.render(found, context)
        assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
    results = json.loads(sarif.render(found, context))["runs"][0]["results"]
    assert [r["message"]["text"] for r in results] == [
        d.message + (f"\nhint: {d.hint}" if d.hint else "") for d in sorted(found)]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results] == [
        max(d.line, 1) if d.file else 1 for d in sorted(found)]
