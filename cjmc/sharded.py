"""Validate, lint and compile a large portfolio on every core: the same results, sooner.

Parsing YAML is most of the work, and Python runs it on one core. Here the
map files are split into one shard per core (balanced by size); each shard
is handled by its own process, forked from the main one, which only
coordinates (so it stays small, and no process frees a parsed tree):

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
import multiprocessing
import os
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .config import Config, map_files
from .diagnostics import Diagnostic, sorted_unique
from .load.yaml_loader import Document, LocDict
from .pipeline import building_model, load_file, validated_documents

# Below this much YAML, starting a second process costs more than it saves.
MIN_BYTES = 512 * 1024
WORKERS_VARIABLE = "CJMC_WORKERS"


@dataclass
class Checked:
    """What ``validate`` and ``lint`` report: the diagnostics, and the files they read."""

    files: tuple[str, ...]
    diagnostics: list[Diagnostic]
    workers: int = 1


def worker_count(config: Config, paths: list[Path], *, min_bytes: int | None = None) -> int:
    """How many processes pay off for these files: 1 means the single-process path."""
    min_bytes = MIN_BYTES if min_bytes is None else min_bytes
    wanted = os.environ.get(WORKERS_VARIABLE, "").strip()
    cores = int(wanted) if wanted.isdigit() and int(wanted) > 0 else (os.cpu_count() or 1)
    if cores < 2 or len(paths) < 2 or (config.events or {}).get("sources"):
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if threading.active_count() > 1:
        return 1  # never fork a process that runs other threads (cjmc serve): a lock they hold would stay held
    if sum(_size(p) for p in paths) < min_bytes:
        return 1
    return min(cores, len(paths))


def check_sharded(root: Path, config: Config, paths: list[Path], workers: int, *, lint: bool,
                  settings: Any = None, today: Any = None) -> Checked:
    """Validate (and with ``lint``, lint with resolved ``settings``) in ``workers`` processes."""
    from .lint.engine import RuleRun

    run = RuleRun(settings, today=today) if lint else None
    done = _run(root, config, paths, workers, run)
    diagnostics = done.validity + [d for r in done.results for d in r.findings]
    if run is not None:
        diagnostics += _project_rules(run, done, diagnostics)
    return Checked(done.files, sorted_unique(diagnostics), len(done.results))


@dataclass
class ShardedCompilation:
    """What ``build`` needs: the model, every diagnostic (lint included) and each journey's ``per_journey`` output."""

    compilation: Any  # pipeline.Compilation, with the validity diagnostics
    diagnostics: list[Diagnostic] | None  # validity and lint, as lint_compilation returns them (None: not linted)
    per_journey: dict[str, Any]
    workers: int


def compile_sharded(root: Path, config: Config, paths: list[Path], workers: int, *, settings: Any = None,
                    today: Any = None, per_journey: Callable[[Any, Any], Any] | None = None) -> ShardedCompilation:
    """Compile (and with lint ``settings``, lint) in ``workers`` processes, and bring the linked model back.

    Journeys come back as model objects (pickled), a fraction of the size of
    the parsed documents; ``per_journey(project, journey)`` runs in the
    shards too (the project there holds that shard's journeys and every
    persona and catalog entry), for work such as writing DOT.
    """
    from .lint.engine import RuleRun

    run = RuleRun(settings, today=today) if settings is not None else None
    with building_model():  # unpickling the model makes millions of objects, as parsing does
        return _assemble(root, config, run, _run(root, config, paths, workers, run, keep_models=True,
                                                 per_journey=per_journey))


def compile_fastest(root: Path, config: Config, *, settings: Any = None, today: Any = None,
                    per_journey: Callable[[Any, Any], Any] | None = None) -> ShardedCompilation:
    """:func:`compile_sharded` when shards pay off for this project, else ``compile_project``.

    On the single-process path nothing is linted (``diagnostics`` is None:
    the caller lints once event data is read) and ``per_journey`` is empty.
    An invalid project is never linted either.
    """
    from .pipeline import compile_project

    paths = list(map_files(config))
    workers = worker_count(config, paths)
    if workers < 2:
        return ShardedCompilation(compile_project(root, config), None, {}, 1)
    done = compile_sharded(root, config, paths, workers, settings=settings, today=today, per_journey=per_journey)
    if not done.compilation.valid:
        done.diagnostics = None
    return done


def _assemble(root: Path, config: Config, run: Any, done: "_Done") -> ShardedCompilation:
    from .model import Project
    from .pipeline import Compilation

    linked = {jid: item for result in done.results for jid, *item in result.journeys}
    journeys, references = {}, list(done.linker.references)
    for jid in done.linker.definitions.by_kind["journey"]:
        journey, journey_references = linked[jid]
        journeys[jid] = journey
        references.extend(journey_references)
    comments = {name: lines for _, name, lines in sorted(c for s in done.summaries for c in s.comment_rows())}
    project = Project(name=config.name, root=str(root), files=done.files, **done.plan.shared, journeys=journeys,
                      references=tuple(references), comments=comments)
    compilation = Compilation(config, project, sorted_unique(done.validity))
    diagnostics = done.validity + [d for r in done.results for d in r.findings]
    if run is not None:
        diagnostics += _project_rules(run, done, diagnostics)
    extras = {jid: value for result in done.results for jid, value in result.extras.items()}
    return ShardedCompilation(compilation, sorted_unique(diagnostics), extras, len(done.results))


@dataclass
class _Done:
    files: tuple[str, ...]
    summaries: list["Summary"]
    plan: "Plan"
    linker: Any  # the main process's Linker: shared models, their references and the id tables
    validity: list[Diagnostic]  # load, schema and link problems of the whole project
    results: list["Result"]


