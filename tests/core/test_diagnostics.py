"""Diagnostics sort totally and keep a line-independent identity."""

from __future__ import annotations

from collections import Counter

from cjmc.baseline import finding_key, subtract
from cjmc.diagnostics import Diagnostic, fails


def finding(line: int, subject: tuple[str, ...], rule: str = "step-without-emotion") -> Diagnostic:
    return Diagnostic("maps/j.yaml", line, 9, rule, "no emotion", "info", subject=subject)


def test_sorted_by_file_line_column_rule() -> None:
    a = Diagnostic("b.yaml", 1, 1, "x", "m")
    b = Diagnostic("a.yaml", 9, 1, "x", "m")
    c = Diagnostic("a.yaml", 2, 5, "y", "m")
    d = Diagnostic("a.yaml", 2, 5, "x", "m")
    assert sorted([a, b, c, d]) == [d, c, b, a]


def test_identity_leaves_out_the_stage_of_a_step() -> None:
    before = finding(10, ("journey:buy", "stage:checkout", "step:pays"))
    after = finding(80, ("journey:buy", "stage:payment", "step:pays"))
    assert before.identity == after.identity == "journey:buy/step:pays"
    assert finding_key(before) == finding_key(after)
    stage_finding = finding(3, ("journey:buy", "stage:checkout"), rule="stage-without-pain-points")
    assert stage_finding.identity == "journey:buy/stage:checkout"


def test_a_step_moved_to_another_stage_is_not_a_new_finding() -> None:
    baseline = Counter([finding_key(finding(10, ("journey:buy", "stage:checkout", "step:pays")))])
    now = [finding(80, ("journey:buy", "stage:payment", "step:pays")),
           finding(90, ("journey:buy", "stage:payment", "step:confirms"))]
    assert [d.line for d in subtract(now, baseline)] == [90]


def test_fail_on_thresholds() -> None:
    warning = Diagnostic("a", 1, 1, "r", "m", "warning")
    assert fails([warning], "warning") and fails([warning], "info")
    assert not fails([warning], "error") and not fails([warning], "never")
