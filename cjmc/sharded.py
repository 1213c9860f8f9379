"""Validate, lint and compile a large portfolio on every core: the same results, sooner.

Parsing YAML is most of the work, and Python runs it on one core. Here the
map files are shared out between one shard per core; each shard is handled
by its own process, forked from the main one, which only coordinates (so it
stays small, and no process frees a parsed tree). A shard takes the next
file, largest first, whenever it is done with one, so a shard whose core is
slower (another tenant of the machine, a busy hyper-thread) takes fewer:

1. every shard loads and validates its files and sends back what the whole
   project must agree on: problems, comments, which ids each document
   defines (a journey as a small stub), and its persona and catalog
   documents, which are small;
2. the main process defines every id in file order, exactly as
   :meth:`Linker.link` does (so duplicate ids are reported the same way),
   links the personas and the catalog, and sends each shard the id tables
   and the shared models;
3. every shard links its own journeys against those tables, runs the
   ``journey``-scope lint rules on them and sends back its diagnostics,
   its suppressions and the references its journeys make;
4. the main process runs the ``project``-scope rules (they need every
   reference) and reports unused suppressions.

Journey documents never leave the process that parsed them: shipping
position-carrying trees between processes would cost what parsing does.
The result is the same list of diagnostics that ``compile_project`` plus
``lint_compilation`` give; ``tests/core/test_sharded.py`` checks that on
every acceptance project. For ``build``, :func:`compile_sharded` also brings
back each shard's linked journeys (model objects, pickled: far smaller than
the documents) and what a per-journey hook made in the shard (the diagrams),
and ``tests/site/test_sharded_build.py`` checks the site is byte-identical.
A project with event data (``events:``) uses the single-process path,
because the observed-journey rules need the whole model.
"""

from __future__ import annotations

import gc
import io
import multiprocessing
import os
import pickle
import traceback
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from .config import Config, map_files
from .diagnostics import Diagnostic, sorted_unique
from .fsutil import atomic_write_with, file_size
from .frozen import dumps_without_positions
from .load.yaml_loader import Document, LocDict, line_column
from .pipeline import building_model, load_file, validated_documents
from .interrupts import ignore_stop_signals, stop_signals_held
from .runtime import may_fork, release_free_memory, shared_counter

# Below this much YAML, starting a second process costs more than it saves.
MIN_BYTES = 512 * 1024
WORKERS_VARIABLE = "CJMC_WORKERS"


@dataclass
class Checked:
    """What ``validate`` and ``lint`` report: the diagnostics, and the files they read."""

    files: tuple[str, ...]
    diagnostics: list[Diagnostic]
    workers: int = 1
    cached_files: int = 0  # map files not parsed: their diagnostics came from the compile cache


def worker_count(config: Config, paths: list[Path], *, min_bytes: int | None = None,
                 this_process: bool = True) -> int:
    """How many processes pay off for these files: 1 means the single-process path.

    With ``this_process`` False: how many a fresh single-threaded process would use (``cjmc serve``
    asks, to know whether building in one is worth its start-up).
    """
    min_bytes = MIN_BYTES if min_bytes is None else min_bytes
    wanted = os.environ.get(WORKERS_VARIABLE, "").strip()
    cores = int(wanted) if wanted.isdigit() and int(wanted) > 0 else (os.cpu_count() or 1)
    if cores < 2 or len(paths) < 2 or (config.events or {}).get("sources"):
        return 1
    if "fork" not in multiprocessing.get_all_start_methods() or (this_process and not may_fork()):
        return 1
    if sum(file_size(p) for p in paths) < min_bytes:
        return 1
    return min(cores, len(paths))


def check_sharded(root: Path, config: Config, paths: list[Path], workers: int, *, lint: bool,
                  settings: Any = None, today: Any = None, cache_dir: Path | None = None) -> Checked:
    """Validate (and with ``lint``, lint with resolved ``settings``) in ``workers`` processes.

    With ``cache_dir`` (``cjmc lint --cache``), unchanged map files give what they gave last time, as in a
    build (see :class:`_FileCache`); a build and a cached lint of the same project share round 1's entries.
    """
    from .lint.engine import RuleRun

    run = RuleRun(settings, today=today) if lint else None
    with building_model():  # tens of thousands of findings arrive, and no garbage: nothing for the GC to find
        done = _run(root, config, paths, workers, run, cache_dir=cache_dir)
        diagnostics = done.validity + [d for r in done.results for d in r.findings]
        if run is not None:
            diagnostics += _project_rules(run, done, diagnostics)
        return Checked(done.files, sorted_unique(diagnostics), len(done.results),
                       sum(result.cached_files for result in done.results))


@dataclass
class ShardedCompilation:
    """What ``build`` needs: the model, every diagnostic (lint included) and each journey's ``per_journey`` output."""

    compilation: Any  # pipeline.Compilation, with the validity diagnostics
    diagnostics: list[Diagnostic] | None  # validity and lint, as lint_compilation returns them (None: not linted)
    per_journey: dict[str, Any]
    workers: int
    cached_files: int = 0  # map files not parsed: every result they give came from the cache
    sources: dict[str, str] = field(default_factory=dict)  # journey id -> key of all it was compiled from
    plan_key: str = ""  # every id and the content of every persona and catalog file (with a cache)


