"""Ids derived from Mermaid names: valid for any script, stable, unique, capped."""

from __future__ import annotations

import re

import pytest

from cjmc.interop.mermaid_import import derive_id, slugify

ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
HASHED = re.compile(r"^(step|stage|journey|persona)-[0-9a-f]{6}$")


@pytest.mark.parametrize("name, expected", [
    ("Make tea", "make-tea"),
    ("Café Über Straße", "cafe-uber-strasse"),
    ("Rotina Diária do Dr_Finance", "rotina-diaria-do-dr-finance"),
    ("Add Tags/Categories", "add-tags-categories"),
    ("  --Weird__spacing!!  ", "weird-spacing"),
    ("ＡＢＣ１２３", "abc123"),  # full-width forms fold under NFKD
    ("ﬁnal ①", "final-1"),
    ("Œuvre Ærø Łódź", "oeuvre-aero-lodz"),
    ("App登录", "app"),  # what can be transliterated is kept ...
    ("Welcome组件使用流程", "welcome"),
    ("Пишет обращение в Telegram", "telegram"),
    ("Пользователь", ""),  # ... and nothing is left of Cyrillic, CJK or emoji
    ("用户", ""),
    ("🚀🎉", ""),
])
def test_slugify(name: str, expected: str) -> None:
    assert slugify(name) == expected


@pytest.mark.parametrize("name, kind", [
    ("Пользователь (пассажир)", "stage"),
    ("Система", "persona"),
    ("登录网站", "step"),
    ("ページ読み込み", "step"),
    ("러닝 경로", "journey"),
    ("🚀🎉", "step"),
    ("", "step"),
    ("   ", "stage"),
])
def test_names_without_latin_letters_get_a_hashed_id(name: str, kind: str) -> None:
    value = derive_id(name, kind, set())
    assert ID.match(value)
    assert HASHED.match(value) and value.startswith(kind + "-")


def test_ids_are_stable() -> None:
    for name in ("Make tea", "Пользователь", "🚀", "登录网站"):
        assert derive_id(name, "step", set()) == derive_id(name, "step", set())
    assert derive_id("登录网站", "step", set()) != derive_id("浏览商品", "step", set())


def test_duplicates_get_numbered_suffixes() -> None:
    taken: set[str] = set()
    ids = [derive_id(n, "step", taken) for n in ("api docs", "API docs", "api-docs!", "用户", "用户")]
    assert ids[:3] == ["api-docs", "api-docs-2", "api-docs-3"]
    assert HASHED.match(ids[3]) and ids[4] == ids[3] + "-2"
    assert len(set(ids)) == len(ids) and taken == set(ids)


def test_length_is_capped_also_with_a_suffix() -> None:
    name = "A very long task name " * 10
    taken: set[str] = set()
    first, second = derive_id(name, "step", taken), derive_id(name, "step", taken)
    for value in (first, second):
        assert ID.match(value) and len(value) <= 64
    assert second.endswith("-2") and second != first
    taken = {"x" * 64} | {"x" * 62 + f"-{n}" for n in range(2, 10)}
    tenth = derive_id("x" * 80, "step", taken)
    assert tenth == "x" * 61 + "-10" and len(tenth) == 64


def test_fallback_names_before_the_hash() -> None:
    assert derive_id("孩子学习旅程", "journey", set(), fallbacks=["customer-journey"]) == "customer-journey"
    assert HASHED.match(derive_id("孩子学习旅程", "journey", set(), fallbacks=["旅程"]))


def test_random_names_always_give_valid_ids() -> None:
    import random

    rng = random.Random(1234)
    alphabet = "aZ9 _-./:#;'\"éßØЖж中文😀\u0301\u200b\t\n"
    taken: set[str] = set()
    for _ in range(500):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 90)))
        assert ID.match(derive_id(name, "step", taken)), name
