"""What kind of process cjmc runs in.

The command-line entry point sets :data:`ONE_SHOT`: the process ends after
one command, so a model built once may be frozen for the garbage collector
(:func:`gc.freeze`) and left for the operating system to reclaim at exit.
A library user or ``cjmc serve`` compiles many times in one process, where
neither would be right.
"""

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


def exit_without_teardown(code: object) -> None:
    """End the process without freeing every object one by one.

    A large portfolio's model is millions of small objects; tearing them
    down at exit took longer than linting them. Like mypy's hard exit, we
    run the exit handlers (:func:`cjmc.render.engines.stop_strays` among
    them), flush the streams and leave. When a non-daemon thread is still
    running, the ordinary exit (which waits for it) is used.
    """
    import atexit
    import os
    import sys
    import threading

    if any(t is not threading.main_thread() and not t.daemon and t.is_alive() for t in threading.enumerate()):
        sys.exit(code)
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            status = status or 1
    os._exit(status)