def compile_sharded(root: Path, config: Config, paths: list[Path], workers: int, *, settings: Any = None,
                    today: Any = None, per_journey: Callable[[Any, Any], Any] | None = None,
                    cache_dir: Path | None = None, summary: Callable[[Any], Any] | None = None,
                    positions: bool = True) -> ShardedCompilation:
    """Compile (and with lint ``settings``, lint) in ``workers`` processes, and bring the linked model back.

    Journeys come back as model objects (pickled), a fraction of the size of
    the parsed documents; ``per_journey(project, journey)`` runs in the
    shards too (the project there holds that file's journeys and every
    persona and catalog entry), for work such as writing DOT. With
    ``cache_dir``, what each unchanged map file gave last time is taken from
    there instead of parsed, linked and linted again (see :class:`Shard`);
    with ``summary`` too, such a journey's ``per_journey`` output comes
    back as a :class:`CachedValue` holding ``summary(output)``, and the
    output itself stays on disk until asked for. Without ``positions`` the
    journeys come back without their source positions (``pos`` and
    ``value_pos`` are None; see :func:`.frozen.dumps_without_positions`):
    for callers that never report a place in a map file, as a build.
    """
    from .lint.engine import RuleRun

    run = RuleRun(settings, today=today) if settings is not None else None
    with building_model():  # unpickling the model makes millions of objects, as parsing does
        return _assemble(root, config, run, _run(root, config, paths, workers, run, keep_models=True,
                                                 per_journey=per_journey, cache_dir=cache_dir, summary=summary,
                                                 positions=positions))


def compile_fastest(root: Path, config: Config, paths: list[Path] | None = None, *, settings: Any = None,
                    today: Any = None, per_journey: Callable[[Any, Any], Any] | None = None,
                    cache_dir: Path | None = None, summary: Callable[[Any], Any] | None = None,
                    positions: bool = True) -> ShardedCompilation:
    """:func:`compile_sharded` when shards pay off for this project, else ``compile_project``.

    ``paths``: the project's map files (:func:`map_files`), when the caller has listed them already.

    On the single-process path nothing is linted (``diagnostics`` is None:
    the caller lints once event data is read) and ``per_journey`` is empty.
    An invalid project is never linted either.
    """
    from .pipeline import compile_project

    paths = list(map_files(config) if paths is None else paths)
    workers = worker_count(config, paths)
    if workers < 2:
        return ShardedCompilation(compile_project(root, config), None, {}, 1)
    done = compile_sharded(root, config, paths, workers, settings=settings, today=today, per_journey=per_journey,
                           cache_dir=cache_dir, summary=summary, positions=positions)
    if not done.compilation.valid:
        done.diagnostics = None
    return done


def _assemble(root: Path, config: Config, run: Any, done: "_Done") -> ShardedCompilation:
    from .model import Project
    from .pipeline import Compilation

    linked = {jid: journey for result in done.results for jid, journey in result.journeys}
    order = list(done.linker.definitions.by_kind["journey"])
    journeys = {jid: linked[jid] for jid in order}
    references = LinkedReferences(tuple(done.linker.references), order,
                                  [part for result in done.results for part in result.reference_parts])
    comments = {name: lines for _, name, lines in sorted(c for s in done.summaries for c in s.comment_rows())}
    project = Project(name=config.name, root=str(root), files=done.files, **done.plan.shared, journeys=journeys,
                      references=references, comments=comments)
    compilation = Compilation(config, project, sorted_unique(done.validity))
    diagnostics = done.validity + [d for r in done.results for d in r.findings]
    if run is not None:
        diagnostics += _project_rules(run, done, diagnostics)
    extras = {jid: value for result in done.results for jid, value in result.extras.items()}
    return ShardedCompilation(compilation, sorted_unique(diagnostics), extras, len(done.results),
                              sum(result.cached_files for result in done.results),
                              {jid: key for result in done.results for jid, key in result.sources.items()},
                              done.plan.key)


@dataclass
class _Done:
    files: tuple[str, ...]
    summaries: list["Summary"]
    plan: "Plan"
    linker: Any  # the main process's Linker: shared models, their references and the id tables
    validity: list[Diagnostic]  # load, schema and link problems of the whole project
    results: list["Result"]


def _run(root: Path, config: Config, paths: list[Path], workers: int, run: Any, *, keep_models: bool = False,
         per_journey: Callable[[Any, Any], Any] | None = None, cache_dir: Path | None = None,
         summary: Callable[[Any], Any] | None = None, positions: bool = True) -> _Done:
    cache = (_FileCache(cache_dir, run, per_journey, summary, keep_models, positions)
             if cache_dir is not None else None)
    if cache is not None:
        cache.read_round1()
        if cache.packed:
            cache.read_findings()
    try:
        claim = shared_counter()
        largest_first = sorted(enumerate(paths), key=lambda item: -file_size(item[1]))  # stable: file order in ties
        shards = [Shard(root, config, largest_first, run, keep_models, per_journey, cache, claim, positions)
                  for _ in range(workers)]
    except OSError:  # no shared memory (a container without /dev/shm): a fixed share each, balanced by size
        shards = [Shard(root, config, group, run, keep_models, per_journey, cache, positions=positions)
                  for group in _balanced(paths, workers)]
    children: list[_Child] = []
    try:
        for shard in shards:
            children.append(_Child(shard))
            children[-1].start()  # kept first: a signal raised as the start ends finds it in the list
        summaries = [child.receive() for child in children]
        plan, main_diagnostics, shared_linker = _plan(root, config, summaries)
        for child in children:
            child.send(plan)
        if cache is not None:
            cache.keep_round1(summaries)  # while the shards link
        results = _results(children)
        if cache is not None and cache.packed:
            cache.keep_findings(results)
    except BaseException:  # interrupted, or a shard failed: the others would work on for nobody
        for child in children:
            child.kill()
        raise
    finally:
        for child in children:
            child.close()
    files = tuple(name for _, name in sorted(f for s in summaries for f in s.files))
    validity = [d for s in summaries for d in s.problems] + main_diagnostics
    validity += [d for r in results for d in r.link_diagnostics]
    return _Done(files, summaries, plan, shared_linker, validity, results)


# -- the shard's side --------------------------------------------------------

