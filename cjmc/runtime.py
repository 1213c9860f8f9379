"""What kind of process cjmc runs in.

The command-line entry point sets :data:`ONE_SHOT`: the process ends after
one command, so a model built once may be frozen for the garbage collector
(:func:`gc.freeze`) and left for the operating system to reclaim at exit.
A library user or ``cjmc serve`` compiles many times in one process, where
neither would be right.
"""

ONE_SHOT = False


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
