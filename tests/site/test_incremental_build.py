"""``cjmc build`` rebuilds incrementally, and a rebuild is never wrong.

A rebuild takes the compile results of unchanged map files from the
content-keyed cache in ``PROJECT/.cjmc-cache/compile/`` (sharded path only)
and hard-links pages whose inputs did not change from the previous site
(manifest under ``PROJECT/.cjmc-cache/``). Whatever was edited, the site it
writes must be byte-identical to a cold build of the same files: the project
copied without ``.cjmc-cache`` and built with ``cache=False``, on one process
(so the reference shares no code path with the caches; that both compile
paths write the same site is ``test_sharded_build.py``'s business).

The edit cases and the tests of a tampered site take turns on one project
and site, see :class:`Shared`: each undoes its edits and rebuilds when it
is done, which costs less than a cold build before each, and checks that
undoing an edit gives the first site back. The other tests build a copy of
the portfolio of their own.

The sharded compile path is forced as in ``test_sharded_build.py``
(``MIN_BYTES`` = 0, ``CJMC_WORKERS=2``), and every build gets a fixed
``today`` unless a test changes it on purpose.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from cjmc import sharded
from cjmc.config import load_config, map_files
from cjmc.site.builder import BuildResult, build_site

REPO = Path(__file__).resolve().parents[2]
JOURNEYS = 12
TODAY = dt.date(2026, 11, 1)  # no generated journey is stale yet
LATER = dt.date(2027, 9, 1)  # journeys last reviewed before 2026-09-01 are stale now (max_age_days 365)
CACHE = ".cjmc-cache"


# ---------------------------------------------------------------- fixtures and helpers

@pytest.fixture(scope="module")
def portfolio(tmp_path_factory) -> Path:
    """Generated once and never built in place, so it holds no ``.cjmc-cache``."""
    if str(REPO / "bench") not in sys.path:
        sys.path.insert(0, str(REPO / "bench"))
    from generate import generate

    return generate(JOURNEYS, tmp_path_factory.mktemp("portfolio") / "p", seed=5)


def force_sharded(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(sharded, "MIN_BYTES", 0)
    patch.setenv(sharded.WORKERS_VARIABLE, "2")


@pytest.fixture
def project(portfolio: Path, tmp_path: Path, monkeypatch) -> Path:
    """A private copy of the portfolio, with the sharded compile path forced (the compile cache needs it)."""
    force_sharded(monkeypatch)
    return Path(shutil.copytree(portfolio, tmp_path / "project"))


def build(project: Path, out: Path, **options) -> BuildResult:
    options.setdefault("today", TODAY)
    return build_site(project, out, **options)


def cold_build(project: Path, out: Path, monkeypatch, **options) -> BuildResult:
    """The reference: ``project`` copied without ``.cjmc-cache``, built with ``cache=False`` on one process."""
    fresh = Path(shutil.copytree(project, out.parent / f"{out.name}-project", ignore=shutil.ignore_patterns(CACHE)))
    assert not (fresh / CACHE).exists()
    with monkeypatch.context() as patch:
        patch.setenv(sharded.WORKERS_VARIABLE, "1")
        return build(fresh, out, cache=False, **options)


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_site(actual: Path, expected: Path | dict[str, bytes], context: str = "") -> None:
    """Same relative paths, same bytes; the message names the files that differ."""
    have = files(actual)
    want = expected if isinstance(expected, dict) else files(expected)
    problems = [f"missing: {name}" for name in sorted(want.keys() - have.keys())]
    problems += [f"not expected: {name}" for name in sorted(have.keys() - want.keys())]
    problems += [f"different bytes: {name}" for name in sorted(have.keys() & want.keys()) if have[name] != want[name]]
    assert not problems, (f"{len(problems)} files differ from a cold build{context}:\n  "
                          + "\n  ".join(problems[:25]))


def map_file_count(project: Path) -> int:
    return len(map_files(load_config(project)))


def journey_file(project: Path, journey_id: str) -> Path:
    return project / "maps" / "journeys" / f"{journey_id}.yaml"


def documents(path: Path) -> list:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the pure-Python loader would take seconds here
    return [d for d in yaml.load_all(path.read_text(encoding="utf-8"), Loader=loader) if d is not None]


def journeys(project: Path) -> dict[str, tuple[Path, dict]]:
    found = {}
    for path in sorted((project / "maps" / "journeys").glob("*.yaml")):
        for data in documents(path):
            found[data["id"]] = (path, data)
    return found


def substitute(path: Path, pattern: str, replacement: str) -> None:
    """Replace the first match of multi-line ``pattern``; the file must really change."""
    text = path.read_text(encoding="utf-8")
    changed, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert count == 1, f"{pattern!r} is not in {path}"
    assert changed != text, f"{pattern!r} already reads {replacement!r} in {path}"
    path.write_text(changed, encoding="utf-8")


def steps(journey: dict) -> list[dict]:
    return [step for stage in journey["stages"] for step in stage["steps"]]


def linked_target(project: Path) -> str:
    """A journey that another journey links to with ``followed_by`` / ``preceded_by``."""
    for _, (_, data) in sorted(journeys(project).items()):
        for key in ("followed_by", "preceded_by"):
            for target in data.get(key) or []:
                return target
    pytest.fail("the generated portfolio has no linked journeys; choose another seed")


# ---------------------------------------------------------------- the edits
# Each takes the project (as generated) and the result of building it; it may return build options
# (``today``) for both the rebuild and the reference.

def edit_journey_title(project: Path, before: BuildResult | None) -> None:
    path = journey_file(project, "j00005")
    substitute(path, r"^title: .*$", "title: Edited title of the fifth journey")
    assert documents(path)[0]["title"] == "Edited title of the fifth journey"


def edit_step_emotion(project: Path, before: BuildResult | None) -> None:
    path = journey_file(project, "j00007")
    old = [step.get("emotion") for step in steps(documents(path)[0])]
    value = int(re.search(r"^ +emotion: (-?\d+) *$", path.read_text(encoding="utf-8"), re.MULTILINE).group(1))
    substitute(path, r"^( +emotion: )-?\d+ *$", rf"\g<1>{2 if value != 2 else -2}")
    new = [step.get("emotion") for step in steps(documents(path)[0])]
    assert len(old) == len(new) and sum(a != b for a, b in zip(old, new)) == 1


def edit_kpi_target(project: Path, before: BuildResult | None) -> None:
    path = journey_file(project, "j00003")
    substitute(path, r"^(  - \{metric: [a-z0-9-]+, target: )[0-9.]+", r"\g<1>999")
    assert documents(path)[0]["kpis"][0]["target"] == 999


def edit_linked_journey(project: Path, before: BuildResult | None) -> None:
    """The title and a step name of a journey that another journey's page links to (by its title)."""
    path = journey_file(project, linked_target(project))
    substitute(path, r"^title: .*$", "title: Edited title of a linked journey")
    substitute(path, r"^(      - id: \S+\n        name: ).*$", r"\g<1>Edited name of a linked step")
    data = documents(path)[0]
    assert data["title"] == "Edited title of a linked journey"
    assert steps(data)[0]["name"] == "Edited name of a linked step"


