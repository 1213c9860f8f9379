"""Finding cjmc's optional compiled parts, built at install time by ``hatch_build.py``.

Each has a Python twin that gives the same results, so a part that was not
built (no compiler, no headers) or that ``CJMC_PURE_PYTHON=1`` turns off is
simply not used.
"""

from __future__ import annotations

import importlib
import os
from typing import Any


def compiled_module(name: str) -> Any:
    """The compiled module ``name`` (e.g. ``cjmc.load._fastyaml``), or None when it is not built or turned off."""
    if os.environ.get("CJMC_PURE_PYTHON"):
        return None
    try:
        return importlib.import_module(name)  # as an import statement does, it heeds sys.modules
    except ImportError:
        return None
