"""The compile cache (``.cjmc-cache/compile/``) never changes a result, only how soon it comes.

Every multi-file acceptance project, the example, every lint fixture and a
generated portfolio are compiled and linted in shards three ways: without a
cache, with a cold cache and with a warm one. The model, the diagnostics and
what the per-journey hook made must be equal, and the warm run must take
every clean file from the cache. Then edits that reach other files through
ids, shared definitions, suppressions and the date are made between runs.
"""

from __future__ import annotations

import datetime as dt
import pickle
import shutil
import sys
from pathlib import Path

import pytest

from cjmc.config import load_config, map_files
from cjmc.lint.settings import resolve_settings
from cjmc.sharded import compile_sharded

from .test_frozen import without_positions
from .test_sharded import TODAY, _materialize_fixtures, _projects

REPO = Path(__file__).resolve().parents[2]


def _hook(project, journey):
    """A per-journey hook that reads shared definitions, as the diagrams do."""
    names = sorted(project.touchpoints[s.touchpoint].name for s in journey.steps
                   if s.touchpoint in project.touchpoints)
    return (journey.title, tuple(names))


def _compile(project: Path, cache: Path | None, today: dt.date = TODAY, workers: int = 2, positions: bool = True):
    config = load_config(project)
    paths = list(map_files(config))
    return compile_sharded(project, config, paths, workers, settings=resolve_settings(config), today=today,
                           per_journey=_hook, cache_dir=cache, positions=positions)


def _assert_same(uncached, cached) -> None:
    assert cached.diagnostics == uncached.diagnostics
    assert cached.compilation.diagnostics == uncached.compilation.diagnostics
    assert cached.compilation.project == uncached.compilation.project
    assert cached.per_journey == uncached.per_journey


def _check_cold_and_warm(project: Path, cache: Path) -> None:
    uncached = _compile(project, None)
    cold = _compile(project, cache)
    _assert_same(uncached, cold)
    assert cold.cached_files == 0
    warm = _compile(project, cache)
    _assert_same(uncached, warm)
    files = set(uncached.compilation.project.files)
    # Files with load or schema problems are parsed every time; link errors are cached with the file.
    problem_files = {d.file for d in uncached.compilation.diagnostics}
    assert len(files - problem_files) <= warm.cached_files <= len(files)


@pytest.mark.parametrize("project", _projects())
def test_acceptance_projects_and_example_compile_the_same_from_the_cache(project: Path, tmp_path: Path) -> None:
    _check_cold_and_warm(project, tmp_path / "cache")


def test_every_lint_fixture_compiles_the_same_from_the_cache(tmp_path: Path) -> None:
    checked = 0
    for project in _materialize_fixtures(tmp_path / "fixtures"):
        if len(list(map_files(load_config(project)))) >= 2:
            _check_cold_and_warm(project, tmp_path / "cache" / project.name)
            checked += 1
    assert checked > 30


