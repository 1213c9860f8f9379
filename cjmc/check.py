"""What ``cjmc validate`` and ``cjmc lint`` run: one process, or one per core for a large portfolio."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Iterable

from .config import Config, load_config, map_files
from .sharded import Checked, check_sharded, worker_count


def check_project(root: Path, config: Config | None = None, *, lint: bool, select: Iterable[str] = (),
                  ignore: Iterable[str] = (), today: _dt.date | None = None,
                  min_bytes: int | None = None) -> tuple[Checked, str]:
    """Diagnostics of the project at ``root`` (validation only, or with ``lint`` the rules too).

    Returns the result and a note for the user ("" if none). Raises UsageError
    for unknown rules or options, before any file is read.
    """
    config = config or load_config(root)
    settings = None
    if lint:
        from .lint.settings import resolve_settings

        settings = resolve_settings(config, select, ignore)
    paths = list(map_files(config))
    workers = worker_count(config, paths, min_bytes=min_bytes)
    if workers > 1:
        return check_sharded(root, config, paths, workers, lint=lint, settings=settings, today=today), ""
    return _check_in_process(root, config, lint=lint, select=select, ignore=ignore, today=today)


def _check_in_process(root: Path, config: Config, *, lint: bool, select: Iterable[str], ignore: Iterable[str],
                      today: _dt.date | None) -> tuple[Checked, str]:
    from .pipeline import compile_project

    result = compile_project(root, config)
    files = result.project.files if result.project else ()
    if not lint:
        return Checked(files, result.diagnostics), ""
    from .lint.engine import lint_compilation
    from .observe.api import observations_for_build

    observations, note = observations_for_build(result)
    diagnostics = lint_compilation(result, select=select, ignore=ignore, today=today, observations=observations)
    return Checked(files, diagnostics), note
