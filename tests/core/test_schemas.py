"""The fast schema validators: lean, and telling valid from invalid exactly as jsonschema does."""

from __future__ import annotations

import copy
from pathlib import Path

import fastjsonschema
import pytest

from cjmc.load.yaml_loader import load_documents
from cjmc.validate import schemas
from cjmc.validate.schemas import KINDS, fast_validator, full_validator, is_valid_fast, lean_code, load_schema

REPO = Path(__file__).resolve().parents[2]
MAP_FILES = sorted((REPO / "examples" / "maps").rglob("*.yaml")) + \
    sorted((REPO / "tests" / "acceptance").rglob("maps/**/*.yaml"))


CONFIG = REPO / "examples" / "cjmc.yaml"
# Rule settings take either form of the config schema's anyOf, or neither.
RULE_SETTINGS = ["warning", "off", "loud", 3, {"severity": "info", "max_age_days": 30}, {"severity": "loud"}, {}]


def _documents():
    config = load_documents(CONFIG.read_text(encoding="utf-8"), CONFIG.name)[0][0].data
    yield CONFIG, "config", config
    for setting in RULE_SETTINGS:
        yield CONFIG, "config", {**config, "lint": {"rules": {"stale-journey": setting}}}
    for path in MAP_FILES:
        text = path.read_bytes().decode("utf-8", "replace")
        documents, _ = load_documents(text, path.name)
        for document in documents:
            kind = document.data.get("kind") if isinstance(document.data, dict) else None
            if kind in KINDS:
                yield path, kind, document.data


def _mutations(data: dict):
    """Small breakages of a valid journey, each of which the schema must reject (or accept, for x- keys)."""
    step = ("stages", 0, "steps", 0)

    def at(document, path):
        for part in path:
            document = document[part]
        return document

    def mutated(change):
        copied = copy.deepcopy(data)
        change(copied)
        return copied

    yield mutated(lambda d: d.pop("title"))
    yield mutated(lambda d: d.__setitem__("title", 3))
    yield mutated(lambda d: d.__setitem__("state", "someday"))
    yield mutated(lambda d: d.__setitem__("titel", "typo"))
    yield mutated(lambda d: d.__setitem__("x-note", "extensions are allowed"))
    yield mutated(lambda d: d.__setitem__("stages", []))
    yield mutated(lambda d: at(d, step).__setitem__("emotion", 3))
    yield mutated(lambda d: at(d, step).__setitem__("emotion", True))
    yield mutated(lambda d: at(d, step).__setitem__("id", "Not An Id"))
    yield mutated(lambda d: at(d, step).__setitem__("pain_points", [{"id": "p", "text": "t", "severity": "bad"}]))
    yield mutated(lambda d: at(d, step).__setitem__("pain_points", [{"id": "p"}]))
    yield mutated(lambda d: at(d, step).__setitem__("metrics", [{"metric": "m", "target": "high"}]))
    yield mutated(lambda d: at(d, step).__setitem__("thoughts", ["fine", 7]))
    yield mutated(lambda d: at(d, step).__setitem__("moment_of_truth", {"kind": "first"}))
    yield mutated(lambda d: at(d, step).__setitem__("lint_ignore", {"stale-journey": 1}))


def test_every_kind_and_the_config_get_the_lean_validator() -> None:
    # If a fastjsonschema release generates code of another shape, cjmc falls back to its stock
    # validator (slower, still right); this test is what tells us to adapt the reduction.
    for name in (*KINDS, "config"):
        validate, rejection = fast_validator(name)
        assert validate.__code__.co_filename == f"<cjmc {name} schema validator>"
        assert rejection.__module__ == "builtins" and issubclass(rejection, ValueError)


def test_lean_stock_and_jsonschema_agree_on_every_example_and_acceptance_document_and_config() -> None:
    seen = {"valid": 0, "invalid": 0}
    for path, kind, data in _documents():
        stock = fastjsonschema.compile(load_schema(kind), use_default=False)
        try:
            stock(copy.deepcopy(data))
            stock_valid = True
        except fastjsonschema.JsonSchemaException:
            stock_valid = False
        full_valid = full_validator(kind).is_valid(data)
        assert is_valid_fast(kind, data) == stock_valid == full_valid, path
        seen["valid" if full_valid else "invalid"] += 1
    assert seen["valid"] >= 14 and seen["invalid"] >= 8, seen


def test_lean_validator_rejects_exactly_what_jsonschema_rejects() -> None:
    journey = next(data for path, kind, data in _documents()
                   if kind == "journey" and full_validator("journey").is_valid(data))
    verdicts = []
    for broken in _mutations(journey):
        expected = full_validator("journey").is_valid(broken)
        assert is_valid_fast("journey", broken) == expected, broken
        verdicts.append(expected)
    assert verdicts.count(True) == 1  # only the x- extension key is allowed


def test_the_lean_validator_leaves_the_document_untouched() -> None:
    for _, kind, data in _documents():
        before = copy.deepcopy(data)
        is_valid_fast(kind, data)
        assert data == before


def test_code_of_an_unknown_shape_is_refused() -> None:
    with pytest.raises(ValueError):
        lean_code('def validate(data):\n    raise X("{name}".format(**locals()))\n')


def test_compiled_validators_are_kept_in_the_user_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    schemas.fast_validator.cache_clear()
    try:
        first, _ = fast_validator("persona")
        assert len(list((tmp_path / "cjmc" / "validators").rglob("*.marshal"))) == 1
        schemas.fast_validator.cache_clear()

        def no_generation(*args, **kwargs):
            raise AssertionError("the cached validator should have been used")

        monkeypatch.setattr(fastjsonschema, "compile_to_code", no_generation)
        again, rejection = fast_validator("persona")
        assert again.__code__.co_code == first.__code__.co_code
        persona = {"kind": "persona", "id": "p", "name": "P"}
        assert is_valid_fast("persona", persona) and not is_valid_fast("persona", {**persona, "id": 3})
    finally:
        schemas.fast_validator.cache_clear()


def test_a_damaged_or_unwritable_cache_only_costs_time(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    schemas.fast_validator.cache_clear()
    try:
        fast_validator("catalog")
        for entry in (tmp_path / "cjmc" / "validators").rglob("*.marshal"):
            entry.write_bytes(b"not marshal data")
        schemas.fast_validator.cache_clear()
        assert not is_valid_fast("catalog", {"kind": "catalog", "channels": "web"})
        blocked = tmp_path / "file"
        blocked.write_text("a file where the cache folder would be")
        monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
        schemas.fast_validator.cache_clear()
        assert is_valid_fast("catalog", {"kind": "catalog"}) == full_validator("catalog").is_valid({"kind": "catalog"})
    finally:
        schemas.fast_validator.cache_clear()
