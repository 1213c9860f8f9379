"""What ``cjmc validate`` and ``cjmc lint`` run: one process, or one per core for a large portfolio."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Iterable

from .config import Config, load_config, map_files
from .sharded import Checked, check_sharded, worker_count


def check_project(root: Path, config: Config | None = None, *, lint: bool, select: Iterable[str] = (),
                  ignore: Iterable[str] = (), today: _dt.date | None = None,
                  min_bytes: int | None = None, cache: bool = False) -> tuple[Checked, str]:
    """Diagnostics of the project at ``root`` (validation only, or with ``lint`` the rules too).

    Returns the result and a note for the user ("" if none). Raises UsageError
    for unknown rules or options, before any file is read.

    With ``cache``, a portfolio checked in shards reuses and updates the compile cache a build keeps in
    ``ROOT/.cjmc-cache/compile/``: unchanged map files give the diagnostics they gave last time. Off by
    default: writing the entries costs a run without a warm cache ~11 % more (at 1,000 journeys). The
    one-process path (small projects, event data) has no cache; it is fast enough without.
    """
    config = config or load_config(root)
    settings = None
    if lint:
        from .lint.settings import resolve_settings

        settings = resolve_settings(config, select, ignore)
    paths = list(map_files(config))
    workers = worker_count(config, paths, min_bytes=min_bytes)
    if workers > 1:
        if not cache:
            return check_sharded(root, config, paths, workers, lint=lint, settings=settings, today=today), ""
        from .keyed_cache import PROJECT_CACHE, KeyedFolder

        folder = root / PROJECT_CACHE / "compile"  # the build's compile cache
        checked = check_sharded(root, config, paths, workers, lint=lint, settings=settings, today=today,
                                cache_dir=folder)
        KeyedFolder(folder).prune_daily()  # after the work, as a build prunes: month-old entries, once a day
        return checked, ""
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


def compile_linted(root: Path, *, lint: bool = True, events_root: Path | None = None, model: bool = True,
                   cache: bool = False):
    """``(Compilation, diagnostics)`` of the project at ``root``: what ``compile_project`` and (with ``lint``)
    ``lint_compilation`` give, the model included, for ``cjmc diff``, ``export``, git baselines and the
    pre-commit hook.

    A large portfolio is compiled and linted in shards (:func:`.sharded.compile_fastest`): compiling
    both revisions of 1,000 journeys in one process had made ``cjmc diff`` take ~8 s and ``cjmc lint
    --baseline REV`` ~6 s against ~2 s for the lint alone. ``events_root``: see
    :func:`.observe.api.observations_for_build` (event data is read only on the one-process path).
    Without ``model`` the Compilation is None, and the shards keep their models (what a baseline reads);
    ``cache`` is then :func:`check_project`'s (the pre-commit hook's ``--cache``).
    """
    from .lint.engine import lint_compilation
    from .lint.settings import resolve_settings
    from .observe.api import observations_for_build
    from .sharded import compile_fastest

    root = Path(root).resolve()
    config = load_config(root)
    if not model and not (lint and (config.events or {}).get("sources")):
        checked, _ = check_project(root, config, lint=lint, cache=cache)
        return None, checked.diagnostics
    done = compile_fastest(root, config, settings=resolve_settings(config) if lint else None)
    result = done.compilation
    if not lint:
        return result, list(result.diagnostics)
    if done.diagnostics is not None:  # linted in the shards
        return result, done.diagnostics
    observations, _ = observations_for_build(result, events_root=events_root)
    return result, lint_compilation(result, observations=observations)
