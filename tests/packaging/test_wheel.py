"""The built wheel works on its own: schemas and templates ship as package data.

Builds the wheel, installs it into a fresh virtual environment (dependencies
from the package index) and runs the installed ``cjmc`` from outside the
source tree, so nothing can be found through the checkout by accident.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, timeout=600)
    return next(out.glob("cjmc-*.whl"))


def test_wheel_contains_schemas_and_templates(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "cjmc/_data/schemas/journey.schema.json" in names
    assert "cjmc/_data/schemas/config.schema.json" in names
    assert any(name.startswith("cjmc/_data/templates/") for name in names)


def test_wheel_carries_the_compiled_parts_when_they_can_be_built(wheel: Path) -> None:
    from cjmc.load import yaml_loader
    from cjmc.site.escaping import compiled_escape

    names = zipfile.ZipFile(wheel).namelist()

    def built(prefix: str) -> list[str]:
        return [name for name in names if name.startswith(prefix) and name.endswith((".so", ".pyd"))]

    if compiled_escape() is not None or os.environ.get("CJMC_REQUIRE_C_LOADER"):
        assert built("cjmc/site/_fastescape"), "the C escape is missing from the wheel"
    if yaml_loader._fast_load is None and not os.environ.get("CJMC_REQUIRE_C_LOADER"):
        pytest.skip("no C compiler or libyaml headers here: the wheel has no C loader")
    assert built("cjmc/load/_fastyaml"), "the C loader is missing from the wheel"
    assert "-none-any.whl" not in wheel.name  # a wheel with a compiled part is tagged for its platform


def test_installed_wheel_validates_the_example_project(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, timeout=900)
    project = tmp_path / "project"
    shutil.copytree(ROOT / "examples", project)
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    run = subprocess.run([str(bin_dir / "cjmc"), "validate", str(project)], capture_output=True, text=True,
                         cwd=tmp_path, env=clean_env, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no problems" in run.stdout
    schema = subprocess.run([str(bin_dir / "cjmc"), "schema", "journey"], capture_output=True, text=True,
                            cwd=tmp_path, env=clean_env, timeout=60)
    assert schema.returncode == 0 and '"$id"' in schema.stdout
    located = subprocess.run([str(python), "-c", "import cjmc.resources as r; print(r.data_dir('schemas'))"],
                             capture_output=True, text=True, cwd=tmp_path, env=clean_env, timeout=60)
    assert "site-packages" in located.stdout
    from cjmc.load import yaml_loader

    if yaml_loader._fast_load is not None:  # the installed wheel's own C loader is the one used
        fast = subprocess.run([str(python), "-c", "import cjmc.load.yaml_loader as y; print(y._fast_load)"],
                              capture_output=True, text=True, cwd=tmp_path, env=clean_env, timeout=60)
        assert "built-in function load" in fast.stdout, fast.stdout + fast.stderr


def test_without_the_c_loader_the_wheel_is_pure_python_and_still_builds(tmp_path: Path) -> None:
    """A machine without a compiler or libyaml's headers gets a pure wheel: CJMC_PURE_PYTHON stands in for it."""
    out = tmp_path / "dist"
    env = {**os.environ, "CJMC_PURE_PYTHON": "1"}
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, timeout=600, env=env)
    wheel = next(out.glob("cjmc-*.whl"))
    assert wheel.name.endswith("-py3-none-any.whl")
    assert not [name for name in zipfile.ZipFile(wheel).namelist() if name.endswith((".so", ".pyd"))]
