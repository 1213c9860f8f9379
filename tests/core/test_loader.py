"""The loader keeps positions, keeps dates and YAML 1.1 words as text, and refuses abuse."""

from __future__ import annotations

import time

from cjmc.load.yaml_loader import LoadError, LocDict, LocList, decode, line_column, load_documents

import pytest


def load_one(text: str):
    documents, problems = load_documents(text, "f.yaml")
    assert not problems, problems
    assert len(documents) == 1
    return documents[0].data


def test_positions_of_keys_values_and_items_are_one_based() -> None:
    data = load_one("kind: journey\nstages:\n  - id: a\n    steps: [x, y]\n")
    assert isinstance(data, LocDict)
    assert line_column(data.key_pos["stages"]) == (2, 1)
    stage = data["stages"][0]
    assert line_column(data["stages"].item_pos[0]) == (3, 5)
    assert line_column(stage.pos) == (3, 5)
    assert line_column(stage.value_pos["steps"]) == (4, 12)
    assert isinstance(stage["steps"], LocList)
    assert [line_column(mark) for mark in stage["steps"].item_pos] == [(4, 13), (4, 16)]


def test_the_python_parser_gives_the_same_positions() -> None:
    """Without PyYAML's C extension the loader falls back to its pure-Python parser, whose marks
    have the same 0-based ``line`` and ``column``."""
    import yaml

    text = "kind: journey\nstages:\n  - id: a\n    steps: [x, y]\n"
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    stages = node.value[1][1]
    assert line_column(stages.value[0].start_mark) == line_column(load_one(text)["stages"].item_pos[0]) == (3, 5)


def test_dates_and_yaml11_words_stay_text_core_schema_scalars_resolve() -> None:
    data = load_one("d: 2026-06-01\nw: [off, on, yes, no, Off]\nb: [true, False]\nn: [1, -2, 0x1f, 2.5, .inf]\nz: ~\nq: '3'\n")
    assert data["d"] == "2026-06-01"
    assert data["w"] == ["off", "on", "yes", "no", "Off"]
    assert data["b"] == [True, False]
    assert data["n"][:4] == [1, -2, 31, 2.5] and data["n"][4] == float("inf")
    assert data["z"] is None and data["q"] == "3"


