"""load → validate → link: turn a project folder into a model and diagnostics.

This is the library entry point every command uses; nothing here prints.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from . import runtime
from .config import Config, load_config, map_files, relative
from .diagnostics import Diagnostic, sorted_unique
from .model import Project


@dataclass
class Compilation:
    config: Config
    project: Project | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


@dataclass
class LoadedFile:
    path: str
    documents: list
    problems: list[Diagnostic]
    comments: tuple[tuple[int, str], ...]


def load_file(path: Path, root: Path, data: bytes | None = None) -> LoadedFile:
    """Load one map file (``data``: its bytes, when the caller has read them already)."""
    from .load.yaml_loader import LoadError, comment_lines, decode, load_documents

    name = relative(path, root)
    try:
        text = decode(path.read_bytes() if data is None else data, name)
    except LoadError as exc:
        return LoadedFile(name, [], [exc.diagnostic], ())
    except OSError as exc:
        return LoadedFile(name, [], [Diagnostic(name, 1, 1, "yaml-syntax", f"cannot read the file: {exc.strerror}")],
                          ())
    documents, problems = load_documents(text, name)
    return LoadedFile(name, documents, problems, tuple(comment_lines(text)))


def validated_documents(loaded: LoadedFile, diagnostics: list[Diagnostic]) -> Iterator[tuple[Any, str, bool]]:
    """Each document of a loaded file with its kind and whether it is valid; problems go to ``diagnostics``.

    A document whose kind cannot be told is reported and left out.
    """
    from .validate.validator import document_kind, validate_document

    for document in loaded.documents:
        kind, problems = document_kind(document)
        if kind is None:
            diagnostics.extend(problems)
            continue
        problems = validate_document(document, kind)
        diagnostics.extend(problems)
        yield document, kind, not problems


@contextmanager
def building_model() -> Iterator[None]:
    """Pause the cyclic GC while a model is built; in a one-shot CLI process, freeze the model after.

    Building makes millions of small objects and no garbage: pausing the GC
    halves load time on large portfolios. The model then lives until the
    command ends, so freezing it keeps later collections (lint findings,
    pages) from walking it again and again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if runtime.ONE_SHOT:
            gc.freeze()
        if was_enabled:
            gc.enable()


def compile_project(root: Path | str, config: Config | None = None) -> Compilation:
    """Load, validate and link every map file of the project at ``root``."""
    from .link.linker import Linker

    root = Path(root).resolve()
    config = config or load_config(root)
    diagnostics: list[Diagnostic] = []
    valid: list = []
    invalid: list = []
    comments: dict[str, tuple[tuple[int, str], ...]] = {}
    files = []
    with building_model():
        for path in map_files(config):
            loaded = load_file(path, root)
            files.append(loaded.path)
            diagnostics.extend(loaded.problems)
            if loaded.comments:
                comments[loaded.path] = loaded.comments
            for document, kind, is_valid in validated_documents(loaded, diagnostics):
                (valid if is_valid else invalid).append((document, kind))
        linker = Linker(config.name, str(root))
        linker.tolerate(doc for doc, _ in invalid)
        project = linker.link(valid, tuple(files), comments)
        linker.check_invalid(doc for doc, _ in invalid)
        diagnostics.extend(linker.diagnostics)
    return Compilation(config, project, sorted_unique(diagnostics))
