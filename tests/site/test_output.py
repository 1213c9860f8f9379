"""Safe builds: refused output folders, --force, interrupted builds, reproducibility."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cjmc.diagnostics import UsageError
from cjmc.site import output
from cjmc.site.output import MARKER

from .conftest import EXAMPLES, REPO, build


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".cjmc-cache", "_site"))
    return root


def test_default_output_is_project_site_folder(project):
    result = build(project, None)
    assert result.written and result.out == project / "_site"
    assert (project / "_site" / MARKER).is_file()
    assert (project / "_site" / "index.html").is_file()


def test_refuses_the_project_root(project):
    with pytest.raises(UsageError, match="is the project folder"):
        build(project, project)


def test_refuses_a_folder_containing_the_project(project):
    with pytest.raises(UsageError, match="contains the project folder"):
        build(project, project.parent, force=True)


def test_refuses_a_folder_holding_map_files(project):
    with pytest.raises(UsageError, match="holds map files"):
        build(project, project / "maps", force=True)
    assert (project / "maps" / "personas.yaml").is_file()


def test_refuses_a_folder_holding_map_files_through_a_symlink(project, tmp_path):
    """A map file that is a symlink into the output folder. (The map globs do not descend into
    symlinked folders, so a file there is no map file.)"""
    out = tmp_path / "out"
    (out / "shared").mkdir(parents=True)
    (out / MARKER).write_text("")
    target = out / "shared" / "extra.yaml"
    shutil.move(project / "maps" / "personas.yaml", target)  # the file in the output folder is the only copy
    (project / "maps" / "extra.yaml").symlink_to(target)
    with pytest.raises(UsageError, match="holds map files"):
        build(project, out)
    assert target.is_file()


def test_refuses_a_foreign_non_empty_folder_unless_forced(project, tmp_path):
    foreign = tmp_path / "docs"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="--force"):
        build(project, foreign)
    assert (foreign / "notes.txt").read_text() == "mine"
    result = build(project, foreign, force=True)
    assert result.written and not (foreign / "notes.txt").exists() and (foreign / MARKER).is_file()


def test_an_empty_folder_is_fine(project, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert build(project, empty).written


def test_cli_exit_codes(project, tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "cjmc", "build", *args], capture_output=True, text=True,
                              cwd=REPO, timeout=120)

    refused = run(str(project), "-o", str(project))
    assert refused.returncode == 2 and "project folder" in refused.stderr and "Traceback" not in refused.stderr
    ok = run(str(project), "-o", str(tmp_path / "out"))
    assert ok.returncode == 0, ok.stderr
    assert "wrote" in ok.stderr and (tmp_path / "out" / "index.html").is_file()
    strict = run(str(project), "-o", str(tmp_path / "strict"), "--strict", "--fail-on", "warning")
    assert strict.returncode == 1 and "site not written" in strict.stderr
    assert not (tmp_path / "strict").exists()


def test_invalid_maps_are_not_published(project, tmp_path):
    out = tmp_path / "out"
    assert build(project, out).written
    before = tree(out)
    (project / "maps" / "broken.yaml").write_text("kind: journey\nid: x\ntitle: [unclosed\n")
    result = build(project, out)
    assert not result.written and result.blocked == "invalid"
    assert any(d.severity == "error" for d in result.diagnostics)
    assert tree(out) == before


def test_exception_mid_write_leaves_previous_site(project, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert build(project, out).written
    before = tree(out)
    calls = {"n": 0}
    original = output._write_file

    def failing(path, data):
        calls["n"] += 1
        if calls["n"] == 20:
            raise OSError(28, "No space left on device")
        original(path, data)

    monkeypatch.setattr(output, "_write_file", failing)
    with pytest.raises(OSError):
        build(project, out)
    assert tree(out) == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".out")], "temporary folder left behind"


@pytest.mark.parametrize("rel", ["../escape.html", "/etc/passwd", "journeys/../../escape.html", "..", ".",
                                 "a/../..", "..\\escape.html"])
def test_staging_refuses_a_path_that_leads_out_of_the_site(tmp_path, rel):
    with output.Staging(tmp_path / "site") as staging:
        with pytest.raises(ValueError, match="outside the site"):
            staging.write(rel, b"x")
        staging.write("journeys/a/../b.html", b"inside")  # stays in the site: allowed
    assert (tmp_path / "site" / "journeys" / "b.html").read_bytes() == b"inside"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted([MARKER, "b.html"])


SLOW_BUILD = """
import sys, time
import cjmc.site.output as output
original = output._write_file
def slow(path, data):
    time.sleep(0.05)
    original(path, data)
