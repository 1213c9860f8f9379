"""Shared fixtures: the example site, built once per session with a fixed date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
TODAY = dt.date(2026, 11, 1)  # fixed, so date-dependent findings (stale-journey) do not drift


def build(project: Path, out: Path, **options):
    from cjmc.site.builder import build_site

    options.setdefault("today", TODAY)
    return build_site(project, out, **options)


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("example") / "site"
    result = build(EXAMPLES, out)
    assert result.written, result.diagnostics
    return out
