"""Benchmark runner: cjmc against the floors this machine shows in the same run.

    python bench/run.py                 # N = 100 and N = 1000
    python bench/run.py --sizes 100 --runs 3

For each N it generates the seeded corpus (bench/generate.py), then times, as
separate processes and in rounds (each round runs every figure once, so a
floor and what is judged against it share the machine's minutes; see
:class:`Rounds`), each with its median of ``--runs`` rounds and two peaks of
memory: the largest single process's maximum resident set size, and the
summed proportional set size of the command and every process it starts
(workers, Graphviz), sampled every 20 ms:

- the floors: PyYAML's C loader reading every map file; Graphviz alone
  rendering the same DOT files, one batch per core, all batches at once
  (the engine ``build`` uses by default, and Graphviz's own ``dot`` when
  installed, with a ``build --engine dot`` row judged against it);
- ``cjmc validate``, ``lint``, ``lint --cache`` (cold, then after editing one
  journey), ``render --all``, ``build``, a ``build`` after
  editing one journey, ``cjmc --help``; ``check-jsonschema`` when installed.

Every figure is printed with its ratio to the floor it is judged against, so
the table holds on a noisy machine. Nothing here is a unit test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from generate import generate  # noqa: E402

LOAD_FLOOR = """
import sys, yaml, pathlib
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.yaml")):
    list(yaml.load_all(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader))
"""

DOT_FLOOR = """
import os, subprocess, sys
engine, folder = sys.argv[1], sys.argv[2]
files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".dot"))
cores = os.cpu_count() or 1
batches = [files[i::cores] for i in range(cores)]
procs = [subprocess.Popen([engine, "-Tsvg", "-O", *batch]) for batch in batches if batch]
sys.exit(max(p.wait() for p in procs) if procs else 0)
"""


@dataclass
class Measure:
    seconds: float
    peak_mb: float   # the largest single process (its maximum resident set size)
    total_mb: float  # all the command's processes together (proportional set size, sampled)


# A small process that starts the command and reports its wall time and the
# peak resident set of its largest process (wait4); with "sample", also the
# peak of the summed proportional set size (PSS) of the command and every
# process it starts, sampled every 20 ms. Sampling costs CPU (reading
# smaps_rollup walks page tables), so timed runs never sample: the PSS figure
# comes from one extra run. Measured from this large runner directly, a
# child's peak would include the runner's (fork, and glibc's posix_spawn via
# CLONE_VM, both count the parent's pages until exec). PSS shares pages
# between the processes that map them, so forked workers are not counted twice.
LAUNCHER = """
import json, os, sys, time
def tree(pid):
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return found
def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
os.chdir(sys.argv[1])
sample = sys.argv[2] == "sample"
argv = sys.argv[3:]
actions = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
start = time.perf_counter()
pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
peak_total = 0
while sample:
    done, status, usage = os.wait4(pid, os.WNOHANG)
    if done:
        break
    peak_total = max(peak_total, sum(pss_kb(p) for p in tree(pid)))
    time.sleep(0.02)
if not sample:
    _, status, usage = os.wait4(pid, 0)
