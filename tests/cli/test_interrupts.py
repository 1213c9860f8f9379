"""Stopping a build with Ctrl+C or SIGTERM: it cleans up after itself and says so in its exit code.

Each build runs in a session of its own with a hook that holds it at a known
point (shards waiting for their plan, Graphviz running, pages being written),
so the signal always comes at that point. Afterwards no process of the
session may be left, nor the staging folder or temporary files, and the
previous site must be as it was.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ..site.test_output import tree  # the same digest of a site, file by file

REPO = Path(__file__).resolve().parents[2]

# Runs `cjmc build PROJECT -o OUT` with a hook that touches READY at the point under test, then waits.
DRIVER = """
import pathlib, signal, sys, time
project, out, ready, where = sys.argv[1:5]
# As in a terminal: a test run started in the background inherits Ctrl+C ignored, and Python leaves it so.
signal.signal(signal.SIGINT, signal.default_int_handler)

def pause(*args, **kwargs):
    pathlib.Path(ready).touch()
    time.sleep(120)

if where == "shards":  # the shards have parsed their files and wait for the plan
    from cjmc import sharded
    sharded.MIN_BYTES = 0
    sharded._plan = pause
elif where == "pages":  # two renderers are writing pages
    from cjmc.site import builder, output
    builder.PARALLEL_PAGES = 2
    original = output._write_file
    def slow(path, data):
        if str(path).endswith(".html"):
            pathlib.Path(ready).touch()
        time.sleep(0.05)
        original(path, data)
    output._write_file = slow
sys.argv = ["cjmc", "build", project, "-o", out]
from cjmc.cli import main
main()
"""

# Stands in for graphviz-pure: answers -V, and otherwise says it started and lays out nothing, for a long time.
FAKE_ENGINE = """#!/bin/sh
if [ "$1" = "-V" ]; then echo "graphviz-pure version 0.0 (stand-in)" >&2; exit 0; fi
touch "$CJMC_TEST_READY"
exec sleep 120
"""


def session_processes(session: int) -> list[str]:
    """The processes still alive in ``session`` (Linux's /proc), as 'pid command'."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[3]) == session and fields[0] != "Z":
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                alive.append(f"{entry.name} {command}")
        except (OSError, ValueError, IndexError):
            continue
    return alive


@pytest.fixture()
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(REPO / "examples" / "maps", root / "maps")
    (root / "cjmc.yaml").write_text('name: Interrupted\nmaps: ["maps/**/*.yaml"]\n', encoding="utf-8")
    return root


@pytest.fixture()
def run_build(project, tmp_path):
    """Start a build held at ``where``; return it once the hook has fired."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    ready = tmp_path / "ready"
    env = {**os.environ, "TMPDIR": str(scratch), "CJMC_WORKERS": "2", "CJMC_TEST_READY": str(ready)}

    def start(where: str, out: Path, path_first: Path | None = None) -> subprocess.Popen:
        if path_first is not None:
            env["PATH"] = f"{path_first}{os.pathsep}{env['PATH']}"
        ready.unlink(missing_ok=True)
        proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(project), str(out), str(ready), where],
                                cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        deadline = time.monotonic() + 60
        while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        if not ready.exists():
            proc.kill()
            pytest.fail(f"the build never got to {where}: {proc.communicate()[1].decode()}")
        return proc

    start.scratch = scratch
    return start


def stop(proc: subprocess.Popen, sig: int, *, group: bool) -> tuple[int, str, float]:
    """Send ``sig`` to the build (or, as a terminal's Ctrl+C does, to its whole process group)."""
    sent = time.monotonic()
    (os.killpg if group else os.kill)(proc.pid, sig)
    try:
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    return proc.returncode, err.decode(), time.monotonic() - sent


def stop_and_check(proc: subprocess.Popen, sig: int, *, group: bool, code: int, tmp_path: Path,
                   scratch: Path) -> None:
    """Stop the build; it must say so, exit ``code`` within seconds and leave nothing behind."""
    returncode, err, seconds = stop(proc, sig, group=group)
    assert returncode == code, err
    assert err.strip().splitlines()[-1] == "cjmc: interrupted"
    assert "Traceback" not in err
    assert seconds < 10
    assert_cleaned_up(proc, tmp_path, scratch)


def assert_cleaned_up(proc: subprocess.Popen, tmp_path: Path, scratch: Path) -> None:
    deadline = time.monotonic() + 5
    while session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert session_processes(proc.pid) == []
    assert [p.name for p in tmp_path.iterdir() if ".cjmc-tmp-" in p.name] == []
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("sig, group, code", [(signal.SIGTERM, False, 143), (signal.SIGINT, True, 130)])
def test_stopped_while_shards_work(run_build, project, tmp_path, sig, group, code):
    proc = run_build("shards", tmp_path / "out")
    stop_and_check(proc, sig, group=group, code=code, tmp_path=tmp_path, scratch=run_build.scratch)
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(shutil.which("sh") is None or shutil.which("sleep") is None, reason="needs sh and sleep")
def test_sigterm_stops_graphviz_and_keeps_the_previous_site(run_build, project, tmp_path):
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "cjmc", "build", str(project), "-o", str(out), "--no-cache"],
                   cwd=REPO, check=True, capture_output=True)
    before = tree(out)
    engine = tmp_path / "bin"
    engine.mkdir()
    (engine / "graphviz-pure").write_text(FAKE_ENGINE, encoding="utf-8")
    (engine / "graphviz-pure").chmod(0o755)
    proc = run_build("graphviz", out, path_first=engine)
    deadline = time.monotonic() + 10  # it says it started just before it becomes `sleep`
    while not any("sleep 120" in line for line in session_processes(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert any("sleep 120" in line for line in session_processes(proc.pid)), "the stand-in engine is not running"
    # a CI job cancelled, `timeout`: the signal goes to cjmc alone, which must stop Graphviz itself
    stop_and_check(proc, signal.SIGTERM, group=False, code=143, tmp_path=tmp_path, scratch=run_build.scratch)
    assert tree(out) == before


def test_ctrl_c_while_two_renderers_write_pages(run_build, project, tmp_path):
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "cjmc", "build", str(project), "-o", str(out), "--no-cache"],
                   cwd=REPO, check=True, capture_output=True)
    before = tree(out)
    proc = run_build("pages", out)
    time.sleep(0.3)  # both renderers are under way
    stop_and_check(proc, signal.SIGINT, group=True, code=130, tmp_path=tmp_path, scratch=run_build.scratch)
    assert tree(out) == before


