"""Quicker construction and pickling for the model's frozen, slotted dataclasses.

A frozen dataclass's ``__init__`` sets each field through
``object.__setattr__``, and with ``slots=True`` it pickles through
``dataclasses.fields()``, which is worked out again for every object. A
portfolio of 1,000 journeys has millions of these objects, built by the
linker and pickled between processes and into the compile cache, so both
showed in profiles. :func:`fast_frozen` gives such a class an ``__init__``
that sets the slots directly (the same signature, defaults, factories and
``__post_init__``) and a ``__reduce__`` that pickles the constructor's
arguments as one tuple. Equality, hashing, ``repr`` and immutability are the
dataclass's own.

When cjmc's compiled module is built, a class whose fields are all set by
``__init__`` and that has no ``__post_init__`` pickles its slots for the
module's ``restore`` instead, which makes the object in C without calling
``__init__`` (as unpickling any object does): a rebuild's main process
unpickles ~240,000 of these objects per 1,000 journeys, and the ``__init__``
calls were about a quarter of that. The compile cache's code fingerprint
names the loader in use, so a pickle made one way is never read the other.

:func:`dumps_without_positions` pickles the model with every ``pos`` and
``value_pos`` left out (None there once unpickled): for a build's main
process, which never says where something was written.
"""

from __future__ import annotations

import copyreg
import dataclasses
import io
import pickle
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")

_NO_VALUE = object()

# The fields that say where a model object was written (see dumps_without_positions).
POSITION_FIELDS = frozenset({"pos", "value_pos"})
# Class -> its reducer that leaves those fields out.
_WITHOUT_POSITIONS: dict[type, Any] = {}


def fast_frozen(cls: type[T]) -> type[T]:
    """Replace a frozen, slotted dataclass's ``__init__`` and pickling with quicker equivalents."""
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    if not params.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} must be a frozen dataclass with slots")
    every_field = dataclasses.fields(cls)
    fields = [field for field in every_field if field.init]
    if any(field.kw_only for field in fields):
        raise TypeError(f"{cls.__name__}: keyword-only fields are not supported")
    namespace: dict[str, Any] = {"_NO_VALUE": _NO_VALUE}
    parameters, body = [], []
    for field in every_field:
        name = field.name
        has_default = field.default is not dataclasses.MISSING
        has_factory = field.default_factory is not dataclasses.MISSING
        if not field.init and not (has_default or has_factory):
            continue  # set by __post_init__, as the dataclass's own __init__ leaves it
        namespace[f"_set_{name}"] = cls.__dict__[name].__set__
        namespace[f"_default_{name}"] = field.default
        namespace[f"_factory_{name}"] = field.default_factory
        if not field.init:  # not a parameter: from its default, as dataclasses does
            value = f"_default_{name}" if has_default else f"_factory_{name}()"
        elif has_default:
            parameters.append(f"{name}=_default_{name}")
            value = name
        elif has_factory:
            parameters.append(f"{name}=_NO_VALUE")
            value = f"_factory_{name}() if {name} is _NO_VALUE else {name}"
        else:
            parameters.append(name)
            value = name
        body.append(f"    _set_{name}(self, {value})")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    source = f"def __init__(self, {', '.join(parameters)}):\n" + "\n".join(body or ["    pass"]) + "\n"
    exec(source, namespace)  # the way dataclasses itself writes __init__
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[misc]

    slots = cls.__dict__["__slots__"]
    restore = compiled_restore()
    if (restore is not None and not hasattr(cls, "__post_init__") and len(fields) == len(every_field) > 1
            and tuple(field.name for field in fields) == slots):
        values = attrgetter(*slots)  # a tuple, made in C (with one name it would give the value: hence > 1)

        def __reduce__(self: Any) -> tuple:
            return (restore, (cls, values(self)))

        order = slots

        def rebuilt(items: tuple) -> tuple:
            return (restore, (cls, items))
    else:
        order = [field.name for field in fields]
        if len(order) > 1:
            values = attrgetter(*order)
        else:
            values = lambda obj: tuple(getattr(obj, name) for name in order)  # noqa: E731

        def __reduce__(self: Any) -> tuple:
            return (cls, values(self))

        def rebuilt(items: tuple) -> tuple:
            return (cls, items)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    dropped = [index for index, name in enumerate(order) if name in POSITION_FIELDS]
    if dropped:
        def reduce_without_positions(self: Any) -> tuple:
            items = list(values(self))
            for index in dropped:
                items[index] = None
            return rebuilt(tuple(items))

        _WITHOUT_POSITIONS[cls] = reduce_without_positions
    return cls


def dumps_without_positions(value: Any) -> bytes:
    """``value`` pickled with the source positions of every model object in it left out (None).

    A build's main process reads the linked journeys only to make pages, and
    no page shows where a journey, step or pain point was written (findings
    carry their own place). The positions were ~40 % of unpickling a journey
    there: ~70 Positions and ~37 position tables per journey of the
    benchmark, besides ~700 other objects.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    # A dict, and copyreg's own entries with ours: the C pickler looks a mapping of any other type up through
    # Python for each object it reduces.
    pickler.dispatch_table = {**copyreg.dispatch_table, **_WITHOUT_POSITIONS}
    pickler.dump(value)
    return buffer.getvalue()


def compiled_restore() -> Any:
    """The compiled module's ``restore(cls, values)`` (see ``_fastyaml.c``), or None when it is not built."""
    from .load.c_loader import fastyaml_module

    return getattr(fastyaml_module(), "restore", None)
