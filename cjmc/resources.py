"""Where the shipped data folders (schemas, templates) are.

In a source checkout they sit at the repository's top level next to the
package; in an installed wheel they are package data under ``cjmc/_data``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name
