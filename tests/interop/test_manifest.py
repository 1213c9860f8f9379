"""``cjmc export json``: the manifest matches its schema, the model and itself across runs."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from cjmc.cli.export_cmds import export_group
from cjmc.interop.manifest import build_manifest, dumps_manifest
from cjmc.lint.engine import lint_compilation
from cjmc.pipeline import compile_project

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
SCHEMA = json.loads((REPO / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))
TODAY = dt.date(2026, 11, 1)

TINY = {
    "maps/personas.yaml": "kind: persona\nid: p1\nname: Pat\n",
    "maps/catalog.yaml": """\
kind: catalog
channels: [{id: web, name: Web}]
teams: [{id: shop, name: Shop team}]
touchpoints: [{id: site, name: Site, channel: web, owner: shop}]
""",
    "maps/journey.yaml": """\
kind: journey
id: buy
title: Kaufen — schnell
personas: [p1]
owner: shop
x-jira: {project: CX, labels: [a, b], ratio: .nan, 1: one}
stages:
  - id: s1
    name: Stage one
    x-color: "#ff0000"
    steps:
      - id: a
        name: Sucht
        touchpoint: site
        x-note: [1, 2.5, true, null]
        next: [c]
      - id: b
        name: Never reached
      - id: c
        name: Pays
        exit: completed
