"""`cjmc serve` in a subprocess on 127.0.0.1: serves, rebuilds on edit, shows errors, stops cleanly."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cjmc.workflow.serve import BuildState, error_page, inject_reload

from .conftest import cli_env, edit


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(condition, timeout: float = 20.0, step: float = 0.1):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = condition()
        except OSError as exc:  # connection refused while starting, etc.
            last = exc
        if last and not isinstance(last, Exception):
            return last
        time.sleep(step)
    raise AssertionError(f"timed out; last result: {last!r}")


@pytest.fixture
def server(tmp_path):
    from cjmc.workflow.init import init_project

    project = tmp_path / "p"
    init_project(project)
    process = subprocess.Popen([sys.executable, "-m", "cjmc", "serve", str(project), "--port", "0",
                                "--interval", "0.1"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                               env=cli_env())
    try:
        url = None
        deadline = time.monotonic() + 30
        while url is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line and process.poll() is not None:
                break
            if " at http://" in line:
                url = line.split(" at ", 1)[1].split()[0]
        assert url and url.startswith("http://127.0.0.1:"), "the server did not start on 127.0.0.1"
        yield project, url, process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def test_serve_rebuilds_and_reports_errors(server):
    project, url, process = server
    home = fetch(url)
    assert "/__cjmc/version" in home  # the reload script is injected into served pages
    version = json.loads(fetch(url + "__cjmc/version"))
    assert version["ok"] is True
    page = "journeys/sign-up.html"
    assert "Signing up for the first time" in fetch(url + page)

    journey = project / "maps/journeys/sign-up.yaml"
    edit(journey, "title: Signing up for the first time", "title: Signing up, second edition")
    wait_for(lambda: "Signing up, second edition" in fetch(url + page))
    # The new site is in place a moment before the server counts the build (it publishes, then returns).
    assert wait_for(lambda: json.loads(fetch(url + "__cjmc/version"))["version"] > version["version"])

    edit(journey, "touchpoint: welcome-email", "touchpoint: welcome-mail")
    broken = wait_for(lambda: (lambda text: text if "cjmc-errors" in text else None)(fetch(url + page)))
    assert "unresolved-reference" in broken and "welcome-mail" in broken
    assert json.loads(fetch(url + "__cjmc/version"))["ok"] is False

    edit(journey, "touchpoint: welcome-mail", "touchpoint: welcome-email")
    wait_for(lambda: "Signing up, second edition" in fetch(url + page))
    assert process.poll() is None

    process.terminate()
    assert process.wait(timeout=10) == 0
    assert "stopped" in process.stderr.read()


def test_built_files_have_no_reload_script(tmp_path):
    from cjmc.site.builder import build_site
    from cjmc.workflow.init import init_project

    init_project(tmp_path / "p")
    build_site(tmp_path / "p", tmp_path / "site")
    assert all("__cjmc" not in path.read_text() for path in Path(tmp_path / "site").rglob("*.html"))


def test_reload_script_and_error_page_are_escaped():
    page = inject_reload(b"<html><body><p>x</p></body></html>", 7)
    assert page.index(b"var v=7") < page.index(b"</body>")
    state = BuildState(3, False, "the maps are invalid", [])
    from cjmc.diagnostics import Diagnostic

    state.diagnostics.append(Diagnostic("m.yaml", 1, 2, "schema", "bad <script>", "error"))
    text = error_page(state, Path("/tmp/x")).decode()
    assert "bad &lt;script&gt;" in text and "<script>" not in text.split("</ul>")[0]


def test_a_rebuild_while_serving_takes_the_fast_path(tmp_path):
    """The server's thread keeps a process from forking, so the build runs in a process of its own: a
    portfolio large enough for shards gets the compile cache and reuses unchanged pages (built in the
    serving process, a rebuild of 1,000 journeys after one edit took 24 s instead of ~2 s)."""
    import re
    import threading

    from cjmc.sharded import MIN_BYTES
    from cjmc.workflow.serve import LiveSite

    from .conftest import REPO

    sys.path.insert(0, str(REPO / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    project = generate(40, tmp_path / "p", seed=3)
    assert sum(path.stat().st_size for path in (project / "maps").rglob("*.yaml")) > MIN_BYTES
    stop = threading.Event()
    server_thread = threading.Thread(target=stop.wait, daemon=True)  # as the HTTP server's
    server_thread.start()
    logged: list[str] = []
    site = LiveSite(project, log=logged.append)
    try:
        assert site.rebuild().ok
        journey = sorted((project / "maps" / "journeys").glob("*.yaml"))[0]
        text = journey.read_text(encoding="utf-8")
        journey.write_text(text.replace("title: ", "title: Edited while serving ", 1), encoding="utf-8")
        state = site.rebuild()
        page = (site.out / "journeys" / f"{journey.stem}.html").read_text(encoding="utf-8")
    finally:
        stop.set()
        site.close()
    assert state.ok and state.version == 2
    assert "Edited while serving" in page
    done = re.fullmatch(r"rebuilt in [0-9.]+s \(([0-9,]+) of ([0-9,]+) pages rendered, ([0-9,]+) map files "
                        r"from the cache\)", logged[-1])
    assert done, logged
    rendered, pages, cached = (int(group.replace(",", "")) for group in done.groups())
    assert 0 < rendered < pages / 2 and cached >= 40


def test_a_build_process_that_leaves_no_outcome_is_a_failed_build_and_none_at_all_builds_here(tmp_path,
                                                                                               monkeypatch):
    from cjmc.workflow.init import init_project
    from cjmc.workflow.serve import build_elsewhere

    from .conftest import REPO

    sys.path.insert(0, str(REPO / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    large = generate(40, tmp_path / "large", seed=3)
    folder = tmp_path / "serve"
    folder.mkdir()
    monkeypatch.setattr(sys, "executable", "/bin/false")  # starts, says nothing, leaves no outcome
    outcome = build_elsewhere(large, folder / "site", folder)
    assert outcome == ("failed", "the build process ended with exit code 1")
    assert not (folder / "site").exists()
    small = tmp_path / "small"
    init_project(small)  # too small for shards: built here, no process started
    kind, written, _, reused = build_elsewhere(small, folder / "small-site", folder)
    assert (kind, written) == ("built", True) and reused["pages"] > 0
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))  # cannot start: built here
    kind, written, _, reused = build_elsewhere(large, folder / "site", folder)
    assert (kind, written) == ("built", True) and reused["pages"] > 0
    assert (folder / "site" / "index.html").is_file()


def test_a_build_that_starts_as_the_server_closes_is_stopped_too(tmp_path):
    """close() looks for a rebuild under way; one whose process started just after it looked is stopped by
    the watcher's thread as it starts, not left to run once the server is gone."""
    from cjmc.workflow.serve import LiveSite

    (tmp_path / "maps").mkdir()
    site = LiveSite(tmp_path, log=lambda message: None)
    site.close()
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        site._started(process)
        assert process.poll() is not None  # stopped, and waited for
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
