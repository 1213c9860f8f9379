"""``--format junit``: JUnit XML, for CI test-report views.

Layout::

    <testsuites name="cjmc" tests=N failures=F errors="0" skipped="0">
      <testsuite name=FILE tests=.. failures=.. errors="0" skipped="0">
        <testcase classname="cjmc.RULE" name="FILE:LINE:COL RULE">
          <failure type=SEVERITY message=MESSAGE>FILE:LINE:COL: SEVERITY RULE: MESSAGE
    hint: HINT</failure>
        </testcase>
      </testsuite>
    </testsuites>

- One ``testsuite`` per file in ``context.files`` (and per file that has a
  finding but is not listed), sorted by path; a last one named
  ``<project>`` holds findings with no file, when there are any.
- ``error`` and ``warning`` findings are ``<failure>`` test cases.
  ``info`` findings are passing test cases whose text is in
  ``<system-out>``: they are reported but do not turn the build red, as
  with ``--fail-on error`` (no CI view counts skipped tests as "reported").
- A file without findings gets one passing ``<testcase name=FILE
  classname="cjmc"/>``, so the report lists it green.
- No timestamps or durations: the same findings give the same bytes.
- XML 1.0 cannot hold most control characters (nor lone surrogates or
  U+FFFE/U+FFFF), even escaped: they are written as visible ``\\xNN`` /
  ``\\uNNNN`` text. ElementTree escapes ``<``, ``&`` and quotes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Sequence

from ..diagnostics import Diagnostic
from . import ReportContext

NO_FILE = "<project>"
FAILING = ("error", "warning")

# Characters XML 1.0 allows: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def xml_safe(value: str) -> str:
    """``value`` with every character XML 1.0 cannot hold replaced by a visible escape."""
    return _NOT_XML.sub(_visible, value)


def _location(d: Diagnostic) -> str:
    return f"{d.file}:{d.line}:{d.column}" if d.file else NO_FILE


def _element(parent: ET.Element | None, tag: str, **attributes: str) -> ET.Element:
    clean = {key: xml_safe(value) for key, value in attributes.items()}
    return ET.Element(tag, clean) if parent is None else ET.SubElement(parent, tag, clean)


def _case(suite: ET.Element, d: Diagnostic) -> bool:
    """Add the test case for one finding; True when it is a failure."""
    case = _element(suite, "testcase", classname=f"cjmc.{d.rule}", name=f"{_location(d)} {d.rule}")
    text = f"{_location(d)}: {d.severity} {d.rule}: {d.message}"
    if d.hint:
        text += f"\nhint: {d.hint}"
    if d.severity in FAILING:
        _element(case, "failure", type=d.severity, message=d.message).text = xml_safe(text)
        return True
    _element(case, "system-out").text = xml_safe(text)
    return False


def render(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    by_file: dict[str, list[Diagnostic]] = {file: [] for file in context.files}
    for d in sorted(diagnostics):
        by_file.setdefault(d.file, []).append(d)
    names = sorted(name for name in by_file if name)
    if "" in by_file:
        names.append("")

    root = _element(None, "testsuites", name="cjmc")
    total_tests = total_failures = 0
    for name in names:
        findings = by_file[name]
        suite = _element(root, "testsuite", name=name or NO_FILE)
        failures = sum(_case(suite, d) for d in findings)
        if not findings:
            _element(suite, "testcase", classname="cjmc", name=name)
        tests = max(len(findings), 1)
        suite.attrib.update(tests=str(tests), failures=str(failures), errors="0", skipped="0")
        total_tests += tests
        total_failures += failures
    root.attrib.update(tests=str(total_tests), failures=str(total_failures), errors="0", skipped="0")

    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
