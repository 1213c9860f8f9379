"""What kind of process cjmc runs in.

The command-line entry point sets :data:`ONE_SHOT`: the process ends after
one command, so a model built once may be frozen for the garbage collector
(:func:`gc.freeze`) and left for the operating system to reclaim at exit.
A library user or ``cjmc serve`` compiles many times in one process, where
neither would be right.
"""

from contextlib import contextmanager
from typing import Iterator

ONE_SHOT = False
_KEPT: list = []


def keep_until_exit(*values: object) -> None:
    """In a one-shot process, hold ``values`` until the process ends, which frees nothing one by one.

    A large portfolio's model is millions of small objects: freeing them
    when the function that made them returned took ~0.1 s of a 2-second
    rebuild of 1,000 journeys, for memory the process gives back at exit.
    Elsewhere (a library user, ``cjmc serve``) this does nothing.
    """
    if ONE_SHOT:
        _KEPT.append(values)


def may_fork() -> bool:
    """Whether this process may fork workers: ``os.fork`` exists and no other thread runs.

    ``cjmc serve`` builds beside its web server's threads; a lock one of
    them held at the fork would stay held in the child forever.
    """
    import os
    import threading

    return hasattr(os, "fork") and threading.active_count() == 1


@contextmanager
def stop_signals_held() -> Iterator[None]:
    """Hold Ctrl+C and SIGTERM while a worker is forked; the worker calls :func:`ignore_stop_signals` first.

    A worker must not unwind on them: a forked child that raised
    KeyboardInterrupt would print a traceback, or, forked with ``os.fork``,
    run its parent's clean-up (kill its Graphviz processes, remove its
    staging folder). The main process stops its workers itself when it is
    interrupted. Held, a signal that comes while forking is delivered to the
    main process once the fork is done, and never to the child.
    """
    import signal

    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def ignore_stop_signals() -> None:
    """In a worker forked under :func:`stop_signals_held`: ignore Ctrl+C and SIGTERM, then let signals in."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def shared_counter():
    """A function that returns 0, 1, 2, ... across this process and the processes it forks afterwards.

    Workers take the next item of a shared list with it, so a worker on a
    slower core takes fewer. Raises OSError without shared memory (a
    container without ``/dev/shm``); callers then share the work out in
    fixed parts.
    """
    import multiprocessing

    counter = multiprocessing.get_context("fork").Value("q", 0)

    def claim() -> int:
        with counter.get_lock():
            value = counter.value
            counter.value = value + 1
        return value

    return claim


def shared_ends(count: int):
    """Two functions that take items 0, 1, 2, ... from the front and count-1, count-2, ... from the back
    of a list of ``count``, across this process and the processes it forks afterwards; each returns
    ``count`` once the two ends have met. Raises OSError without shared memory, as :func:`shared_counter`.
    """
    import multiprocessing

    ends = multiprocessing.get_context("fork").Array("q", [0, count - 1])

    def take(end: int, step: int):
        def claim() -> int:
            with ends.get_lock():
                index = ends[end]
                if ends[0] > ends[1]:
                    return count
                ends[end] = index + step
            return index

        return claim

    return take(0, 1), take(1, -1)


def release_free_memory() -> None:
    """Give the C allocator's free pages back to the operating system (glibc only; elsewhere nothing).

    Freed Python objects larger than 512 bytes (texts of diagrams, pickled
    replies of the shards) leave holes in the C heap that stay resident: at
    1,000 journeys ~120 of the build's ~300 MB before its pages render. A
    process about to fork hands those pages on to its child too, so it calls
    this first.
    """
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        pass
