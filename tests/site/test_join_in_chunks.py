"""Pages are encoded from their fragments a piece at a time, into exactly what joining them all gives."""

from __future__ import annotations

import re

import pytest

from cjmc.site.builder import _MARKER, _encoded_pieces, _placeholder
from cjmc.site.fragments import FragmentStore


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


def test_found_fragments_are_put_in_place_a_piece_at_a_time_however_large() -> None:
    """A chunk of a catalog page's rows found in the fragment store is ~100 KB: 256 of them in one join would
    be tens of MB held at once."""
    store = FragmentStore(None, "", splicing=True)
    store.begin("p.html")
    fragments, expected = [], []
    for number in range(600):
        row = f"<tr><td>chunk {number} é</td></tr>\n".encode() * 2000  # ~50 KB
        fragments += ["<tbody>", store.spliced_in(row), "</tbody>\n"]
        expected += [b"<tbody>", row, b"</tbody>\n"]
    pieces = list(_encoded_pieces(iter(fragments), store, piece=1 << 20))
    assert b"".join(pieces) == b"".join(expected)
    assert store.all_spliced()
    assert max(map(len, pieces)) < (1 << 20) + 60_000, "a piece is cut once it reaches the size, one fragment later"