output._write_file = slow
sys.argv = ["cjmc", "build", sys.argv[1], "-o", sys.argv[2]]
from cjmc.cli import main
main()
"""


def start_slow_build(project: Path, out: Path, tmp_path: Path) -> subprocess.Popen:
    """Start SLOW_BUILD into ``out``; return once it writes the new site next to the old one."""
    scratch = tmp_path / "tmp"  # what a killed build cannot remove stays here, not in the machine's /tmp
    scratch.mkdir(exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", SLOW_BUILD, str(project), str(out)], cwd=REPO,
                            env={**os.environ, "TMPDIR": str(scratch)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(".cjmc-tmp-" in p.name for p in out.parent.iterdir()):
        time.sleep(0.02)
    if not any(".cjmc-tmp-" in p.name for p in out.parent.iterdir()):
        proc.kill()
        pytest.fail(f"the build never started writing: {proc.communicate()[1]}")
    return proc


def test_sigkill_during_build_leaves_previous_site(project, tmp_path):
    out = tmp_path / "out"
    assert build(project, out).written
    before = tree(out)
    proc = start_slow_build(project, out, tmp_path)
    try:
        time.sleep(0.3)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert tree(out) == before
    # the next build cleans up what the killed one left and succeeds
    assert build(project, out).written
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
    assert tree(out) == before


def test_a_second_build_into_the_same_folder_leaves_the_first_ones_staging_alone(project, tmp_path):
    """Two builds at once into one folder (a watch script and a manual build): both finish, and the folder
    ends up holding one whole site. The second used to delete the first's staging folder as a leftover."""
    out = tmp_path / "out"
    assert build(project, out).written
    before = tree(out)
    first = start_slow_build(project, out, tmp_path)
    try:
        second = subprocess.run([sys.executable, "-m", "cjmc", "build", str(project), "-o", str(out)], cwd=REPO,
                                capture_output=True, text=True)
        assert second.returncode == 0, second.stderr
        assert first.poll() is None, "the first build ended before the second one was done"
    finally:
        _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert tree(out) == before  # one whole site: the same project built twice
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_leftovers_of_ended_builds_are_removed_and_those_of_running_ones_kept(tmp_path):
    out = tmp_path / "site"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                               text=True).stdout.strip()
        folders = {"running": tmp_path / f".site.cjmc-tmp-{sleeper.pid}",
                   "ended": tmp_path / f".site.cjmc-tmp-{ended}",
                   "ended backup": tmp_path / f".site.cjmc-old-{ended}",
                   "this process's id": tmp_path / f".site.cjmc-tmp-{os.getpid()}",
                   "not ours": tmp_path / f".site.cjmc-tmp-{ended}x"}
        for name, folder in folders.items():
            folder.mkdir()
            if name != "not ours":
                (folder / MARKER).write_text("x")
        with output.Staging(out) as staging:
            staging.write("index.html", b"<p>hi</p>")
        left = sorted(p.name for p in tmp_path.iterdir())
        assert left == sorted([folders["running"].name, folders["not ours"].name, "site"])
    finally:
        sleeper.kill()
        sleeper.wait()


