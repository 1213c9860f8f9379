"""Running Graphviz: finding an engine and rendering many DOT files fast.

Starting a Graphviz process costs ~20 ms, more than laying out a journey, so
DOT files are written to a temporary folder and rendered in batches: one
process per core, each given many files (``ENGINE -Tsvg -O a.dot b.dot``
writes ``a.dot.svg``...), all running at once. Large graphs (portfolio
overviews) go in their own batches with network-simplex iteration bounds
(``-Gnslimit``/``-Gnslimit1``) so a huge portfolio cannot hang the build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import RenderError

ENGINES = ("auto", "dot", "graphviz-pure")
FORMATS = ("svg", "png")
LARGE_EDGES = 400          # graphs with more edges than this get nslimit bounds
NSLIMIT = ("-Gnslimit=20", "-Gnslimit1=20")
TIMEOUT_BASE = 20.0        # seconds per batch...
TIMEOUT_PER_FILE = 5.0     # ...plus this per file in it
TIMEOUT_PER_KB = 0.1       # ...plus this per KB of DOT (a 1,000-journey portfolio map is 800 KB, 9 s alone)


@dataclass(frozen=True)
class Engine:
    name: str       # "dot" | "graphviz-pure"
    path: str
    version: str    # the first line of `ENGINE -V`, part of the cache key


def _which(program: str) -> str | None:
    """``program`` on PATH, else next to the running interpreter (a venv's bin/ or Scripts/)."""
    found = shutil.which(program)
    if found:
        return found
    folder = Path(sys.executable).parent
    for candidate in (folder / program, folder / f"{program}.exe"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def find_engine(name: str = "auto") -> Engine:
    """Resolve ``auto`` (graphviz-pure, else dot), ``dot`` or ``graphviz-pure`` to a runnable engine."""
    if name not in ENGINES:
        raise RenderError(f"unknown diagram engine {name!r}; choose one of {', '.join(ENGINES)}")
    candidates = ("graphviz-pure", "dot") if name == "auto" else (name,)
    for program in candidates:
        path = _which(program)
        if path:
            return Engine(program, path, _version(path))
    if name == "auto":
        raise RenderError("no Graphviz engine found: install the graphviz-pure package "
                          "(pip install graphviz-pure) or Graphviz's dot (e.g. apt-get install graphviz)")
    hint = "pip install graphviz-pure" if name == "graphviz-pure" else "install Graphviz, e.g. apt-get install graphviz"
    raise RenderError(f"diagram engine {name!r} not found on PATH ({hint})")


@lru_cache(maxsize=None)
def _version(path: str) -> str:
    try:
        result = subprocess.run([path, "-V"], capture_output=True, timeout=TIMEOUT_BASE)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RenderError(f"cannot run {path}: {exc}") from None
    text = (result.stderr or result.stdout).decode("utf-8", "replace").strip()
    if result.returncode != 0 or not text:
        raise RenderError(f"{path} -V failed (exit {result.returncode}): {text or 'no output'}")
    return text.splitlines()[0]


def render_many(jobs: list[tuple[str, str]], fmt: str = "svg", engine: str | Engine = "auto",
                processes: int | None = None) -> dict[str, bytes]:
    """Render every ``(key, dot_text)`` to ``fmt``; returns ``{key: output bytes}``.

    Raises :class:`RenderError` when the engine is missing, fails or times out;
    the message names the diagrams of the failing batch.
    """
    return start_many(jobs, fmt, engine, processes).wait()


def start_many(jobs: list[tuple[str, str]], fmt: str = "svg", engine: str | Engine = "auto",
               processes: int | None = None) -> "Rendering":
    """Start rendering every ``(key, dot_text)``; :meth:`Rendering.wait` collects the output.

    Only Graphviz processes run meanwhile, no thread of ours, so the caller
    may go on working, and even fork.
    """
    if fmt not in FORMATS:
        raise RenderError(f"unknown diagram format {fmt!r}; choose svg or png")
    resolved = engine if isinstance(engine, Engine) else find_engine(engine)
    rendering = Rendering(resolved, fmt)
    if jobs:
        rendering.launch(jobs, max(1, processes or os.cpu_count() or 1))
    return rendering


class Rendering:
    """Graphviz batches running in a temporary folder (see :func:`start_many`)."""

    def __init__(self, engine: Engine, fmt: str):
        self.engine = engine
        self.fmt = fmt
        self.names: dict[str, str] = {}  # file name -> key (keys may not be safe file names)
        self.running: list[tuple[subprocess.Popen, list[str], float]] = []
        self._folder: tempfile.TemporaryDirectory | None = None

    def launch(self, jobs: list[tuple[str, str]], processes: int) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="cjmc-render-")
        folder = Path(self._folder.name)
        normal, large = [], []
        seconds: dict[str, float] = {}
        for number, (key, text) in enumerate(jobs):
            name = f"d{number:05d}.dot"
            self.names[name] = key
            seconds[name] = TIMEOUT_PER_FILE + TIMEOUT_PER_KB * len(text) / 1000
            (folder / name).write_text(text, encoding="utf-8")
            (large if text.count("->") > LARGE_EDGES else normal).append(name)
        batches = [(batch, ()) for batch in _split(normal, processes)]
        batches += [([name], NSLIMIT) for name in large]
        for number, (batch, extra) in enumerate(batches):
            command = [self.engine.path, "-q", f"-T{self.fmt}", *extra, "-O", *batch]
            # Messages go to a file, not a pipe: nobody reads a pipe while the caller works.
            with open(folder / f"batch{number}.err", "wb") as errors:
                try:
                    proc = subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL, stderr=errors)
                except OSError as exc:
                    self.cancel()
                    raise RenderError(f"cannot run {self.engine.path}: {exc.strerror or exc}") from None
            self.running.append((proc, batch, time.monotonic() + TIMEOUT_BASE + sum(seconds[n] for n in batch)))

    def wait(self) -> dict[str, bytes]:
        """Wait for every batch; ``{key: output bytes}``. Raises RenderError (and stops the rest) on failure."""
        try:
            return dict(self.each())
        finally:
            self.cancel()

    def each(self):
        """Wait for every batch, then yield ``(key, output bytes)`` one at a time (call :meth:`cancel` after)."""
        if self._folder is None:
            return
        folder = Path(self._folder.name)
        try:
            for number, (proc, batch, deadline) in enumerate(self.running):
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    raise RenderError(f"{self.engine.name} timed out rendering {_keys(batch, self.names)}") from None
                if proc.returncode != 0:
                    message = (folder / f"batch{number}.err").read_bytes().decode("utf-8", "replace").strip()
                    for name, key in self.names.items():
                        message = message.replace(name, key)
                    raise RenderError(f"{self.engine.name} failed (exit {proc.returncode}) on "
                                      f"{_keys(batch, self.names)}: {message or 'no message'}")
        except BaseException:
            self.cancel()
            raise
        for name, key in self.names.items():
            output = folder / f"{name}.{self.fmt}"
            if not output.is_file():
                self.cancel()
                raise RenderError(f"{self.engine.name} wrote no output for {key}")
            yield key, output.read_bytes()

    def cancel(self) -> None:
        """Stop whatever still runs and remove the temporary folder."""
        _stop(self.running)
        self.running = []
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


def _split(names: list[str], parts: int) -> list[list[str]]:
    """``parts`` contiguous batches of near-equal length (none empty)."""
    parts = min(parts, len(names))
    size, extra = divmod(len(names), parts) if parts else (0, 0)
    batches, start = [], 0
    for part in range(parts):
        end = start + size + (1 if part < extra else 0)
        batches.append(names[start:end])
        start = end
    return batches


def _keys(batch: list[str], names: dict[str, str]) -> str:
    keys = [names[name] for name in batch]
    return ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")


def _stop(running) -> None:
    for proc, *_ in running:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
