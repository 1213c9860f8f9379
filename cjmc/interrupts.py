"""Stopping a command: Ctrl+C and SIGTERM unwind the same way, and say so in the exit code.

Both become :class:`KeyboardInterrupt` in the main process, so every
``finally`` runs: Graphviz's processes are killed, the worker processes
stopped, the staging folder and temporary files removed, and the previous
site is left as it was. Without a handler, SIGTERM (a cancelled CI job,
``timeout``, ``docker stop``) ended the process on the spot and left
Graphviz laying out diagrams for nobody.

The command then exits 130 after Ctrl+C and 143 after SIGTERM, as a shell
reports a process those signals ended (128 + the signal's number), so a
cancelled job never looks like one that found problems (exit 1) or could not
run (exit 2). Click would otherwise turn Ctrl+C into "Aborted!" and exit 1.

A signal can come between any two steps, also between starting a process
and keeping it where a ``finally`` finds it. Graphviz is started inside
:func:`deferred`, and whatever started it is kept in a list that is killed
at exit (:func:`cjmc.render.engines.stop_strays`) in case the interrupt
came before its owner was. Worker processes (shards, the second page
renderer) are forked with both signals held and then ignore them
(:func:`stop_signals_held`, :func:`ignore_stop_signals`): the main process
stops them when it unwinds.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

_stopped_by = signal.SIGINT
_deferring = 0  # how deep the main thread is in deferred() sections
_pending: signal.Signals | None = None  # a stop signal that came during one


def exit_code() -> int:
    """130 after Ctrl+C, 143 after SIGTERM."""
    return 128 + int(_stopped_by)


def stop_on_signals() -> None:
    """Make Ctrl+C and SIGTERM unwind the command (KeyboardInterrupt), except inside :func:`deferred`.

    Processes forked later inherit this.
    """

    def handler(signum, frame):
        global _stopped_by, _pending
        if signum == signal.SIGTERM:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second TERM must not interrupt the clean-up
        _stopped_by = signal.Signals(signum)
        if _deferring:
            _pending = _stopped_by
            return
        raise KeyboardInterrupt

    try:
        if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # started in the background by a shell: leave it
            signal.signal(signal.SIGINT, handler)
        signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):  # not the main thread (a library user's), or no such signal
        pass


@contextmanager
def deferred() -> Iterator[None]:
    """Start a process and record it, as one step: a stop signal meanwhile is raised once both are done.

    ``subprocess.Popen`` forks before it returns: interrupted inside it, or
    before its caller had kept the process, nothing knew the process to
    kill it, and a stopped build left Graphviz running. Unlike blocking the
    signals (:func:`stop_signals_held`), this leaves the
    started program's signal mask alone. Only the main thread defers (it is
    the one the signal handler runs in); elsewhere this does nothing.
    """
    global _deferring, _pending
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
    if not _deferring and _pending is not None:
        _pending = None
        raise KeyboardInterrupt


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
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


__all__ = ("deferred", "exit_code", "ignore_stop_signals", "stop_on_signals", "stop_signals_held")
