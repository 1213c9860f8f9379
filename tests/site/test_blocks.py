"""Blocks: one journey's run of rows on a portfolio-wide page, keyed by the journey's page key, made on demand."""

from __future__ import annotations

import weakref
from pathlib import Path
from types import SimpleNamespace
from zlib import crc32

import jinja2

from cjmc.site import context
from cjmc.site.context import _blocks
from cjmc.site.fragments import FragmentExtension, FragmentStore
from cjmc.site.views import Block, as_blocks


def _index(keys: dict[str, str]) -> SimpleNamespace:
    return SimpleNamespace(journey_keys=keys)


def test_each_run_of_one_journey_is_a_block_keyed_by_its_page_key(monkeypatch) -> None:
    monkeypatch.setattr(context, "MAX_RUNS_PER_CHUNK", 1)  # every run a chunk of its own (see the tests below)
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



# ---------------------------------------------------------------- chunks of runs

def _ends_a_chunk(journey: str) -> bool:
    return crc32(journey.encode()) % context.RUNS_PER_CHUNK == 0


def _usage_blocks(journeys: list[str], keys: dict[str, str]) -> tuple[Block, ...]:
    entries = [(journey, row) for journey in journeys for row in (1, 2)]
    return _blocks(_index(keys), "usage", entries, lambda entry: (entry[0],), lambda journey, row: f"{journey}:{row}")


def _members(block: Block) -> list[str]:
    """The journeys whose runs ``block`` holds (a chunk's key is ("chunk", each run's key))."""
    if block.key is None:
        return []
    return [key[1] for key in block.key[1:]] if block.key[0] == "chunk" else [block.key[1]]


def test_consecutive_keyed_runs_are_one_chunk_that_ends_where_a_journey_id_says() -> None:
    journeys = [f"j{number:04d}" for number in range(300)]
    keys = {journey: f"K{journey}" for journey in journeys}
    blocks = _usage_blocks(journeys, keys)
    assert sum(map(len, map(_members, blocks))) == len(journeys)
    assert [journey for block in blocks for journey in _members(block)] == journeys, "in page order"
    assert 300 / context.MAX_RUNS_PER_CHUNK <= len(blocks) < 300 / 4, "runs are chunked, ~16 a chunk"
    for block in blocks[:-1]:
        members = _members(block)
        assert _ends_a_chunk(members[-1]) or len(members) == context.MAX_RUNS_PER_CHUNK
        assert not any(_ends_a_chunk(journey) for journey in members[:-1])
    chunk = next(block for block in blocks if len(_members(block)) > 2)
    assert chunk.key == ("chunk", *(("usage", journey, keys[journey]) for journey in _members(chunk)))
    assert chunk.items == tuple(f"{journey}:{row}" for journey in _members(chunk) for row in (1, 2))


def test_an_edited_or_added_journey_changes_only_the_chunk_that_holds_it() -> None:
    journeys = [f"j{number:04d}" for number in range(300)]
    keys = {journey: f"K{journey}" for journey in journeys}
    before = _usage_blocks(journeys, keys)
    edited = _usage_blocks(journeys, {**keys, "j0150": "changed"})
    assert len(edited) == len(before)
    changed = [(old.key, new.key) for old, new in zip(before, edited) if old.key != new.key]
    assert len(changed) == 1 and "j0150" in _members(before[[b.key for b in before].index(changed[0][0])])

    added = _usage_blocks([*journeys[:151], "j0150b", *journeys[151:]], {**keys, "j0150b": "new"})
    old_keys, new_keys = {block.key for block in before}, {block.key for block in added}
    # A new journey that ends a chunk splits one in two, and a chunk cut at the most runs moves its cut:
    # either way only the chunks around it change.
    assert len(new_keys - old_keys) <= 2 and len(old_keys - new_keys) <= 2
    assert any("j0150b" in _members(block) for block in added if block.key not in old_keys)


def test_a_run_without_a_key_stands_alone_between_chunks() -> None:
    journeys = [f"j{number:04d}" for number in range(40)]
    keys = {journey: "K" for journey in journeys if journey != "j0020"}
    blocks = _usage_blocks(journeys, keys)
    keyless = [block for block in blocks if block.key is None]
    assert len(keyless) == 1 and keyless[0].items == ("j0020:1", "j0020:2")
    assert "j0020" not in [journey for block in blocks for journey in _members(block)]
    position = blocks.index(keyless[0])
    assert _members(blocks[position - 1])[-1] == "j0019" and _members(blocks[position + 1])[0] == "j0021"


def test_a_chunks_views_are_made_only_when_the_page_reads_it() -> None:
    made = []
    entries = [(f"j{number:04d}", 1) for number in range(40)]
    blocks = _blocks(_index({journey: "K" for journey, _ in entries}), "usage", entries, lambda entry: (entry[0],),
                     lambda journey, row: made.append(journey) or journey)
    assert made == []
    chunk = next(block for block in blocks if len(_members(block)) > 1)
    assert chunk.items == tuple(_members(chunk)) and made == _members(chunk)