@dataclass
class Summary:
    """Round 1, sent to the main process: what one shard's files define."""

    files: list[tuple[int, str]]
    problems: list[Diagnostic]
    comments: dict[str, tuple]
    # (file order, document index, kind, document); journeys as stubs: a LocDict holding only the id.
    definitions: list[tuple[int, int, str, Document]]
    tolerated: dict[str, set[str]]
    hashes: dict[str, str] = field(default_factory=dict)  # file -> sha256 of its bytes (with a cache)
    round1: dict[str, Any] = field(default_factory=dict)  # round 1 cache entries made now (see _FileCache)

    def comment_rows(self) -> list[tuple[int, str, tuple]]:
        """(file order, file, comment lines), for merging shards in file order."""
        order = {name: number for number, name in self.files}
        return [(order[name], name, lines) for name, lines in self.comments.items()]


@dataclass
class Plan:
    """Round 2, sent to every shard: the project-wide id tables and shared models."""

    by_kind: dict[str, dict[str, tuple[Any, str]]]
    tolerated: dict[str, set[str]]
    shared: dict[str, dict]
    journeys: set[tuple[str, int]]  # (file, document index) of every journey definition that counts
    name: str
    root: str
    key: str = ""  # a digest of everything the plan was made from (with a cache)


@dataclass
class Result:
    """Round 2's answer: a shard's diagnostics, suppressions and references, and on request its journeys."""

    link_diagnostics: list[Diagnostic]
    findings: list[Diagnostic] = field(default_factory=list)  # of the journey-scope rules, once received
    finding_parts: list[bytes] = field(default_factory=list)  # as the shard sends them: Linked.findings of each file
    suppressions: list = field(default_factory=list)
    references: list = field(default_factory=list)  # the first reference to each (kind, id)
    # With keep_models: each file's journeys pickled (see Linked.journeys); in the main process, once
    # received, [(id, Journey)] and in reference_parts each file's (ids, pickled references).
    journeys: list = field(default_factory=list)
    reference_parts: list = field(default_factory=list)
    extras: dict = field(default_factory=dict)  # journey id -> per_journey(...)
    cached_files: int = 0
    sources: dict = field(default_factory=dict)  # journey id -> cache key of its file's result (with a cache)
    cache_used: list = field(default_factory=list)  # a cached lint's: keys of the entries found (_FileCache.used)
    cache_made: dict = field(default_factory=dict)  # a cached lint's: the entries made (_FileCache.made)


@dataclass
class Linked:
    """What one journey file gives in round 2: the unit that is cached.

    The journeys and the findings stay pickled: a shard only forwards them
    to the main process. Unpickling a linked journey costs about what linking
    it does; unpickling a rebuild's ~29,000 findings per 1,000 journeys in
    the shards and pickling them again to send was ~0.2 s of the shards'
    time, on the rebuild's critical path.
    """

    # Pickled ([(id, Journey)], pickled [each journey's references], {(kind, id): how often referenced}):
    # the references stay pickled until someone reads them (empty when nobody needs the models).
    journeys: bytes
    ids: list[str]  # of those journeys
    # The first reference to each (kind, id) the file's journeys make, in order, as plain tuples (see
    # _reference_rows): all a shard needs of them (the project-scope rules read the first reference to each
    # id). All ~100 a journey makes, as model objects, had been ~0.3 s of unpickling a rebuild's cache
    # entries at 1,000 journeys, and the first ones ~0.25 s.
    references: list
    link_diagnostics: list[Diagnostic]
    findings: bytes  # pickled [Diagnostic] of the journey-scope rules; empty when not linted
    suppressions: list


@dataclass(frozen=True)
class CachedValue:
    """A journey's ``per_journey`` output kept in the compile cache, by its summary; :meth:`load` reads it."""

    place: str  # the cache entry, which holds a pickled {journey id: output} of the journey's file
    journey: str
    summary: Any

    def load(self) -> Any:
        """The output (raises OSError, or any unpickling error, when the entry is gone or damaged)."""
        with open(self.place, "rb") as entry:
            pickle.load(entry)  # the summaries (see _FileCache.put_linked)
            return pickle.load(entry)[self.journey]  # the outputs; the linked file after them is not read


class LinkedReferences(Sequence):
    """``Project.references`` of a sharded compile: the references of the shared definitions, then each
    journey's in definition order, unpickled when first read.

    A build needs only how often each id is referenced (the catalog page),
    which :meth:`counts` adds up from each file's counts; unpickling 112,000
    references with their positions was a third of unpickling a
    1,000-journey model, on the main process's critical path. Equal to the
    tuple of the same references.
    """

    def __init__(self, head: tuple, order: list[str], parts: list[tuple[list[str], bytes, dict]]):
        self._head = head
        self._order = order
        self._parts = parts  # each file's (journey ids, pickled references per journey, counts)
        self._items: tuple | None = None

    def _all(self) -> tuple:
        if self._items is None:
            per_journey = {}
            for ids, blob, _ in self._parts:
                per_journey.update(zip(ids, pickle.loads(blob)))
            self._items = self._head + tuple(ref for jid in self._order for ref in per_journey.get(jid, ()))
        return self._items

    def counts(self) -> Counter:
        """How often each (kind, id) is referenced, without reading the references."""
        total = Counter((ref.kind, ref.target) for ref in self._head)
        for _, _, counts in self._parts:
            total.update(counts)
        return total

    def __getitem__(self, index):
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self):
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (tuple, LinkedReferences)):
            return self._all() == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._all())

    def __reduce__(self):
        return tuple, (self._all(),)