print(json.dumps([os.waitstatus_to_exitcode(status), time.perf_counter() - start, usage.ru_maxrss, peak_total]))
"""


def run_once(argv: list[str], cwd: Path | None = None, sample: bool = False) -> Measure:
    """Run ``argv``: its wall time, its largest process's peak memory and (``sample``) its processes' summed peak."""
    import json

    done = subprocess.run([sys.executable, "-c", LAUNCHER, str(cwd or Path.cwd()), "sample" if sample else "time",
                           *argv],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"launcher failed: {done.stderr}")
    code, seconds, peak_kb, total_kb = json.loads(done.stdout.strip().splitlines()[-1])
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({code}):\n{done.stderr}")
    return Measure(seconds, peak_kb / 1024, (total_kb or peak_kb) / 1024)  # 0: it ended before the first sample


def median_of(runs: int, argv: list[str], before=None, cwd: Path | None = None) -> Measure:
    """The median time of ``runs`` runs, then one more run sampled for memory (sampling would skew the time)."""
    return Rounds(runs).measured([Figure("", argv, before, cwd)])[""]


@dataclass
class Figure:
    """One figure of the table: a command, and what must happen before each run of it."""

    name: str
    argv: list[str]
    before: Any = None
    cwd: Path | None = None


class Rounds:
    """Figures measured in rounds: each round runs every figure once, in order.

    The floors and the commands judged against them are then timed across
    the same minutes. Timing each figure's runs back to back, a floor
    measured in a quiet minute and a command in a busy one (this machine's
    speed moves by 25 % within an hour) gave ratios that said more about
    the minute than about cjmc. A figure is the median of its ``runs``
    timed runs; one more round, sampled, gives the memory figures.
    """

    def __init__(self, runs: int):
        self.runs = runs

    def measured(self, figures: list[Figure]) -> dict[str, Measure]:
        results: dict[str, list[Measure]] = {figure.name: [] for figure in figures}
        for round_number in range(self.runs + 1):
            for figure in figures:
                if figure.before:
                    figure.before()
                results[figure.name].append(run_once(figure.argv, figure.cwd, sample=round_number == self.runs))
        return {name: Measure(statistics.median(r.seconds for r in measures[:self.runs]),
                              max(r.peak_mb for r in measures), measures[self.runs].total_mb)
                for name, measures in results.items()}


def cjmc(*args: str) -> list[str]:
    return [sys.executable, "-m", "cjmc", *args]


def write_dot_files(project: Path, out: Path, result=None) -> None:
    """The DOT a cold build lays out, one file a graph: each journey's flow and the portfolio map(s) the
    site shows (past 50 journeys one per persona, see ``site.portfolio_map``). ``result``: the project's
    compilation, when the caller has it."""
    from cjmc.pipeline import compile_project
    from cjmc.site.builder import journey_diagrams, portfolio_map_dots, portfolio_maps

    result = result or compile_project(project)
    out.mkdir(parents=True, exist_ok=True)
    for journey in result.project.journeys.values():
        (out / f"{journey.id}.dot").write_text(journey_diagrams(result.project, journey)[0], encoding="utf-8")
    for name, (dot, _) in portfolio_map_dots(result.project, portfolio_maps(result.config, result.project)).items():
        (out / f"{name}.dot").write_text(dot, encoding="utf-8")


def write_render_dot_files(project: Path, out: Path, result=None) -> None:
    """The DOT ``cjmc render --all`` lays out: each journey's flow (no links) and the whole portfolio map."""
    from cjmc.pipeline import compile_project
    from cjmc.render import api

    result = result or compile_project(project)
    out.mkdir(parents=True, exist_ok=True)
    for journey in result.project.journeys.values():
        (out / f"{journey.id}.dot").write_text(api.journey_flow_dot(result.project, journey), encoding="utf-8")
    (out / "portfolio.dot").write_text(api.portfolio_dot(result.project), encoding="utf-8")


def engine_path() -> str:
    from cjmc.render.engines import find_engine

    return find_engine("auto").path


