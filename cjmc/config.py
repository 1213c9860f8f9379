"""The project: where it is (discovery) and what its ``cjmc.yaml`` says."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .diagnostics import Diagnostic, Position, UsageError

CONFIG_NAME = "cjmc.yaml"
DEFAULT_MAPS = ("maps/**/*.yaml", "maps/**/*.yml")


@dataclass(frozen=True)
class Config:
    root: Path
    name: str
    maps: tuple[str, ...] = DEFAULT_MAPS
    lint_extends: str = "recommended"
    # rule name -> (setting as written, position of the setting)
    lint_rules: Mapping[str, tuple[Any, Position]] = field(default_factory=dict)
    site_title: str | None = None
    site_templates: str | None = None
    site_base_url: str | None = None
    site_portfolio_map: str = "auto"  # auto | whole | per-persona (see cjmc.site.builder.portfolio_maps)
    diagrams_engine: str = "auto"
    events: Mapping[str, Any] = field(default_factory=dict)
    has_file: bool = False

    @property
    def title(self) -> str:
        return self.site_title or self.name


def discover_root(start: Path | None = None) -> Path:
    """The nearest folder, from ``start`` upward, holding a cjmc.yaml; else ``start``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return here


def resolve_project(project: str | None) -> Path:
    if project is None:
        return discover_root()
    path = Path(project)
    if not path.exists():
        raise UsageError(f"no such project folder: {project}")
    if path.is_file():
        if path.name == CONFIG_NAME:
            return path.resolve().parent
        raise UsageError(f"{project} is a file; give the project folder (the one holding {CONFIG_NAME})")
    return path.resolve()


def load_config(root: Path) -> Config:
    """Read and check ``cjmc.yaml``; any problem is a :class:`UsageError` (exit 2)."""
    from .load.yaml_loader import LoadError, LocDict, decode, line_column, load_documents
    from .validate.schemas import is_valid_fast
    from .validate.validator import schema_errors

    path = root / CONFIG_NAME
    if not path.is_file():
        return Config(root=root, name=root.name)
    try:
        text = decode(path.read_bytes(), CONFIG_NAME)
    except LoadError as exc:
        raise UsageError(f"cannot read {CONFIG_NAME}", [exc.diagnostic]) from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    documents, problems = load_documents(text, CONFIG_NAME)
    if problems:
        raise UsageError(f"{CONFIG_NAME} is not valid YAML", problems)
    if not documents:
        return Config(root=root, name=root.name, has_file=True)
    if len(documents) > 1:
        raise UsageError(f"{CONFIG_NAME} must hold one YAML document",
                         [Diagnostic.at(documents[1].position, "schema", f"{CONFIG_NAME} has a second document")])
    data = documents[0].data
    # As for map documents: the compiled validator first, jsonschema (slow to import) only to explain.
    errors = [] if is_valid_fast("config", data) else schema_errors("config", data, CONFIG_NAME,
                                                                     (documents[0].line, documents[0].column))
    if errors:
        raise UsageError(f"{CONFIG_NAME} has errors", errors)
    assert isinstance(data, LocDict)
    lint = data.get("lint") or {}
    rules = lint.get("rules") or {}
    lint_rules = {name: (value, Position(CONFIG_NAME, *line_column(rules.value_pos[name])))
                  for name, value in rules.items()}
    site = data.get("site") or {}
    diagrams = data.get("diagrams") or {}
    return Config(
        root=root,
        name=data.get("name") or root.name,
        maps=tuple(data.get("maps") or DEFAULT_MAPS),
        lint_extends=lint.get("extends", "recommended"),
        lint_rules=lint_rules,
        site_title=site.get("title"),
        site_templates=site.get("templates"),
        site_base_url=site.get("base_url"),
        site_portfolio_map=site.get("portfolio_map", "auto"),
        diagrams_engine=diagrams.get("engine", "auto"),
        events=dict(data.get("events") or {}),
        has_file=True,
    )


def map_files(config: Config) -> list[Path]:
    """Map files matched by the configured globs, sorted, without cjmc.yaml."""
    found: set[Path] = set()
    for pattern in config.maps:
        for path in config.root.glob(pattern):
            if path.is_file() and not (path.name == CONFIG_NAME and path.parent == config.root):
                found.add(path)
    return sorted(found, key=lambda p: relative(p, config.root))


def relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return Path(os.path.relpath(path, root)).as_posix()