class _FileCache:
    """Round 1 and round 2 results of unchanged map files, in ``.cjmc-cache/compile/``.

    Only a file without any problem is cached (problems need the documents
    for ``check_invalid``). Round 1's key is the code, the file's name and
    the sha256 of its bytes; round 2's adds the plan's key (every id, and the
    content of every persona and catalog file), the lint settings and today's
    date: anything that could change a file's result changes its key.

    Round 1's entries of every file are one file, :data:`ROUND1_FILE`
    (a journey file's entry is ~270 bytes): the main process reads it before
    the shards fork, and writes it again after round 1 with the entries of
    the files read in this build when they differ. One file each had cost a
    cold build of 1,000 journeys 1,000 new files (~0.5 ms of CPU each on the
    disk we measure on, see docs/performance.md) and a rebuild 1,000 reads.

    A cached lint's round 2 entries (without the models, so ~10 KB a journey
    file) are one file too, read before the shards fork: the shards send the
    entries they made with their results, and the main process writes the
    file again with the entries this lint used. There is one such file per
    lint settings (:meth:`findings_file`), so ``validate --cache`` and ``lint
    --cache`` (both pre-commit hooks, say) do not replace each other's; one
    older than :data:`FINDINGS_MAX_AGE_DAYS` (another day's, another
    version's) is deleted. A build's entries stay one file each: they hold
    each journey's diagrams, which a rebuild reads only for the pages it
    renders.
    """

    def __init__(self, folder: Path, run: Any, per_journey: Callable[[Any, Any], Any] | None,
                 summary: Callable[[Any], Any] | None = None, models: bool = True, positions: bool = True):
        from .keyed_cache import KeyedFolder, code_fingerprint, digest

        self.folder = KeyedFolder(folder)
        # Round 2's entries hold the linked journeys (a build's, one file each) or only what lint reports (a
        # cached lint's, all in findings_file). Pickling the models lint never reads, into a file per entry,
        # had made a cached lint of 1,000 journeys without a warm cache ~30 % slower than an uncached one;
        # without them, in one file, ~11 %.
        self.packed = not models
        self.models = "models" if positions else "models without positions"
        self.findings: dict[str, bytes] = {}  # linked key -> pickled Linked, as the last cached lint left them
        self.used: list[str] = []  # in a shard: the keys of the entries found in ``findings``
        self.made: dict[str, bytes] = {}  # in a shard: the entries it made
        self.summary = summary
        self.code = code_fingerprint()
        self.digest = digest
        if run is None:
            self.settings = "no lint"
        else:
            import json

            self.settings = json.dumps([[name, setting.severity, dict(setting.options)]
                                        for name, setting in sorted(run.settings.items())],
                                       sort_keys=True, default=repr) + str(run.context["today"])
        self.per_journey = "" if per_journey is None else f"{per_journey.__module__}.{per_journey.__qualname__}"
        self.round1: dict[str, Any] = {}  # load key -> round 1 entry, as the last build left them

    def findings_file(self) -> str:
        """The file of a cached lint's round 2 entries for this code and these lint settings (and date)."""
        return f"{FINDINGS_PREFIX}{self.digest(self.code, self.settings)[:16]}.pickle"

    def read_findings(self) -> None:
        """Read a cached lint's round 2 entries, before the shards fork; none when missing or damaged."""
        entries = self._read_pack(self.findings_file())
        self.findings = {k: v for k, v in entries.items() if isinstance(k, str) and isinstance(v, bytes)}

    def keep_findings(self, results: list["Result"]) -> None:
        """Write the entries this lint used or made, when they differ from the ones it read; delete the
        files of other settings written more than :data:`FINDINGS_MAX_AGE_DAYS` ago (the date is in the
        settings, so a file is only ever used on the day it was first written)."""
        entries = {key: self.findings[key] for result in results for key in result.cache_used
                   if key in self.findings}
        for result in results:
            entries.update(result.cache_made)
        unchanged = entries.keys() == self.findings.keys()
        self.findings = {}
        name = self.findings_file()
        if not unchanged:
            self._write_pack(name, entries)
        self._prune_findings(keep=name)

    def _prune_findings(self, keep: str) -> None:
        import re
        import time

        cutoff = time.time() - FINDINGS_MAX_AGE_DAYS * 86400
        pattern = re.compile(re.escape(FINDINGS_PREFIX) + r"[0-9a-f]{16}\.pickle\Z")
        try:
            for entry in os.scandir(self.folder.folder):
                if (entry.name != keep and pattern.match(entry.name) and entry.is_file(follow_symlinks=False)
                        and entry.stat(follow_symlinks=False).st_mtime < cutoff):
                    os.unlink(entry.path)
        except OSError:
            pass  # a read-only or vanished folder: nothing to tidy

    def _read_pack(self, name: str) -> dict:
        try:
            with open(self.folder.folder / name, "rb") as handle:
                entries = pickle.load(handle)
        except Exception:  # missing, unreadable or damaged: every file is a miss
            return {}
        return entries if isinstance(entries, dict) else {}

    def _write_pack(self, name: str, entries: dict) -> None:
        try:
            atomic_write_with(self.folder.folder / name,
                              lambda handle: pickle.dump(entries, handle, protocol=pickle.HIGHEST_PROTOCOL))
        except (OSError, pickle.PicklingError):
            pass  # a read-only checkout checks without a cache

    def load_key(self, name: str, content: str) -> str:
        return self.digest("load", self.code, name, content)

    def read_round1(self) -> None:
        """Read round 1's entries (before the shards fork, which then share them); none when damaged."""
        self.round1 = self._read_pack(ROUND1_FILE)

    def keep_round1(self, summaries: list["Summary"]) -> None:
        """Write round 1's entries of the files read in this build (found or made now), when they changed.

        Entries of files that are gone or were edited since are left out, so
        the file holds one entry per map file.
        """
        entries = {}
        for summary in summaries:
            for name, content in summary.hashes.items():
                key = self.load_key(name, content)
                entry = summary.round1.get(key, self.round1.get(key))
                if entry is not None:
                    entries[key] = entry
        unchanged = entries.keys() == self.round1.keys()
        self.round1 = {}  # the shards have their copies; this process needs it no more
        if not unchanged:
            self._write_pack(ROUND1_FILE, entries)

    def link_key(self, plan: Plan, name: str, content: str) -> str:
        return self.digest("link", self.code, plan.key, name, content, self.settings)

    def linked_key(self, link_key: str) -> str:
        """Where round 2's entry of a file is kept: the outputs of ``per_journey`` and the linked file.

        One entry, not two: a new file costs ~0.5 ms of CPU on some disks
        (ext4 in the VM we measure on), and a cold build of 1,000 journeys
        wrote 1,000 more.
        """
        return self.digest("linked", link_key, self.per_journey, "findings" if self.packed else self.models)

    def path(self, key: str) -> Path:
        return self.folder.entry_path(key, "pickle")

    def get_linked(self, key: str) -> tuple[dict, "Linked"] | None:
        """Round 2's ``(outputs, linked file)`` under ``key``, the outputs by reference when a summary is
        set (see :meth:`put_linked`); None when the entry is missing or damaged."""
        if self.packed:
            return self._get_packed(key)
        entry = self.folder.open(key, "pickle")
        if entry is None:
            return None
        try:
            with entry:
                summaries, size = pickle.load(entry)
                if self.summary is None or not isinstance(summaries, dict):
                    outputs = pickle.load(entry)
                else:  # the outputs (~75 KB of DOT and SVG a journey) are not read
                    entry.seek(size, io.SEEK_CUR)
                    outputs = self._references(key, summaries)
                linked = pickle.loads(entry.read())
        except Exception:
            return None
        return (outputs, linked) if isinstance(outputs, dict) and isinstance(linked, Linked) else None

    def put_linked(self, key: str, outputs: dict, linked: "Linked") -> dict | None:
        """Keep round 2's entry: the outputs' summaries and size, the outputs, the linked file.

        A rebuild's shard reads the summaries and skips the outputs (~75 KB
        of DOT and SVG a journey, which unpickling and digesting again took
        ~0.1 s of a rebuild of 1,000); :meth:`CachedValue.load` reads the
        outputs and stops. Returns the outputs as the entry gives them back
        (by reference when a summary is set), or None when it could not be
        written.
        """
        if self.packed:
            self.made[key] = pickle.dumps(linked, protocol=pickle.HIGHEST_PROTOCOL)
            return outputs
        summaries = None if self.summary is None else {jid: self.summary(value) for jid, value in outputs.items()}
        try:
            pickled = pickle.dumps(outputs, protocol=pickle.HIGHEST_PROTOCOL)

            def write(handle) -> None:
                pickle.dump((summaries, len(pickled)), handle, protocol=pickle.HIGHEST_PROTOCOL)
                handle.write(pickled)
                pickle.dump(linked, handle, protocol=pickle.HIGHEST_PROTOCOL)

            self.folder.write(key, "pickle", write)
        except (OSError, pickle.PicklingError):
            return None  # a read-only checkout builds without a cache
        return outputs if summaries is None else self._references(key, summaries)

    def _get_packed(self, key: str) -> tuple[dict, "Linked"] | None:
        data = self.findings.get(key)
        if data is None:
            return None
        try:
            linked = pickle.loads(data)
        except Exception:
            return None
        if not isinstance(linked, Linked):
            return None
        self.used.append(key)
        return {}, linked

    def _references(self, key: str, summaries: dict) -> dict:
        place = self.folder.entry_name(key, "pickle")
        return {jid: CachedValue(place, jid, summary) for jid, summary in summaries.items()}


