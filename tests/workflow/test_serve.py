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
    assert json.loads(fetch(url + "__cjmc/version"))["version"] > version["version"]

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
