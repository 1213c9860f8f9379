"""Compile cjmc's optional C parts when this machine can: the C loader and the site's escaping.

- ``cjmc/load/_fastyaml.c``: the C loader. cjmc is complete without it: the
  Python loader (``cjmc/load/pyyaml_loader.py``) gives the same values,
  positions and problems, and is used for every file the C loader does not
  take. It needs libyaml's headers.
- ``cjmc/site/_fastescape.c``: the common cases of the site's autoescaping
  (``cjmc/site/escaping.py`` has the same function in Python).

Building them needs a C compiler and Python's headers, and the loader libyaml's
(Debian: ``gcc python3-dev libyaml-dev``). Each is built on its own; one that
cannot be, or all when ``CJMC_PURE_PYTHON=1`` is set, is left out with a
warning, and the install goes on (a wheel without any is pure Python).
``CPPFLAGS``, ``CFLAGS`` and ``LDFLAGS`` are passed on, so libyaml's headers
and library can be named where the compiler does not look. We call the
compiler that built Python ourselves (``sysconfig``'s ``LDSHARED`` and
``CFLAGS``) instead of requiring setuptools in the build environment for two
files.
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

# Each compiled part: its source (the module is named after it, beside it) and the libraries it links.
EXTENSIONS = [(Path("cjmc", "load", "_fastyaml.c"), ("-lyaml",)), (Path("cjmc", "site", "_fastescape.c"), ())]


def compile_extension(root: Path, target: Path, source: Path, libraries: tuple[str, ...]) -> str | None:
    """Compile ``source`` into ``target``; None when done, else why not."""
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
    command = [*shlex.split(link), *flags, "-fPIC", f"-I{include}", str(root / source), *libraries, "-o", str(partial)]
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
        suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
        if version != "editable":
            self._temporary = tempfile.TemporaryDirectory()
        for source, libraries in EXTENSIONS:
            name = source.stem + suffix
            if version == "editable":  # the package is imported from the source tree: the module goes there
                target = root / source.parent / name
                why_not = compile_extension(root, target, source, libraries)
                if why_not is not None:
                    target.unlink(missing_ok=True)  # never leave a module built from older source
            else:
                target = Path(self._temporary.name) / name
                why_not = compile_extension(root, target, source, libraries)
                if why_not is None:
                    build_data["force_include"][str(target)] = str(source.parent / name)
                    build_data["pure_python"] = False
                    build_data["infer_tag"] = True
            if why_not is not None:
                print(f"cjmc: {source} was not built ({why_not}); cjmc will use its Python code instead, "
                      "which gives the same results more slowly", file=sys.stderr)

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        temporary = getattr(self, "_temporary", None)
        if temporary is not None:
            temporary.cleanup()