def edit_persona_name(project: Path, before: BuildResult | None) -> None:
    persona = documents(journey_file(project, "j00001"))[0]["personas"][0]
    path = project / "maps" / "personas.yaml"
    substitute(path, rf"^(id: {re.escape(persona)}\nname: ).*$", r"\g<1>Edited persona name")
    assert [d["name"] for d in documents(path) if d["id"] == persona] == ["Edited persona name"]


def edit_catalog_names(project: Path, before: BuildResult | None) -> None:
    """A touchpoint's, a team's and a metric's name, each used by j00001."""
    journey = documents(journey_file(project, "j00001"))[0]
    touchpoint = next(step["touchpoint"] for step in steps(journey) if step.get("touchpoint"))
    team, metric = journey["owner"], journey["kpis"][0]["metric"]
    path = project / "maps" / "catalog.yaml"
    substitute(path, rf"^(  - id: {re.escape(touchpoint)}\n    name: ).*$", r"\g<1>Edited touchpoint name")
    substitute(path, rf"^(  - \{{id: {re.escape(team)}, name: )[^,}}]*", r"\g<1>Edited team name")
    substitute(path, rf"^(  - \{{id: {re.escape(metric)}, name: )[^,}}]*", r"\g<1>Edited metric name")
    catalog = documents(path)[0]

    def name(section: str, item: str) -> str:
        return next(entry["name"] for entry in catalog[section] if entry["id"] == item)

    assert name("touchpoints", touchpoint) == "Edited touchpoint name"
    assert name("teams", team) == "Edited team name"
    assert name("metrics", metric) == "Edited metric name"


def edit_site_title(project: Path, before: BuildResult | None) -> None:
    """``site.title``, which is shown instead of ``name`` (the generated config has no ``title``)."""
    path = project / "cjmc.yaml"
    text = path.read_text(encoding="utf-8")
    assert "title:" not in text
    if re.search(r"^site:\n", text, flags=re.MULTILINE):  # the shared project with one map per persona
        text = re.sub(r"^site:\n", "site:\n  title: Edited site title\n", text, count=1, flags=re.MULTILINE)
    else:
        text += "site:\n  title: Edited site title\n"
    path.write_text(text, encoding="utf-8")
    assert load_config(project).title == "Edited site title"


def edit_project_name(project: Path, before: BuildResult | None) -> None:
    """``name``, the site's title when there is no ``site.title`` (as in the generated config)."""
    substitute(project / "cjmc.yaml", r"^name: .*$", "name: Edited portfolio name")
    assert load_config(project).title == "Edited portfolio name"


def edit_lint_settings(project: Path, before: BuildResult | None) -> None:
    path = project / "cjmc.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "lint:\n  rules:\n    pain-point-without-evidence: off\n"
                    "    stage-without-pain-points: error\n", encoding="utf-8")
    assert set(load_config(project).lint_rules) == {"pain-point-without-evidence", "stage-without-pain-points"}


