"""``cjmc init``: scaffold a project that validates and lints cleanly.

The templates are plain files under ``scaffold/``; dot-files are stored as
``dot-NAME`` (and ``gitignore``) so packaging tools do not drop them, and
``@@NAME@@`` / ``@@TODAY@@`` are filled in. The JSON Schemas are copied into
``.cjmc/schemas/`` so editors work offline and map files can point at them
with relative ``# yaml-language-server: $schema=`` lines.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import UsageError

SCAFFOLD = Path(__file__).resolve().parent / "scaffold"
SCHEMA_DIR = ".cjmc/schemas"
TEXT_SUFFIXES = {".yaml", ".yml", ".json", ".md", ""}


@dataclass(frozen=True)
class Plan:
    """What init would write: project-relative POSIX path → bytes."""

    files: dict[str, bytes]

    def conflicts(self, target: Path) -> list[str]:
        return sorted(name for name in self.files if (target / name).exists())


class ExistingFiles(UsageError):
    def __init__(self, names: list[str]):
        listing = "\n".join(f"  {name}" for name in names)
        super().__init__(f"refusing to overwrite {len(names)} existing file(s); nothing was written:\n{listing}")
        self.names = names


def _target_name(relative: Path) -> str:
    parts = []
    for part in relative.parts:
        if part.startswith("dot-"):
            part = "." + part[len("dot-"):]
        elif part == "gitignore":
            part = ".gitignore"
        parts.append(part)
    return "/".join(parts)


def plan(name: str, today: _dt.date | None = None) -> Plan:
    today = today or _dt.date.today()
    files: dict[str, bytes] = {}
    for path in sorted(SCAFFOLD.rglob("*")):
        if not path.is_file() or path.name.startswith(".") or path.suffix in (".pyc",):
            continue
        data = path.read_bytes()
        if path.suffix in TEXT_SUFFIXES:
            text = data.decode("utf-8").replace("@@NAME@@", _yaml_plain(name)).replace("@@TODAY@@", today.isoformat())
            data = text.encode("utf-8")
        files[_target_name(path.relative_to(SCAFFOLD))] = data
    from ..validate.schemas import SCHEMA_NAMES, schema_path

    for schema in SCHEMA_NAMES:
        source = schema_path(schema)
        if source.is_file():
            files[f"{SCHEMA_DIR}/{source.name}"] = source.read_bytes()
    return Plan(files)


def _yaml_plain(name: str) -> str:
    """The project name as a YAML scalar: plain when safe, else double-quoted."""
    import json

    safe = name and name.strip() == name and all(ch.isalnum() or ch in " -_.()" for ch in name)
    return name if safe and not name[0].isdigit() else json.dumps(name, ensure_ascii=False)


def init_project(target: Path, name: str | None = None, today: _dt.date | None = None) -> list[str]:
    """Write the scaffold into ``target``; ExistingFiles (exit 2) when any file is already there."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder")
    project_name = name or target.resolve().name.replace("-", " ").replace("_", " ").strip().capitalize() or "Journeys"
    scaffold = plan(project_name, today)
    conflicts = scaffold.conflicts(target)
    if conflicts:
        raise ExistingFiles(conflicts)
    written = []
    for relative, data in scaffold.files.items():
        path = target.joinpath(*relative.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as handle:  # "x": never overwrite, even if a file appeared meanwhile
            handle.write(data)
        written.append(relative)
    return written
