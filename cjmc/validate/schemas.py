"""Load the JSON Schemas shipped in ``schemas/`` and compile fast validators.

A compiled fastjsonschema function checks every document (about ten times
faster than jsonschema); only documents it rejects go through jsonschema, whose
errors keep instance and schema paths for well-placed messages. The schemas
use only keywords both libraries honour the same way (a test checks it).
"""

from __future__ import annotations

import json
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
    import fastjsonschema

    # use_default=False: never insert schema defaults into the author's data.
    return fastjsonschema.compile(load_schema(name), use_default=False)


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
