"""Pages are encoded from their fragments a piece at a time, into exactly what joining them all gives."""

from __future__ import annotations

import re

import pytest

from cjmc.site.builder import _MARKER, _encoded_pieces, _placeholder


@pytest.mark.parametrize("fragments", [
    [],
    [""] * 600,  # a run of empty fragments longer than a chunk does not end the page
    ["<li>", "Café ☕", "</li>"] * 1000,
    ["a" * 70_000] * 3 + ["", "b"],
])
def test_the_page_is_the_utf8_of_all_fragments_joined(fragments) -> None:
    assert b"".join(_encoded_pieces(iter(fragments))) == "".join(fragments).encode("utf-8")


def test_a_large_page_comes_in_pieces_that_each_end_a_tag_and_never_split_a_placeholder() -> None:
    fragments = []
    for number in range(3000):
        fragments += ["<tr><td>", f"row {number} é", "</td><td>", str(_placeholder(f"flow-j{number:05d}")),
                      "</td></tr>\n"]
    pieces = list(_encoded_pieces(iter(fragments), size=7, piece=1000))
    assert b"".join(pieces) == "".join(fragments).encode("utf-8")
    assert len(pieces) > 100
    assert all(piece.endswith(b">") for piece in pieces[:-1])
    assert max(map(len, pieces)) < 1000 + 7 * 40  # a piece is cut once it reaches the size, one chunk later at most
    found = [name for piece in pieces for name in _MARKER.findall(piece)]
    assert found == [f"flow-j{number:05d}".encode() for number in range(3000)]
    assert not any(re.search(rb"<!--cjmc-diagram:[^>]*$", piece) for piece in pieces)


def test_text_without_any_tag_end_is_one_piece() -> None:
    assert list(_encoded_pieces(iter(["x" * 50] * 100), size=3, piece=100)) == [b"x" * 5000]
