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
    assert store.get(("item", "../", ("a.html", "A & B"))) is not None
    assert store.get(("item", "", ("a.html", "A & B"))) is None  # another root
    store.end()
    changed = [("a.html", "A & C"), ("b.html", "<script>")]
    text = _render(env, FragmentStore(tmp_path, "templates"), changed)
    assert "A &amp; C" in text and "A &amp; B" not in text
    # Another template set: nothing of the old one is used.
    assert FragmentStore(tmp_path, "other templates").folder is not None
    other = FragmentStore(tmp_path, "other templates")
    other.begin("p.html")
    assert other.get(("item", "../", ("a.html", "A & C"))) is None


def test_a_damaged_or_unwritable_store_is_no_store(tmp_path: Path) -> None:
    env = _environment()
    plain = env.get_template("plain.html").render(items=ITEMS, root="../")
    _render(env, FragmentStore(tmp_path / "cache", "templates"))
    for entry in (tmp_path / "cache").rglob("*.pickle"):
        entry.write_bytes(b"\x80garbage")
    assert _render(env, FragmentStore(tmp_path / "cache", "templates")) == plain
    (tmp_path / "file").write_text("not a folder")
    assert _render(env, FragmentStore(tmp_path / "file", "templates")) == plain
