"""Every reporter gives the same bytes for the same findings, whatever order they come in."""

from __future__ import annotations

import random

import pytest

from cjmc.report import FORMATS, reporter

from .conftest import make_context, project_root, sample_diagnostics

CI_FORMATS = ("sarif", "github", "junit", "gitlab")


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_same_input_same_bytes(tmp_path, fmt):
    assert fmt in FORMATS
    render = reporter(fmt)
    first = render(sample_diagnostics(), make_context(project_root(tmp_path)))
    second = render(sample_diagnostics(), make_context(project_root(tmp_path / "again")))
    assert first.encode("utf-8") == second.encode("utf-8")
    assert first.endswith("\n")
    assert str(tmp_path) not in first  # nothing machine-dependent


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_input_order_does_not_matter(context, fmt):
    render = reporter(fmt)
    diagnostics = sample_diagnostics()
    expected = render(diagnostics, context)
    for seed in range(5):
        shuffled = list(diagnostics)
        random.Random(seed).shuffle(shuffled)
        assert render(shuffled, context) == expected
