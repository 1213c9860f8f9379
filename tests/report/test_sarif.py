"""SARIF output: valid against the official SARIF 2.1.0 schema, and what GitHub code scanning needs."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

import pytest
from jsonschema import Draft7Validator

from cjmc.diagnostics import Diagnostic
from cjmc.report import sarif

from .conftest import make_context, sample_diagnostics

# Vendored from oasis-tcs/sarif-spec, Documents/CommitteeSpecifications/2.1.0/sarif-schema-2.1.0.json
# (the draft-07 schema of the published 2.1.0 standard).
SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@lru_cache(maxsize=None)
def validator() -> Draft7Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def assert_valid(log: dict) -> None:
    errors = sorted(validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def render(diagnostics, context) -> dict:
    return json.loads(sarif.render(diagnostics, context))


def test_vendored_schema_is_the_draft07_sarif_210_schema():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    assert {"run", "result", "reportingDescriptor", "region"} <= set(schema["definitions"])
    Draft7Validator.check_schema(schema)


def test_schema_rejects_a_broken_log():
    """The validator really validates: a result without a message and a column 0 fail."""
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "cjmc"}},
                                         "results": [{"ruleId": "x", "locations": [{"physicalLocation": {
                                             "artifactLocation": {"uri": "a.yaml"},
                                             "region": {"startLine": 1, "startColumn": 0}}}]}]}]}
    messages = [e.message for e in validator().iter_errors(bad)]
    assert any("'message' is a required property" in m for m in messages)
    assert any("less than the minimum of 1" in m for m in messages)


@pytest.mark.parametrize("case", ["sample", "empty", "hostile", "no-rules"])
def test_output_validates_against_the_official_schema(root, case):
    context = make_context(root)
    diagnostics = sample_diagnostics()
    if case == "empty":
        diagnostics = []
    elif case == "hostile":
        diagnostics = [Diagnostic("maps/we:ird, name #1 ü.yaml", 0, 0, "schema",
                                  'bad <x> & "y" % : , \r\n\x00\x1b done', "error", "hint\nwith newline")]
    elif case == "no-rules":
        context = make_context(root, rules={})
    assert_valid(render(diagnostics, context))


def test_log_header_and_driver(context, diagnostics):
    log = render(diagnostics, context)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    assert "originalUriBaseIds" not in run  # machine-independent output
    driver = run["tool"]["driver"]
    assert driver["name"] == "cjmc"
    assert driver["informationUri"].startswith("https://")
    assert driver["semanticVersion"] == driver["version"] == "0.1.0"


def test_rules_are_sorted_descriptors_with_documentation(context, diagnostics):
    rules = render(diagnostics, context)["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(context.rules)
    schema = rules[0]
    assert schema["id"] == schema["name"] == "schema"
    assert schema["shortDescription"]["text"] == context.rules["schema"].summary
    assert schema["fullDescription"]["text"] == context.rules["schema"].documentation
    assert schema["help"] == {"text": context.rules["schema"].documentation,
                              "markdown": context.rules["schema"].documentation}
    assert schema["properties"]["tags"] == ["journey-map"]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in rules}
    assert levels == {"schema": "error", "stage-without-pain-points": "warning", "step-without-emotion": "note"}
    # no documentation: the summary stands in, never an empty text
    emotion = next(r for r in rules if r["id"] == "step-without-emotion")
    assert emotion["fullDescription"]["text"] == emotion["shortDescription"]["text"] != ""


def test_a_rule_missing_from_the_context_still_gets_a_descriptor(root):
    d = Diagnostic("maps/a.yaml", 1, 1, "brand-new-rule", "hello", "warning")
    run = render([d], make_context(root, rules={}))["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["brand-new-rule"]
    assert run["results"][0]["ruleIndex"] == 0


def test_results(context, diagnostics):
    run = render(diagnostics, context)["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    results = run["results"]
    assert len(results) == len(diagnostics)
    for result in results:
        assert rules[result["ruleIndex"]] == result["ruleId"]
    by_message = {r["message"]["text"].split("\n")[0]: r for r in results}

    error = by_message["unknown key `pain_point`"]
    assert error["level"] == "error"
    assert error["message"]["text"] == "unknown key `pain_point`\nhint: did you mean `pain_points`?"
    location = error["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "maps/journeys/buy.yaml", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 12, "startColumn": 7}

    assert by_message["stage `pay` lists no pain points"]["level"] == "warning"
    assert by_message["step `pays` has no emotion"]["level"] == "note"

    # no file: cjmc.yaml line 1, still a valid location
    project = by_message["cjmc.yaml: `version` must be 1"]
    location = project["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "cjmc.yaml"
    assert location["region"] == {"startLine": 1, "startColumn": 1}


def test_line_zero_is_clamped_to_one(root):
    d = Diagnostic("maps/a.yaml", 0, 0, "yaml-syntax", "not UTF-8", "error")
    region = render([d], make_context(root))["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 1}


def test_uris_are_percent_encoded_relative_references(root):
    name = "maps/we:ird, name #1 ü.yaml"
    d = Diagnostic(name, 2, 3, "schema", "x", "error")
    uri = render([d], make_context(root))["runs"][0]["results"][0]["locations"][0][
        "physicalLocation"]["artifactLocation"]["uri"]
    assert re.fullmatch(r"[A-Za-z0-9._~/%-]+", uri), uri  # no scheme-like ':' nor '#', no spaces
    assert unquote(uri) == name


def test_paths_are_made_relative_to_the_git_work_tree(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    project = repo / "docs" / "journeys"
    project.mkdir(parents=True)
    assert sarif.repo_prefix(project) == "docs/journeys"
    assert sarif.repo_prefix(repo) == ""
    diagnostics = [Diagnostic("maps/a.yaml", 3, 1, "schema", "x", "error"), Diagnostic("", 0, 0, "schema", "y")]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in render(diagnostics, make_context(project))["runs"][0]["results"]]
    assert uris == ["docs/journeys/cjmc.yaml", "docs/journeys/maps/a.yaml"]


def fingerprint_map(log: dict) -> dict[str, str]:
    return {r["message"]["text"]: r["partialFingerprints"]["cjmc/v1"] for r in log["runs"][0]["results"]}


def test_fingerprints_do_not_depend_on_line_numbers(context, diagnostics):
    before = fingerprint_map(render(diagnostics, context))
    moved = [d._replace(line=d.line + 40, column=d.column + 2) if d.file else d for d in diagnostics]
    # and a new finding above the others must not shift anyone's identity
    moved.append(Diagnostic("maps/journeys/buy.yaml", 1, 1, "schema", "new problem", "error", "", ("other",)))
    after = fingerprint_map(render(moved, context))
    assert {k: after[k] for k in before} == before
    assert len(set(after.values())) == len(after)


def test_fingerprints_of_findings_without_subject_use_file_and_message(context):
    a = Diagnostic("maps/a.yaml", 3, 1, "yaml-syntax", "bad indentation", "error")
    assert sarif.fingerprints([a]) == sarif.fingerprints([a._replace(line=90, column=4)])
    assert sarif.fingerprints([a]) != sarif.fingerprints([a._replace(file="maps/b.yaml")])
    assert sarif.fingerprints([a]) != sarif.fingerprints([a._replace(message="other")])
    assert sarif.fingerprints([a]) != sarif.fingerprints([a._replace(rule="schema")])


def test_fingerprints_are_distinct_when_a_rule_reports_one_subject_twice():
    subject = ("journey:buy",)
    first = Diagnostic("maps/j.yaml", 4, 1, "stale-journey", "never reviewed", "warning", "", subject)
    second = Diagnostic("maps/j.yaml", 9, 1, "stale-journey", "reviewed in the future", "warning", "", subject)
    prints = sarif.fingerprints([first, second])
    assert len(set(prints)) == 2
    assert prints == sarif.fingerprints([first._replace(line=14), second._replace(line=19)])
    assert all(re.fullmatch(r"[0-9a-f]{32}", p) for p in prints)
