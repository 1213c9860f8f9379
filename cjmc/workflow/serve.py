"""``cjmc serve``: build the site, serve it on localhost, rebuild and reload on change.

No dependency beyond the standard library: a ``ThreadingHTTPServer`` serves
the built folder, a thread polls the modification times of the map files,
``cjmc.yaml`` and the template folder, and rebuilds when any changes (each
build in a fresh process, see :func:`build_elsewhere`). HTML
responses get a small script that polls ``/__cjmc/version`` and reloads the
page when a rebuild finished; the script is added while serving only, never
written into the built files. When the maps are invalid (or the build fails)
every page is replaced by one that lists the findings, and the server keeps
running until the next good edit.
"""

from __future__ import annotations

import html
import json
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Sequence

from ..diagnostics import Diagnostic, UsageError
from ..interrupts import deferred

VERSION_PATH = "/__cjmc/version"
RELOAD_SCRIPT = """<script>/* cjmc serve: live reload (not in built files) */
(function(){var v=%d;function poll(){fetch("%s",{cache:"no-store"}).then(function(r){return r.json()})
.then(function(d){if(d.version!==v){location.reload()}else{setTimeout(poll,%d)}})
.catch(function(){setTimeout(poll,2000)})}setTimeout(poll,%d)})();</script>
"""
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class BuildState:
    version: int = 0
    ok: bool = False
    message: str = ""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    built_at: float = 0.0


def watched_files(root: Path) -> dict[str, tuple[int, int]]:
    """(mtime_ns, size) of every file whose change should trigger a rebuild."""
    from ..config import CONFIG_NAME, DEFAULT_MAPS, Config, load_config, map_files

    try:
        config = load_config(root)
    except UsageError:
        config = Config(root=root, name=root.name, maps=DEFAULT_MAPS)
    paths = set(map_files(config))
    paths.add(root / CONFIG_NAME)
    if config.site_templates:
        templates = (root / config.site_templates)
        if templates.is_dir():
            paths.update(p for p in templates.rglob("*") if p.is_file())
    stamps = {}
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        stamps[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return stamps


class LiveSite:
    """The built site in a private temporary folder, and the state of its last build."""

    def __init__(self, root: Path, *, log: Callable[[str], None] = lambda message: None):
        self.root = Path(root).resolve()
        self.folder = Path(tempfile.mkdtemp(prefix="cjmc-serve-"))
        self.out = self.folder / "site"
        self.state = BuildState()
        self.lock = threading.Lock()
        self.log = log
        self.stamps: dict[str, tuple[int, int]] = {}
        self.building = None  # the build process under way, if any (see close)
        self.closing = False

    def rebuild(self) -> BuildState:
        self.stamps = watched_files(self.root)
        started = time.perf_counter()
        ok, message, diagnostics = False, "", []
        outcome = build_elsewhere(self.root, self.out, self.folder, started=self._started)
        if self.closing:  # stopped by close(): no outcome worth reporting
            return self.state
        reused = {}
        if outcome[0] == "built":
            _, written, diagnostics, reused = outcome
            if written:
                ok = True
            else:
                message = "the maps are invalid, so the site was not rebuilt"
                diagnostics = [d for d in diagnostics if d.severity == "error"] or diagnostics
        elif outcome[0] == "refused":
            _, message, diagnostics = outcome
        else:  # keep serving; the page says what went wrong
            message = f"the build failed: {outcome[1]}"
        with self.lock:
            self.state = BuildState(self.state.version + 1, ok, message, diagnostics, time.time())
            state = self.state
        errors = sum(1 for d in diagnostics if d.severity == "error")
        took = time.perf_counter() - started
        if ok:
            self.log(f"rebuilt in {took:.1f}s" + _reuse_note(reused))
        else:
            self.log(f"build failed ({errors} error(s)): {message}")
        return state

    def changed(self) -> bool:
        return watched_files(self.root) != self.stamps

    def watch(self, stop: threading.Event, interval: float) -> None:
        """Poll until ``stop`` is set; rebuild once the files have changed and settled."""
        while not stop.wait(interval):
            try:
                if not self.changed():
                    continue
                # Editors save in several writes: wait until two looks agree.
                for _ in range(10):
                    before = watched_files(self.root)
                    if stop.wait(min(interval, 0.2)):
                        return
                    if watched_files(self.root) == before:
                        break
                self.rebuild()
            except Exception as exc:  # never let the watcher die silently
                self.log(f"watcher: {type(exc).__name__}: {exc}")

    def _started(self, process) -> None:
        with self.lock:
            self.building = process
            closing = self.closing
        if closing:  # close() came while this build was starting, and did not see it
            _stop(process)

    def close(self) -> None:
        """Stop a rebuild under way (the watcher's thread dies with the server, its build process would not),
        then remove the site."""
        with self.lock:
            self.closing = True
            building = self.building
        if building is not None:
            _stop(building)
        shutil.rmtree(self.folder, ignore_errors=True)


def _reuse_note(reused: dict) -> str:
    """`` (3 of 1,134 pages rendered, 1,001 map files from the cache)``: what a rebuild did not make again."""
    if not reused.get("pages"):
        return ""
    rendered = reused["pages"] - reused.get("reused_pages", 0)
    note = f"{rendered:,} of {reused['pages']:,} pages rendered"
    if reused.get("cached_files"):
        note += f", {reused['cached_files']:,} map files from the cache"
    return f" ({note})"


def build_elsewhere(root: Path, out: Path, folder: Path, *,
                    started: Callable[[Any], None] = lambda process: None) -> tuple:
    """Build ``root`` into ``out`` in a Python process of its own; what came of it (see :func:`_build_outcome`).

    ``serve`` runs an HTTP server thread, and a process that runs other
    threads may not fork (see :func:`cjmc.runtime.may_fork`): built here, a
    large portfolio got none of the fast path (one process for everything,
    no compile cache, every page rendered), and a rebuild after one edit of
    1,000 journeys took 24 s instead of the 2 s of ``cjmc build``. A fresh,
    single-threaded interpreter builds as the command line does. It leaves
    its outcome, pickled, in ``folder`` (the server's private folder). A
    project too small for shards, or one no process can be started for, is
    built here: starting Python and importing cjmc costs ~0.25 s, as much as
    a rebuild of the example project. ``started`` gets the build's process
    (:class:`subprocess.Popen`) once it runs.
    """
    import os
    import pickle
    import subprocess

    if not _worth_a_process(root):
        return _build_outcome(root, out)
    outcome_file = folder / "build-outcome.pickle"
    outcome_file.unlink(missing_ok=True)
    command = [sys.executable, "-c", "from cjmc.workflow.serve import build_in_child; build_in_child()",
               str(root), str(out), str(outcome_file)]
    # The same cjmc as this process's, wherever it was imported from.
    package_parent = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH", "")
    env = {**os.environ, "PYTHONPATH": package_parent + (os.pathsep + path if path else "")}
    process = None
    try:
        with deferred():  # a stop signal now is raised once the process is known, to be stopped below
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE, env=env)
        started(process)
        _, stderr = process.communicate()
    except BaseException as exc:  # the server is stopping: let the build clean up (SIGKILL would orphan Graphviz)
        if process is None and isinstance(exc, OSError):  # no process could be started
            return _build_outcome(root, out)
        if process is not None:
            _stop(process)
        raise
    try:
        return pickle.loads(outcome_file.read_bytes())
    except Exception:  # noqa: BLE001 (no outcome: the process died, or the file is damaged)
        said = stderr.decode("utf-8", "replace").strip().splitlines()
        return ("failed", f"the build process ended with exit code {process.returncode}"
                          + (f": {said[-1]}" if said else ""))


