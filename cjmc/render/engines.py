"""Running Graphviz: finding an engine and rendering many DOT files fast.

Starting a Graphviz process costs ~20 ms, more than laying out a journey, so
diagrams are rendered in batches: one process per core, each reading many
graphs from one file (``ENGINE -Tsvg < batch0.dot > batch0.svg`` writes
their outputs one after the other), all running at once. Large graphs (portfolio
overviews) go in their own batches with network-simplex iteration bounds
(``-Gnslimit``/``-Gnslimit1``) so a huge portfolio cannot hang the build.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Iterator

from ..interrupts import deferred
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


@dataclass
class _Batch:
    """One Graphviz process: its diagrams' keys, in input order, and where each starts in its input file."""

    process: subprocess.Popen
    number: int
    keys: list[str]
    offsets: list[int]  # one more than keys: the last is the file's size
    deadline: float


class Rendering:
    """Graphviz batches running in a temporary folder (see :func:`start_many`).

    A batch's diagrams are one input file, read by Graphviz as a stream of
    graphs, and one output file, the outputs one after the other in the
    same order: three files a batch instead of two a diagram. Creating a
    file took ~0.5 ms of CPU on the ext4 disk of the 2-core VM we measure
    on, and a cold build of 1,000 journeys had created 2,100 for Graphviz.
    """

    def __init__(self, engine: Engine, fmt: str):
        self.engine = engine
        self.fmt = fmt
        self.running: list[_Batch] = []
        self._folder: tempfile.TemporaryDirectory | None = None

    def launch(self, jobs: list[tuple[str, str]], processes: int) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="cjmc-render-")
        normal, large = [], []
        for key, text in jobs:
            (large if text.count("->") > LARGE_EDGES else normal).append((key, text))
        batches = [(batch, ()) for batch in _split(normal, processes)]
        batches += [([job], NSLIMIT) for job in large]
        try:
            for number, (batch, extra) in enumerate(batches):
                self._start(Path(self._folder.name), number, batch, extra)
        except BaseException:  # interrupted between batches: the caller never gets this object to cancel
            self.cancel()
            raise

    def _start(self, folder: Path, number: int, batch: list[tuple[str, str]], extra: tuple[str, ...]) -> None:
        offsets = [0]
        with open(folder / f"batch{number}.dot", "wb") as source:
            for _, text in batch:
                offsets.append(offsets[-1] + source.write(text.encode("utf-8") + b"\n"))
        seconds = TIMEOUT_BASE + sum(_seconds(text) for _, text in batch)
        command = [self.engine.path, "-q", f"-T{self.fmt}", *extra]
        # Files, not pipes: nobody reads a pipe while the caller works.
        with open(folder / f"batch{number}.dot", "rb") as stdin, \
                open(folder / f"batch{number}.{self.fmt}", "wb") as stdout, \
                open(folder / f"batch{number}.err", "wb") as errors:
            try:
                with deferred():  # no interrupt before the process is kept where cancel() and stop_strays() see it
                    process = subprocess.Popen(command, cwd=folder, stdin=stdin, stdout=stdout, stderr=errors)
                    _STARTED.add(process)
                    self.running.append(_Batch(process, number, [key for key, _ in batch], offsets,
                                               time.monotonic() + seconds))
            except OSError as exc:
                self.cancel()
                raise RenderError(f"cannot run {self.engine.path}: {exc.strerror or exc}") from None

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
            for batch in self.running:
                try:
                    batch.process.wait(timeout=max(0.1, batch.deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    raise RenderError(f"{self.engine.name} timed out rendering {_keys(batch.keys)}") from None
                if batch.process.returncode != 0:
                    raise self._failure(folder, batch)
        except BaseException:
            self.cancel()
            raise
        for batch in self.running:
            with open(folder / f"batch{batch.number}.{self.fmt}", "rb") as output:
                documents = _documents(output, self.fmt)
                for key in batch.keys:
                    data = next(documents, None)
                    if data is None:
                        self.cancel()
                        raise RenderError(f"{self.engine.name} wrote no output for {key}")
                    yield key, data

    def _failure(self, folder: Path, batch: _Batch) -> RenderError:
        """The error of a failed batch, for the first diagram it wrote no whole output for.

        That diagram is rendered again alone, for the engine's own message
        about it: engines number the lines of a stream of graphs differently.
        """
        with open(folder / f"batch{batch.number}.{self.fmt}", "rb") as output:
            index = min(sum(1 for _ in _documents(output, self.fmt, whole_only=True)), len(batch.keys) - 1)
        key = batch.keys[index]
        with open(folder / f"batch{batch.number}.dot", "rb") as source:
            source.seek(batch.offsets[index])
            text = source.read(batch.offsets[index + 1] - batch.offsets[index])
        message = (folder / f"batch{batch.number}.err").read_bytes()
        try:
            alone = subprocess.run([self.engine.path, "-q", f"-T{self.fmt}"], input=text, capture_output=True,
                                   timeout=TIMEOUT_BASE + _seconds(text))
            if alone.returncode != 0 and alone.stderr.strip():
                message = alone.stderr
        except (OSError, subprocess.TimeoutExpired):
            pass
        text_message = message.decode("utf-8", "replace").strip().replace("<stdin>", key)
        return RenderError(f"{self.engine.name} failed (exit {batch.process.returncode}) on {key}: "
                           f"{text_message or 'no message'}")

    def cancel(self) -> None:
        """Stop whatever still runs and remove the temporary folder."""
        _stop(self.running)
        self.running = []
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


_XML_START = b"<?xml"


def _documents(output: BinaryIO, fmt: str, whole_only: bool = False) -> Iterator[bytes]:
    """The outputs Graphviz wrote one after the other for a stream of graphs, in order.

    An SVG starts with its XML declaration (text in it is escaped, so the
    declaration cannot occur inside one); a PNG is its signature and
    chunks up to ``IEND``. With ``whole_only``, a last output cut short (a
    failed graph) is left out.
    """
    if fmt == "png":
        yield from _pngs(output, whole_only)
        return
    pending, start = b"", 0  # the outputs not yet given start at pending[start]
    while chunk := output.read(1 << 20):
        pending, start = pending[start:] + chunk, 0
        while (cut := pending.find(_XML_START, start + 1)) != -1:
            yield pending[start:cut]
            start = cut
    last = pending[start:]
    if last and (not whole_only or last.rstrip().endswith(b"</svg>")):
        yield last


def _pngs(output: BinaryIO, whole_only: bool) -> Iterator[bytes]:
    while signature := output.read(8):
        parts = [signature]
        while True:
            head = output.read(8)  # a chunk's length and type; its data and CRC follow
            wanted = int.from_bytes(head[:4], "big") + 4 if len(head) == 8 else 1
            body = output.read(wanted) if len(head) == 8 else b""
            parts += (head, body)
            if len(body) < wanted:
                if not whole_only:
                    yield b"".join(parts)
                return
            if head[4:8] == b"IEND":
                break
        yield b"".join(parts)


def _seconds(text: str) -> float:
    """How long one graph may take, beside a batch's :data:`TIMEOUT_BASE`."""
    return TIMEOUT_PER_FILE + TIMEOUT_PER_KB * len(text) / 1000


def _split(items: list, parts: int) -> list[list]:
    """``parts`` contiguous batches of near-equal length (none empty)."""
    parts = min(parts, len(items))
    size, extra = divmod(len(items), parts) if parts else (0, 0)
    batches, start = [], 0
    for part in range(parts):
        end = start + size + (1 if part < extra else 0)
        batches.append(items[start:end])
        start = end
    return batches


def _keys(keys: list[str]) -> str:
    return ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")


def _stop(running: list[_Batch]) -> None:
    for batch in running:
        if batch.process.poll() is None:
            batch.process.kill()
        batch.process.wait()
        _STARTED.discard(batch.process)


# Every Graphviz process this process started and no Rendering has stopped yet. An interrupt that comes
# after a Rendering started its processes but before its caller kept it leaves nobody to cancel it.
_STARTED: set[subprocess.Popen] = set()


def stop_strays() -> None:
    """Kill the Graphviz processes no :class:`Rendering` stopped (run at exit: see :mod:`cjmc.interrupts`)."""
    for process in list(_STARTED):
        if process.poll() is None:
            process.kill()
            process.wait()
    _STARTED.clear()


atexit.register(stop_strays)