class Shard:
    """Some of the project's map files, handled in one process from YAML to findings.

    Round 2 works file by file (a file's journeys are linked, drawn and
    linted on their own: journey-scope rules report only in the journey's
    file), so each file's result can be cached and reused while the rest of
    the portfolio changes.
    """

    def __init__(self, root: Path, config: Config, paths: list[tuple[int, Path]], run: Any,
                 keep_models: bool = False, per_journey: Callable[[Any, Any], Any] | None = None,
                 cache: _FileCache | None = None, claim: Callable[[], int] | None = None, positions: bool = True):
        self.root = root
        self.config = config
        self.paths = paths  # with ``claim``, shared by every shard: each takes paths[claim()] until none is left
        self.claim = claim
        self.run = run
        self.keep_models = keep_models
        self.positions = positions  # False: the models are sent without source positions
        self.per_journey = per_journey
        self.cache = cache
        self.journeys: dict[str, list[Document]] = {}  # file -> its valid journey documents, in order
        self.invalid: list[Document] = []
        self.comments: dict[str, tuple] = {}
        self.hashes: dict[str, str] = {}
        self.clean: set[str] = set()  # files without any problem (the ones that may be cached)
        self._first_hash: dict[str, str] = {}  # each file's digest when round 1 read it
        self.journey_files: dict[str, Path] = {}  # files that define journeys, in file order
        self.from_cache = 0
        self.round1: dict[str, Any] = {}  # round 1 cache entries of the files parsed (sent to the main process)

    def load(self) -> Summary:
        from .link.linker import Linker

        files, problems, definitions = [], [], []
        for order, path in self._taken():
            data, name = self._read(path)
            entry = self._cached_load(name)
            if entry is not None:
                comments, defined = entry
            else:
                loaded = load_file(path, self.root, data)
                name, comments, defined = loaded.path, loaded.comments, []
                found: list[Diagnostic] = list(loaded.problems)
                for document, kind, is_valid in validated_documents(loaded, found):
                    if not is_valid:
                        self.invalid.append(document)
                    elif kind == "journey":
                        self.journeys.setdefault(document.file, []).append(document)
                        defined.append((document.index, kind, _stub(document)))
                    else:
                        defined.append((document.index, kind, document))
                problems.extend(found)
                if not found and name in self.hashes:
                    self.clean.add(name)
                    self.round1[self.cache.load_key(name, self.hashes[name])] = (comments, defined)
            files.append((order, name))
            if comments:
                self.comments[name] = comments
            if entry is not None and not any(kind == "journey" for _, kind, _ in defined):
                self.from_cache += 1  # not parsed at all (a journey file counts once round 2 is found too)
            for index, kind, document in defined:
                definitions.append((order, index, kind, document))
                if kind == "journey":
                    self.journey_files[name] = path
        tolerant = Linker("", "")
        tolerant.tolerate(self.invalid)
        return Summary(files, problems, self.comments, definitions, tolerant.definitions.tolerated, self.hashes,
                       self.round1)

    def _taken(self) -> Iterator[tuple[int, Path]]:
        """This shard's files: all of ``paths``, or with ``claim`` the ones it takes."""
        if self.claim is None:
            yield from self.paths
            return
        while (index := self.claim()) < len(self.paths):
            yield self.paths[index]

    def _read(self, path: Path) -> tuple[bytes | None, str]:
        """The file's bytes and name; with a cache, its content digest is noted too."""
        from .config import relative

        name = relative(path, self.root)
        if self.cache is None:
            return None, name
        try:
            data = path.read_bytes()
        except OSError:
            return None, name  # load_file reports it
        self.hashes[name] = self.cache.digest(data)
        self._first_hash.setdefault(name, self.hashes[name])
        return data, name

    def _cached_load(self, name: str) -> Any:
        if self.cache is None or name not in self.hashes:
            return None
        entry = self.cache.round1.get(self.cache.load_key(name, self.hashes[name]))
        if entry is not None:
            self.clean.add(name)
        return entry

    def finish(self, plan: Plan, send_part: Callable[[list, dict], None] | None = None) -> Result:
        """Round 2. With ``send_part``, the journeys and extras go to it every :data:`PART` files, as
        they are made, so the main process unpickles them while this shard links the rest; what is
        left is in the result."""
        from .link.linker import Linker
        from .lint.suppress import Suppressions
        from .model import Project

        linker = Linker(plan.name, plan.root)
        linker.definitions.by_kind = plan.by_kind
        linker.definitions.tolerated = plan.tolerated
        result = Result([])
        reference_rows: list[tuple] = []
        for name, path in self.journey_files.items():
            linked, extras, key = self._linked(plan, linker, name, path)
            if key is not None:
                result.sources.update(dict.fromkeys(linked.ids, key))
            result.link_diagnostics.extend(linked.link_diagnostics)
            if linked.findings:
                result.finding_parts.append(linked.findings)
            result.suppressions.extend(linked.suppressions)
            reference_rows.extend(linked.references)
            if self.keep_models:
                result.journeys.append(linked.journeys)
            result.extras.update(extras)
            if send_part is not None and len(result.journeys) >= PART:
                send_part(result.journeys, result.extras)
                result.journeys, result.extras = [], {}
        result.cached_files = self.from_cache
        if self.cache is not None and self.cache.packed:
            result.cache_used, result.cache_made = self.cache.used, self.cache.made
        linker.check_invalid(self.invalid)  # after the model is made, as compile_project does
        result.link_diagnostics.extend(linker.diagnostics)
        if self.run is None:
            return result
        # Suppressions in files without journeys (personas, the catalog) are for the project-scope rules.
        rest = {name: lines for name, lines in self.comments.items() if name not in self.journey_files}
        result.suppressions.extend(Suppressions.collect(Project(name=plan.name, root=plan.root, files=(),
                                                                **plan.shared, journeys={}, references=(),
                                                                comments=rest)).items)
        result.references = _reference_objects(reference_rows)
        return result

    def _linked(self, plan: Plan, linker: Any, name: str, path: Path) -> tuple[Linked, dict, str | None]:
        """One journey file's round 2: from the cache when its content and the plan are unchanged."""
        key = None
        if self.cache is not None and name in self.clean:
            key = self.cache.link_key(plan, name, self.hashes[name])
            entry = self.cache.get_linked(self.cache.linked_key(key))
            if entry is not None:
                self.from_cache += 1
                extras, linked = entry  # the outputs stay on disk: the main process may not need them
                return linked, extras, key
        linked, extras = self._link_file(plan, linker, name, path)
        if key is not None and name in self.clean:  # still clean: unchanged since round 1
            kept = self.cache.put_linked(self.cache.linked_key(key), extras, linked)
            if kept is not None:
                # Sent by reference in a cold build too: 1,000 journeys' diagrams are ~58 MB of text, which
                # the main process held (~110 MB as str) while the shards still ran.
                extras = kept
        return linked, extras, key

    def _link_file(self, plan: Plan, linker: Any, name: str, path: Path) -> tuple[Linked, dict]:
        from .lint.suppress import Suppressions
        from .model import Project

        # A build frees each file's documents once linked: its journeys' models reuse the memory, so the
        # shard stays the size round 1 made it (lint keeps them: freeing costs time, and its shards end soon).
        documents = self.journeys.pop(name, []) if self.keep_models else self.journeys.get(name, [])
        if not documents:  # round 1 came from the cache: parse the file now
            data, _ = self._read(path)
            if data is None or self.hashes.get(name) != self._first_hash.get(name):
                self.clean.discard(name)  # saved again since round 1: use it, but cache nothing of it
            loaded = load_file(path, self.root, data)
            documents = [document for document, kind, is_valid in validated_documents(loaded, [])
                         if is_valid and kind == "journey"]
        diagnostics_before = len(linker.diagnostics)
        journeys, linked = {}, []
        for document in documents:
            if (document.file, document.index) in plan.journeys:
                before = len(linker.references)
                journey = linker.journey(document.data, document.file)
                journeys[journey.id] = journey
                linked.append((journey.id, journey, tuple(linker.references[before:])))
        blob = b""
        if self.keep_models:
            references = pickle.dumps([refs for _, _, refs in linked], protocol=pickle.HIGHEST_PROTOCOL)
            counts = Counter((ref.kind, ref.target) for _, _, refs in linked for ref in refs)
            value = ([(jid, journey) for jid, journey, _ in linked], references, dict(counts))
            blob = (pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL) if self.positions
                    else dumps_without_positions(value))
        result = Linked(blob, [jid for jid, _, _ in linked],
                        _reference_rows(ref for _, _, refs in linked for ref in refs),
                        linker.diagnostics[diagnostics_before:], b"", [])
        del linker.diagnostics[diagnostics_before:]
        if self.run is None and self.per_journey is None:
            return result, {}
        comments = {name: self.comments[name]} if name in self.comments else {}
        project = Project(name=plan.name, root=plan.root, files=(), **plan.shared, journeys=journeys,
                          references=tuple(ref for _, _, refs in linked for ref in refs), comments=comments)
        extras = {}
        if self.per_journey is not None:
            extras = {jid: self.per_journey(project, journey) for jid, journey in journeys.items()}
        if self.run is not None:
            suppressions = Suppressions.collect(project)
            findings = self.run.apply(project, suppressions, has_errors=False, scopes=("journey",))
            result.findings = pickle.dumps(findings, protocol=pickle.HIGHEST_PROTOCOL) if findings else b""
            result.suppressions = suppressions.items
        return result, extras


