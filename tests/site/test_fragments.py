"""The ``{% fragment %}`` tag: the same output with and without a store, found only under the same key."""

from __future__ import annotations

from pathlib import Path

import jinja2

from cjmc.site.fragments import FragmentExtension, FragmentStore

TEMPLATE = """<ul>
{% for item in items %}
{% fragment ("item", root, item) %}
  <li><a href="{{ root }}{{ item[0] }}">{{ item[1] }}</a></li>
{% endfragment %}
{% endfor %}
</ul>
"""


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.DictLoader({"t.html": TEMPLATE, "plain.html": TEMPLATE.replace(
        '{% fragment ("item", root, item) %}\n', "").replace("{% endfragment %}\n", "")}),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        extensions=[FragmentExtension])


ITEMS = [("a.html", "A & B"), ("b.html", "<script>"), ("a.html", "A & B")]


def _render(env: jinja2.Environment, store: FragmentStore | None, items=ITEMS, page: str = "p.html") -> str:
    env.fragment_store = store
    if store is not None:
        store.begin(page)
    text = env.get_template("t.html").render(items=items, root="../")
    if store is not None:
        store.end()
    return text


def test_fragments_render_exactly_what_the_body_renders(tmp_path: Path) -> None:
    env = _environment()
    plain = env.get_template("plain.html").render(items=ITEMS, root="../")
    assert "A &amp; B" in plain and "&lt;script&gt;" in plain
    assert _render(env, None) == plain
    assert _render(env, FragmentStore(None, "")) == plain
    store = FragmentStore(tmp_path, "templates")
    assert _render(env, store) == plain  # cold: rendered and kept
    assert _render(env, FragmentStore(tmp_path, "templates")) == plain  # warm: from disk


def test_a_fragment_is_found_only_under_its_own_key(tmp_path: Path) -> None:
    env = _environment()
    _render(env, FragmentStore(tmp_path, "templates"))
    store = FragmentStore(tmp_path, "templates")
    store.begin("p.html")
    assert store.get_bytes(("item", "../", ("a.html", "A & B"))) is not None
    assert store.get_bytes(("item", "", ("a.html", "A & B"))) is None  # another root
    store.end()
    changed = [("a.html", "A & C"), ("b.html", "<script>")]
    text = _render(env, FragmentStore(tmp_path, "templates"), changed)
    assert "A &amp; C" in text and "A &amp; B" not in text
    # Another template set: nothing of the old one is used.
    assert FragmentStore(tmp_path, "other templates").folder is not None
    other = FragmentStore(tmp_path, "other templates")
    other.begin("p.html")
    assert other.get_bytes(("item", "../", ("a.html", "A & C"))) is None


def test_a_damaged_or_unwritable_store_is_no_store(tmp_path: Path) -> None:
    env = _environment()
    plain = env.get_template("plain.html").render(items=ITEMS, root="../")
    _render(env, FragmentStore(tmp_path / "cache", "templates"))
    for entry in (tmp_path / "cache").rglob("*.pickle"):
        entry.write_bytes(b"\x80garbage")
    assert _render(env, FragmentStore(tmp_path / "cache", "templates")) == plain
    (tmp_path / "file").write_text("not a folder")
    assert _render(env, FragmentStore(tmp_path / "file", "templates")) == plain


LI = '  <li><a href="../{}">{}</a></li>\n'


def _entry(folder: Path, key: str) -> Path:
    return folder / key[:2] / f"{key}.pickle"


def test_a_few_new_fragments_go_to_the_delta_and_the_base_is_rewritten_when_much_changed(tmp_path: Path,
                                                                                         monkeypatch) -> None:
    """After a small change only the page's delta is written; the base is rewritten once the new and
    unused fragments pass ``DELTA_SHARE`` of it. Every build renders what a build without a store renders."""
    import pickle

    from cjmc.site import fragments

    env = _environment()
    items = [(f"{n}.html", f"item {n}") for n in range(40)]
    store = FragmentStore(tmp_path, "templates")
    _render(env, store, items)
    base, delta = _entry(tmp_path, store.page_key), _entry(tmp_path, store.delta_key)
    assert len(pickle.loads(base.read_bytes())) == 40
    assert not delta.exists(), "no empty delta is written: a new file costs more than a missing one"
    base_bytes = base.read_bytes()

    def plain(items) -> str:
        return _render(env, None, items)

    small = [("new.html", "a new item"), *items[1:]]  # one new, one unused: 2 of 40 <= 10 %
    assert _render(env, FragmentStore(tmp_path, "templates"), small) == plain(small)
    assert base.read_bytes() == base_bytes, "the base set is not rewritten for a small change"
    assert [html.decode() for html in pickle.loads(delta.read_bytes()).values()] == [LI.format('new.html', 'a new item')]

    found = []
    get = FragmentStore.get_bytes

    def recording(self, key):
        html = get(self, key)
        found.append(html is not None)
        return html

    monkeypatch.setattr(FragmentStore, "get_bytes", recording)
    assert _render(env, FragmentStore(tmp_path, "templates"), small) == plain(small)
    assert all(found) and len(found) == 40, "base and delta together hold every fragment of the page"
    monkeypatch.undo()

    large = [(f"other-{n}.html", f"other {n}") for n in range(10)] + items[10:]  # 20 of 40 > 10 %
    assert fragments.DELTA_SHARE == 0.1
    assert _render(env, FragmentStore(tmp_path, "templates"), large) == plain(large)
    assert sorted(html.decode() for html in pickle.loads(base.read_bytes()).values()) == sorted(
        LI.format(href, label) for href, label in large)
    assert not delta.exists(), "the old delta goes with a new base"