def test_two_builds_are_byte_identical(project, tmp_path):
    build(project, tmp_path / "a")
    build(project, tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_template_override(project, tmp_path):
    theme = project / "theme"
    (theme / "partials").mkdir(parents=True)
    (theme / "partials" / "footer.html").write_text('<footer class="site-footer">Custom footer {{ site.title }}</footer>\n')
    (theme / "static").mkdir()
    (theme / "static" / "extra.css").write_text("body{}")
    config = (project / "cjmc.yaml").read_text()
    (project / "cjmc.yaml").write_text(config.replace("site:\n", "site:\n  templates: theme\n"))
    out = tmp_path / "themed"
    assert build(project, out).written
    assert "Custom footer Acme CX Atlas" in (out / "index.html").read_text()
    assert (out / "static" / "extra.css").is_file() and (out / "static" / "cjmc.css").is_file()
    # Compiled templates are kept in the project's cache; an edited template is compiled anew.
    assert list((project / ".cjmc-cache" / "templates").rglob("__jinja2_*"))
    (theme / "partials" / "footer.html").write_text('<footer class="site-footer">Edited footer</footer>\n')
    assert build(project, out).written
    assert "Edited footer" in (out / "index.html").read_text()
    assert "Custom footer" not in (out / "index.html").read_text()


def test_a_theme_that_changes_a_fragments_text_gets_its_pages_made_without_markers(project, tmp_path, monkeypatch):
    """Were fragments spliced in as bytes under a template that filters them, the page would show markers
    or unfiltered cards: such a page is rendered again without markers, and equals a build without a cache."""
    from cjmc.resources import data_dir
    from cjmc.site import builder, fragments

    theme = project / "theme"
    theme.mkdir()
    persona = (data_dir("templates") / "persona.html").read_text()
    assert "{{ journey_card(s, root) }}" in persona
    (theme / "persona.html").write_text(persona.replace("{{ journey_card(s, root) }}",
                                                        "{{ journey_card(s, root)|upper }}"))
    config = (project / "cjmc.yaml").read_text()
    (project / "cjmc.yaml").write_text(config.replace("site:\n", "site:\n  templates: theme\n"))
    monkeypatch.setattr(builder, "_may_splice", lambda config: True)  # as if the theme were the package's
    rendered_again = []
    original = fragments.FragmentStore.all_spliced

    def all_spliced(store):
        spliced = original(store)
        rendered_again.append(not spliced)
        return spliced

    monkeypatch.setattr(fragments.FragmentStore, "all_spliced", all_spliced)
    out = tmp_path / "site"
    assert build(project, out).written
    assert any(rendered_again), "the cards rendered now were spliced in too, so the persona pages were made again"
    assert tree(out) == tree(_plain_build(project, tmp_path / "plain"))
    rendered_again.clear()
    journey = next(path for path in sorted((project / "maps").rglob("*.yaml")) if "kind: journey" in path.read_text())
    journey.write_text(journey.read_text().replace("title: ", "title: Edited ", 1))
    assert build(project, out).written
    assert any(rendered_again), "a persona page found its cards, and was made again without markers"
    assert tree(out) == tree(_plain_build(project, tmp_path / "plain"))
    pages = [path.read_text() for path in (out / "personas").iterdir()]
    assert any('<ARTICLE CLASS="JOURNEY-CARD' in text for text in pages) and not any("\0" in text for text in pages)


def test_a_themes_pages_are_joined_a_few_pieces_at_a_time(project, tmp_path, monkeypatch):
    """With a project's own templates fragments go into a page as text, and a chunk of rows is up to ~1 MB: such
    pages are joined 16 pieces at a time (256 chunks at once took a themed cold build of 1,000 journeys from
    202 to 256 MB), the package's own 256 at a time, their fragments being spliced in one by one."""
    from cjmc.site import builder

    sizes = []
    encode = builder._encoded_pieces

    def recording(fragments, splicing=None, size=256, **options):
        sizes.append((splicing is not None, size))
        return encode(fragments, splicing, size, **options)

    monkeypatch.setattr(builder, "_encoded_pieces", recording)
    assert build(project, tmp_path / "plain").written
    assert sizes and set(sizes) == {(True, 256)}
    sizes.clear()
    (project / "theme").mkdir()
    config = (project / "cjmc.yaml").read_text()
    (project / "cjmc.yaml").write_text(config.replace("site:\n", "site:\n  templates: theme\n"))
    assert build(project, tmp_path / "themed").written
    assert sizes and set(sizes) == {(False, builder.UNSPLICED_JOIN)} and builder.UNSPLICED_JOIN <= 16
    assert tree(tmp_path / "themed") == tree(tmp_path / "plain")


def _plain_build(project: Path, out: Path) -> Path:
    shutil.rmtree(out, ignore_errors=True)
    assert build(project, out, cache=False).written
    return out


def _fake_pages(count: int):
    from types import SimpleNamespace

    return [SimpleNamespace(path=f"p/{i:04d}.html") for i in range(count)]


def test_memory_is_given_back_after_each_megabyte_of_pages_not_only_after_a_large_page(monkeypatch) -> None:
    """Journey pages are ~140 KB each: hundreds of them left a renderer tens of MB of freed memory resident."""
    from cjmc import runtime
    from cjmc.site.builder import RELEASE_AFTER_BYTES, render_pages

    released_after: list[str] = []
    rendered: list[str] = []
    monkeypatch.setattr(runtime, "release_free_memory", lambda: released_after.append(rendered[-1]))
    sizes = {f"p/{i:04d}.html": RELEASE_AFTER_BYTES // 4 for i in range(9)}
    sizes["p/0004.html"] = 2 * RELEASE_AFTER_BYTES  # a large page: given back right after it

    def render(page):
        rendered.append(page.path)
        return b"x" * sizes[page.path]

    render_pages(_fake_pages(9), render, lambda path, data: None, lambda: None, parallel_from=100)
    assert released_after == ["p/0003.html", "p/0004.html", "p/0008.html"]


def test_parallel_page_rendering_writes_every_page_once(tmp_path):
    """The forked renderer and this process together write each page exactly once."""
    from cjmc.site.builder import PLACEHOLDER_MARK, render_pages

    pages = _fake_pages(41)
    started = []

    def render(page):
        marker = PLACEHOLDER_MARK + b"x-->" if page.path.endswith("7.html") else b""
        return f"<p>{page.path}</p>".encode() + marker

    def write(path, data):
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as handle:  # "x": a second write of the same page fails
            handle.write(data)

    marked = render_pages(pages, render, write, lambda: started.append(os.getpid()), parallel_from=10)
    assert started == [os.getpid()], "on_started runs once, in the parent"
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == [f"{i:04d}.html" for i in range(41)]
    assert all((tmp_path / page.path).read_bytes().startswith(f"<p>{page.path}".encode()) for page in pages)
    assert marked == sorted(p.path for p in pages if p.path.endswith("7.html"))


def test_no_second_renderer_is_forked_while_another_thread_runs(tmp_path):
    """cjmc serve builds beside its web server's threads: a lock one of them holds would stay held in a child."""
    import threading

    from cjmc.site.builder import render_pages

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        def write(path, data):  # runs in whichever process rendered the page
            (tmp_path / path.replace("/", "-")).write_bytes(data)

        render_pages(_fake_pages(40), lambda page: str(os.getpid()).encode(), write, lambda: None, parallel_from=10)
    finally:
        stop.set()
        other.join()
    renderers = {path.read_text() for path in tmp_path.iterdir()}
    assert len(list(tmp_path.iterdir())) == 40 and renderers == {str(os.getpid())}


def test_a_failure_in_the_forked_renderer_is_raised_in_the_parent(tmp_path):
    from cjmc.site.builder import render_pages

    parent = os.getpid()

    def render(page):
        if os.getpid() != parent:
            raise OSError(28, "No space left on device")
        time.sleep(0.05)  # leaves pages for the child to take
        return b"ok"

    with pytest.raises(OSError, match="No space left"):
        render_pages(_fake_pages(20), render, lambda path, data: None, lambda: None, parallel_from=10)


def test_a_slow_page_does_not_hold_up_the_others(tmp_path):
    """Each renderer takes the next page when it is free: the one with the slow page renders few others."""
    from cjmc.site.builder import render_pages

    def render(page):
        if page.path.endswith("0000.html"):
            time.sleep(1.0)
        else:
            time.sleep(0.02)
        return str(os.getpid()).encode()

    def write(path, data):
        (tmp_path / path.replace("/", "-")).write_bytes(data)

    render_pages(_fake_pages(40), render, write, lambda: None, parallel_from=10)
    renderer = {path.name: path.read_text() for path in tmp_path.iterdir()}
    assert len(renderer) == 40 and len(set(renderer.values())) == 2
    slow = renderer["p-0000.html"]
    assert sum(1 for pid in renderer.values() if pid == slow) <= 5  # not every other page, as a fixed split gives


def test_each_pages_reference_cycles_are_freed_before_the_next_page_renders() -> None:
    """A page's context is a reference cycle (Jinja's macros hold it): it must not wait for the cyclic GC."""
    import gc
    import weakref

    from cjmc.site.builder import render_pages

    class Context:
        pass

    freed: list[str] = []
    seen_when_rendering: list[tuple[str, list[str], bool]] = []

    def render(page):
        seen_when_rendering.append((page.path, list(freed), gc.isenabled()))
        context = Context()
        context.me = context  # a cycle, as Jinja's context of a page is
        weakref.finalize(context, freed.append, page.path)
        return b"page"

    was_enabled = gc.isenabled()
    gc.enable()
    try:
        render_pages(_fake_pages(3), render, lambda path, data: None, lambda: None, parallel_from=10)
        assert gc.isenabled()  # collection is automatic again after the pages
    finally:
        if not was_enabled:
            gc.disable()
    assert seen_when_rendering == [("p/0000.html", [], False), ("p/0001.html", ["p/0000.html"], False),
                                   ("p/0002.html", ["p/0000.html", "p/0001.html"], False)]
    assert freed == ["p/0000.html", "p/0001.html", "p/0002.html"]


def test_automatic_collection_stays_off_after_the_pages_when_it_was_off() -> None:
    import gc

    from cjmc.site.builder import collected_per_page

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with collected_per_page():
            pass
        assert not gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()


def test_parallel_and_serial_builds_are_byte_identical(tmp_path, monkeypatch):
    from cjmc.site import builder

    source = tmp_path / "n"
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    generate(12, source, seed=3)
    monkeypatch.setattr(builder, "PARALLEL_PAGES", 10_000)
    assert build(source, tmp_path / "serial").written
    monkeypatch.setattr(builder, "PARALLEL_PAGES", 5)
    assert build(source, tmp_path / "parallel").written
    assert tree(tmp_path / "serial") == tree(tmp_path / "parallel")


def test_the_parallel_path_is_taken_when_pages_are_many(project, tmp_path, monkeypatch):
    """Guards the test above: with a low threshold the build really forks."""
    from cjmc.site import builder

    forks = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())
    monkeypatch.setattr(builder, "PARALLEL_PAGES", 5)
    out = tmp_path / "out"
    assert build(project, out).written
    assert forks == [1, 1]  # one renderer of pages, one filler of the pages left with a diagram placeholder
    serial = tmp_path / "serial"
    monkeypatch.setattr(builder, "PARALLEL_PAGES", 10_000)
    assert build(project, serial).written
    assert forks == [1, 1] and tree(out) == tree(serial)


def test_missing_event_files_do_not_stop_the_build_and_are_explained(project, tmp_path):
    from click.testing import CliRunner

    from cjmc.cli import cli

    shutil.rmtree(project / "events")
    result = CliRunner().invoke(cli, ["build", str(project), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "no event file matches events.sources" in result.stderr
    page = (tmp_path / "out" / "journeys" / "buy-first-bike.html").read_text()
    assert 'id="observed"' not in page


def test_base_url_adds_canonical_links_and_a_sitemap_and_nothing_without_it(project, tmp_path):
    import xml.etree.ElementTree as ET

    plain = tmp_path / "plain"
    assert build(project, plain).written
    assert not (plain / "sitemap.xml").exists()
    assert 'rel="canonical"' not in (plain / "index.html").read_text()

    config = project / "cjmc.yaml"
    config.write_text(config.read_text().replace("site:\n", "site:\n  base_url: https://cx.example.com/atlas\n"))
    out = tmp_path / "out"
    assert build(project, out).written
    page = (out / "journeys" / "buy-first-bike.html").read_text()
    assert '<link rel="canonical" href="https://cx.example.com/atlas/journeys/buy-first-bike.html">' in page
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [loc.text for loc in ET.parse(out / "sitemap.xml").getroot().iter(f"{namespace}loc")]
    assert "https://cx.example.com/atlas/index.html" in locs
    assert len(locs) == sum(1 for _ in out.rglob("*.html"))


def test_the_parent_takes_pages_from_the_front_and_the_child_from_the_back(tmp_path):
    """Portfolio-wide pages come first in the list: the parent renders those, the child journey pages from
    the end (so it copies only the part of the shared model they show); every page exactly once."""
    from cjmc.site.builder import render_pages

    def render(page):
        time.sleep(0.005)
        return str(os.getpid()).encode()

    def write(path, data):
        with open(tmp_path / path.replace("/", "-"), "xb") as handle:  # "x": no page written twice
            handle.write(data)

    pages = _fake_pages(60)
    render_pages(pages, render, write, lambda: None, parallel_from=10)
    renderers = [(tmp_path / page.path.replace("/", "-")).read_text() for page in pages]
    parent = str(os.getpid())
    first_of_child = renderers.index(next(pid for pid in renderers if pid != parent))
    assert 0 < first_of_child < len(pages)
    assert set(renderers[:first_of_child]) == {parent} and parent not in renderers[first_of_child:]


@pytest.mark.parametrize("sharded", [False, True])
def test_a_diagram_cache_that_cannot_be_written_is_no_cache(project, tmp_path, monkeypatch, sharded):
    """A file where ``.cjmc-cache/svg`` would go: the diagrams are drawn and shown all the same.

    With ``sharded``, the compile runs in shards and two processes fill the pages that waited for
    Graphviz (each storing the diagrams its pages show)."""
    from cjmc import sharded as sharded_module
    from cjmc.site import builder

    if sharded:
        monkeypatch.setattr(sharded_module, "MIN_BYTES", 0)
        monkeypatch.setattr(builder, "PARALLEL_PAGES", 5)
    (project / ".cjmc-cache").mkdir()
    (project / ".cjmc-cache" / "svg").write_text("not a folder")
    out = tmp_path / "out"
    assert build(project, out).written
    assert build(project, tmp_path / "uncached", cache=False).written
    assert tree(out) == tree(tmp_path / "uncached")
    assert "<svg" in (out / "journeys" / "buy-first-bike.html").read_text(encoding="utf-8")


def test_which_map_file_is_inside_a_folder_is_told_per_folder_and_per_symlink(tmp_path):
    """``_first_inside`` compares each map folder once: a file is inside when its folder (resolved) is,
    when it is the folder itself, or when it is a symlink to a file inside."""
    from cjmc.site.output import _first_inside

    maps = tmp_path / "maps"
    (maps / "journeys").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    files = [maps / "a.yaml", maps / "journeys" / "b.yaml", maps / "journeys" / "c.yaml"]
    for path in files:
        path.write_text("kind: persona\n")
    assert _first_inside(files, tmp_path / "out") is None
    assert _first_inside(files, maps / "journeys") == files[1]
    assert _first_inside(files, maps) == files[0]
    assert _first_inside(files, maps / "a.yaml") == files[0]  # the file is the folder asked about
    assert _first_inside(files, tmp_path / "elsewhere") is None
    (tmp_path / "linked").symlink_to(maps / "journeys")  # a map folder reached through a symlinked folder
    through = [tmp_path / "linked" / "b.yaml"]
    assert _first_inside(through, maps / "journeys") == through[0]
    (tmp_path / "elsewhere" / "d.yaml").symlink_to(files[2])  # a map file that is a symlink
    assert _first_inside([tmp_path / "elsewhere" / "d.yaml"], maps / "journeys") == tmp_path / "elsewhere" / "d.yaml"
    assert _first_inside([tmp_path / "elsewhere" / "d.yaml"], tmp_path / "elsewhere") is None
