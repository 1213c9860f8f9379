"""Load the JSON Schemas shipped in ``schemas/`` and compile fast validators.

A compiled fastjsonschema function checks every document (about ten times
faster than jsonschema); only documents it rejects go through jsonschema, whose
errors keep instance and schema paths for well-placed messages. The schemas
use only keywords both libraries honour the same way (a test checks it).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Callable

from ..resources import data_dir

KINDS = ("persona", "catalog", "journey")
SCHEMA_NAMES = KINDS + ("config", "map")


def schema_path(name: str):
    return data_dir("schemas") / f"{name}.schema.json"


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict[str, Any]:
    with open(schema_path(name), encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=None)
def fast_validator(name: str) -> Callable[[Any], Any]:
    """A function that raises ``JsonSchemaException`` when ``name``'s schema rejects its argument."""
    import fastjsonschema

    # use_default=False: never insert schema defaults into the author's data.
    code = fastjsonschema.compile_to_code(load_schema(name), use_default=False)
    try:
        return yes_no_validator(code)
    except Exception:  # a fastjsonschema whose code we do not recognise: its own validator
        return fastjsonschema.compile(load_schema(name), use_default=False)


# fastjsonschema's code names every value it visits ("data.stages[3].steps[0].id", built with
# str.format(**locals())) and spells out each rule's whole schema in its exceptions, for
# messages we never show: jsonschema explains a rejected document. Without them it validates
# in about 60 % of the time and compiles in a third.
_NAMED_VALUE = re.compile(r'\(name_prefix or "data"\) \+ "[^"\n]*"(?:\.format\(\*\*locals\(\)\))?')
_RAISE = re.compile(r"^(\s*)raise JsonSchemaValueException\(.*\)$", re.MULTILINE)
_ENTRY = re.compile(r"^def (\w+)\(", re.MULTILINE)


def yes_no_validator(code: str) -> Callable[[Any], Any]:
    """fastjsonschema's generated ``code``, reduced to telling valid from invalid."""
    lean = _RAISE.sub(r'\1raise JsonSchemaValueException("invalid")', _NAMED_VALUE.sub("None", code))
    if "locals()" in lean or "definition=" in lean:
        raise ValueError("fastjsonschema generated code of an unknown shape")
    namespace: dict[str, Any] = {}
    exec(compile(lean, "<cjmc schema validator>", "exec"), namespace)
    return namespace[_ENTRY.search(lean).group(1)]


@lru_cache(maxsize=None)
def full_validator(name: str):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(name))


def is_valid_fast(name: str, instance: Any) -> bool:
    import fastjsonschema

    try:
        fast_validator(name)(instance)
    except fastjsonschema.JsonSchemaException:
        return False
    return True
