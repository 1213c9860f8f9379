"""Compile cjmc's optional C loader, ``cjmc/load/_fastyaml.c``, when this machine can.

cjmc is complete without it: the Python loader (``cjmc/load/pyyaml_loader.py``)
gives the same values, positions and problems, and is used for every file
the C loader does not take. Building it needs a C compiler, Python's headers
and libyaml's (Debian: ``gcc python3-dev libyaml-dev``); when any is missing,
or ``CJMC_PURE_PYTHON=1`` is set, the wheel is pure Python and the install
goes on with a warning. ``CPPFLAGS``, ``CFLAGS`` and ``LDFLAGS`` are passed
on, so libyaml's headers and library can be named where the compiler does not
look. We call the compiler that built Python ourselves (``sysconfig``'s
``LDSHARED`` and ``CFLAGS``) instead of requiring setuptools in the build
environment for one file.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("cjmc", "load", "_fastyaml.c")
MODULE = "_fastyaml"


def compile_extension(root: Path, target: Path) -> str | None:
    """Compile the C loader into ``target``; None when done, else why not."""
    if os.environ.get("CJMC_PURE_PYTHON"):
        return "CJMC_PURE_PYTHON is set"
    link = sysconfig.get_config_var("LDSHARED")
    if not link or sys.platform == "win32":
        return "this Python does not say how to link an extension"
    include = sysconfig.get_paths()["include"]
    flags = shlex.split(sysconfig.get_config_var("CFLAGS") or "")
    # The user's own flags, as any C build takes them: where libyaml is when the compiler does not know.
    flags += [flag for name in ("CPPFLAGS", "CFLAGS", "LDFLAGS") for flag in shlex.split(os.environ.get(name, ""))]
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    command = [*shlex.split(link), *flags, "-fPIC", f"-I{include}", str(root / SOURCE), "-lyaml", "-o", str(partial)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        return f"the compiler could not be started ({exc})"
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        return (done.stderr.strip().splitlines() or ["the compiler failed"])[-1]
    os.replace(partial, target)
    return None


class FastYamlBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        name = MODULE + (sysconfig.get_config_var("EXT_SUFFIX") or ".so")
        if version == "editable":  # the package is imported from the source tree: the module goes there
            target = root / SOURCE.parent / name
            why_not = compile_extension(root, target)
            if why_not is not None:
                target.unlink(missing_ok=True)  # never leave a module built from older source
        else:
            self._temporary = tempfile.TemporaryDirectory()
            target = Path(self._temporary.name) / name
            why_not = compile_extension(root, target)
            if why_not is None:
                build_data["force_include"][str(target)] = str(Path("cjmc", "load", name))
                build_data["pure_python"] = False
                build_data["infer_tag"] = True
        if why_not is not None:
            print(f"cjmc: the C loader was not built ({why_not}); cjmc will use its Python loader, "
                  "which gives the same results more slowly", file=sys.stderr)

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        temporary = getattr(self, "_temporary", None)
        if temporary is not None:
            temporary.cleanup()