def _reference_rows(references: Any) -> list[tuple]:
    """The first reference to each (kind, id), in order, each as ``(kind, id, (file, line, column), source)``:
    plain tuples unpickle without a call into Python."""
    first: dict = {}
    for reference in references:
        key = (reference.kind, reference.target)
        if key not in first:
            pos = reference.pos
            first[key] = (reference.kind, reference.target, (pos.file, pos.line, pos.column), reference.source)
    return list(first.values())


def _reference_objects(rows: list[tuple]) -> list:
    """The first reference to each (kind, id) of these rows, in order, as model objects."""
    from .diagnostics import Position
    from .model import Reference

    first: dict = {}
    for row in rows:
        first.setdefault(row[:2], row)
    return [Reference(kind, target, Position(*pos), source) for kind, target, pos, source in first.values()]


def _stub(document: Document) -> Document:
    """A journey as the main process needs it: its id and where it starts."""
    data = document.data
    stub = LocDict(id=data["id"])
    stub.pos, stub.key_pos, stub.value_pos = data.pos, {}, {}
    return Document(document.file, document.index, stub, document.line, document.column)


# -- the main process's side ----------------------------------------------------

def _plan(root: Path, config: Config, summaries: list[Summary]) -> tuple[Plan, list[Diagnostic], Any]:
    from .link.linker import Linker

    linker = Linker(config.name, str(root))
    for summary in summaries:
        for kind, ids in summary.tolerated.items():
            linker.definitions.tolerated.setdefault(kind, set()).update(ids)
    ordered = sorted((d for s in summaries for d in s.definitions), key=lambda d: (d[0], d[1]))
    linker.define_all((document, kind) for _, _, kind, document in ordered)
    shared = linker.link_shared()
    journeys = {(document.file, document.index) for _, _, kind, document in ordered
                if kind == "journey" and linker.definitions.by_kind["journey"].get(document.data["id"], (None,))[0]
                is document.data}
    plan = Plan(_id_tables(linker.definitions.by_kind), linker.definitions.tolerated, shared, journeys,
                config.name, str(root), _plan_key(config, root, summaries, ordered, linker.definitions.tolerated))
    return plan, list(linker.diagnostics), linker


