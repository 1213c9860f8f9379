"""Whether this install reads YAML with its C loader (``_fastyaml.c``), and why not.

Kept apart from ``yaml_loader`` so that ``cjmc --version`` can say which
loader is in use without importing PyYAML.
"""

from __future__ import annotations

import os
from typing import Any, Callable


def c_loader() -> tuple[Callable[..., Any] | None, str]:
    """The C loader's ``load`` (or None) and a few words on which loader reads YAML.

    The C loader is built at install time when a compiler and libyaml's headers are there
    (``hatch_build.py``); without it every file takes the Python path, with the same results.
    ``CJMC_PURE_PYTHON=1`` turns it off.
    """
    if os.environ.get("CJMC_PURE_PYTHON"):
        return None, "Python (CJMC_PURE_PYTHON is set)"
    try:
        from ._fastyaml import load
    except ImportError:
        return None, "Python (the C loader was not built at install time)"
    return load, "C (libyaml)"
