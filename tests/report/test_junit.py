"""JUnit XML: parses, counts add up, hostile text survives, info findings do not fail."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cjmc.diagnostics import Diagnostic
from cjmc.report import junit

from .conftest import make_context


def parse(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def test_structure_and_counts(context, diagnostics):
    root = parse(junit.render(diagnostics, context))
    assert root.tag == "testsuites" and root.get("name") == "cjmc"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "maps/journeys/buy.yaml", "maps/journeys/return.yaml", "maps/touchpoints.yaml", "<project>"]
    counts = {s.get("name"): (s.get("tests"), s.get("failures"), s.get("errors"), s.get("skipped")) for s in suites}
    assert counts == {
        "maps/journeys/buy.yaml": ("3", "2", "0", "0"),     # error + warning fail, info passes
        "maps/journeys/return.yaml": ("1", "0", "0", "0"),  # no findings: one green case
        "maps/touchpoints.yaml": ("1", "0", "0", "0"),
        "<project>": ("1", "1", "0", "0"),
    }
    assert (root.get("tests"), root.get("failures")) == ("6", "3")
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)


def test_failure_and_info_cases(context, diagnostics):
    root = parse(junit.render(diagnostics, context))
    buy = root.find("testsuite[@name='maps/journeys/buy.yaml']")
    cases = {c.get("name"): c for c in buy.findall("testcase")}
    error = cases["maps/journeys/buy.yaml:12:7 schema"]
    assert error.get("classname") == "cjmc.schema"
    failure = error.find("failure")
    assert failure.get("type") == "error"
    assert failure.get("message") == "unknown key `pain_point`"
    assert failure.text == ("maps/journeys/buy.yaml:12:7: error schema: unknown key `pain_point`\n"
                            "hint: did you mean `pain_points`?")
    assert cases["maps/journeys/buy.yaml:30:5 stage-without-pain-points"].find("failure").get("type") == "warning"

    info = cases["maps/journeys/buy.yaml:41:9 step-without-emotion"]
    assert info.find("failure") is None and info.find("skipped") is None
    assert info.find("system-out").text.startswith("maps/journeys/buy.yaml:41:9: info step-without-emotion:")

    clean = root.find("testsuite[@name='maps/touchpoints.yaml']/testcase")
    assert clean.attrib == {"classname": "cjmc", "name": "maps/touchpoints.yaml"}
    assert list(clean) == []

    project = root.find("testsuite[@name='<project>']/testcase")
    assert project.get("name") == "<project> schema"


def test_files_with_findings_but_not_listed_still_get_a_suite(root):
    d = Diagnostic("maps/extra.yaml", 2, 2, "schema", "x", "error")
    suites = parse(junit.render([d], make_context(root, files=[]))).findall("testsuite")
    assert [s.get("name") for s in suites] == ["maps/extra.yaml"]


def test_no_files_no_findings_is_still_valid(root):
    top = parse(junit.render([], make_context(root, files=[])))
    assert (top.get("tests"), top.get("failures"), list(top)) == ("0", "0", [])


def test_hostile_characters(context):
    message = "a <b> & \"c\" 'd' ]]> e\nsecond line\ttab"
    d = Diagnostic("maps/<odd> & \"x\".yaml", 1, 1, "schema", message, "error", "use <this> & that")
    root = parse(junit.render([d], context))
    case = root.find("testsuite/testcase[@classname='cjmc.schema']")
    assert case.get("name") == "maps/<odd> & \"x\".yaml:1:1 schema"
    failure = case.find("failure")
    assert failure.get("message") == message  # newline and tab survive in the attribute
    assert failure.text.endswith("second line\ttab\nhint: use <this> & that")


def test_characters_xml_cannot_hold_are_made_visible(context):
    message = "nul\x00 bell\x07 esc\x1b[31m vt\x0b lone\ud800 nonchar\ufffe ok\u00e9\U0001f600"
    d = Diagnostic("maps/a\x01.yaml", 1, 1, "schema", message, "warning", "hint\x02")
    text = junit.render([d], context)
    text.encode("utf-8")  # no lone surrogate left
    root = parse(text)   # expat rejects any character XML 1.0 forbids
    failure = root.find(".//failure")
    expected = "nul\\x00 bell\\x07 esc\\x1b[31m vt\\x0b lone\\ud800 nonchar\\ufffe ok\u00e9\U0001f600"
    assert failure.get("message") == expected
    assert failure.text.endswith(expected + "\nhint: hint\\x02")
    assert root.find(".//testcase").get("name").startswith("maps/a\\x01.yaml:1:1")
    assert junit.xml_safe("tab\tnl\ncr\r") == "tab\tnl\ncr\r"


def element_tree_report(diagnostics, context) -> str:
    """The report as the first junit.py built it, with ElementTree: the output must stay byte for byte this."""
    def element(parent, tag, **attributes):
        clean = {key: junit.xml_safe(value) for key, value in attributes.items()}
        return ET.Element(tag, clean) if parent is None else ET.SubElement(parent, tag, clean)

    by_file = {file: [] for file in context.files}
    for d in sorted(diagnostics):
        by_file.setdefault(d.file, []).append(d)
    names = sorted(name for name in by_file if name) + ([""] if "" in by_file else [])
    top = element(None, "testsuites", name="cjmc")
    total_tests = total_failures = 0
    for name in names:
        findings = by_file[name]
        suite = element(top, "testsuite", name=name or "<project>")
        failures = 0
        for d in findings:
            location = f"{d.file}:{d.line}:{d.column}" if d.file else "<project>"
            case = element(suite, "testcase", classname=f"cjmc.{d.rule}", name=f"{location} {d.rule}")
            text = f"{location}: {d.severity} {d.rule}: {d.message}" + (f"\nhint: {d.hint}" if d.hint else "")
            if d.severity in ("error", "warning"):
                element(case, "failure", type=d.severity, message=d.message).text = junit.xml_safe(text)
                failures += 1
            else:
                element(case, "system-out").text = junit.xml_safe(text)
        if not findings:
            element(suite, "testcase", classname="cjmc", name=name)
        tests = max(len(findings), 1)
        suite.attrib.update(tests=str(tests), failures=str(failures), errors="0", skipped="0")
        total_tests += tests
        total_failures += failures
    top.attrib.update(tests=str(total_tests), failures=str(total_failures), errors="0", skipped="0")
    ET.indent(top, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(top, encoding="unicode") + "\n"


hostile = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from('<>&"\'\n\r\t\x00\x0b\ud800\ufffe]]>'),
                  max_size=12)
findings = st.builds(Diagnostic, st.sampled_from(["", "maps/a.yaml", "maps/b & <c>.yaml"]) | hostile,
                     st.integers(0, 99), st.integers(0, 99), st.sampled_from(["schema", "x-rule"]) | hostile,
                     hostile, st.sampled_from(["error", "warning", "info"]), st.just("") | hostile)


@settings(max_examples=300, deadline=None)
@given(st.lists(findings, max_size=8), st.lists(st.sampled_from(["maps/a.yaml", "maps/z.yaml", "m\r\n.yaml"]),
                                                 max_size=3, unique=True))
def test_the_report_is_what_element_tree_wrote(diagnostics, files):
    context = make_context(Path("project"), files=files)  # the JUnit report reads nothing on disk
    assert junit.render(diagnostics, context) == element_tree_report(diagnostics, context)


def test_the_sample_report_is_what_element_tree_wrote(context, diagnostics):
    assert junit.render(diagnostics, context) == element_tree_report(diagnostics, context)
    empty = make_context(context.root, files=[])
    assert junit.render([], empty) == element_tree_report([], empty)
