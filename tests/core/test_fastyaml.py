"""The optional C loader gives what the Python loader gives, or leaves the file to it.

``cjmc/load/_fastyaml.c`` is built at install time when a compiler and
libyaml's headers are there. Each test loads the same text both ways and
compares everything a caller can see: the documents' indices and positions,
each value and its exact type, every key's, value's and item's position, and
which texts are one shared object (interned). CI sets
``CJMC_REQUIRE_C_LOADER=1`` so that a C loader that failed to build fails
these tests instead of skipping them.
"""

from __future__ import annotations

import os
import pickle
import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjmc import __version__
from cjmc.load import yaml_loader
from cjmc.load.yaml_loader import LocDict, LocList, decode, line_column, load_documents

from .leaks import small_blocks_kept
from .test_fuzz import SEED_TEXT, YAML_BITS, mutate
from .test_loader import PLAIN_SCALARS

ROOT = Path(__file__).resolve().parents[2]
FAST = yaml_loader._fast_load

if FAST is None:
    if os.environ.get("CJMC_REQUIRE_C_LOADER"):
        raise AssertionError("CJMC_REQUIRE_C_LOADER is set but the C loader was not built (see hatch_build.py)")
    pytest.skip("the C loader is not built here (needs a C compiler and libyaml's headers at install time)",
                allow_module_level=True)


def load_both(text: str, monkeypatch) -> tuple[tuple, tuple]:
    """``load_documents`` with the C loader, then with the Python loader only."""
    fast = load_documents(text, "f.yaml")
    monkeypatch.setattr(yaml_loader, "_fast_load", None)
    try:
        slow = load_documents(text, "f.yaml")
    finally:
        monkeypatch.setattr(yaml_loader, "_fast_load", FAST)
    return fast, slow


def taken_by_c(text: str) -> bool:
    return FAST(text, LocDict, LocList, yaml_loader._plain_number, yaml_loader.MAX_DEPTH,
                yaml_loader.SHARED_TEXT) is not None