""",
}


def write_project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def strict(schema: dict) -> dict:
    """The schema with every object closed, so a key the manifest writes but the schema omits fails."""
    schema = copy.deepcopy(schema)

    def close(node):
        if isinstance(node, dict):
            if "properties" in node and node.get("type") == "object":
                node.setdefault("additionalProperties", False)
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    close(schema)
    return schema


@pytest.fixture(scope="module")
def compiled():
    result = compile_project(EXAMPLES)
    assert result.valid, result.diagnostics
    return result


@pytest.fixture(scope="module")
def manifest(compiled):
    return build_manifest(compiled, today=TODAY)


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$id"] == "https://cjmc.dev/schemas/v1/manifest.schema.json"
    assert SCHEMA["properties"]["manifest_version"] == {**SCHEMA["properties"]["manifest_version"], "const": 1}


def test_every_schema_property_has_title_and_description() -> None:
    missing = []

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.get("properties", {}).items():
                if not value.get("title") or not value.get("description"):
                    missing.append(f"{path}/{key}")
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for value in node:
                walk(value, path)

    walk(SCHEMA, "")
    assert not missing


def test_example_manifest_validates(manifest) -> None:
    # Round-trip through the text so the check sees exactly what is written.
    data = json.loads(dumps_manifest(manifest))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    # Every key written is documented in the schema.
    errors = list(jsonschema.Draft202012Validator(strict(SCHEMA)).iter_errors(data))
    assert not errors, [f"{e.json_path}: {e.message}" for e in errors[:5]]


def test_schema_rejects_other_versions(manifest) -> None:
    data = json.loads(dumps_manifest(manifest))
    data["manifest_version"] = 2
    assert not jsonschema.Draft202012Validator(SCHEMA).is_valid(data)


def test_manifest_is_byte_identical_across_runs() -> None:
    first = dumps_manifest(build_manifest(compile_project(EXAMPLES), today=TODAY))
    second = dumps_manifest(build_manifest(compile_project(EXAMPLES), today=TODAY))
    assert first == second
    assert first.endswith("}\n")
    assert "£" in first  # ensure_ascii=False: non-ASCII kept as characters


def test_cli_output_is_byte_identical_across_runs(tmp_path: Path) -> None:
    runner = CliRunner()
    outputs = []
    for name in ("one.json", "two.json"):
        result = runner.invoke(export_group, ["json", str(EXAMPLES), "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["manifest_version"] == 1


def test_counts_match_the_model(compiled, manifest) -> None:
    project = compiled.project
    journeys = list(project.journeys.values())
    assert [j["id"] for j in manifest["journeys"]] == list(project.journeys)
    assert [p["id"] for p in manifest["personas"]] == list(project.personas)
    assert [t["id"] for t in manifest["touchpoints"]] == list(project.touchpoints)
    for kind in ("channels", "teams", "metrics", "evidence"):
        assert [item["id"] for item in manifest[kind]] == list(getattr(project, kind)), kind

    steps = [s for j in manifest["journeys"] for st in j["stages"] for s in st["steps"]]
    assert len(steps) == sum(len(j.steps) for j in journeys)
    assert [s["id"] for s in steps] == [s.id for j in journeys for s in j.steps]
    pain_points = [pp for s in steps for pp in s["pain_points"]]
    assert len(pain_points) == sum(len(j.pain_points) for j in journeys)
    summary = manifest["summary"]
    assert summary["journeys"] == len(journeys) == 6
    assert summary["steps"] == len(steps)
    assert summary["pain_points"] == len(pain_points)
    assert summary["opportunities"] == sum(len(j.opportunities) for j in journeys)


def _journey(manifest, journey_id):
    return next(j for j in manifest["journeys"] if j["id"] == journey_id)


def _step(journey, step_id):
    return next(s for st in journey["stages"] for s in st["steps"] if s["id"] == step_id)


def test_flow_of_a_known_journey(manifest) -> None:
    journey = _journey(manifest, "buy-first-bike")
    flow = journey["flow"]
    assert flow["start"] == "opens-product-page"
    assert {"from": "opens-product-page", "to": "checks-frame-size", "kind": "default"} in flow["edges"]
    assert {"from": "checks-frame-size", "to": "asks-about-size", "kind": "explicit"} in flow["edges"]
    assert {"from": "checks-frame-size", "to": "adds-to-basket", "kind": "explicit"} in flow["edges"]
    step = _step(journey, "checks-frame-size")
    assert step["next"] == ["asks-about-size", "adds-to-basket"]
    assert step["successors"] == ["asks-about-size", "adds-to-basket"]
    assert _step(journey, "opens-product-page")["next"] is None
    for j in manifest["journeys"]:
        assert j["flow"]["unreachable"] == [], j["id"]
        assert all(s["reachable"] for st in j["stages"] for s in st["steps"])
        assert j["flow"]["exits"], j["id"]


def test_references_are_resolved(compiled, manifest) -> None:
    journey = _journey(manifest, "buy-first-bike")
    step = _step(journey, "checks-frame-size")
    channel_of = {t["id"]: t["channel"] for t in manifest["touchpoints"]}
    assert step["touchpoint"] == "size-guide"
    assert step["channel"] == channel_of["size-guide"] == compiled.project.touchpoints["size-guide"].channel
    assert step["moment_of_truth"]["kind"] == "first"
    model_journey = compiled.project.journeys["buy-first-bike"]
    expected = [op.id for _, op in model_journey.opportunities if "between-sizes" in op.addresses]
    assert step["pain_points"][0]["id"] == "between-sizes"
    assert step["pain_points"][0]["addressed_by"] == expected
    assert expected[0] == "fit-calculator"
    assert step["metrics"] == [{"metric": "size-return-rate", "target": 4, "actual": 9.5, "off_target": True}]
    assert step["source"]["file"] == "maps/journeys/buy-first-bike.yaml"
    assert "buy-first-bike" in next(p for p in manifest["personas"] if p["id"] == "commuter")["journeys"]


def test_extensions_are_included(manifest) -> None:
    steps = [s for st in _journey(manifest, "bike-subscription")["stages"] for s in st["steps"]]
    assert any("x-open-question" in s["extensions"] for s in steps)


def test_findings_are_the_lint_findings(compiled, manifest) -> None:
    expected = [d.to_json() for d in lint_compilation(compiled, today=TODAY)]
    assert manifest["findings"] == expected
    assert sum(manifest["summary"]["findings"].values()) == len(expected)


def test_tiny_project_unreachable_extensions_and_nan(tmp_path: Path) -> None:
    result = compile_project(write_project(tmp_path, TINY))
    assert result.valid, result.diagnostics
    manifest = build_manifest(result, today=TODAY)
    text = dumps_manifest(manifest)  # allow_nan=False: raises if a NaN slipped through
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(text))
    journey = manifest["journeys"][0]
    assert journey["title"] == "Kaufen — schnell" and "Kaufen — schnell" in text
    assert journey["extensions"] == {"x-jira": {"project": "CX", "labels": ["a", "b"], "ratio": None, "1": "one"}}
    assert journey["stages"][0]["extensions"] == {"x-color": "#ff0000"}
    assert _step(journey, "a")["extensions"] == {"x-note": [1, 2.5, True, None]}
    assert _step(journey, "a")["channel"] == "web"  # from the touchpoint
    assert journey["flow"]["unreachable"] == ["b"]
    assert journey["flow"]["edges"] == [{"from": "a", "to": "c", "kind": "explicit"},
                                        {"from": "b", "to": "c", "kind": "default"}]
    assert journey["flow"]["exits"] == [{"step": "c", "kind": "completed"}]
    assert _step(journey, "b")["reachable"] is False
    assert any(f["rule"] == "unreachable-step" for f in manifest["findings"])


def test_build_manifest_refuses_an_invalid_project(tmp_path: Path) -> None:
    write_project(tmp_path, {**TINY, "maps/journey.yaml": TINY["maps/journey.yaml"].replace("touchpoint: site",
                                                                                            "touchpoint: sight")})
    with pytest.raises(ValueError):
        build_manifest(compile_project(tmp_path))


# --- command line ---------------------------------------------------------------------------------


def test_cli_json_to_stdout() -> None:
    result = CliRunner().invoke(export_group, ["json", str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["journeys"] == 6


def test_cli_invalid_project_exits_1_with_diagnostics(tmp_path: Path) -> None:
    write_project(tmp_path, {**TINY, "maps/journey.yaml": TINY["maps/journey.yaml"].replace("touchpoint: site",
                                                                                            "touchpoint: sight")})
    out = tmp_path / "out.json"
    result = CliRunner().invoke(export_group, ["json", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 1
    assert "maps/journey.yaml:" in result.stderr and "unresolved-reference" in result.stderr
    assert result.stdout == ""
    assert not out.exists()


def test_cli_missing_project_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(export_group, ["json", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "no such project" in result.stderr


def test_cli_mermaid_uses_the_exporter_with_persona_names() -> None:
    result = CliRunner().invoke(export_group, ["mermaid", "buy-first-bike", "-p", str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("journey\n    title Buying a first commuter bike online\n")
    assert "Casey the Commuter" in result.stdout


def test_cli_mermaid_unknown_journey_exits_2_with_suggestion() -> None:
    result = CliRunner().invoke(export_group, ["mermaid", "buy-first-bikes", "-p", str(EXAMPLES)])
    assert result.exit_code == 2
    assert "did you mean `buy-first-bike`?" in result.stderr
