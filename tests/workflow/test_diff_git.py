"""`cjmc diff` on a git repository built by the test: exactly the changes made, nothing else."""

from __future__ import annotations

import json

from .conftest import commit_all, run_cjmc
from .scenario import committed_edits, working_tree_edits

CURVE = ["opens-product-page", "checks-frame-size", "asks-about-size", "adds-to-basket", "enters-details",
         "sees-shipping-cost", "abandons-at-shipping", "chooses-payment", "pays-by-card", "applies-for-finance",
         "gets-confirmation", "waits-for-dispatch-date", "calls-to-chase", "tracks-parcel", "receives-bike",
         "assembles-bike", "first-ride"]
EMOTIONS = [1, -1, 1, 1, 0, -2, -2, 0, 1, -1, 2, -1, -1, 0, 1, 0, 2]


def curve(changed: dict[str, int] | None = None) -> list[dict]:
    changed = changed or {}
    return [{"step": s, "emotion": changed.get(s, e)} for s, e in zip(CURVE, EMOTIONS)]


ZERO = {key: 0 for key in (
    "journeys_changed", "journeys_added", "journeys_removed", "stages_added", "stages_removed", "stages_renamed",
    "steps_added", "steps_removed", "steps_renamed", "steps_moved", "emotion_changes", "pain_points_added",
    "pain_points_resolved", "severity_changes", "moments_of_truth_gained", "moments_of_truth_lost", "metric_changes",
    "findings_introduced", "findings_fixed")}

RENAMED = {"id": "pays-by-card", "before": "Pays by card or Apple Pay",
           "after": "Pays by card, Apple Pay or Google Pay", "stage": "payment"}
EMOTION = {"step": "waits-for-dispatch-date", "name": "Waits for a dispatch date", "stage": "wait",
           "stage_name": "Wait for dispatch", "before": -1, "after": -2, "direction": "down"}


def journey(**changes) -> dict:
    base = {"id": "buy-first-bike", "title": "Buying a first commuter bike online", "title_before": None,
            "fields_changed": [], "stages_added": [], "stages_removed": [], "stages_renamed": [],
            "stages_reordered": False, "steps_added": [], "steps_removed": [], "steps_renamed": [],
            "steps_moved": [], "emotions": [], "curve_before": curve(), "curve_after": curve(),
            "pain_points_added": [], "pain_points_resolved": [], "severity_changes": [], "moments_gained": [],
            "moments_lost": [], "metrics": [], "findings_introduced": [], "findings_fixed": []}
    base.update(changes)
    return base


def test_diff_between_two_commits(example_repo):
    repo, project = example_repo
    committed_edits(project)
    commit_all(repo, "rename a step, lower an emotion")

    done = run_cjmc("diff", str(project), "--base", "HEAD~1", "--head", "HEAD", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "summary": {**ZERO, "journeys_changed": 1, "steps_renamed": 1, "emotion_changes": 1},
        "journeys_added": [], "journeys_removed": [],
        "journeys": [journey(steps_renamed=[RENAMED], emotions=[EMOTION],
                             curve_after=curve({"waits-for-dispatch-date": -2}))],
        "findings_introduced": [], "findings_fixed": [],
    }


def test_diff_against_the_working_tree(example_repo):
    repo, project = example_repo
    committed_edits(project)
    commit_all(repo, "rename a step, lower an emotion")
    working_tree_edits(project)  # left uncommitted; also shifts every line of the file by 3

    done = run_cjmc("diff", "--base", "HEAD~1", "--format", "json", cwd=project)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "summary": {**ZERO, "journeys_changed": 1, "steps_renamed": 1, "emotion_changes": 1,
                    "pain_points_added": 1, "pain_points_resolved": 1, "findings_introduced": 1},
        "journeys_added": [], "journeys_removed": [],
        "journeys": [journey(
            steps_renamed=[RENAMED], emotions=[EMOTION], curve_after=curve({"waits-for-dispatch-date": -2}),
            pain_points_added=[{"id": "card-declined", "text": "Cards are declined by 3-D Secure | no reason <given>",
                                "severity": "low", "step": "pays-by-card", "stage": "payment"}],
            pain_points_resolved=[{"id": "finance-redirect",
                                   "text": "The redirect to the lender looks like a different company and the "
                                           "credit check is slow",
                                   "severity": "medium", "step": "applies-for-finance", "stage": "payment"}],
            # Only the finding the new pain point brings: every other finding of the file moved
            # three lines down and is not reported as fixed and introduced again.
            findings_introduced=[{
                "rule": "pain-point-without-opportunity", "severity": "info",
                "message": "pain point `card-declined` of step `pays-by-card` in journey `buy-first-bike` "
                           "has no opportunity addressing it",
                "file": "maps/journeys/buy-first-bike.yaml", "line": 163,
                "subject": "journey:buy-first-bike/step:pays-by-card/pain-point:card-declined"}],
        )],
        "findings_introduced": [], "findings_fixed": [],
    }


def test_markdown_reads_as_a_pr_comment(example_repo):
    repo, project = example_repo
    committed_edits(project)
    commit_all(repo, "edit")
    working_tree_edits(project)

    done = run_cjmc("diff", str(project), "--base", "HEAD~1", "--format", "markdown")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    lines = text.splitlines()
    assert lines[0] == "<!-- cjmc-diff -->"
    assert ("**1 journey changed · 1 step renamed · 1 pain point added · 1 resolved · "
            "emotion ↓ at Wait for dispatch · 1 new finding**") in lines
    assert text.count("<details>") == text.count("</details>") == 1
    assert "`▆▂▆▆▄▁▁▄▆▂█▂▂▄▆▄█` → `▆▂▆▆▄▁▁▄▆▂█▁▂▄▆▄█`" in text
    # map text is escaped: no raw |, < or > from the pain point's text
    assert "Cards are declined by 3-D Secure &#124; no reason &lt;given&gt;" in text
    assert "| Waits for a dispatch date `waits-for-dispatch-date` | Wait for dispatch | -1 | -2 | ↓ |" in lines


def test_text_format_and_no_changes(example_repo):
    repo, project = example_repo
    done = run_cjmc("diff", str(project), "--base", "HEAD")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "No changes to the journeys.\n"
    committed_edits(project)
    done = run_cjmc("diff", str(project), "--base", "HEAD")
    assert done.stdout.splitlines()[0] == "1 journey changed · 1 step renamed · emotion ↓ at Wait for dispatch"
    assert "  ~ step pays-by-card renamed: Pays by card or Apple Pay → Pays by card, Apple Pay or Google Pay" \
        in done.stdout


def test_journey_removed(example_repo):
    repo, project = example_repo
    (project / "maps/journeys/warranty-claim.yaml").unlink()
    done = run_cjmc("diff", str(project), "--base", "HEAD", "--format", "json", "--no-lint")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [j["id"] for j in data["journeys_removed"]] == ["warranty-claim"]
    assert data["journeys_added"] == []


def test_bad_revision_and_not_a_repository(example_repo, tmp_path):
    repo, project = example_repo
    done = run_cjmc("diff", str(project), "--base", "no-such-branch")
    assert done.returncode == 2
    assert "unknown git revision: no-such-branch" in done.stderr
    assert "Traceback" not in done.stderr
    outside = tmp_path / "plain"
    outside.mkdir()
    done = run_cjmc("diff", str(outside), "--base", "HEAD")
    assert done.returncode == 2
    assert "not inside a git repository" in done.stderr