def is_interned(text: str) -> bool:
    return sys.intern(text.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")) is text


def mark(position) -> tuple[int, int]:
    return position.line, position.column


def difference(a, b, where: str = "") -> str | None:
    """Where two loaded values differ in anything a caller can see, or None."""
    if type(a) is not type(b):
        return f"{where}: {type(a).__name__} against {type(b).__name__}"
    if isinstance(a, LocDict):
        if list(a) != list(b) or mark(a.pos) != mark(b.pos):
            return f"{where}: keys {list(a)} at {mark(a.pos)} against {list(b)} at {mark(b.pos)}"
        for key in a:
            if not is_interned(key) or a.key_pos[key].index != b.key_pos[key].index:
                return f"{where}.{key}: key"
            if mark(a.key_pos[key]) != mark(b.key_pos[key]) or mark(a.value_pos[key]) != mark(b.value_pos[key]):
                return f"{where}.{key}: positions"
            found = difference(a[key], b[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(a, LocList):
        if len(a) != len(b) or mark(a.pos) != mark(b.pos) or list(map(mark, a.item_pos)) != list(map(mark, b.item_pos)):
            return f"{where}: items or positions"
        for index, (x, y) in enumerate(zip(a, b)):
            found = difference(x, y, f"{where}[{index}]")
            if found:
                return found
        return None
    if a != b and not (a != a and b != b):  # NaN is itself
        return f"{where}: {a!r} against {b!r}"
    if isinstance(a, str) and is_interned(a) != is_interned(b):
        return f"{where}: {a!r} shared in one and not the other"
    return None


def assert_same(text: str, monkeypatch) -> None:
    (fast_documents, fast_problems), (slow_documents, slow_problems) = load_both(text, monkeypatch)
    assert fast_problems == slow_problems
    assert [(d.index, d.line, d.column) for d in fast_documents] == [(d.index, d.line, d.column)
                                                                     for d in slow_documents]
    for fast, slow in zip(fast_documents, slow_documents):
        assert difference(fast.data, slow.data) is None, difference(fast.data, slow.data)


def project_files() -> list[Path]:
    files = [path for folder in ("examples", "tests") for path in sorted((ROOT / folder).rglob("*.y*ml"))]
    assert len(files) > 100
    return files


def test_every_file_of_the_examples_and_fixtures_loads_the_same(monkeypatch) -> None:
    left = []
    for path in project_files():
        try:
            text = decode(path.read_bytes(), str(path))
        except yaml_loader.LoadError:
            continue
        assert_same(text, monkeypatch)
        if not taken_by_c(text):
            left.append(path.relative_to(ROOT).parts[:4])
    # Only the fixtures of YAML problems (syntax, tabs, tags, anchors, duplicate keys, nesting) need the Python path.
    assert left and all(parts[:3] == ("tests", "acceptance", "bad") and parts[3].startswith("yaml-")
                        for parts in left), left


def test_a_generated_portfolio_loads_the_same(monkeypatch, tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    generate.generate(40, tmp_path, seed=7)
    files = sorted(tmp_path.rglob("*.yaml"))
    assert len(files) > 40
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert taken_by_c(text), path
        assert_same(text, monkeypatch)


@pytest.mark.parametrize("text", [
    "a: [1, 2\n",  # a syntax error
    "a:\n\t- b\n",  # a tab
    "a: 'open\n",
    "a: 1\na: 2\n",  # a duplicate key
    "a: !!str 1\n", "a: !custom x\n", "a: !!map {}\n", "a: ! x\n", "!!str a: 1\n",  # tags
    "a: &x 1\nb: *x\n", "base: {x: 1}\nthing:\n  <<: {y: 2}\n", "a: <<\n", "'<<': 1\n",  # anchors, merges
    "? [a, b]\n: 1\n", "{[a]: 1}\n",  # complex keys
    "a: " + "[" * 100 + "]" * 100 + "\n", "[" * 5000 + "]" * 5000,  # nesting at the limit
])
def test_what_only_the_python_loader_handles_is_left_to_it(text: str, monkeypatch) -> None:
    assert not taken_by_c(text)
    assert_same(text, monkeypatch)


@pytest.mark.parametrize("text", PLAIN_SCALARS)
def test_plain_scalars_resolve_the_same(text: str, monkeypatch) -> None:
    for form in (f"v: {text}\n", f"- {text}\n", f"[{text}, '{text}', \"{text}\"]\n", f"v: |\n  {text}\n"):
        if taken_by_c(form):
            assert_same(form, monkeypatch)


@pytest.mark.parametrize("text", [
    "", "# only a comment\n", "---\n", "---\n---\na: 1\n---\n", "a: 1\n...\n---\nb: 2\n", "plain\n", "~\n",
    "- 1\n- [2, {x: y}]\n-\n  - z\n", "ключ: значение\nemoji: '😀 x'\n😀: [a, 'é', b]\n",
    "long: " + "x" * 64 + "\nlonger: " + "y" * 65 + "\n", "text: >-\n  folded\n  lines\n\nnext: |+\n  kept\n\n",
    "\ufeffa: 1\n", "a:\nb: ''\nc: \"\"\n", "%YAML 1.1\n---\na: 1\n", "{a: 1, b: [x, y], c: {d: e}}\n",
    "a: 0x1F\nb: 0o17\nc: -.inf\nd: .NaN\ne: +1\nf: 1_000\ng: 2026-06-01\nh: 1e3\n",
    "2026: a\ntrue: b\nnull: c\n1.5: d\n",
    "n: [-0, +12, 007, -, +, 999999999999999999, 9999999999999999999, -999999999999999999, 1" + "0" * 5000 + "]\n",
    "f: [1., -0.0, +.5, 00.10, 1.2.3, 65.9, -3.25, 0.1, 2.5e3, 1.7976931348623157, 12345678901234567890123456789.5, "
    "123456789012345678901234567890.5, 1e400, 4.9e-324, -., 3.]\n",
])
def test_edge_cases_load_the_same(text: str, monkeypatch) -> None:
    assert_same(text, monkeypatch)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, 20_000), st.integers(0, 40),
                               st.lists(YAML_BITS, max_size=3).map("".join)), min_size=1, max_size=6))
def test_mutated_journeys_load_the_same(edits, monkeypatch) -> None:
    assert_same(mutate(SEED_TEXT, edits), monkeypatch)


SCALARS = st.one_of(st.sampled_from(PLAIN_SCALARS), st.text(max_size=80), st.integers(), st.floats(),
                    st.booleans(), st.none())
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=30)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(value=VALUES, flow=st.sampled_from([None, True, False]), indent=st.integers(1, 4))
def test_any_dumped_value_loads_the_same(value, flow, indent, monkeypatch) -> None:
    import yaml

    assert_same(yaml.safe_dump(value, default_flow_style=flow, indent=indent + 1, allow_unicode=True), monkeypatch)


