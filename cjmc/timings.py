"""Where a build's time went, phase by phase (``cjmc build --timings``).

A large portfolio's build is a few steps that run one after the other in
the main process, some of which fan out to other processes (the shards,
the second page renderer, Graphviz). Each phase records its wall time and
the CPU time of this process and of the child processes it waited for, so
a user sees both how long a step took and how much of the machine it used
(``render pages`` on two cores shows about twice its wall time in CPU).
Graphviz's processes are counted in the phase that waits for them.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator


def _cpu_seconds() -> float:
    """CPU time of this process and of the children it has waited for (zero for children on Windows).

    The process's own time from ``time.process_time`` (``os.times`` counts in ticks of 10 ms).
    """
    times = os.times()
    return time.process_time() + times.children_user + times.children_system


@dataclass
class Phase:
    """One step of a build: its name, wall and CPU seconds, and what it did (counts, for the reader)."""

    name: str
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    detail: str = ""
    _began: tuple[float, float] = field(default=(0.0, 0.0), repr=False, compare=False)  # wall and CPU clocks


@dataclass
class Timings:
    """The phases of one build, in the order they ran."""

    phases: list[Phase] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    cpu_started: float = field(default_factory=_cpu_seconds)

    def start(self, name: str, detail: str = "") -> Phase:
        """Begin phase ``name``; :meth:`stop` records it (for a phase that ends where no block does)."""
        return Phase(name, detail=detail, _began=(time.perf_counter(), _cpu_seconds()))

    def stop(self, phase: Phase) -> None:
        wall, cpu = phase._began
        phase.seconds, phase.cpu_seconds = time.perf_counter() - wall, _cpu_seconds() - cpu
        self.phases.append(phase)

    @contextmanager
    def phase(self, name: str) -> Iterator[Phase]:
        """Time the block as phase ``name``; the block may set the phase's ``detail``. A phase that raises
        is still recorded (its time was spent)."""
        phase = self.start(name)
        try:
            yield phase
        finally:
            self.stop(phase)

    def total(self) -> Phase:
        """The whole build so far, as one phase (its wall time includes what no phase covered)."""
        return Phase("total", time.perf_counter() - self.started, _cpu_seconds() - self.cpu_started)


def format_timings(phases: list[Phase], total: Phase) -> str:
    """A table of the phases and their total, one line each, for a terminal or a CI log."""
    rows = [*phases, total]
    width = max(len(phase.name) for phase in rows)
    lines = [f"{'phase':<{width}}  {'wall s':>7}  {'CPU s':>7}  what"]
    for phase in rows:
        line = f"{phase.name:<{width}}  {phase.seconds:7.2f}  {phase.cpu_seconds:7.2f}"
        lines.append(f"{line}  {phase.detail}".rstrip())
    return "\n".join(lines)
