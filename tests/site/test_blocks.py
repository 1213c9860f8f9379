"""Blocks: one journey's run of rows on a portfolio-wide page, keyed by the journey's page key, made on demand."""

from __future__ import annotations

import weakref
from pathlib import Path
from types import SimpleNamespace

import jinja2

from cjmc.site.context import _blocks
from cjmc.site.fragments import FragmentExtension, FragmentStore
from cjmc.site.views import Block, as_blocks


def _index(keys: dict[str, str]) -> SimpleNamespace:
    return SimpleNamespace(journey_keys=keys)


def test_each_run_of_one_journey_is_a_block_keyed_by_its_page_key() -> None:
    made = []

    def view(journey: str, row: int) -> str:
        made.append((journey, row))
        return f"{journey}:{row}"

    entries = [("a", 1), ("a", 2), ("b", 3), ("c", 4)]
    blocks = _blocks(_index({"a": "KA", "b": "KB"}), "usage", entries, lambda entry: (entry[0],), view)
    assert [block.key for block in blocks] == [("usage", "a", "KA"), ("usage", "b", "KB"), None]  # c: no page key
    assert made == [], "no view is made before the page renders the block"
    assert blocks[0].items == ("a:1", "a:2")
    assert made == [("a", 1), ("a", 2)]
    assert [block.items for block in blocks[1:]] == [("b:3",), ("c:4",)]


def test_a_blocks_views_are_made_on_each_read_and_not_kept() -> None:
    """The package's templates read a block's views once; kept, a large page's views (~15 MB on the backlog
    page of 1,000 journeys) lived until the page was done, at the build's memory peak."""
    class View:
        pass

    made = []

    def make() -> list[View]:
        view = View()
        made.append(weakref.ref(view))
        return [view]

    block = Block(("k",), make)
    assert isinstance(block.items[0], View) and len(made) == 1
    assert made[0]() is None, "the block keeps no view once it is read"
    assert isinstance(block.items[0], View) and len(made) == 2, "a second read makes the views again"


def test_a_journey_in_two_runs_gets_no_key() -> None:
    """What each of two runs of one journey holds depends on the rows between them, which its key does not cover."""
    entries = [("a", 1), ("b", 2), ("a", 3)]
    blocks = _blocks(_index({"a": "KA", "b": "KB"}), "pains", entries, lambda entry: (entry[0],),
                     lambda journey, row: row)
    assert [(block.key, block.items) for block in blocks] == [(None, (1,)), (("pains", "b", "KB"), (2,)),
                                                              (None, (3,))]


def test_as_blocks_passes_blocks_and_wraps_plain_rows_in_one_keyless_block() -> None:
    keyed = (Block(("k",), lambda: [1]),)
    assert as_blocks(keyed) == keyed
    assert as_blocks(()) == ()
    (wrapped,) = as_blocks([1, 2])
    assert (wrapped.key, wrapped.items) == (None, (1, 2))


def test_a_fragment_without_a_key_is_rendered_every_time_and_never_stored(tmp_path: Path) -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({"t.html": (
        "{% for b in blocks %}{% fragment (root, b.key) if b.key else none %}"
        "{% for i in b.items %}<i>{{ i }}</i>{% endfor %}{% endfragment %}{% endfor %}")}),
        autoescape=True, extensions=[FragmentExtension])

    def render(blocks) -> tuple[str, dict]:
        env.fragment_store = store = FragmentStore(tmp_path, "templates")
        store.begin("p.html")
        text = env.get_template("t.html").render(blocks=blocks, root="")
        kept = dict(store.current)
        store.end()
        return text, kept

    text, kept = render([Block(None, lambda: ["<a>"]), Block(("k",), lambda: ["b"])])
    assert text == "<i>&lt;a&gt;</i><i>b</i>"
    assert list(kept.values()) == [b"<i>b</i>"]  # kept as UTF-8
    # The keyed block is found under its key; the keyless one is rendered from its (new) rows.
    text, _ = render([Block(None, lambda: ["c"]), Block(("k",), lambda: ["not made"])])
    assert text == "<i>c</i><i>b</i>"