def edit_suppressions(project: Path, before: BuildResult) -> None:
    """``# cjmc: disable-line`` and ``disable-file`` comments, and a ``lint_ignore``, in three journeys."""
    found = [d for d in before.diagnostics if d.file.startswith("maps/journeys/")]
    by_file = sorted({d.file for d in found})
    assert len(by_file) >= 3

    # disable-line, as a comment at the end of the line of a warning
    first = project / by_file[0]
    lines = first.read_text(encoding="utf-8").split("\n")
    warning = next(d for d in found
                   if d.file == by_file[0] and d.severity == "warning" and "#" not in lines[d.line - 1])
    data = documents(first)
    lines[warning.line - 1] += f"  # cjmc: disable-line {warning.rule}"
    first.write_text("\n".join(lines), encoding="utf-8")
    assert documents(first) == data

    # disable-file, for a rule reported in that file
    second = project / by_file[1]
    rule = next(d.rule for d in found if d.file == by_file[1])
    data = documents(second)
    second.write_text(second.read_text(encoding="utf-8") + f"# cjmc: disable-file {rule}\n", encoding="utf-8")
    assert documents(second) == data

    # lint_ignore on the journey, for a rule reported in it
    third = project / by_file[2]
    rule = next(d.rule for d in found if d.file == by_file[2])
    substitute(third, r"^(title: .*)$", rf"\g<1>\nlint_ignore:\n  {rule}: known, being worked on")
    assert documents(third)[0]["lint_ignore"] == {rule: "known, being worked on"}


def edit_add_journey(project: Path, before: BuildResult | None) -> None:
    """A copy of j00003 under a new id and file name."""
    count = len(journeys(project))
    target = project / "maps" / "journeys" / "added-journey.yaml"
    target.write_text(journey_file(project, "j00003").read_text(encoding="utf-8"), encoding="utf-8")
    substitute(target, r"^id: j00003$", "id: added-journey")
    substitute(target, r"^title: .*$", "title: An added journey")
    assert documents(target)[0]["id"] == "added-journey"
    assert len(journeys(project)) == count + 1


def edit_delete_journey(project: Path, before: BuildResult | None) -> None:
    """A journey no other map file mentions."""
    count = len(journeys(project))
    texts = {path: path.read_text(encoding="utf-8") for path in (project / "maps").rglob("*.yaml")}
    for journey_id, (path, _) in sorted(journeys(project).items(), reverse=True):
        if not any(re.search(rf"\b{journey_id}\b", text) for other, text in texts.items() if other != path):
            path.unlink()
            break
    else:
        pytest.fail("every journey is referenced")
    assert len(journeys(project)) == count - 1


def edit_delete_linked_journey(project: Path, before: BuildResult | None) -> None:
    """A journey another links to, and the links to it."""
    target = linked_target(project)
    count = len(journeys(project))
    journey_file(project, target).unlink()
    for path, data in journeys(project).values():
        for key in ("followed_by", "preceded_by"):
            if target in (data.get(key) or []):
                rest = [item for item in data[key] if item != target]
                substitute(path, rf"^{key}: \[.*\]\n", f"{key}: [{', '.join(rest)}]\n" if rest else "")
    assert all(target not in (data.get(key) or []) for _, data in journeys(project).values()
               for key in ("followed_by", "preceded_by"))
    assert len(journeys(project)) == count - 1


def edit_move_and_shift(project: Path, before: BuildResult | None) -> None:
    """Same content elsewhere: a journey file renamed (it sorts last now), every line of another one moved down."""
    moved = journey_file(project, "j00004")
    moved.rename(moved.with_name("zz-moved.yaml"))
    shifted = journey_file(project, "j00006")
    data = documents(shifted)
    substitute(shifted, r"\A(.*\n)", r"\g<1># an added comment line moves every finding below it\n")
    assert documents(shifted) == data


def edit_touch(project: Path, before: BuildResult | None) -> None:
    """Newer modification times, the same bytes."""
    for path in (journey_file(project, "j00008"), project / "maps" / "catalog.yaml", project / "cjmc.yaml"):
        data, stat = path.read_bytes(), path.stat()
        os.utime(path, ns=(stat.st_atime_ns + 3_600 * 10**9, stat.st_mtime_ns + 3_600 * 10**9))
        assert path.read_bytes() == data and path.stat().st_mtime_ns > stat.st_mtime_ns


def edit_nothing_but_time_passes(project: Path, before: BuildResult | None) -> dict:
    """No file changes but ``today`` does: date-dependent findings (stale-journey) must not come from a cache."""
    return {"today": LATER}


def together(*edits: Callable) -> Callable:
    """Several edits before one rebuild (fewer builds: the whole file must stay fast)."""

    def apply(project: Path, before: BuildResult) -> None:
        for edit in edits:
            edit(project, before)

    return apply


@dataclass(frozen=True)
class Edit:
    name: str
    apply: Callable[[Path, BuildResult], dict | None]
    changes_site: bool = True
    workers: str = "2"  # CJMC_WORKERS for the rebuild ("1": on one process, without the compile cache)


# Edits are grouped only where no one of a group can hide a mistake about another (one that makes every page
# anew, like the site's title, would): each case costs three builds (the rebuild, the reference, and the
# rebuild once it is undone).
EDITS = [
    Edit("journey-title-step-emotion-and-kpi-target",
         together(edit_journey_title, edit_step_emotion, edit_kpi_target)),
    Edit("linked-journey-title-and-step-name", edit_linked_journey),
    Edit("persona-touchpoint-team-and-metric-names", together(edit_persona_name, edit_catalog_names)),
    Edit("config-site-title", edit_site_title),
    Edit("config-project-name", edit_project_name),
    Edit("config-lint-settings", edit_lint_settings),
    Edit("suppression-comments-and-lint-ignore", edit_suppressions),
    Edit("add-a-journey-delete-one-and-a-linked-one",
         together(edit_add_journey, edit_delete_journey, edit_delete_linked_journey)),
    Edit("rename-file-and-shift-lines", edit_move_and_shift),
    # on one process (no compile cache) after a build on shards
    Edit("touch-only-rebuilt-on-one-process", edit_touch, changes_site=False, workers="1"),
    Edit("time-passes", edit_nothing_but_time_passes),
]