NESTED = """{% macro rows(items) -%}
{% for item in items %}{% fragment ("row", item) %}<td>{{ item }} é</td>{% endfragment %}{% endfor %}
{%- endmacro %}
{% for group in groups %}
{% fragment ("group", group) if group[0] != "new" else none %}<tr>{{ rows(group) }}</tr>{% endfragment %}
{% endfor %}
"""


def _spliced_page(env: jinja2.Environment, store: FragmentStore, groups) -> tuple[bytes, str]:
    """The page's bytes as the site makes them with markers, and the text the template gave."""
    from cjmc.site.builder import _encoded_pieces

    env.fragment_store = store
    store.begin("p.html")
    text = "".join(env.get_template("n.html").generate(groups=groups))
    data = b"".join(_encoded_pieces(iter([text]), store))
    assert store.all_spliced()
    store.end()
    return data, text


def test_found_fragments_go_into_the_page_as_bytes_in_macros_and_inside_fragments(tmp_path: Path) -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({"n.html": NESTED}), autoescape=True, trim_blocks=True,
                             lstrip_blocks=True, extensions=[FragmentExtension])
    def plain(groups) -> bytes:
        env.fragment_store = None
        return env.get_template("n.html").render(groups=groups).encode()

    groups = [("a", "<b>"), ("c",)]
    plain_page = plain(groups)
    assert "&lt;b&gt; é" in plain_page.decode()
    data, text = _spliced_page(env, FragmentStore(tmp_path, "t", splicing=True), groups)
    # Cold: every fragment rendered. Each row, kept as bytes, is a marker in its group's text; a group made
    # around markers is printed as text (the page's encoder counts the markers in it).
    assert data == plain_page and text.count("\0") == 2 * 3
    data, text = _spliced_page(env, FragmentStore(tmp_path, "t", splicing=True), groups)
    assert data == plain_page and text.count("\0") == 2 * 2  # warm: both groups found, each a marker
    # A group made anew around rows that are found: its text holds their markers; what is kept has their HTML.
    changed = [("c", "a"), ("a", "<b>")]
    _spliced_page(env, FragmentStore(tmp_path, "t", splicing=False), [("a",), ("c",), ("a", "<b>")])  # rows kept
    store = FragmentStore(tmp_path, "t", splicing=True)
    data, text = _spliced_page(env, store, changed)
    assert data == plain(changed)
    assert text.startswith("<tr>\0") and text.count("\0") == 2 * 3  # rows "c" (made now), "a", group ("a", "<b>")
    kept = FragmentStore(tmp_path, "t")._load(store.page_key)
    assert kept and all(b"\0" not in html for html in kept.values())
    data, text = _spliced_page(env, FragmentStore(tmp_path, "t", splicing=True), changed)
    assert data == plain(changed) and text.count("\0") == 2 * 2


def test_a_marker_a_template_cut_or_dropped_is_noticed(tmp_path: Path) -> None:
    store = FragmentStore(tmp_path, "t", splicing=True)
    store.begin("p.html")
    first, second = store.spliced_in(b"<i>1</i>"), store.spliced_in(b"<i>2</i>")
    out = store.encode_into(bytearray(), f"a{first}b{second[:-3]}c")
    assert bytes(out).startswith(b"a<i>1</i>b") and not store.all_spliced()
    store.begin("p.html")
    first, _ = store.spliced_in(b"<i>1</i>"), store.spliced_in(b"<i>2</i>")
    store.encode_into(bytearray(), f"a{first}")  # the second was dropped (a test, |length, ...)
    assert not store.all_spliced()
    store.begin("p.html")
    first = store.spliced_in(b"<i>1</i>")
    assert bytes(store.encode_into(bytearray(), f"é{first}ü")) == "é<i>1</i>ü".encode() and store.all_spliced()