def bench_size(n: int, runs: int, work: Path) -> tuple[list[tuple[str, Measure, str]], list[tuple[str, str, bool]]]:
    project = work / f"n{n}"
    if project.exists():
        shutil.rmtree(project)
    generate(n, project, seed=1)
    site = work / f"site{n}"
    dots, render_dots = work / f"dots{n}", work / f"render-dots{n}"
    from cjmc.pipeline import compile_project

    compiled = compile_project(project)  # once for both sets of DOT files (~3 s at 1,000 journeys)
    write_dot_files(project, dots, compiled)
    write_render_dot_files(project, render_dots, compiled)
    engine = engine_path()

    def clean_dots() -> None:
        for svg in [*dots.glob("*.svg"), *render_dots.glob("*.svg")]:
            svg.unlink()

    render_dir = work / f"render{n}"

    def clean_render() -> None:
        shutil.rmtree(render_dir, ignore_errors=True)

    def clean_cache() -> None:
        shutil.rmtree(project / ".cjmc-cache", ignore_errors=True)

    def clean_build() -> None:
        shutil.rmtree(site, ignore_errors=True)
        clean_cache()

    journey_file = sorted((project / "maps" / "journeys").glob("*.yaml"))[0]
    original = journey_file.read_text(encoding="utf-8")
    counter = iter(range(1_000_000))

    def edit_one() -> None:
        journey_file.write_text(original.replace("title: ", f"title: Edited {next(counter)} ", 1), encoding="utf-8")

    engine_name = Path(engine).name
    figures = [
        Figure("load", [sys.executable, "-c", LOAD_FLOOR, str(project / "maps")]),
        Figure("dot", [sys.executable, "-c", DOT_FLOOR, engine, str(dots)], clean_dots),
        # render --all lays out other graphs: flows without links, and the whole portfolio map (~7 s on one
        # core at 1,000 journeys), which the site replaces with one map per persona past 50 journeys.
        Figure("render dot", [sys.executable, "-c", DOT_FLOOR, engine, str(render_dots)], clean_dots),
        Figure("validate", cjmc("validate", str(project))),
        Figure("lint", cjmc("lint", str(project), "--fail-on", "never")),
        # CI with its cache restored: `lint --cache` with none, then again after editing one journey.
        Figure("lint cache cold", cjmc("lint", str(project), "--fail-on", "never", "--cache"), clean_cache),
        Figure("lint cached", cjmc("lint", str(project), "--fail-on", "never", "--cache"), edit_one),
        Figure("render", cjmc("render", "--all", "-p", str(project), "-o", str(render_dir)), clean_render),
    ]
    debian_dot = shutil.which("dot")
    with_dot = bool(debian_dot) and Path(debian_dot).resolve() != Path(engine).resolve()
    if with_dot:
        # The same build with Graphviz's own dot, judged against dot's floor (the definition).
        figures += [Figure("debian dot", [sys.executable, "-c", DOT_FLOOR, debian_dot, str(dots)], clean_dots),
                    Figure("build dot", cjmc("build", str(project), "-o", str(site), "--engine", "dot"),
                           clean_build)]
    # In this order in every round: a cold build, the same again with its caches, then after an edit.
    figures += [Figure("build", cjmc("build", str(project), "-o", str(site)), clean_build),
                Figure("unchanged", cjmc("build", str(project), "-o", str(site))),
                Figure("incremental", cjmc("build", str(project), "-o", str(site)), edit_one)]
    try:
        measured = Rounds(runs).measured(figures)
    finally:
        journey_file.write_text(original, encoding="utf-8")
    load, dot, render_dot = measured["load"], measured["dot"], measured["render dot"]
    lint, build, incremental = measured["lint"], measured["build"], measured["incremental"]

    def ratio(m: Measure, base: float, name: str) -> str:
        return f"{m.seconds / base:.2f} × {name}"

    rows: list[tuple[str, Measure, str]] = [
        ("floor: PyYAML C loader, all files", load, "1.00 × load"),
        (f"floor: {engine_name} alone, one batch per core", dot, "1.00 × dot"),
        (f"floor: {engine_name} alone on render --all's graphs, one batch per core", render_dot,
         "1.00 × render dot"),
        ("cjmc validate", measured["validate"], ratio(measured["validate"], load.seconds, "load")),
        ("cjmc lint", lint, ratio(lint, load.seconds, "load")),
        ("cjmc lint --cache (cold cache)", measured["lint cache cold"], ratio(measured["lint cache cold"],
                                                                             lint.seconds, "lint")),
        ("cjmc lint --cache after editing one journey", measured["lint cached"],
         ratio(measured["lint cached"], lint.seconds, "lint")),
    ]
    peer = None
    if shutil.which("check-jsonschema"):  # ~50 s at 1,000 journeys: one run, after the rounds
        files = [str(p) for p in sorted((project / "maps" / "journeys").glob("*.yaml"))]
        peer = median_of(1, ["check-jsonschema", "--schemafile", str(REPO / "schemas" / "journey.schema.json"),
                             *files])
        rows.append(("check-jsonschema (journeys only)", peer,
                     f"cjmc lint is {peer.seconds / lint.seconds:.0f} × faster"))
    rows.append(("cjmc render --all (cold cache)", measured["render"],
                 ratio(measured["render"], render_dot.seconds, "render dot")))
    rows.append(("cjmc build (cold)", build, ratio(build, load.seconds + dot.seconds, "(load + dot)")))
    if with_dot:
        rows.append(("floor: dot alone, one batch per core", measured["debian dot"], "1.00 × dot"))
        rows.append(("cjmc build --engine dot (cold)", measured["build dot"],
                     ratio(measured["build dot"], load.seconds + measured["debian dot"].seconds, "(load + dot)")))
    rows.append(("cjmc build, nothing changed", measured["unchanged"],
                 ratio(measured["unchanged"], build.seconds, "cold build")))
    rows.append(("cjmc build after editing one journey", incremental,
                 ratio(incremental, build.seconds, "cold build")))
    help_run = median_of(max(runs, 5), cjmc("--help"))
    rows.append(("cjmc --help", help_run, f"{help_run.seconds:.3f} s (target ≤ 0.15 s)"))

    commands = [(name, m) for name, m, _ in rows if name.startswith("cjmc ")]
    largest = max(commands, key=lambda item: item[1].peak_mb)
    together = max(commands, key=lambda item: item[1].total_mb)
    targets = [
        ("lint ≤ 0.6 × load", f"{lint.seconds / load.seconds:.2f} ×", lint.seconds <= 0.6 * load.seconds),
        ("build ≤ 1.0 × (load + dot)", f"{build.seconds / (load.seconds + dot.seconds):.2f} ×",
         build.seconds <= load.seconds + dot.seconds),
        ("rebuild after one edit ≤ 10 % of a cold build", f"{incremental.seconds / build.seconds * 100:.1f} %",
         incremental.seconds <= 0.10 * build.seconds),
        ("peak memory ≤ 400 MB, largest process", f"{largest[1].peak_mb:.0f} MB ({largest[0]})",
         largest[1].peak_mb <= 400),
        ("peak memory ≤ 400 MB, all processes", f"{together[1].total_mb:.0f} MB ({together[0]})",
         together[1].total_mb <= 400),
        ("cjmc --help ≤ 0.15 s", f"{help_run.seconds:.3f} s", help_run.seconds <= 0.15),
    ]
    if peer is not None:
        targets.insert(1, ("lint ≥ 40 × faster than check-jsonschema", f"{peer.seconds / lint.seconds:.0f} ×",
                           peer.seconds >= 40 * lint.seconds))
    return rows, targets