def _plan_key(config: Config, root: Path, summaries: list[Summary], ordered: list, tolerated: dict) -> str:
    """Everything the plan is made from: every definition (a journey by its id and place, any other by
    the content of its file), the tolerated ids, the project's name and folder. Empty without a cache."""
    hashes = {name: content for summary in summaries for name, content in summary.hashes.items()}
    if not hashes:
        return ""
    from .keyed_cache import code_fingerprint, digest

    parts = [code_fingerprint(), config.name, str(root), repr(sorted((k, sorted(v)) for k, v in tolerated.items()))]
    for order, index, kind, document in ordered:
        if kind == "journey":
            data = document.data
            parts.append(f"{order}|{index}|journey|{document.file}|{data['id']}|{line_column(data.pos)!r}|"
                         f"{document.line}|{document.column}")
        else:
            parts.append(f"{order}|{index}|{kind}|{document.file}|{hashes.get(document.file, 'unhashed')}")
    return digest(*parts)


def _id_tables(by_kind: dict[str, dict[str, tuple[LocDict, str]]]) -> dict[str, dict[str, tuple[Any, str]]]:
    """The definitions journeys are linked against, without the documents: ids, plus each touchpoint's channel."""
    tables: dict[str, dict[str, tuple[Any, str]]] = {}
    for kind, table in by_kind.items():
        if kind == "touchpoint":
            tables[kind] = {i: ({"channel": d["channel"]}, f) for i, (d, f) in table.items()}
        else:
            tables[kind] = {i: (None, f) for i, (_, f) in table.items()}
    return tables