def _stop(process, grace: float = 10.0) -> None:
    """SIGTERM ``process`` (a build, which then stops its own workers and Graphviz), SIGKILL after ``grace`` s.

    Only waits: the watcher's thread may be reading the process's output at the same time (a rebuild).
    """
    import subprocess

    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait()


def _worth_a_process(root: Path) -> bool:
    """Whether a build of ``root`` in a fresh process would use shards (a bad cjmc.yaml: no, and the build
    here reports it)."""
    from ..config import load_config, map_files
    from ..sharded import worker_count

    try:
        config = load_config(root)
        return worker_count(config, map_files(config), this_process=False) > 1
    except Exception:  # noqa: BLE001 (reported by the build itself)
        return False


def build_in_child() -> None:
    """The build process (``sys.argv``: project, output folder, outcome file): build once, write what came
    of it, and leave without freeing the model one object at a time."""
    import pickle

    from .. import runtime
    from ..fsutil import atomic_write_bytes
    from ..interrupts import stop_on_signals

    runtime.ONE_SHOT = True  # this process ends after one build, as a cjmc command does
    stop_on_signals()  # how the server stops this build: its clean-up runs (Graphviz, temporary files)
    root, out, outcome_file = sys.argv[1:4]
    try:
        outcome = _build_outcome(Path(root), Path(out))
    except BaseException as exc:  # noqa: BLE001 (Ctrl+C reaches this process too)
        outcome = ("failed", f"{type(exc).__name__}: {exc}")
    code = 0
    try:
        atomic_write_bytes(Path(outcome_file), pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001
        code = 1
    runtime.exit_without_teardown(code)  # runs stop_strays(): Graphviz a stop signal left without an owner


def _build_outcome(root: Path, out: Path) -> tuple:
    """``("built", written, diagnostics, what was reused)``, ``("refused", message, diagnostics)`` for a
    usage error (bad settings, a refused output folder), or ``("failed", "Type: message")``."""
    from ..site.builder import build_site

    try:
        result = build_site(root, out, force=True)
    except UsageError as exc:
        return ("refused", str(exc), list(exc.diagnostics))
    except Exception as exc:  # noqa: BLE001 (reported on the error page)
        return ("failed", f"{type(exc).__name__}: {exc}")
    reused = {"pages": result.pages, "reused_pages": result.reused_pages, "cached_files": result.cached_files}
    return ("built", result.written, list(result.diagnostics), reused)


def error_page(state: BuildState, root: Path) -> bytes:
    rows = []
    for d in state.diagnostics:
        location = html.escape(f"{d.file or '<project>'}:{d.line}:{d.column}")
        hint = f'<div class="hint">hint: {html.escape(d.hint)}</div>' if d.hint else ""
        rows.append(f'<li class="{html.escape(d.severity)}"><code>{location}</code> '
                    f'<b>{html.escape(d.severity)}</b> <code>{html.escape(d.rule)}</code>: '
                    f"{html.escape(d.message)}{hint}</li>")
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cjmc: the maps have errors</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}}
h1{{color:#b00020;font-size:1.4rem}}li{{margin:.4rem 0}}li.error b{{color:#b00020}}li.warning b{{color:#8a5a00}}
.hint{{color:#555;margin-left:1.5rem}}code{{background:#f4f4f4;padding:0 .2rem}}</style></head>
<body><h1 id="cjmc-errors">The site could not be rebuilt</h1>
<p>{html.escape(state.message or "the maps have errors")}. Fix them and save: this page reloads by itself.</p>
<p>Project: <code>{html.escape(str(root))}</code></p>
<ul>{''.join(rows) or '<li>no findings were reported</li>'}</ul>
</body></html>
"""
    return body.encode("utf-8")


def inject_reload(page: bytes, version: int, interval_ms: int = 700) -> bytes:
    script = (RELOAD_SCRIPT % (version, VERSION_PATH, interval_ms, interval_ms)).encode("utf-8")
    lower = page.lower()
    at = lower.rfind(b"</body>")
    if at < 0:
        return page + script
    return page[:at] + script + page[at:]


class Handler(SimpleHTTPRequestHandler):
    site: LiveSite  # set on the subclass made by make_server
    quiet = True

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        with self.site.lock:
            state = self.site.state
        if path == VERSION_PATH:
            self._send(200, "application/json", json.dumps({"version": state.version, "ok": state.ok}).encode())
            return
        if not state.ok:
            if self._looks_like_page(path):
                self._send(200, "text/html; charset=utf-8", inject_reload(error_page(state, self.site.root),
                                                                          state.version))
                return
        file = Path(self.translate_path(path))
        if file.is_dir():
            if not path.endswith("/"):
                super().do_GET()  # the standard redirect to the slash-ended URL
                return
            file = file / "index.html"
        if file.suffix == ".html" and file.is_file():
            try:
                page = file.read_bytes()
            except OSError:
                self.send_error(404)
                return
            self._send(200, "text/html; charset=utf-8", inject_reload(page, state.version))
            return
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def _looks_like_page(self, path: str) -> bool:
        return path.endswith("/") or path.endswith(".html") or "." not in path.rsplit("/", 1)[-1]

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        if not self.quiet:
            super().log_message(format, *args)


def make_server(site: LiveSite, host: str, port: int, *, quiet: bool = True) -> ThreadingHTTPServer:
    handler = type("CjmcHandler", (Handler,), {"site": site, "quiet": quiet})
    server = ThreadingHTTPServer((host, port), partial(handler, directory=str(site.out)))
    server.daemon_threads = True
    return server


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, *, interval: float = 0.5,
          say: Callable[[str], None] = print, quiet: bool = True, ready: Callable[[str], None] | None = None) -> None:
    """Build, serve and watch until interrupted (KeyboardInterrupt or SystemExit)."""
    site = LiveSite(root, log=say)
    stop = threading.Event()
    server = None
    try:
        site.rebuild()
        try:
            server = make_server(site, host, port, quiet=quiet)
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        bound_host, bound_port = server.server_address[:2]
        shown_host = f"[{bound_host}]" if ":" in str(bound_host) else bound_host
        url = f"http://{shown_host}:{bound_port}/"
        if host not in LOOPBACK:
            say(f"warning: listening on {host}, reachable from other machines")
        say(f"serving {site.root} at {url} (rebuilds on change; Ctrl+C to stop)")
        if ready:
            ready(url)
        watcher = threading.Thread(target=site.watch, args=(stop, interval), name="cjmc-watch", daemon=True)
        watcher.start()
        server.serve_forever(poll_interval=0.25)
    finally:
        stop.set()
        if server is not None:
            server.server_close()
        site.close()


def flush_print(message: str) -> None:
    print(message, flush=True, file=sys.stderr)


__all__: Sequence[str] = ("serve", "LiveSite", "make_server", "inject_reload", "error_page", "watched_files")
