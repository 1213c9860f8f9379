"""Golden HTML of one journey page of the example site.

The checked-in copy is ``tests/golden/html/buy-first-bike.html``. When a change
to the templates, the context or the diagrams is intended, regenerate it on
purpose and review the diff before committing::

    CJMC_REGENERATE_GOLDEN=1 python -m pytest tests/site/test_golden.py

The example site is built with a fixed "today" (see conftest.py), so the
date-dependent lint findings do not make the file drift.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from .conftest import REPO

GOLDEN = REPO / "tests" / "golden" / "html" / "buy-first-bike.html"


def test_journey_page_matches_golden(example_site: Path):
    actual = (example_site / "journeys" / "buy-first-bike.html").read_text(encoding="utf-8")
    if os.environ.get("CJMC_REGENERATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(actual, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "golden", "built", n=2))
        raise AssertionError("the journey page differs from the golden copy; if intended, regenerate with "
                             "CJMC_REGENERATE_GOLDEN=1 (see this module's docstring)\n" + diff[:6000])