@pytest.fixture()
def portfolio(tmp_path: Path) -> Path:
    sys.path.insert(0, str(REPO / "bench"))
    from generate import generate

    return generate(16, tmp_path / "corpus", seed=7)


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_edits_elsewhere_reach_the_cached_files(portfolio: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    journeys = sorted((portfolio / "maps" / "journeys").glob("*.yaml"))
    catalog = portfolio / "maps" / "catalog.yaml"
    personas = portfolio / "maps" / "personas.yaml"
    _compile(portfolio, cache)

    def rebuilt_equals_cold() -> None:
        _assert_same(_compile(portfolio, None), _compile(portfolio, cache))

    # A touchpoint renamed in the catalog: every journey's hook output changes.
    text = catalog.read_text(encoding="utf-8")
    first_name = next(line for line in text.splitlines() if line.strip().startswith("name:"))
    _replace_once(catalog, first_name, first_name + " renamed")
    rebuilt_equals_cold()
    # A suppression in one journey file.
    _replace_once(journeys[3], "\n", "  # cjmc: disable-file stage-without-pain-points\n")
    rebuilt_equals_cold()
    # A journey's id duplicated in another file: both files' results change.
    import yaml

    first_id = yaml.safe_load(journeys[0].read_text(encoding="utf-8"))["id"]
    last_id = yaml.safe_load(journeys[-1].read_text(encoding="utf-8"))["id"]
    _replace_once(journeys[-1], f"id: {last_id}\n", f"id: {first_id}\n")
    rebuilt_equals_cold()
    _replace_once(journeys[-1], f"id: {first_id}\n", f"id: {last_id}\n")
    rebuilt_equals_cold()
    # A persona removed that journeys use: reference errors in cached journey files.
    persona_docs = personas.read_text(encoding="utf-8").split("---\n")
    personas.write_text("---\n".join(persona_docs[:1] + persona_docs[2:]), encoding="utf-8")
    broken = _compile(portfolio, cache)
    assert not broken.compilation.valid
    _assert_same(_compile(portfolio, None), broken)
    # A journey file deleted, and another day: date-dependent findings move on.
    journeys[5].unlink()
    rebuilt_equals_cold()
    later = TODAY + dt.timedelta(days=800)
    _assert_same(_compile(portfolio, None, later), _compile(portfolio, cache, later))


def test_a_damaged_cache_entry_is_a_miss(portfolio: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _compile(portfolio, cache)
    entries = sorted(cache.rglob("*.pickle"))
    assert entries
    for entry in entries[::2]:
        entry.write_bytes(b"not a pickle")
    for entry in entries[1::2]:  # cut short: a round 2 entry may keep its outputs and lose its linked file
        entry.write_bytes(entry.read_bytes()[:len(entry.read_bytes()) * 2 // 3])
    _assert_same(_compile(portfolio, None), _compile(portfolio, cache))


def test_a_cache_that_cannot_be_written_is_no_cache(portfolio: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.write_text("a file where the cache folder would go")
    _assert_same(_compile(portfolio, None), _compile(portfolio, cache))
    shutil.rmtree(tmp_path / "corpus")


def test_a_file_saved_again_between_the_two_rounds_is_not_cached(portfolio: Path, tmp_path: Path,
                                                                  monkeypatch) -> None:
    """Round 1 came from the cache, the plan changed, and the file changed before round 2 read it again."""
    from cjmc import sharded

    cache = tmp_path / "cache"
    _compile(portfolio, cache)
    journey = sorted((portfolio / "maps" / "journeys").glob("*.yaml"))[2]
    original = journey.read_text(encoding="utf-8")
    catalog = portfolio / "maps" / "catalog.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8") + "# another plan\n", encoding="utf-8")
    real_plan = sharded._plan

    def plan_then_save(*args, **kwargs):
        planned = real_plan(*args, **kwargs)
        journey.write_text(original.replace("title: ", "title: Saved mid-build ", 1), encoding="utf-8")
        return planned

    monkeypatch.setattr(sharded, "_plan", plan_then_save)
    _compile(portfolio, cache, workers=1 + 1)
    monkeypatch.setattr(sharded, "_plan", real_plan)
    journey.write_text(original, encoding="utf-8")
    # The original content again: what the cache holds for it must be the original's result.
    _assert_same(_compile(portfolio, None), _compile(portfolio, cache))


def test_with_a_summary_outputs_come_back_by_reference(portfolio: Path, tmp_path: Path, monkeypatch) -> None:
    """With ``summary``, every journey's output stays in the cache, made now or found there: it comes back as
    a CachedValue holding its summary, and the output on disk is the one made anew. Only an output the cache
    could not keep comes back itself."""
    from cjmc import sharded
    from cjmc.sharded import CachedValue

    cache = tmp_path / "cache"
    config = load_config(portfolio)
    paths = list(map_files(config))

    def run():
        return compile_sharded(portfolio, config, paths, 2, settings=resolve_settings(config), today=TODAY,
                               per_journey=_hook, cache_dir=cache, summary=lambda output: output[0].upper())

    def assert_by_reference(done, fresh):
        assert set(done.per_journey) == set(fresh.per_journey)
        for jid, value in done.per_journey.items():
            assert isinstance(value, CachedValue)
            assert value.summary == fresh.per_journey[jid][0].upper()
            assert value.load() == fresh.per_journey[jid]

    uncached = _compile(portfolio, None)
    assert not any(isinstance(value, CachedValue) for value in uncached.per_journey.values())
    cold = run()  # nothing was in the cache: every output made now, and kept there
    assert_by_reference(cold, uncached)
    # One file for round 1 of every map file, one entry per journey file for round 2 (outputs and linked file).
    journey_files = {journey.file for journey in uncached.compilation.project.journeys.values()}
    assert len(list(cache.rglob("*.pickle"))) == 1 + len(journey_files)
    round1 = cache / sharded.ROUND1_FILE
    assert len(pickle.loads(round1.read_bytes())) == len(paths)
    edited = sorted((portfolio / "maps" / "journeys").glob("*.yaml"))[3]
    _replace_once(edited, "title: ", "title: Edited ")
    warm = run()
    fresh = _compile(portfolio, None)
    assert_by_reference(warm, fresh)
    assert warm.compilation.project == fresh.compilation.project
    assert len(pickle.loads(round1.read_bytes())) == len(paths)  # the edited file's old entry is gone
    written = round1.stat().st_mtime_ns
    assert run().cached_files == len(paths) and round1.stat().st_mtime_ns == written  # nothing new: not rewritten

    _replace_once(edited, "title: Edited ", "title: Unwritable ")
    # A full disk, a read-only cache: no entry can be written.
    monkeypatch.setattr(sharded._FileCache, "keep_round1", lambda self, summaries: None)
    monkeypatch.setattr(sharded._FileCache, "put_linked", lambda self, key, outputs, linked: None)
    unkept = run()
    fresh = _compile(portfolio, None)
    by_value = {jid: value for jid, value in unkept.per_journey.items() if not isinstance(value, CachedValue)}
    assert len(by_value) == 1 and by_value == {jid: fresh.per_journey[jid] for jid in by_value}


def test_without_positions_only_where_things_were_written_is_left_out(portfolio: Path, tmp_path: Path) -> None:
    """A build's compile (``positions=False``) gives the model without positions and everything else the same,
    cold and warm; its round 2 entries are its own, so a compile that wants positions never finds them."""
    full = _compile(portfolio, None)
    journeys = full.compilation.project.journeys
    cache = tmp_path / "cache"
    cold = _compile(portfolio, cache, positions=False)
    warm = _compile(portfolio, cache, positions=False)
    for done in (_compile(portfolio, None, positions=False), cold, warm):
        assert dict(done.compilation.project.journeys) == without_positions(dict(journeys))
        assert all(journey.pos is None and journey.stages[0].pos is None
                   for journey in done.compilation.project.journeys.values())
        assert done.diagnostics == full.diagnostics and done.per_journey == full.per_journey
        assert done.compilation.project.touchpoints == full.compilation.project.touchpoints  # made in main
    files = len(full.compilation.project.files)
    assert warm.cached_files == files
    with_positions = _compile(portfolio, cache)  # the same folder: round 1 is shared, round 2 is not
    assert with_positions.compilation.project == full.compilation.project
    journey_files = {journey.file for journey in journeys.values()}
    assert with_positions.cached_files == files - len(journey_files)


def test_a_sharded_projects_references_are_read_when_first_asked_for(portfolio: Path, tmp_path: Path) -> None:
    """``Project.references`` of a sharded compile stays pickled until read, and then equals the references
    the single-process path gives, in the same order; pickled, it is a plain tuple."""
    import pickle

    from cjmc.pipeline import compile_project
    from cjmc.sharded import LinkedReferences

    from collections import Counter

    for cache in (None, tmp_path / "cache", tmp_path / "cache"):  # uncached, cold, warm
        project = _compile(portfolio, cache).compilation.project
        references = project.references
        assert isinstance(references, LinkedReferences) and references._items is None
        expected = compile_project(portfolio).project.references
        assert len(expected) > 100
        assert project.reference_counts() == Counter((ref.kind, ref.target) for ref in expected)
        assert references._items is None, "counting does not read the references"
        assert references == expected and tuple(references) == expected and references._items is not None
        assert references[3] == expected[3] and list(references) == list(expected)
        assert pickle.loads(pickle.dumps(references)) == expected
        assert type(pickle.loads(pickle.dumps(references))) is tuple


def test_a_round_2_entry_gives_its_outputs_by_reference_without_reading_them(tmp_path: Path) -> None:
    """The entry keeps each output's summary: reading it back makes no summary and unpickles no output
    (a rebuild's shards read 1,000 of them), and each reference loads its own output."""
    from cjmc.sharded import CachedValue, Linked, _FileCache

    outputs = {"j1": ("digraph j1 {}", "<svg>1</svg>"), "j2": ("digraph j2 {}", "<svg>2</svg>")}
    linked = Linked(b"journeys", ["j1", "j2"], [], [], [], [])
    writer = _FileCache(tmp_path, None, _hook, summary=lambda output: output[0].upper())
    kept = writer.put_linked("ab" * 32, outputs, linked)
    assert {jid: value.summary for jid, value in kept.items()} == {"j1": "DIGRAPH J1 {}", "j2": "DIGRAPH J2 {}"}

    def no_summary(output):
        raise AssertionError("a summary was made again")

    reader = _FileCache(tmp_path, None, _hook, summary=no_summary)
    given, linked_again = reader.get_linked("ab" * 32)
    assert linked_again == linked
    assert all(isinstance(value, CachedValue) for value in given.values())
    assert {jid: value.load() for jid, value in given.items()} == outputs
    assert _FileCache(tmp_path, None, _hook).get_linked("ab" * 32) == (outputs, linked)  # no summary: by value