def test_pyyaml_is_imported_only_for_a_file_the_c_loader_gives_back() -> None:
    """Importing PyYAML was ~9 % of validating a small project; with the C loader, well-formed maps never need it."""
    import subprocess

    script = ("import sys; from cjmc.pipeline import compile_project; "
              "from cjmc.load.yaml_loader import load_documents; "
              "compile_project(sys.argv[1]); print('yaml' in sys.modules); "
              "load_documents('a: !!str 1', 'f.yaml'); print('yaml' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script, str(ROOT / "examples")], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "CJMC_PURE_PYTHON": ""})
    assert done.stdout.split() == ["False", "True"], done.stdout + done.stderr


def test_a_lone_surrogate_is_left_to_the_python_loader() -> None:
    assert not taken_by_c("a: '\udc80'\n")


def test_positions_count_characters_not_bytes() -> None:
    documents, _ = load_documents("a: 'é😀'\nb:\n  - 😀: x\n", "f.yaml")
    data = documents[0].data
    item = data["b"][0]
    assert line_column(item.value_pos["😀"]) == (3, 8)
    assert type(data.pos).__name__ == "Mark"  # this test ran the C path


def test_marks_pickle_and_read_like_pyyaml_marks() -> None:
    documents, _ = load_documents("journey:\n  id: j\n", "f.yaml")
    data = pickle.loads(pickle.dumps(documents[0].data))
    assert data == {"journey": {"id": "j"}}
    assert line_column(data["journey"].key_pos["id"]) == (2, 3)
    assert repr(data["journey"].key_pos["id"]) == "Mark(line=1, column=2, index=11)"


def test_cjmc_pure_python_turns_the_c_loader_off(monkeypatch) -> None:
    from cjmc.load.c_loader import c_loader

    monkeypatch.setenv("CJMC_PURE_PYTHON", "1")
    assert c_loader() == (None, "Python (CJMC_PURE_PYTHON is set)")
    monkeypatch.delenv("CJMC_PURE_PYTHON")
    assert c_loader() == (FAST, "C (libyaml)")
    monkeypatch.setitem(sys.modules, "cjmc.load._fastyaml", None)  # as if it had not been built
    assert c_loader() == (None, "Python (the C loader was not built at install time)")


@pytest.mark.parametrize("pure, says", [("", "YAML loader: C (libyaml)"),
                                        ("1", "YAML loader: Python (CJMC_PURE_PYTHON is set)")])
def test_version_says_which_loader_reads_yaml(pure: str, says: str) -> None:
    import subprocess

    env = {**os.environ, "CJMC_PURE_PYTHON": pure}
    done = subprocess.run([sys.executable, "-m", "cjmc", "--version"], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 0 and done.stdout.splitlines() == [f"cjmc, version {__version__}", says]


def test_random_byte_soup_never_crashes_the_c_loader(monkeypatch) -> None:
    rng = random.Random(5)
    pieces = ["a", ":", " ", "\n", "-", "[", "]", "{", "}", ",", "'", '"', "#", "é", "😀", "\t", "|", ">", "?", "1",
              ".", "~", "<<", "!", "&", "*", "---", "...", "%"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        assert_same(text, monkeypatch)


def test_loading_again_and_again_keeps_no_objects() -> None:
    """Every object the C loader makes is freed with its result, and nothing is kept when it gives a file back:
    a reference it forgot to drop would leave ~100 small blocks (marks, texts, containers) per load here.
    Large blocks are not counted: Python's table of interned strings grows and is rebuilt as texts come and go."""
    texts = [SEED_TEXT, "a: 1\na: 2\n", "a: [1, 2\n", "x: &a 1\n", "k: {a: b, c: [d, 1.5, 7, true, ~]}\n"]

    def load_all() -> None:
        for text in texts:
            FAST(text, LocDict, LocList, yaml_loader._plain_number, yaml_loader.MAX_DEPTH, yaml_loader.SHARED_TEXT)

    kept = small_blocks_kept(load_all, rounds=300)  # after filling the text cache and any free lists
    assert kept < 100, f"{kept} more small blocks after 300 loads"