# ---------------------------------------------------------------- a rebuild is never wrong

def restore(project: Path, generated: Path) -> None:
    """Make the project's files the generated ones again, rewriting only those that differ (not ``.cjmc-cache``)."""
    want = {p.relative_to(generated): p.read_bytes() for p in generated.rglob("*") if p.is_file()}
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project)
        if relative.parts[0] != CACHE and path.is_file() and relative not in want:
            path.unlink()
    for relative, data in want.items():
        path = project / relative
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


@dataclass
class Shared:
    """One project and site that tests take turns on: one cold build for all of them.

    Between tests it is *settled*: the generated files, and a site built from them (the cold build's,
    byte for byte) with the caches that build left, so the next test edits a site whose pages can be
    reused. A test that fails half-way leaves it dirty, and the next one starts from a cold build.
    """

    project: Path
    out: Path
    generated: Path  # the files as generated, never built
    first: BuildResult  # the cold build of the generated files
    site: dict[str, bytes]  # and the site it wrote
    dirty: bool = False

    def begin(self) -> None:
        if self.dirty:
            restore(self.project, self.generated)
            shutil.rmtree(self.project / CACHE, ignore_errors=True)
            shutil.rmtree(self.out, ignore_errors=True)
            assert build(self.project, self.out).written
            assert_same_site(self.out, self.site)
        self.dirty = True

    def settle(self, what: str) -> None:
        """Undo the test's edits and rebuild: that must give the cold build's site again."""
        restore(self.project, self.generated)
        result = build(self.project, self.out)
        assert result.written
        assert_same_site(self.out, self.site, f" after {what} was undone")
        self.dirty = False


@pytest.fixture(scope="module", params=["whole", "per-persona"])
def shared(portfolio: Path, tmp_path_factory, request) -> Shared:
    """The project with one portfolio map (its 12 journeys' default), and with one map per persona, whose DOT
    a rebuild takes by its digest when the persona and its journeys are unchanged (``map_texts``)."""
    from .test_portfolio_maps import per_persona

    base = tmp_path_factory.mktemp("shared")
    generated = portfolio
    if request.param == "per-persona":
        generated = per_persona(Path(shutil.copytree(portfolio, base / "generated")))
    project = Path(shutil.copytree(generated, base / "project"))
    with pytest.MonkeyPatch.context() as patch:
        force_sharded(patch)
        first = build(project, base / "site")
    assert first.written, first.diagnostics
    return Shared(project, base / "site", generated, first, files(base / "site"))


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.name)
def test_a_rebuild_after_an_edit_equals_a_cold_build(edit: Edit, shared: Shared, tmp_path: Path,
                                                     monkeypatch) -> None:
    from cjmc.site import context

    force_sharded(monkeypatch)
    # Rows in chunks of ~2 journeys' runs (at most 3): with the default ~16, a page of 12 journeys is one chunk.
    monkeypatch.setattr(context, "RUNS_PER_CHUNK", 2)
    monkeypatch.setattr(context, "MAX_RUNS_PER_CHUNK", 3)
    shared.begin()
    project, out = shared.project, shared.out
    options = edit.apply(project, shared.first) or {}

    with monkeypatch.context() as patch:
        patch.setenv(sharded.WORKERS_VARIABLE, edit.workers)
        rebuilt = build(project, out, **options)
    reference = cold_build(project, tmp_path / "cold", monkeypatch, **options)

    assert reference.written, [d for d in reference.diagnostics if d.severity == "error"]
    if edit.changes_site:
        assert files(tmp_path / "cold") != shared.site, "the edit does not change the site, so it tests nothing"
    assert rebuilt.written, [d for d in rebuilt.diagnostics if d.severity == "error"]
    assert_same_site(out, tmp_path / "cold", f" (edit {edit.name})")
    assert rebuilt.diagnostics == reference.diagnostics
    assert (rebuilt.pages, rebuilt.files) == (reference.pages, reference.files)
    assert 0 <= rebuilt.reused_pages <= rebuilt.pages
    assert 0 <= rebuilt.cached_files <= map_file_count(project)
    shared.settle(f"edit {edit.name}")


# ---------------------------------------------------------------- the caches are used

