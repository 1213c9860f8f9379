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
from pathlib import Path
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


@lru_cache(maxsize=1)
def property_names() -> frozenset[str]:
    """Every key the map schemas define (``x-`` patterns aside): a key among them is not an extension."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict):
                names.update(properties)
            for value in node.values():
                walk(value)

    for kind in KINDS:
        walk(load_schema(kind))
    return frozenset(name for name in names if not name.startswith("x-"))


@lru_cache(maxsize=None)
def fast_validator(name: str) -> tuple[Callable[[Any], Any], type[Exception]]:
    """A function that raises the returned exception when ``name``'s schema rejects its argument.

    fastjsonschema takes ~0.1 s per process to write and compile the code of
    our schemas, longer than linting a small project. Like Python's ``.pyc``
    files, the reduced code (see :func:`lean_code`) is compiled once and kept
    in the user's cache folder, under a key made of the schema, the
    generator's version, this module and the interpreter's bytecode version.
    """
    import marshal

    folder, key = _cache_place(name)
    cached = folder.get(key, "marshal") if folder is not None else None
    if cached is not None:
        try:
            return _validator(marshal.loads(cached))
        except Exception:  # a damaged entry is a miss
            pass
    import fastjsonschema

    # use_default=False: never insert schema defaults into the author's data.
    try:
        code = compile(lean_code(fastjsonschema.compile_to_code(load_schema(name), use_default=False)),
                       f"<cjmc {name} schema validator>", "exec")
    except ValueError:  # a fastjsonschema whose code we do not recognise: its own validator
        return fastjsonschema.compile(load_schema(name), use_default=False), fastjsonschema.JsonSchemaException
    if folder is not None:
        try:
            folder.put(key, "marshal", marshal.dumps(code))
            folder.prune_daily()
        except OSError:
            pass  # no writable cache folder: compiled again next time
    return _validator(code)


def _validator(code: Any) -> tuple[Callable[[Any], Any], type[Exception]]:
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    return namespace["VALIDATE"], namespace["JsonSchemaValueException"]


def _cache_place(name: str) -> tuple[Any, str]:
    """The user cache folder of compiled validators (None when there is none) and ``name``'s key."""
    from ..keyed_cache import KeyedFolder, digest, user_cache_folder

    folder = user_cache_folder("validators")
    if folder is None:
        return None, ""
    try:
        key = digest("fast-validator", schema_path(name).read_bytes(), _code_stamp())
    except (AttributeError, TypeError, OSError):
        return None, ""
    return KeyedFolder(folder), key


@lru_cache(maxsize=1)
def _code_stamp() -> str:
    """What every compiled validator depends on besides its schema: generator, reducer, bytecode."""
    import importlib.util

    from ..keyed_cache import digest

    spec = importlib.util.find_spec("fastjsonschema")
    generator = Path(spec.origin).with_name("version.py").read_bytes()  # VERSION = '2.22.3'
    return digest(generator, Path(__file__).read_bytes(), importlib.util.MAGIC_NUMBER)


# fastjsonschema's code names every value it visits ("data.stages[3].steps[0].id", built with
# str.format(**locals())) and spells out each rule's whole schema in its exceptions, for
# messages we never show: jsonschema explains a rejected document. Without them it validates
# in about 60 % of the time and compiles in a third. Its exception is defined in the code
# itself, so running it needs no import of fastjsonschema.
_NAMED_VALUE = re.compile(r'\(name_prefix or "data"\) \+ "[^"\n]*"(?:\.format\(\*\*locals\(\)\))?')
_RAISE = re.compile(r"^(\s*)raise JsonSchemaValueException\(.*\)$", re.MULTILINE)
_IMPORT = re.compile(r"^from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException$",
                     re.MULTILINE)
_ENTRY = re.compile(r"^def (\w+)\(", re.MULTILINE)
_OWN_EXCEPTION = "class JsonSchemaValueException(ValueError):\n    pass\n\n\nJsonSchemaValuesException = JsonSchemaValueException"


def lean_code(code: str) -> str:
    """fastjsonschema's generated ``code``, reduced to telling valid from invalid; ``VALIDATE`` is its entry.

    Raises ValueError for code of a shape we do not know (another fastjsonschema release).
    """
    lean = _RAISE.sub(r'\1raise JsonSchemaValueException("invalid")', _NAMED_VALUE.sub("None", code))
    lean, imports = _IMPORT.subn(_OWN_EXCEPTION, lean)
    entry = _ENTRY.search(lean)
    if imports != 1 or entry is None or "locals()" in lean or "definition=" in lean or "fastjsonschema" in lean:
        raise ValueError("fastjsonschema generated code of an unknown shape")
    return f"{lean}\n\nVALIDATE = {entry.group(1)}\n"


@lru_cache(maxsize=None)
def full_validator(name: str):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(name))


def is_valid_fast(name: str, instance: Any) -> bool:
    validate, rejection = fast_validator(name)
    try:
        validate(instance)
    except rejection:
        return False
    return True
