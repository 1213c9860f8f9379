"""Whether this install reads YAML with its C loader (``_fastyaml.c``), and why not.

Kept apart from ``yaml_loader`` so that ``cjmc --version`` can say which
loader is in use without importing PyYAML.
"""

from __future__ import annotations

import os
from typing import Any, Callable

from ..compiled import compiled_module


def fastyaml_module() -> Any:
    """The compiled module ``_fastyaml`` (see :func:`c_loader`), or None when it was not built or is turned off."""
    return compiled_module(f"{__package__}._fastyaml")


def c_loader() -> tuple[Callable[..., Any] | None, str]:
    """The C loader's ``load`` (or None) and a few words on which loader reads YAML.

    The C loader is built at install time when a compiler and libyaml's headers are there
    (``hatch_build.py``); without it every file takes the Python path, with the same results.
    ``CJMC_PURE_PYTHON=1`` turns it off.
    """
    module = fastyaml_module()
    if module is not None:
        return module.load, "C (libyaml)"
    if os.environ.get("CJMC_PURE_PYTHON"):
        return None, "Python (CJMC_PURE_PYTHON is set)"
    return None, "Python (the C loader was not built at install time)"
