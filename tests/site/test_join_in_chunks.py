"""Pages are joined from their fragments a chunk at a time, into exactly what joining them all gives."""

from __future__ import annotations

import pytest

from cjmc.site.builder import _join_in_chunks


@pytest.mark.parametrize("fragments", [
    [],
    [""] * 600,  # a run of empty fragments longer than a chunk does not end the page
    ["<li>", "Café ☕", "</li>"] * 1000,
    ["a" * 70_000] * 3 + ["", "b"],
])
def test_the_page_is_the_utf8_of_all_fragments_joined(fragments) -> None:
    assert bytes(_join_in_chunks(iter(fragments))) == "".join(fragments).encode("utf-8")

