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