# The YAML 1.2.2 core schema's tag resolution (section 10.3.2), as the specification writes it.
CORE_SCHEMA = [
    ("null", r"null|Null|NULL|~"),
    ("bool", r"true|True|TRUE|false|False|FALSE"),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"),
    ("float", r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN"),
]
PLAIN_SCALARS = ["true", "True", "TRUE", "tRUE", "truex", "false", "FALSE", "f", "t", "n", "no", "null", "Null",
                 "NULL", "nULL", "~", "~x", "<", "<<<", "0", "-0", "+12", "12a", "0x1F", "0xg", "0o17", "0o8",
                 "1.5", "1.", ".5", ".", "-.5", "1e5", "1.5E-3", "1e", ".inf", "-.Inf", "+.INF", ".nan", ".NaN",
                 "-.nan", "2026-06-01", "1_000", "-x", "+", "-1-", "new", "fine", "Tuesday", "0.5%", "10:30"]


@pytest.mark.parametrize("text", PLAIN_SCALARS)
def test_plain_scalars_resolve_as_the_core_schema_says(text: str) -> None:
    import re

    expected = next((kind for kind, pattern in CORE_SCHEMA if re.fullmatch(pattern, text)), "str")
    value = load_one(f"v: {text}\n")["v"]
    kinds = {type(None): "null", bool: "bool", int: "int", float: "float", str: "str"}
    assert kinds[type(value)] == expected, (text, value)


def test_keys_are_kept_as_written() -> None:
    assert list(load_one("2026: a\ntrue: b\n")) == ["2026", "true"]


def test_duplicate_keys_are_reported_at_the_second_key() -> None:
    _, problems = load_documents("a: 1\nb:\n  c: 1\n  c: 2\n", "f.yaml")
    assert [(p.rule, p.line, p.column) for p in problems] == [("duplicate-key", 4, 3)]


def test_empty_documents_are_ignored_and_indices_kept() -> None:
    documents, problems = load_documents("# only a comment\n---\n---\na: 1\n---\n", "f.yaml")
    assert not problems
    assert [d.data for d in documents] == [{"a": 1}]
    assert documents[0].line == 4


def test_merge_keys_merge_with_explicit_keys_winning() -> None:
    data = load_one("base: &b {x: 1, y: 2}\nthing:\n  <<: *b\n  y: 3\n")
    assert data["thing"] == {"x": 1, "y": 3}


@pytest.fixture(params=["libyaml limits depth", "scan first"])
def depth_guard(request, monkeypatch):
    """Both ways of refusing deep nesting: the builder behind libyaml >= 0.2.6's own limit, or a scan first."""
    from cjmc.load import pyyaml_loader

    if request.param == "scan first":
        monkeypatch.setattr(pyyaml_loader, "_PARSER_LIMITS_DEPTH", False)
    elif not pyyaml_loader._PARSER_LIMITS_DEPTH:
        pytest.skip("this PyYAML's libyaml is older than 0.2.6: only the scan guards the composer")
    return request.param


@pytest.mark.parametrize("text, line, column", [
    ("a: [" * 1 + "[" * 200 + "]" * 201 + "\n", 1, 103),
    ("- " * 300 + "x\n", 1, 201),
    ("a: &x [" + "[" * 200 + "]" * 201 + "\n", 1, 106),
    ("a: 1\n---\nb: " + "[" * 120 + "]" * 120 + "\n", 3, 103),
])
def test_pathological_nesting_is_refused_quickly_at_the_same_place(depth_guard, text: str, line: int,
                                                                   column: int) -> None:
    start = time.perf_counter()
    documents, problems = load_documents(text, "f.yaml")
    assert time.perf_counter() - start < 2
    assert [(p.rule, p.line, p.column) for p in problems] == [("yaml-syntax", line, column)]
    assert "nested" in problems[0].message


def test_nesting_up_to_the_limit_is_kept(depth_guard) -> None:
    # The root mapping and 99 lists: 100 levels, the most a document may have.
    data = load_one("a: " + "[" * 99 + "x" + "]" * 99 + "\n")
    for _ in range(100):
        data = data["a"] if isinstance(data, dict) else data[0]
    assert data == "x"


def test_deep_nesting_beyond_the_c_composer_limit_does_not_crash(depth_guard) -> None:
    _, problems = load_documents("[" * 200_000 + "]" * 200_000, "f.yaml")
    assert [(p.line, p.column) for p in problems] == [(1, 101)] and "nested" in problems[0].message


def test_alias_bomb_is_refused() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        levels.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
    _, problems = load_documents("\n".join(levels) + "\n", "f.yaml")
    assert problems and "aliases" in problems[0].message


def test_small_aliases_are_fine() -> None:
    data = load_one("a: &x [1, 2]\nb: *x\n")
    assert data["b"] == [1, 2]


def test_invalid_utf8_is_reported_at_its_line_and_column() -> None:
    with pytest.raises(LoadError) as info:
        decode("a: 1\nb: caf".encode() + b"\xe9\n", "f.yaml")
    d = info.value.diagnostic
    assert (d.rule, d.line, d.column) == ("yaml-syntax", 2, 7)


def test_bom_is_stripped() -> None:
    assert decode("\ufeffa: 1".encode("utf-8"), "f.yaml") == "a: 1"


def test_tabs_are_reported_with_a_hint() -> None:
    _, problems = load_documents("a:\n\tb: 1\n", "f.yaml")
    assert problems[0].line == 2 and "spaces" in problems[0].hint


def test_unknown_tags_are_reported_but_loading_continues() -> None:
    documents, problems = load_documents("a: !secret x\nb: 2\n", "f.yaml")
    assert [p.rule for p in problems] == ["yaml-syntax"]
    assert documents[0].data == {"a": "x", "b": 2}


def test_short_texts_and_keys_are_one_object_per_value_long_texts_are_not() -> None:
    """A large portfolio repeats ids, enum values and keys on every step: each parsed scalar was a new
    string, ~18 MB of a 1,000-journey model (one object per value, ``sys.intern``, keeps one)."""
    long_text = "x" * 200
    data = load_one(f"kind: journey\nstages:\n  - id: s\n    severity: medium\n    quoted: 'medium'\n"
                    f"    note: {long_text}\n  - id: t\n    severity: medium\n    note: {long_text}\n")
    first, second = data["stages"]
    assert first["severity"] is second["severity"] is first["quoted"]
    assert next(iter(first)) is next(iter(second))  # the key `id`
    assert first["note"] == second["note"] and first["note"] is not second["note"]


def test_key_orders_unpickled_from_several_files_share_one_object_per_key() -> None:
    """Each file's pickle brings its own copies of the keys; a 1,000-journey model held ~19,000 key
    orders, each with its own `id`, `name`, `description`... Unpickled, every key order uses one object
    per key."""
    import pickle

    from cjmc.load.yaml_loader import load_documents
    from cjmc.model import PositionTable

    def table(file: str, text: str) -> PositionTable:
        (document,), _ = load_documents(text, file)
        return pickle.loads(pickle.dumps(PositionTable(file, document.data.value_pos)))

    first = table("a.yaml", "id: a\nname: A\nx-first-order: 1\n")
    second = table("b.yaml", "name: B\nid: b\nx-second-order: 2\n")
    assert list(first) == ["id", "name", "x-first-order"] and list(second) == ["name", "id", "x-second-order"]
    assert list(first)[0] is list(second)[1] and list(first)[1] is list(second)[0]
    assert first["name"].line == 2 and second["id"].line == 2 and second["id"].file == "b.yaml"