@pytest.mark.parametrize("where", ["shards", "pages"])
def test_workers_end_when_the_build_is_killed_outright(run_build, project, tmp_path, where):
    """SIGKILL (the OOM killer, a CI runner's hard stop) leaves no clean-up to the main process: its workers
    must notice and end by themselves, not wait for a plan or render pages forever."""
    proc = run_build(where, tmp_path / "out")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert session_processes(proc.pid) == []


# Stands in for graphviz-pure: the real one until the file $CJMC_TEST_HANG exists, then one that never finishes.
SWITCHING_ENGINE = """#!/bin/sh
if [ "$1" != "-V" ] && [ -e "$CJMC_TEST_HANG" ]; then touch "$CJMC_TEST_READY"; exec sleep 120; fi
exec "$CJMC_TEST_REAL_ENGINE" "$@"
"""


@pytest.mark.parametrize("when", ["first build", "rebuild"])
def test_stopping_serve_stops_its_build(tmp_path, when):
    """`cjmc serve` builds a large project in a process of its own, rebuilds in its watcher's thread: stopped
    with SIGTERM, it must stop that build the way a build is stopped, not leave it (and Graphviz) running."""
    real = shutil.which("graphviz-pure") or str(Path(sys.executable).parent / "graphviz-pure")
    if not Path(real).is_file():
        pytest.skip("graphviz-pure is not installed")
    project = tmp_path / "project"
    # ~0.7 MB of maps: large enough to be built in a process of its own
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), "40", str(project)], check=True,
                   capture_output=True)
    engine = tmp_path / "bin"
    engine.mkdir()
    (engine / "graphviz-pure").write_text(SWITCHING_ENGINE, encoding="utf-8")
    (engine / "graphviz-pure").chmod(0o755)
    scratch, ready, hang = tmp_path / "tmp", tmp_path / "ready", tmp_path / "hang"
    scratch.mkdir()
    if when == "first build":
        hang.touch()
    env = {**os.environ, "TMPDIR": str(scratch), "CJMC_WORKERS": "2", "CJMC_TEST_READY": str(ready),
           "CJMC_TEST_HANG": str(hang), "CJMC_TEST_REAL_ENGINE": real,
           "PATH": f"{engine}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.Popen([sys.executable, "-m", "cjmc", "serve", str(project), "--port", "0", "--interval", "0.1"],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        if when == "rebuild":
            line = ""
            while " at http://" not in line:
                line = proc.stderr.readline()
                assert line or proc.poll() is None, "serve ended before serving"
            hang.touch()
            journey = sorted((project / "maps" / "journeys").glob("*.yaml"))[0]
            journey.write_text(journey.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1),
                               encoding="utf-8")
        deadline = time.monotonic() + 90
        while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.exists(), "the build never got to Graphviz"
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, err
    assert "stopped" in err and "Traceback" not in err
    assert "failed" not in err  # the build it stopped is no failure to report
    deadline = time.monotonic() + 10
    while session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert session_processes(proc.pid) == []
    assert list(scratch.iterdir()) == []  # serve's own folder and the build's temporary files


@pytest.fixture
def stop_handlers():
    """cjmc's handlers for Ctrl+C and SIGTERM in this process, for one test."""
    from cjmc import interrupts

    if not hasattr(signal, "pthread_kill"):
        pytest.skip("no signals to send to this process")
    previous = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    interrupts.stop_on_signals()
    yield interrupts
    signal.signal(signal.SIGINT, previous[0])
    signal.signal(signal.SIGTERM, previous[1])
    interrupts._stopped_by = signal.SIGINT


def _signal_here(signum):
    signal.pthread_kill(threading.main_thread().ident, signum)
    for _ in range(100):  # the handler runs between two steps of the program: give it some
        time.sleep(0.001)


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stop_signal_in_a_deferred_step_is_raised_when_the_step_is_done(stop_handlers, signum, code):
    """Starting a process and keeping it is one step: the interrupt comes after it, never between."""
    done = []
    with pytest.raises(KeyboardInterrupt):
        with stop_handlers.deferred():
            with stop_handlers.deferred():  # nested: raised only when the outer step ends
                _signal_here(signum)
                done.append("inner")
            done.append("outer")
    assert done == ["inner", "outer"]
    assert stop_handlers.exit_code() == code
    with stop_handlers.deferred():  # nothing left over for the next step
        done.append("next")
    assert done[-1] == "next"


def test_a_stop_signal_outside_a_deferred_step_stops_at_once(stop_handlers):
    done = []
    with pytest.raises(KeyboardInterrupt):
        _signal_here(signal.SIGINT)
        done.append("after")
    assert done == []


def test_ctrl_c_ignored_by_the_shell_stays_ignored(stop_handlers):
    """A command a shell started in the background inherits Ctrl+C ignored: cjmc does not take it back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stop_handlers.stop_on_signals()
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_IGN, signal.SIG_DFL)
