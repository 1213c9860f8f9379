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
"""

from __future__ import annotations

import signal

_stopped_by = signal.SIGINT


def exit_code() -> int:
    """130 after Ctrl+C, 143 after SIGTERM."""
    return 128 + int(_stopped_by)


def stop_on_sigterm() -> None:
    """Make SIGTERM unwind the command like Ctrl+C does (processes forked later inherit this)."""

    def handler(signum, frame):
        global _stopped_by
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second TERM must not interrupt the clean-up
        _stopped_by = signal.Signals(signum)
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):  # not the main thread (a library user's), or no such signal
        pass


__all__ = ("exit_code", "stop_on_sigterm")