def byte_compile_cjmc() -> None:
    """Write cjmc's ``.pyc`` files first, as installing a package does.

    A source checkout run with ``PYTHONDONTWRITEBYTECODE`` set (as in some
    sandboxes and CI images) compiles ~100 modules from source in every
    command: ~0.1 s that an installed cjmc never pays, and that would count
    against cjmc and not against the floors.
    """
    import compileall

    import cjmc

    compileall.compile_dir(Path(cjmc.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is shown)")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="cjmc-bench-"))
    byte_compile_cjmc()
    print(f"cjmc benchmark · {os.cpu_count()} cores · Python {sys.version.split()[0]} · median of {args.runs} runs")
    for n in args.sizes:
        rows, targets = bench_size(n, args.runs, work)
        print(f"\nN = {n} journeys\n")
        print("| what | median s | peak MB, largest process | peak MB, all processes (PSS) | ratio |")
        print("|---|---:|---:|---:|---|")
        for name, measure, ratio in rows:
            print(f"| {name} | {measure.seconds:.3f} | {measure.peak_mb:.0f} | {measure.total_mb:.0f} | {ratio} |")
        print(f"\nTargets at N = {n} (the performance issue's; judged at N = 1000)\n")
        print("| target | figure | holds |")
        print("|---|---|---|")
        for target, figure, holds in targets:
            print(f"| {target} | {figure} | {'yes' if holds else 'no'} |")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
