"""The findings part of page keys: equal findings give equal digests, and any change reaches the page it is on."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cjmc.diagnostics import Diagnostic
from cjmc.site.reuse import findings_digests

HEADS = ["journey:j1", "journey:j2", "touchpoint:web", "team:ops", "metric:nps", "nothing", ""]

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
findings = st.builds(
    Diagnostic, texts, st.integers(0, 10**6), st.integers(0, 500), texts, texts, st.sampled_from(["error", "warning"]),
    texts, st.lists(st.sampled_from(HEADS), max_size=3).map(tuple))


def _copied(diagnostic: Diagnostic) -> Diagnostic:
    """The same values in new string objects (marshal must not tell shared strings from equal ones)."""
    return Diagnostic(*("".join(list(v)) if isinstance(v, str) else v for v in diagnostic[:7]),
                      tuple("".join(list(part)) for part in diagnostic.subject))


@given(st.lists(findings, max_size=20))
def test_equal_findings_give_equal_digests(found: list[Diagnostic]) -> None:
    assert findings_digests(found) == findings_digests([_copied(d) for d in found])


@given(st.lists(findings, max_size=12), findings)
def test_a_new_finding_changes_every_digest_and_its_pages_only(found: list[Diagnostic], new: Diagnostic) -> None:
    every, pages = findings_digests(found)
    every_after, pages_after = findings_digests([*found, new])
    assert every_after != every
    after_alone = findings_digests([new])[1]
    for page in set(pages) | set(pages_after):
        if page in after_alone:
            assert pages_after[page] != pages.get(page)
        else:
            assert pages_after.get(page) == pages.get(page)


def test_findings_go_to_the_page_of_their_subject_and_a_change_of_any_field_shows() -> None:
    base = Diagnostic("maps/j1.yaml", 3, 5, "rule-a", "message", "warning", "hint", ("journey:j1", "step:s"))
    other = Diagnostic("maps/t.yaml", 1, 1, "rule-b", "message", "info", "", ("touchpoint:web",))
    unplaced = Diagnostic("cjmc.yaml", 1, 1, "rule-c", "message", "error", "", ())
    every, pages = findings_digests([base, other, unplaced])
    assert set(pages) == {"journeys/j1.html", "touchpoints/web.html"}
    for field in range(8):
        values = list(base)
        values[field] = ("journey:j1", "step:t") if field == 7 else (values[field] + 1 if isinstance(
            values[field], int) else values[field] + "x")
        changed_every, changed = findings_digests([Diagnostic(*values), other, unplaced])
        assert changed_every != every and changed["journeys/j1.html"] != pages["journeys/j1.html"], field
        assert changed["touchpoints/web.html"] == pages["touchpoints/web.html"]
    # Unplaced findings count for the findings page only; order counts too (the findings page keeps it).
    assert findings_digests([base, other])[1] == pages
    assert findings_digests([other, base, unplaced])[0] != every


class _Marked(str):
    """A string subclass, which marshal does not write."""


def test_values_marshal_cannot_write_are_digested_by_their_text() -> None:
    plain = Diagnostic("maps/j1.yaml", 3, 5, "rule-a", "message", "warning", "", ("journey:j1",))
    marked = plain._replace(message=_Marked("message"))
    assert findings_digests([marked]) == findings_digests([marked._replace(message=_Marked("message"))])
    assert findings_digests([marked])[0] != findings_digests([marked._replace(message=_Marked("other"))])[0]
