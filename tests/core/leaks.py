"""A check that C code frees what it makes: count the small blocks a call leaves behind."""

from __future__ import annotations

import gc
import tracemalloc
from typing import Callable


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