def test_a_rebuild_takes_unchanged_files_and_pages_from_the_caches(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    count = map_file_count(project)
    assert count == JOURNEYS + 2  # the journeys, catalog.yaml and personas.yaml

    first = build(project, out)
    assert first.written
    assert (first.reused_pages, first.cached_files) == (0, 0)  # nothing to reuse yet
    before = files(out)
    page = out / "journeys" / "j00007.html"
    inode = page.stat().st_ino

    again = build(project, out)
    assert again.written
    assert again.cached_files == count, "every map file, catalog.yaml and personas.yaml too, is taken from the cache"
    assert JOURNEYS <= again.reused_pages <= again.pages == first.pages
    assert_same_site(out, before)
    assert page.stat().st_ino == inode, "an unchanged page is hard-linked from the previous site, not written anew"

    edit_touch(project, first)  # newer modification times, same bytes: still all from the caches
    touched = build(project, out)
    assert touched.written
    assert touched.cached_files == count
    assert touched.reused_pages >= JOURNEYS
    assert_same_site(out, before)

    journey = journey_file(project, "j00005")
    old_title = documents(journey)[0]["title"]
    substitute(journey, r"^title: .*$", "title: A brand new title")
    edited = build(project, out)
    assert edited.written
    assert 0 < edited.reused_pages < edited.pages
    assert edited.cached_files == count - 1  # only the edited file is parsed again
    text = (out / "journeys" / "j00005.html").read_text(encoding="utf-8")
    assert "A brand new title" in text
    assert html.escape(old_title) not in text


def test_portfolio_pages_make_only_the_edited_journeys_rows(project: Path, tmp_path: Path, monkeypatch) -> None:
    """After one journey changed, the backlog, catalog and persona pages and the search index take every other
    journey's rows from the fragment store: the rows of the edited journey alone are made and rendered."""
    from cjmc.site import builder, context, search

    monkeypatch.setattr(context, "MAX_RUNS_PER_CHUNK", 1)  # a fragment per run (chunks: the test below)
    out = tmp_path / "site"
    assert build(project, out).written
    monkeypatch.setattr(builder, "PARALLEL_PAGES", 10_000)  # render in this process, where the calls are counted
    made: dict[str, set[str]] = {"usage": set(), "backlog": set(), "pains": set(), "search": set(),
                                 "off-target": set()}

    def counting(kind: str, function, journey_argument: int):
        def counted(*args):
            made[kind].add(args[journey_argument].id)
            return function(*args)
        return counted

    monkeypatch.setattr(context, "_usage_row", counting("usage", context._usage_row, 1))
    monkeypatch.setattr(context, "_backlog_rows", counting("backlog", context._backlog_rows, 1))
    monkeypatch.setattr(context, "_pain_view", counting("pains", context._pain_view, 1))
    monkeypatch.setattr(search, "journey_entries", counting("search", search.journey_entries, 0))
    monkeypatch.setattr(context, "_off_target_rows", counting("off-target", context._off_target_rows, 1))
    substitute(journey_file(project, "j00005"), r"^title: .*$", "title: A brand new title")
    assert build(project, out).written
    # The journeys that link to it show its title, so their pages' keys (and rows) change too.
    linking = {ident for ident, (_, data) in journeys(project).items()
               if "j00005" in [*(data.get("followed_by") or []), *(data.get("preceded_by") or [])]}
    changed = {"j00005", *linking}
    assert len(changed) < JOURNEYS // 2
    assert made["off-target"] <= changed  # those with a metric off target
    assert {kind: made[kind] for kind in ("usage", "backlog", "pains", "search")} == dict.fromkeys(
        ("usage", "backlog", "pains", "search"), changed)
    assert "A brand new title" in (out / "backlog.html").read_text(encoding="utf-8")
    assert "A brand new title" in (out / "search-index.js").read_text(encoding="utf-8")
    assert_same_site(out, cold_build(project, tmp_path / "cold", monkeypatch).out)


def test_portfolio_pages_render_again_only_the_chunks_that_hold_an_edited_journey(project: Path, tmp_path: Path,
                                                                                  monkeypatch) -> None:
    """Runs of rows are kept in chunks of several journeys (see ``_chunked``): after one edit a portfolio page
    renders the chunks holding the edited journey's runs and finds every other chunk in the fragment store."""
    from cjmc.site import builder, context, fragments

    monkeypatch.setattr(context, "RUNS_PER_CHUNK", 2)  # 12 journeys: chunks of ~2, at most 3
    monkeypatch.setattr(context, "MAX_RUNS_PER_CHUNK", 3)
    out = tmp_path / "site"
    assert build(project, out).written
    monkeypatch.setattr(builder, "PARALLEL_PAGES", 10_000)  # render in this process, where the calls are seen
    seen: list[tuple] = []
    rendered: list[tuple] = []
    render = fragments.FragmentExtension._render

    def recording(self, key, caller):
        chunk = key[-1] if isinstance(key, tuple) and isinstance(key[-1], tuple) and key[-1][0] == "chunk" else None
        if chunk is None:
            return render(self, key, caller)
        seen.append(chunk)
        return render(self, key, lambda: rendered.append(chunk) or caller())

    monkeypatch.setattr(fragments.FragmentExtension, "_render", recording)
    substitute(journey_file(project, "j00005"), r"^title: .*$", "title: A brand new title")
    assert build(project, out).written

    def journeys_of(chunk: tuple) -> set[str]:
        return {key[1] for key in chunk[1:]}

    linking = {ident for ident, (_, data) in journeys(project).items()
               if "j00005" in [*(data.get("followed_by") or []), *(data.get("preceded_by") or [])]}
    changed = {"j00005", *linking}
    assert any(len(journeys_of(chunk)) > 1 for chunk in seen), "the pages had chunks of several journeys"
    assert rendered, "the chunks with the edited journey's runs were rendered"
    assert all(journeys_of(chunk) & changed for chunk in rendered), "no chunk without an edited journey"
    assert len(rendered) < len(seen) / 2, "the others were found"
    assert_same_site(out, cold_build(project, tmp_path / "cold", monkeypatch).out)


def test_fragments_are_kept_for_portfolio_pages_and_not_for_journey_pages_with_a_key(project: Path,
                                                                                    tmp_path: Path) -> None:
    """A journey page's rows are keyed by its own page key, so they could only be found by a render of the
    same page, which the previous site gives whole: no fragment set is kept for it (a file each, in a cold
    build of 1,000 journeys 1,000 files). The pages that show many journeys keep theirs."""
    from cjmc.keyed_cache import code_fingerprint, digest
    from cjmc.site.builder import template_fingerprint
    from cjmc.site.views import journey_path

    assert build(project, tmp_path / "site").written
    templates = template_fingerprint(load_config(project))
    folder = project / CACHE / "fragments"

    def kept(page: str) -> bool:
        key = digest("fragments", code_fingerprint(), templates, page)
        return (folder / key[:2] / f"{key}.pickle").is_file()

    assert kept("backlog.html") and kept("index.html")
    assert any(kept(f"teams/{path.stem}.html") for path in (tmp_path / "site" / "teams").glob("*.html"))
    assert not any(kept(journey_path(ident)) for ident in journeys(project))
    assert len(list(folder.rglob("*.pickle"))) < len(list((tmp_path / "site").rglob("*.html"))) - JOURNEYS


def test_a_title_edit_lays_out_only_the_maps_of_that_journeys_personas(project: Path, tmp_path: Path, monkeypatch):
    from cjmc.render import cache

    from .test_portfolio_maps import per_persona

    per_persona(project)
    out = tmp_path / "site"
    assert build(project, out).written
    laid_out: list[str] = []
    start_many = cache.start_many

    def recording(jobs, *args, **kwargs):
        laid_out.extend(name for name, _ in jobs)
        return start_many(jobs, *args, **kwargs)

    monkeypatch.setattr(cache, "start_many", recording)
    from cjmc.render import api

    drawn: list[str] = []  # persona maps whose DOT was made: the others' digests come from persona-maps.json
    persona_map_dot = api.persona_map_dot
    monkeypatch.setattr(api, "persona_map_dot", lambda project, persona, **options: (
        drawn.append(persona.id), persona_map_dot(project, persona, **options))[1])
    _, data = journeys(project)["j00005"]
    substitute(journey_file(project, "j00005"), r"^title: .*$", "title: A brand new title")
    assert build(project, out).written
    maps = sorted(name for name in laid_out if name.startswith("persona-"))
    assert maps == sorted(f"persona-{p}" for p in data["personas"])
    assert sorted(drawn) == sorted(data["personas"])
    assert "flow-j00005" in laid_out
    assert "portfolio" not in laid_out
    assert_same_site(out, cold_build(project, tmp_path / "cold", monkeypatch).out)


def record_calls(monkeypatch, owner: type, method: str, what: Callable) -> list:
    """``what(self)`` for every call of ``owner.method`` from now on (the call itself goes through)."""
    seen: list = []
    original = getattr(owner, method)

    def recording(self, *args, **kwargs):
        seen.append(what(self))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(owner, method, recording)
    return seen


def record_rendered_pages(monkeypatch) -> list[str]:
    """The path of every page whose context is made from now on, rendered in this process."""
    from cjmc.site import builder, views

    monkeypatch.setattr(builder, "PARALLEL_PAGES", 10_000)  # no second renderer, whose pages would not be seen
    return record_calls(monkeypatch, views.Page, "resolve_context", lambda page: page.path)


PORTFOLIO_FOLDERS = ("touchpoints", "channels", "teams", "personas")


def portfolio_pages(out: Path) -> list[str]:
    """The site paths of every touchpoint's, channel's, team's and persona's page."""
    return sorted(p.relative_to(out).as_posix() for folder in PORTFOLIO_FOLDERS for p in (out / folder).glob("*.html"))


def test_catalog_and_persona_pages_that_show_no_edited_journey_are_reused(project: Path, tmp_path: Path,
                                                                           monkeypatch) -> None:
    """A touchpoint's, channel's, team's or persona's page whose journeys, catalog, personas and findings are
    unchanged is hard-linked from the previous site and its context is never made; a page that shows the
    edited journey is rendered again."""
    from .test_portfolio_maps import per_persona

    per_persona(project)  # a persona's page holds its journey map too
    rendered = record_rendered_pages(monkeypatch)
    out = tmp_path / "site"
    assert build(project, out).written
    pages = portfolio_pages(out)
    assert len(pages) > 20 and set(pages) <= set(rendered)
    inodes = {path: (out / path).stat().st_ino for path in pages}

    rendered.clear()
    again = build(project, out)
    assert again.written
    assert not set(rendered) & set(pages), "nothing changed: every catalog and persona page is reused"
    assert {path: (out / path).stat().st_ino for path in pages} == inodes

    assert "lint.html" not in rendered and "rules.html" not in rendered  # the same findings

    showing = {path for path in pages if 'href="../journeys/j00005.html"' in (out / path).read_text(encoding="utf-8")}
    assert 0 < len(showing) < len(pages)
    substitute(journey_file(project, "j00005"), r"^title: .*$", "title: A brand new title")
    rendered.clear()
    edited = build(project, out)
    assert edited.written
    assert edited.diagnostics == again.diagnostics and "lint.html" not in rendered  # a title is in no finding
    assert showing <= set(rendered)
    for path in showing:
        assert "A brand new title" in (out / path).read_text(encoding="utf-8"), path
    kept = [path for path in pages if path not in rendered]
    assert kept, "pages that show nothing of the edited journey are reused"
    assert all((out / path).stat().st_ino == inodes[path] for path in kept)
    assert_same_site(out, cold_build(project, tmp_path / "cold", monkeypatch).out)

    # A suppression changes the findings: the findings and rules pages are rendered again.
    rendered.clear()
    substitute(journey_file(project, "j00005"), r"^(title: .*)$", "\\g<1>\nlint_ignore:\n  stage-without-pain-points: ok")
    changed = build(project, out)
    assert changed.diagnostics != edited.diagnostics
    assert {"lint.html", "rules.html"} <= set(rendered)
    assert_same_site(out, cold_build(project, tmp_path / "cold-2", monkeypatch).out)


def test_the_journeys_a_page_key_covers_include_every_journey_the_page_shows(shared: Shared) -> None:
    """A catalog or persona page's key is made from the page keys of the journeys it shows anything of
    (``_journeys_on_pages``); a journey the page links to but the key leaves out would let a stale page be
    reused. Checked against what the built pages link to."""
    from cjmc.pipeline import compile_project
    from cjmc.site.reuse import _journeys_on_pages

    covered = _journeys_on_pages(compile_project(shared.project).project)
    pages = portfolio_pages(shared.out)
    assert len(pages) > 20
    for path in pages:
        linked = set(re.findall(r'href="\.\./journeys/([^"#]+)\.html', (shared.out / path).read_text(encoding="utf-8")))
        assert linked <= set(covered[path]), (path, linked - set(covered[path]))
    assert any(covered[path] for path in pages)


def test_a_rebuild_reads_the_diagrams_it_compiled_before_only_for_pages_it_renders(project: Path, tmp_path: Path,
                                                                                   monkeypatch) -> None:
    """A journey compiled from the cache brings its diagrams as a reference into the compile cache: the
    emotion curve is read only for a journey page that is rendered, the flow's DOT only when its SVG is not
    in the diagram cache. Nothing is read when nothing changed."""
    from cjmc import sharded

    rendered = record_rendered_pages(monkeypatch)  # in this process, where reads are counted too
    out = tmp_path / "site"
    assert build(project, out).written
    loaded = record_calls(monkeypatch, sharded.CachedValue, "load", lambda value: value.journey)
    assert build(project, out).reused_pages > JOURNEYS
    assert loaded == []
    rendered.clear()
    substitute(journey_file(project, linked_target(project)), r"^title: .*$", "title: A linked journey's new title")
    assert build(project, out).written
    rendered_journeys = {path[len("journeys/"):-len(".html")] for path in rendered if path.startswith("journeys/")}
    assert loaded and set(loaded) <= rendered_journeys
    assert_same_site(out, cold_build(project, tmp_path / "cold", monkeypatch).out)


def test_diagrams_whose_compile_cache_entry_is_gone_are_drawn_again(project: Path) -> None:
    from cjmc.pipeline import compile_project
    from cjmc.sharded import CachedValue
    from cjmc.site.builder import _loader, journey_diagrams

    model = compile_project(project).project
    journey = next(iter(model.journeys.values()))
    gone = CachedValue(str(project / "no such entry.pickle"), journey.id, "digest")
    assert _loader(gone, model, journey)() == journey_diagrams(model, journey)


def test_a_rebuild_without_the_diagram_cache_reads_every_flow_from_the_compile_cache(project: Path, tmp_path: Path,
                                                                                     monkeypatch) -> None:
    """When no SVG is in the diagram cache (pruned, deleted, another engine or version), every flow's DOT is
    read from the compile cache and laid out again, and the site is a cold build's."""
    from cjmc.render import cache as diagram_cache

    out = tmp_path / "site"
    assert build(project, out).written
    shutil.rmtree(project / CACHE / "svg")
    loaded: list[str] = []

    class Counting(diagram_cache.KnownText):
        def __init__(self, digest, load):
            def counted():
                loaded.append(digest)
                return load()
            super().__init__(digest, counted)

    monkeypatch.setattr(diagram_cache, "KnownText", Counting)
    rebuilt = build(project, out)
    assert rebuilt.written and rebuilt.cached_files == map_file_count(project)
    assert len(loaded) == len(set(loaded)) == JOURNEYS
    assert_same_site(out, cold_build(project, tmp_path / "cold", monkeypatch).out)


def test_a_build_prunes_what_no_build_used_for_a_month(project: Path, tmp_path: Path) -> None:
    import time

    out = tmp_path / "site"
    assert build(project, out).written
    cache = project / CACHE
    month_ago = time.time() - 40 * 86400
    stale = [cache / name / "ab" / f"ab{'0' * 62}.pickle" for name in ("compile", "fragments")]
    for entry in stale:
        entry.parent.mkdir(exist_ok=True)
        entry.write_bytes(b"stale")
        os.utime(entry, (month_ago, month_ago))
        (entry.parent.parent / ".last-prune").unlink(missing_ok=True)  # the first build pruned today already
    old_templates, not_ours = cache / "templates" / "0123456789abcdef", cache / "templates" / "mine"
    for folder in (old_templates, not_ours):
        folder.mkdir()
        (folder / "__jinja2_x.cache").write_bytes(b"old")
        os.utime(folder, (month_ago, month_ago))

    again = build(project, out)
    assert again.written
    assert again.cached_files == map_file_count(project), "what the first build cached is still used"
    assert not any(entry.exists() for entry in stale)
    assert not old_templates.exists(), "another cjmc's compiled templates, unused for a month"
    assert not_ours.is_dir(), "only folders named like cjmc's own are removed"
    assert any((cache / "fragments").rglob("*.pickle")) and any((cache / "compile").rglob("*.pickle"))


def test_cache_false_uses_no_cache(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert build(project, out).written  # fills both caches
    before = files(out)
    cold = build(project, out, cache=False)
    assert cold.written
    assert (cold.reused_pages, cold.cached_files) == (0, 0)
    assert_same_site(out, before)


# ---------------------------------------------------------------- a failed build, a tampered site, a damaged cache

def test_an_invalid_edit_keeps_the_previous_site_and_fixing_it_rebuilds_correctly(project: Path, tmp_path: Path,
                                                                                   monkeypatch) -> None:
    out = tmp_path / "site"
    assert build(project, out).written
    before = files(out)

    broken = journey_file(project, "j00006")
    original = broken.read_text(encoding="utf-8")
    substitute(broken, r"^( +touchpoint: )\S+", r"\g<1>no-such-touchpoint")
    # a valid edit in the same failed build: it must not be lost when the invalid one is fixed
    substitute(journey_file(project, "j00009"), r"^title: .*$", "title: Edited while another file was broken")

    failed = build(project, out)
    assert not failed.written and failed.blocked == "invalid"
    assert any(d.rule == "unresolved-reference" and "no-such-touchpoint" in d.message for d in failed.diagnostics)
    assert_same_site(out, before)
    reference_failed = cold_build(project, tmp_path / "cold-broken", monkeypatch)
    assert not reference_failed.written and reference_failed.blocked == "invalid"
    assert failed.diagnostics == reference_failed.diagnostics
    assert not (tmp_path / "cold-broken").exists()

    broken.write_text(original, encoding="utf-8")
    fixed = build(project, out)
    assert fixed.written
    reference = cold_build(project, tmp_path / "cold", monkeypatch)
    assert_same_site(out, tmp_path / "cold")
    assert fixed.diagnostics == reference.diagnostics
    assert b"Edited while another file was broken" in (out / "journeys" / "j00009.html").read_bytes()


def test_a_changed_output_file_is_written_anew_and_a_damaged_cache_is_not_trusted(shared: Shared,
                                                                                   monkeypatch) -> None:
    """The page cache reuses what it wrote, not whatever the output folder holds now."""
    force_sharded(monkeypatch)
    shared.begin()
    project, out = shared.project, shared.out

    changed = out / "journeys" / "j00003.html"
    changed.write_bytes(changed.read_bytes() + b"<!-- a user's edit -->\n")  # bytes appended to a page
    (out / "journeys" / "j00004.html").unlink()  # a page deleted
    (out / "notes.txt").write_text("not part of the site\n")  # a file the build did not write
    assert build(project, out).written
    assert_same_site(out, shared.site)

    # Cache files cut short (by a full disk, say): not trusted, and not fatal. (The older diagram cache is not
    # in scope here.)
    damaged = [path for path in (project / CACHE).rglob("*")
               if path.is_file() and "svg" not in path.relative_to(project / CACHE).parts]
    assert damaged, "no compile cache or page manifest was written"
    for path in damaged:
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] + b"\x00garbage")
    assert build(project, out).written
    assert_same_site(out, shared.site)
    shared.dirty = False  # the generated files, and a site the last build made


