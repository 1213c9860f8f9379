"""Tests for the benchmark corpus generator (bench/generate.py).

The checks here are written against /work/shared/FORMAT.md directly (ids,
uniqueness, reference resolution, flow reachability, allowed keys), not
against cjmc itself, so that the corpus can be trusted as benchmark input
before the compiler is complete.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import subprocess
import sys
from collections import deque
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "bench" / "generate.py"
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_generator():
    spec = importlib.util.spec_from_file_location("cjmc_bench_generate", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module        # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


# --------------------------------------------------------------------------
# Keys allowed by FORMAT.md (plus `x-*` anywhere, plus the `events` extension)
# --------------------------------------------------------------------------

PERSONA_KEYS = {"kind", "id", "name", "summary", "description", "segment", "quote", "goals",
                "frustrations", "motivations", "channels", "tags"}
CATALOG_KEYS = {"kind", "channels", "teams", "touchpoints", "metrics", "evidence"}
SECTION_KEYS = {
    "channels": {"id", "name", "description"},
    "teams": {"id", "name", "description"},
    "touchpoints": {"id", "name", "channel", "owner", "url", "description"},
    "metrics": {"id", "name", "unit", "better", "description"},
    "evidence": {"id", "title", "type", "date", "sample_size", "url", "description"},
}
JOURNEY_KEYS = {"kind", "id", "title", "personas", "description", "goal", "business_goal",
                "owner", "state", "last_reviewed", "tags", "preceded_by", "followed_by",
                "kpis", "lint_ignore", "stages"}
STAGE_KEYS = {"id", "name", "description", "goal", "kpis", "lint_ignore", "steps"}
STEP_KEYS = {"id", "name", "description", "touchpoint", "channel", "emotion", "thoughts",
             "questions", "backstage", "evidence", "moment_of_truth", "metrics",
             "pain_points", "opportunities", "next", "exit", "lint_ignore"}
PAIN_KEYS = {"id", "text", "severity", "evidence"}
OPP_KEYS = {"id", "text", "addresses", "owner", "status"}
METRIC_USE_KEYS = {"metric", "target", "actual"}


def check_keys(mapping: dict, allowed: set, where: str, problems: list) -> None:
    assert isinstance(mapping, dict), f"{where}: not a mapping"
    for key in mapping:
        if not isinstance(key, str) or (key not in allowed and not key.startswith("x-")):
            problems.append(f"{where}: unknown key {key!r}")


# --------------------------------------------------------------------------
# Loading and checking a generated project
# --------------------------------------------------------------------------

def load_project(root: Path) -> dict:
    """All documents of the project, grouped by kind, with their file names."""
    config = yaml.load((root / "cjmc.yaml").read_text(encoding="utf-8"), Loader=Loader)
    assert isinstance(config.get("name"), str)
    assert config["maps"] == ["maps/**/*.yaml", "maps/**/*.yml"]
    docs: dict[str, list] = {"persona": [], "catalog": [], "journey": []}
    for path in sorted((root / "maps").rglob("*.yaml")):
        for doc in yaml.load_all(path.read_text(encoding="utf-8"), Loader=Loader):
            if doc is None:
                continue
            assert isinstance(doc, dict), f"{path}: document is not a mapping"
            assert doc.get("kind") in docs, f"{path}: bad kind {doc.get('kind')!r}"
            docs[doc["kind"]].append((path, doc))
    return docs


def successors(steps: list[dict], index: int) -> list[int]:
    """Flow rules of FORMAT.md section 5: explicit next replaces the default."""
    step = steps[index]
    if "exit" in step:
        return []
    position = {s["id"]: i for i, s in enumerate(steps)}
    if "next" in step:
        return [position[t] for t in step["next"]]
    return [index + 1] if index + 1 < len(steps) else []


def reachable(steps: list[dict]) -> set[int]:
    seen = {0}
    todo = deque([0])
    while todo:
        for nxt in successors(steps, todo.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def check_project(root: Path, events: bool = False) -> dict:
    """Assert everything FORMAT.md demands of references and ids; return stats."""
    docs = load_project(root)
    problems: list[str] = []
    step_keys = STEP_KEYS | ({"events"} if events else set())

    def bad_id(value, where):
        if not isinstance(value, str) or not ID_RE.match(value):
            problems.append(f"{where}: bad id {value!r}")

    # ---- catalog and personas: ids, uniqueness across the project ----------
    defined: dict[str, dict] = {k: {} for k in
                                ("channels", "teams", "touchpoints", "metrics", "evidence",
                                 "personas", "journeys")}
    all_ids: dict[str, str] = {}       # every project-wide id, to prove no clashes at all

    def define(section, item_id, item, where):
        bad_id(item_id, where)
        if item_id in defined[section]:
            problems.append(f"{where}: duplicate {section} id {item_id}")
        if item_id in all_ids and all_ids[item_id] != section:
            problems.append(f"{where}: id {item_id} also used by {all_ids[item_id]}")
        defined[section][item_id] = item
        all_ids[item_id] = section

    for path, doc in docs["catalog"]:
        check_keys(doc, CATALOG_KEYS, path.name, problems)
        for section, keys in SECTION_KEYS.items():
            for item in doc.get(section, []):
                check_keys(item, keys, f"{path.name}:{section}", problems)
                define(section, item["id"], item, f"{path.name}:{section}")
    for path, doc in docs["persona"]:
        check_keys(doc, PERSONA_KEYS, path.name, problems)
        assert doc["name"]
        define("personas", doc["id"], doc, path.name)
    for path, doc in docs["journey"]:
        check_keys(doc, JOURNEY_KEYS, path.name, problems)
        define("journeys", doc["id"], doc, path.name)
        assert path.name == f"{doc['id']}.yaml"

    assert len(defined["channels"]) >= 6
    assert len(defined["teams"]) >= 8
    assert len(defined["touchpoints"]) >= 50
    assert len(defined["metrics"]) >= 15
    assert len(defined["evidence"]) >= 30
    assert len(defined["personas"]) >= 5

    def ref(section, value, where):
        if value not in defined[section]:
            problems.append(f"{where}: unresolved {section} reference {value!r}")

    def metric_uses(uses, where):
        for use in uses:
            check_keys(use, METRIC_USE_KEYS, where, problems)
            ref("metrics", use["metric"], where)
            for key in ("target", "actual"):
                if key in use and not isinstance(use[key], (int, float)):
                    problems.append(f"{where}: {key} is not a number")

    for item in defined["touchpoints"].values():
        ref("channels", item["channel"], f"touchpoint {item['id']}")
        if "owner" in item:
            ref("teams", item["owner"], f"touchpoint {item['id']}")
    for item in defined["metrics"].values():
        assert item["better"] in ("higher", "lower") and "unit" in item
    for item in defined["evidence"].values():
        assert item["type"] in ("survey", "interview", "analytics", "review", "social",
                                "observation", "support", "other")
        assert isinstance(item["date"], dt.date) and isinstance(item["sample_size"], int)
    for item in defined["personas"].values():
        for channel in item.get("channels", []):
            ref("channels", channel, f"persona {item['id']}")

    # ---- journeys ------------------------------------------------------------
    stats = {"steps": 0, "next": 0, "loops": 0, "dropped": 0, "future": 0, "mot": 0,
             "pain_points": 0, "opportunities": 0, "links": 0}
    for path, j in docs["journey"]:
        jw = j["id"]
        assert j["title"] and j["description"] and j["goal"] and j["business_goal"]
        assert "**" in j["description"] and "\n- " in j["description"] and "](http" in j["description"]
        assert j.get("state", "current") in ("current", "future")
        stats["future"] += j.get("state") == "future"
        assert isinstance(j["last_reviewed"], dt.date) and j["last_reviewed"].year == 2026
        assert 1 <= len(j["personas"]) <= 2
        for p in j["personas"]:
            ref("personas", p, jw)
        ref("teams", j["owner"], jw)
        for key in ("preceded_by", "followed_by"):
            for other in j.get(key, []):
                ref("journeys", other, f"{jw}.{key}")
                stats["links"] += 1
        metric_uses(j.get("kpis", []), f"{jw}.kpis")

        steps: list[dict] = []
        local = {"stages": set(), "steps": set(), "pain_points": set(), "opportunities": set()}

        def local_id(kind, value, where):
            bad_id(value, where)
            if value in local[kind]:
                problems.append(f"{where}: duplicate {kind} id {value}")
            local[kind].add(value)

        addresses: list[tuple[str, str]] = []
        nexts: list[tuple[str, str]] = []
        assert j["stages"]
        for stage in j["stages"]:
            sw = f"{jw}/{stage['id']}"
            check_keys(stage, STAGE_KEYS, sw, problems)
            local_id("stages", stage["id"], sw)
            metric_uses(stage.get("kpis", []), f"{sw}.kpis")
            assert stage["steps"]
            for step in stage["steps"]:
                w = f"{sw}/{step['id']}"
                check_keys(step, step_keys, w, problems)
                local_id("steps", step["id"], w)
                steps.append(step)
                assert step["name"]
                if "touchpoint" in step:
                    ref("touchpoints", step["touchpoint"], w)
                    tp = defined["touchpoints"].get(step["touchpoint"])
                    if "channel" in step and tp and step["channel"] != tp["channel"]:
                        problems.append(f"{w}: channel differs from the touchpoint's")
                if "channel" in step:
                    ref("channels", step["channel"], w)
                if "emotion" in step:
                    assert type(step["emotion"]) is int and -2 <= step["emotion"] <= 2
                for e in step.get("evidence", []):
                    ref("evidence", e, w)
                metric_uses(step.get("metrics", []), f"{w}.metrics")
                if "moment_of_truth" in step:
                    assert step["moment_of_truth"]["why"]
                    assert step.get("metrics"), f"{w}: moment of truth without metric use"
                    stats["mot"] += 1
                assert len(step.get("pain_points", [])) <= 2
                for pp in step.get("pain_points", []):
                    check_keys(pp, PAIN_KEYS, w, problems)
                    local_id("pain_points", pp["id"], w)
                    assert pp["text"] and pp["severity"] in ("low", "medium", "high", "critical")
                    for e in pp.get("evidence", []):
                        ref("evidence", e, w)
                    stats["pain_points"] += 1
                for op in step.get("opportunities", []):
                    check_keys(op, OPP_KEYS, w, problems)
                    local_id("opportunities", op["id"], w)
                    assert op["text"] and op["status"] in ("idea", "planned", "in-progress", "done")
                    ref("teams", op["owner"], w)
                    addresses += [(w, a) for a in op["addresses"]]
                    stats["opportunities"] += 1
                if "exit" in step:
                    assert step["exit"] in ("dropped", "completed")
                    assert "next" not in step, f"{w}: exit with next"
                    stats["dropped"] += step["exit"] == "dropped"
                if "next" in step:
                    nexts += [(w, t) for t in step["next"]]
                    stats["next"] += 1
                if events:
                    assert step["events"] == [f"{jw}_{step['id']}_viewed"]
        for w, a in addresses:
            if a not in local["pain_points"]:
                problems.append(f"{w}: addresses unknown pain point {a!r}")
        order = [s["id"] for s in steps]
        for w, t in nexts:
            if t not in local["steps"]:
                problems.append(f"{w}: next names unknown step {t!r}")
            elif order.index(t) <= order.index(w.rsplit("/", 1)[1]):
                stats["loops"] += 1
        if not problems:
            unreached = set(range(len(steps))) - reachable(steps)
            for i in sorted(unreached):
                problems.append(f"{jw}: step {steps[i]['id']} is unreachable")
        stats["steps"] += len(steps)

    # preceded_by / followed_by are mirrored between consecutive journeys
    for jid, j in defined["journeys"].items():
        for other in j.get("followed_by", []):
            assert jid in defined["journeys"][other].get("preceded_by", [])

    assert not problems, "\n".join(problems[:50])
    stats["journeys"] = len(docs["journey"])
    return stats


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus3(tmp_path_factory) -> Path:
    return gen.generate(3, tmp_path_factory.mktemp("corpus3"), seed=1)


def test_deterministic(corpus3, tmp_path):
    again = gen.generate(3, tmp_path / "again", seed=1)
    first, second = tree_bytes(corpus3), tree_bytes(again)
    assert sorted(first) == ["cjmc.yaml", "maps/catalog.yaml", "maps/journeys/j00001.yaml",
                             "maps/journeys/j00002.yaml", "maps/journeys/j00003.yaml",
                             "maps/personas.yaml"]
    assert first == second


def test_seed_changes_output(corpus3, tmp_path):
    other = gen.generate(3, tmp_path / "seed2", seed=2)
    assert tree_bytes(other) != tree_bytes(corpus3)


def test_ids_references_and_reachability(corpus3):
    stats = check_project(corpus3)
    assert stats["journeys"] == 3
    assert stats["steps"] == 3 * 6 * 5


def test_size_per_journey(corpus3):
    for path in sorted((corpus3 / "maps" / "journeys").glob("*.yaml")):
        size = path.stat().st_size
        assert 12_000 <= size <= 25_000, f"{path.name}: {size} bytes"


def test_larger_corpus_has_the_promised_variety(tmp_path):
    stats = check_project(gen.generate(60, tmp_path / "c60", seed=7))
    steps = stats["steps"]
    assert 0.05 <= stats["next"] / steps <= 0.16          # ~10 % of steps branch
    assert stats["loops"] > 0 and stats["dropped"] > 0 and stats["links"] > 0
    assert 0.08 <= stats["future"] / stats["journeys"] <= 0.35
    assert stats["mot"] >= 0.7 * stats["journeys"] * 6
    assert stats["pain_points"] > 0 and stats["opportunities"] > 0


@pytest.mark.parametrize("seed,stages,steps", [(3, 1, 1), (4, 2, 2), (5, 3, 7), (6, 12, 3)])
def test_other_shapes_stay_valid(tmp_path, seed, stages, steps):
    root = gen.generate(8, tmp_path / "c", seed=seed, stages=stages, steps=steps)
    stats = check_project(root)
    assert stats["steps"] == 8 * stages * steps


def test_events_extension(tmp_path):
    assert gen.step_event_names("j00001", "sees-ad") == ["j00001_sees-ad_viewed"]
    plain = gen.generate(3, tmp_path / "plain", seed=1)
    with_events = gen.generate(3, tmp_path / "events", seed=1, events=True)
    check_project(with_events, events=True)
    assert "events:" not in (plain / "maps/journeys/j00001.yaml").read_text()
    # the events key is the only difference
    for name, data in tree_bytes(plain).items():
        stripped = b"\n".join(line for line in tree_bytes(with_events)[name].split(b"\n")
                              if not line.lstrip().startswith(b"events: "))
        assert stripped == data, name


def test_rerun_into_same_folder_drops_stale_journeys(tmp_path):
    gen.generate(5, tmp_path / "c", seed=1)
    root = gen.generate(2, tmp_path / "c", seed=1)
    assert sorted(p.name for p in (root / "maps/journeys").iterdir()) == ["j00001.yaml", "j00002.yaml"]
    check_project(root)


def test_cli(tmp_path):
    out = tmp_path / "cli"
    res = subprocess.run([sys.executable, str(GENERATOR), "3", str(out), "--seed", "1"],
                         capture_output=True, text=True, check=True)
    assert "bytes" in res.stdout
    total = sum(len(b) for b in tree_bytes(out).values())
    assert str(total) in res.stdout
    assert tree_bytes(out) == tree_bytes(gen.generate(3, tmp_path / "lib", seed=1))
    bad = subprocess.run([sys.executable, str(GENERATOR), "0", str(tmp_path / "x")],
                         capture_output=True, text=True)
    assert bad.returncode == 2