def _project_rules(run: Any, done: _Done, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    from .lint.suppress import Suppressions
    from .model import Project

    references = list(done.linker.references) + [ref for result in done.results for ref in result.references]
    project = Project(name=done.plan.name, root=done.plan.root, files=(), **done.plan.shared, journeys={},
                      references=tuple(references))
    suppressions = Suppressions([item for result in done.results for item in result.suppressions])
    has_errors = any(d.severity == "error" for d in diagnostics)
    found = run.apply(project, suppressions, has_errors=has_errors, scopes=("project",))
    return found + run.unused_suppressions(suppressions)


def _balanced(paths: list[Path], groups: int) -> list[list[tuple[int, Path]]]:
    """Split files into ``groups`` of about equal size, largest first; each keeps file order."""
    shards: list[list[tuple[int, Path]]] = [[] for _ in range(groups)]
    loads = [0] * groups
    sizes = [file_size(path) for path in paths]
    for order in sorted(range(len(paths)), key=lambda number: (-sizes[number], number)):
        lightest = loads.index(min(loads))
        shards[lightest].append((order, paths[order]))
        loads[lightest] += sizes[order]
    return [sorted(shard, key=lambda item: item[0]) for shard in shards if shard]


# The main process's ends of the shards' pipes. A shard closes the copies it inherited (see _child_main):
# held open there, they kept it waiting for a plan forever once the main process was killed.
_PARENT_ENDS: set = set()


class _Child:
    """A forked process that runs one shard and talks to the main process over a pipe."""

    def __init__(self, shard: Shard):
        context = multiprocessing.get_context("fork")
        self.connection, child_end = context.Pipe()
        _PARENT_ENDS.add(self.connection)
        self.process = context.Process(target=_child_main, args=(child_end, shard), daemon=True)
        self._child_end = child_end
        self.journeys: list = []  # round 2's, as received so far
        self.reference_parts: list = []
        self.extras: dict = {}

    def start(self) -> None:
        with stop_signals_held():
            self.process.start()
        self._child_end.close()

    def kill(self) -> None:
        if self.process.is_alive():  # False when it never started
            self.process.kill()

    def receive(self) -> Any:
        """Round 1's summary."""
        return self._receive()[1]

    def receive_some(self) -> Result | None:
        """Take one message of round 2: a part of the journeys, or at last the result (returned).

        Journeys are unpickled as they come, so the pickled copies (~30 MB at 1,000 journeys) are
        never all held, and while the shards still link (see :meth:`Shard.finish`).
        """
        status, payload = self._receive()
        if status == "part":
            journeys, extras = payload
            for blob in journeys:
                items, references, counts = pickle.loads(blob)
                self.journeys.extend(items)
                self.reference_parts.append(([jid for jid, _ in items], references, counts))
            self.extras.update(extras)
            release_free_memory()  # the message's pickled bytes
            return None
        payload.journeys, payload.extras, payload.reference_parts = self.journeys, self.extras, self.reference_parts
        payload.findings = [finding for part in payload.finding_parts for finding in pickle.loads(part)]
        payload.finding_parts = []
        return payload

    def _receive(self) -> tuple[str, Any]:
        try:
            status, payload = self.connection.recv()
        except EOFError:
            raise RuntimeError(f"a worker process ended unexpectedly (exit code {self.process.exitcode})") from None
        if status == "error":
            raise RuntimeError(f"a worker process failed:\n{payload}")
        return status, payload

    def send(self, plan: Plan) -> None:
        self.connection.send(plan)

    def close(self) -> None:
        _PARENT_ENDS.discard(self.connection)
        self.connection.close()
        self._child_end.close()  # when it never started
        if self.process.pid is None:
            return
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()


ROUND1_FILE = "round1.pickle"  # in the compile cache's folder, beside the folders of round 2's entries
FINDINGS_PREFIX = "findings-"  # then 16 hex digits of the code and lint settings: a cached lint's round 2 entries
FINDINGS_MAX_AGE_DAYS = 2  # the date is in every key, so another day's file is of no further use
PART = 64  # files (or extras) per message: pickling 500 linked journeys at once took ~70 MB of buffer and memo


def _results(children: list[_Child]) -> list[Result]:
    """Every shard's round 2 result, in shard order, taking messages from whichever shard has sent one."""
    from multiprocessing.connection import wait

    results: dict[_Child, Result] = {}
    waiting = {child.connection: child for child in children}
    while waiting:
        for connection in wait(list(waiting)):
            result = waiting[connection].receive_some()
            if result is not None:
                results[waiting.pop(connection)] = result
    return [results[child] for child in children]


def _send_result(connection: Any, result: Result) -> None:
    """What is left of round 2's journeys and extras, in parts, then the result itself."""
    journeys, extras = result.journeys, result.extras
    result.journeys, result.extras = [], {}
    for start in range(0, len(journeys), PART):
        connection.send(("part", (journeys[start:start + PART], {})))
    items = list(extras.items())
    for start in range(0, len(items), PART):
        connection.send(("part", ([], dict(items[start:start + PART]))))
    connection.send(("result", result))


def _child_main(connection: Any, shard: Shard) -> None:
    ignore_stop_signals()  # the main process stops this one when it is interrupted (see _run)
    for end in _PARENT_ENDS:  # so that a main process that died is seen: EOF on this shard's end
        end.close()
    status = 0
    try:
        gc.disable()
        connection.send(("ok", shard.load()))
        release_free_memory()  # what composing the documents freed, while the main process makes the plan
        plan = connection.recv()
        _send_result(connection, shard.finish(plan, lambda journeys, extras: connection.send(
            ("part", (journeys, extras)))))
    except EOFError:
        status = 1  # the main process gave up; nothing to report to
    except BaseException:
        status = 1
        try:
            connection.send(("error", traceback.format_exc()))
        except OSError:
            pass
    connection.close()
    os._exit(status)  # skip freeing this shard's documents one by one
