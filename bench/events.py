#!/usr/bin/env python3
"""Seeded generator of a realistic event log for a cjmc project (for ``cjmc observe``).

Usage::

    python bench/events.py [PROJECT] OUT.csv [--customers 10000] [--seed 1] [--parquet]
                           [--start 2026-09-01] [--days 60]

PROJECT defaults to the example project (``examples/``). Writes ``case_id,
timestamp, event`` rows (CSV, or Parquet with ``--parquet``, which needs
duckdb). The same project, seed and options give byte-identical output.

How customers behave:

- Each customer (a ``case_id``) enters one of the project's ``current``
  journeys (``future`` ones are designs, nobody can follow them yet), more
  often one that no other current journey leads to; after completing a
  journey they go on to one of its ``followed_by`` journeys half the time,
  under the same case id.
- They walk the declared flow from its start. At a branch they pick a
  successor by weight: an ``x-weights: {step: weight}`` extension on the step
  when it has one; otherwise a ``dropped`` exit branch takes a share that
  grows with the step's worst pain point (none 8 %, low 12 %, medium 20 %,
  high 35 %, critical 60 %) and the other successors share the rest equally,
  except that going back to an earlier step is half as likely.
- They vanish (last seen at an ordinary step) with 2 % probability per step,
  plus 2 / 5 / 10 / 15 % for a low / medium / high / critical pain point and
  3 % more when the step's emotion is -2.
- 3 % of the time they take an undeclared detour: back to a step they came
  through (not declared as a loop), or skipping ahead past a successor.
- Each visit emits the step's ``events:`` (the first always, each further one
  with probability 0.7), or ``<journey>.<step>`` when it lists none, the
  implicit name ``cjmc observe`` matches; now and then the same event twice
  (a reload), and 15 % of the time an event no step uses (``page_view``,
  ...), which ``cjmc observe`` counts as unmatched.
- Time moves on by a log-normal gap: about 40 s within a stage, 15 min to a
  new stage, 3 days to a follow-on journey.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EXIT_SHARE = {None: 0.08, "low": 0.12, "medium": 0.20, "high": 0.35, "critical": 0.60}
VANISH = {None: 0.0, "low": 0.02, "medium": 0.05, "high": 0.10, "critical": 0.15}
SEVERITY_ORDER = ("low", "medium", "high", "critical")
NOISE = ("page_view", "session_start", "app_open", "scroll_depth_50", "cookie_banner_closed")
DETOUR = 0.03
BASE_VANISH = 0.02
FOLLOW_ON = 0.5
MAX_VISITS = 60


@dataclass
class StepPlan:
    id: str
    stage: str
    index: int
    events: tuple[str, ...]
    exit: str | None
    successors: tuple[str, ...]
    weights: tuple[float, ...]
    vanish: float


@dataclass
class JourneyPlan:
    id: str
    start: str
    steps: dict[str, StepPlan]
    order: tuple[str, ...]
    followed_by: tuple[str, ...]


def _worst(step) -> str | None:
    found = [pp.severity for pp in step.pain_points if pp.severity in SEVERITY_ORDER]
    return max(found, key=SEVERITY_ORDER.index) if found else None


def plan_journeys(project) -> dict[str, JourneyPlan]:
    plans = {}
    current = {jid for jid, j in project.journeys.items() if j.state == "current"}
    for jid in sorted(current, key=list(project.journeys).index):
        journey = project.journeys[jid]
        flow = journey.flow
        index = {s.id: s.index for s in journey.steps}
        steps = {}
        for step in journey.steps:
            succ = tuple(flow.successors.get(step.id, ()))
            worst = _worst(step)
            custom = (step.extensions or {}).get("x-weights")
            if isinstance(custom, dict):
                weights = tuple(float(custom.get(s, 0) or 0) for s in succ)
            else:
                exits = [s for s in succ if flow.exits.get(s) == "dropped"]
                others = [s for s in succ if s not in exits]
                raw = {}
                for s in others:
                    raw[s] = 0.5 if index[s] <= step.index else 1.0
                total = sum(raw.values())
                share = EXIT_SHARE[worst] if others else 1.0
                weights = tuple((share / len(exits)) if s in exits else (1 - share) * raw[s] / total
                                for s in succ) if exits else tuple(raw[s] / total for s in succ)
            vanish = BASE_VANISH + VANISH[worst] + (0.03 if step.emotion is not None and step.emotion <= -2 else 0)
            events = tuple(step.events) or (f"{jid}.{step.id}",)
            steps[step.id] = StepPlan(step.id, step.stage, step.index, events, flow.exits.get(step.id), succ,
                                      weights, vanish if index[step.id] > 0 else 0.0)
        plans[jid] = JourneyPlan(jid, flow.start, steps, tuple(s.id for s in journey.steps),
                                 tuple(j for j in journey.followed_by if j in current))
    return plans


def entry_weights(project, plans) -> list[float]:
    led_to = {j for p in plans.values() for j in p.followed_by}
    return [1.0 if jid in led_to else 3.0 for jid in plans]


def _gap(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def walk(rng: random.Random, plan: JourneyPlan, t: float, emit) -> tuple[float, bool]:
    """One case through one journey; returns (time, completed)."""
    current = plan.start
    path: list[str] = []
    previous_stage = None
    for _ in range(MAX_VISITS):
        step = plan.steps[current]
        if path:
            t += _gap(rng, 40.0, 0.9) if step.stage == previous_stage else _gap(rng, 900.0, 1.5)
        previous_stage = step.stage
        path.append(current)
        emit(t, step.events[0])
        for name in step.events[1:]:
            if rng.random() < 0.7:
                t += _gap(rng, 5.0, 0.5)
                emit(t, name)
        if rng.random() < 0.05:
            t += _gap(rng, 8.0, 0.5)
            emit(t, step.events[0])
        if rng.random() < 0.15:
            emit(t + _gap(rng, 3.0, 0.5), NOISE[rng.randrange(len(NOISE))])
        if step.exit is not None or not step.successors:
            return t, step.exit == "completed"
        if rng.random() < step.vanish:
            return t, False
        if rng.random() < DETOUR:
            detour = _detour(rng, plan, step, path)
            if detour is not None:
                current = detour
                continue
        current = rng.choices(step.successors, weights=step.weights)[0]
    return t, False


def _detour(rng: random.Random, plan: JourneyPlan, step: StepPlan, path: list[str]) -> str | None:
    if rng.random() < 0.6:
        back = [s for s in reversed(path[:-1]) if s not in step.successors and s != step.id]
        return back[0] if back else None
    ahead = [s2 for s in step.successors for s2 in plan.steps[s].successors
             if s2 not in step.successors and s2 != step.id and plan.steps[s2].exit != "dropped"]
    return rng.choice(ahead) if ahead else None


def generate(project_root: str | Path, out: str | Path, *, customers: int = 10000, seed: int = 1,
             parquet: bool = False, start: str = "2026-09-01", days: int = 60) -> dict:
    """Write the event log; returns counts (events, customers, seconds)."""
    from cjmc.pipeline import compile_project

    began = time.perf_counter()
    compilation = compile_project(project_root)
    if not compilation.valid:
        raise SystemExit(f"{project_root}: the maps have errors; run cjmc validate")
    plans = plan_journeys(compilation.project)
    if not plans:
        raise SystemExit(f"{project_root}: no journey with state current")
    rng = random.Random(seed)
    ids = list(plans)
    weights = entry_weights(compilation.project, plans)
    epoch = dt.datetime.fromisoformat(start).replace(tzinfo=dt.timezone.utc).timestamp()
    span = days * 86400
    out = Path(out)
    target = out
    if parquet:
        fd, tmp = tempfile.mkstemp(suffix=".csv", dir=out.parent if out.parent.exists() else None)
        os.close(fd)
        target = Path(tmp)
    count = 0
    with open(target, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("case_id", "timestamp", "event"))
        rows: list = []
        for number in range(1, customers + 1):
            case = f"c{number:08d}"

            def emit(t: float, name: str, case=case) -> None:
                rows.append((case, t, name))

            t = epoch + rng.random() * span
            jid = rng.choices(ids, weights=weights)[0]
            while True:
                t, completed = walk(rng, plans[jid], t, emit)
                nexts = plans[jid].followed_by
                if not completed or not nexts or rng.random() >= FOLLOW_ON:
                    break
                jid = nexts[rng.randrange(len(nexts))]
                t += _gap(rng, 3 * 86400.0, 0.8)
            if len(rows) >= 100_000 or number == customers:
                writer.writerows((c, _iso(ts), name) for c, ts, name in rows)
                count += len(rows)
                rows.clear()
    if parquet:
        import duckdb

        con = duckdb.connect()
        try:
            path = str(target).replace("'", "''")
            dest = str(out).replace("'", "''")
            con.execute(f"COPY (SELECT case_id, CAST(timestamp AS TIMESTAMP) AS timestamp, event "
                        f"FROM read_csv('{path}', header = true, all_varchar = true)) "
                        f"TO '{dest}' (FORMAT parquet)")
        finally:
            con.close()
            os.unlink(target)
    return {"events": count, "customers": customers, "seconds": time.perf_counter() - began}


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(round(ts), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", metavar="[PROJECT] OUT",
                        help="project folder (default: examples) and output file")
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--parquet", action="store_true", help="write Parquet (needs duckdb)")
    parser.add_argument("--start", default="2026-09-01", help="first day customers may start (UTC)")
    parser.add_argument("--days", type=int, default=60, help="days over which customers start")
    args = parser.parse_args(argv)
    if len(args.paths) > 2:
        parser.error("give at most PROJECT and OUT")
    project, out = (ROOT / "examples", args.paths[0]) if len(args.paths) == 1 else args.paths
    stats = generate(project, out, customers=args.customers, seed=args.seed, parquet=args.parquet,
                     start=args.start, days=args.days)
    print(f"wrote {stats['events']} events for {stats['customers']} customers to {out} "
          f"in {stats['seconds']:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