def test_a_page_changed_in_place_with_its_size_and_time_kept_is_written_anew(shared: Shared, monkeypatch) -> None:
    """Stricter: an edit of the same size, in place (same inode), with the old modification time put back.

    Size and modification time cannot tell; the status-change time (``st_ctime_ns``, which ``os.utime``
    cannot set back) or a digest of the page can.
    """
    force_sharded(monkeypatch)
    shared.begin()
    page = shared.out / "journeys" / "j00003.html"
    stat, data = page.stat(), page.read_bytes()
    assert b"<title>" in data
    with open(page, "r+b") as handle:
        handle.write(data.replace(b"<title>", b"<TITLE>", 1))
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = page.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    assert page.read_bytes() != data
    assert build(shared.project, shared.out).written
    assert_same_site(shared.out, shared.site)
    shared.dirty = False


def test_a_build_into_another_folder_equals_a_cold_build(shared: Shared, tmp_path: Path, monkeypatch) -> None:
    """The previous site is in another folder than ``out``: edit, build into a new folder. The old one is left alone."""
    force_sharded(monkeypatch)
    shared.begin()
    together(edit_journey_title, edit_persona_name)(shared.project, shared.first)
    assert build(shared.project, tmp_path / "other").written
    assert_same_site(shared.out, shared.site)
    assert cold_build(shared.project, tmp_path / "cold", monkeypatch).written
    assert_same_site(tmp_path / "other", tmp_path / "cold")
    restore(shared.project, shared.generated)  # the site in ``out`` is still the one built from them
    shared.dirty = False


# ---------------------------------------------------------------- the command line

def test_cli_build_no_cache(project: Path, tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from cjmc.cli import cli
    from cjmc.site import builder

    runner = CliRunner()
    assert "--no-cache" in runner.invoke(cli, ["build", "--help"]).output
    calls = []
    real = builder.build_site

    def recording(*args, **kwargs):
        calls.append(kwargs.get("cache", True))
        return real(*args, **kwargs)

    monkeypatch.setattr(builder, "build_site", recording)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", str(project), "-o", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert calls == [False]
    assert (out / "journeys" / "j00001.html").is_file()