def _run(root: Path, config: Config, paths: list[Path], workers: int, run: Any, *, keep_models: bool = False,
         per_journey: Callable[[Any, Any], Any] | None = None) -> _Done:
    shards = [Shard(root, config, group, run, keep_models, per_journey) for group in _balanced(paths, workers)]
    children = [_Child(shard) for shard in shards]
    try:
        summaries = [child.receive() for child in children]
        plan, main_diagnostics, shared_linker = _plan(root, config, summaries)
        for child in children:
            child.send(plan)
        results = [child.receive() for child in children]
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


@dataclass
class Result:
    """Round 2's answer: a shard's diagnostics, suppressions and references, and on request its journeys."""

    link_diagnostics: list[Diagnostic]
    findings: list[Diagnostic] = field(default_factory=list)  # of the journey-scope rules
    suppressions: list = field(default_factory=list)
    references: list = field(default_factory=list)  # the first reference to each (kind, id)
    journeys: list = field(default_factory=list)  # (id, Journey, its references), with keep_models
    extras: dict = field(default_factory=dict)  # journey id -> per_journey(...)


class Shard:
    """Some of the project's map files, handled in one process from YAML to findings."""

    def __init__(self, root: Path, config: Config, paths: list[tuple[int, Path]], run: Any,
                 keep_models: bool = False, per_journey: Callable[[Any, Any], Any] | None = None):
        self.root = root
        self.config = config
        self.paths = paths
        self.run = run
        self.keep_models = keep_models
        self.per_journey = per_journey
        self.journeys: dict[tuple[str, int], Document] = {}
        self.invalid: list[Document] = []
        self.comments: dict[str, tuple] = {}

    def load(self) -> Summary:
        from .link.linker import Linker

        files, problems, definitions = [], [], []
        for order, path in self.paths:
            loaded = load_file(path, self.root)
            files.append((order, loaded.path))
            problems.extend(loaded.problems)
            if loaded.comments:
                self.comments[loaded.path] = loaded.comments
            for document, kind, is_valid in validated_documents(loaded, problems):
                if not is_valid:
                    self.invalid.append(document)
                elif kind == "journey":
                    self.journeys[(document.file, document.index)] = document
                    definitions.append((order, document.index, kind, _stub(document)))
                else:
                    definitions.append((order, document.index, kind, document))
        tolerant = Linker("", "")
        tolerant.tolerate(self.invalid)
        return Summary(files, problems, self.comments, definitions, tolerant.definitions.tolerated)

    def finish(self, plan: Plan) -> Result:
        from .link.linker import Linker
        from .lint.suppress import Suppressions
        from .model import Project

        linker = Linker(plan.name, plan.root)
        linker.definitions.by_kind = plan.by_kind
        linker.definitions.tolerated = plan.tolerated
        journeys, linked = {}, []
        for key, document in self.journeys.items():
            if key in plan.journeys:
                before = len(linker.references)
                journey = linker.journey(document.data, document.file)
                journeys[journey.id] = journey
                if self.keep_models:
                    linked.append((journey.id, journey, tuple(linker.references[before:])))
        references = tuple(linker.references)
        linker.check_invalid(self.invalid)  # after the model is made, as compile_project does
        result = Result(linker.diagnostics, journeys=linked)
        if self.run is None and self.per_journey is None:
            return result
        project = Project(name=plan.name, root=plan.root, files=(), **plan.shared, journeys=journeys,
                          references=references, comments=self.comments)
        if self.per_journey is not None:
            result.extras = {jid: self.per_journey(project, journey) for jid, journey in journeys.items()}
        if self.run is None:
            return result
        suppressions = Suppressions.collect(project)
        result.findings = self.run.apply(project, suppressions, has_errors=False, scopes=("journey",))
        result.suppressions = suppressions.items
        first_references = {}
        for reference in references:
            first_references.setdefault((reference.kind, reference.target), reference)
        result.references = list(first_references.values())
        return result


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
                config.name, str(root))
    return plan, list(linker.diagnostics), linker


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
    sizes = [_size(path) for path in paths]
    for order in sorted(range(len(paths)), key=lambda number: (-sizes[number], number)):
        lightest = loads.index(min(loads))
        shards[lightest].append((order, paths[order]))
        loads[lightest] += sizes[order]
    return [sorted(shard, key=lambda item: item[0]) for shard in shards if shard]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class _Child:
    """A forked process that runs one shard and talks to the main process over a pipe."""

    def __init__(self, shard: Shard):
        context = multiprocessing.get_context("fork")
        self.connection, child_end = context.Pipe()
        self.process = context.Process(target=_child_main, args=(child_end, shard), daemon=True)
        self.process.start()
        child_end.close()

    def receive(self) -> Any:
        status, payload = self._receive()
        if status == "result":  # a Result, then its journeys in parts (see _send_result)
            while True:
                status, part = self._receive()
                if status == "end":
                    break
                journeys, extras = part
                payload.journeys.extend(journeys)
                payload.extras.update(extras)
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
        self.connection.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()


PART = 64  # journeys per message: pickling 500 linked journeys at once took ~70 MB of buffer and memo


def _send_result(connection: Any, result: Result) -> None:
    journeys, extras = result.journeys, result.extras
    result.journeys, result.extras = [], {}
    connection.send(("result", result))
    for start in range(0, len(journeys), PART):
        part = journeys[start:start + PART]
        connection.send(("part", (part, {jid: extras[jid] for jid, *_ in part if jid in extras})))
    connection.send(("end", None))


def _child_main(connection: Any, shard: Shard) -> None:
    status = 0
    try:
        gc.disable()
        connection.send(("ok", shard.load()))
        plan = connection.recv()
        _send_result(connection, shard.finish(plan))
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
