"""Helpers for testing cjmc's compiled parts: whether they must be there, and that they free what they make."""

from __future__ import annotations

import gc
import os
import tracemalloc
from typing import Callable, TypeVar

import pytest

T = TypeVar("T")


def compiled_or_skip(found: T | None, what: str) -> T:
    """``found`` (a compiled part), else skip the test, or fail it when ``CJMC_REQUIRE_C_LOADER`` is set (CI):
    a part that failed to build must not pass for one this machine cannot build."""
    if found is None:
        if os.environ.get("CJMC_REQUIRE_C_LOADER"):
            raise AssertionError(f"CJMC_REQUIRE_C_LOADER is set but {what} was not built (see hatch_build.py)")
        pytest.skip(f"{what} is not built here (no C compiler or headers at install time, or CJMC_PURE_PYTHON)")
    return found


def small_blocks_kept(work: Callable[[], None], *, warm_up: int = 20, rounds: int = 300) -> int:
    """How many more blocks of up to 512 bytes are allocated after ``rounds`` calls of ``work`` than before.

    A reference the C code forgot to drop leaves its objects (small blocks) behind on every call. Large
    blocks are not counted: Python's own tables (interned strings, free lists) grow and are rebuilt as
    objects come and go. The warm-up fills caches and free lists first.
    """
    for _ in range(warm_up):
        work()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for _ in range(rounds):
            work()
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()

    def small_blocks(snapshot) -> int:
        return sum(1 for trace in snapshot.traces if trace.size <= 512)

    return small_blocks(after) - small_blocks(before)
