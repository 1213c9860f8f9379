"""The CI files parse and wire the commands the way docs/ci/README.md says."""

from __future__ import annotations

import yaml

from .conftest import REPO


def load(name: str):
    return yaml.safe_load((REPO / name).read_text(encoding="utf-8"))


def test_action_is_a_composite_that_lints_uploads_and_comments():
    action = load("action.yml")
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) >= {"project", "fail-on", "comment"}
    steps = action["runs"]["steps"]
    scripts = "\n".join(step.get("run", "") for step in steps)
    assert '"$ACTION_PATH"' in scripts and "${{ github.action_path }}" in str(steps)
    assert "cjmc lint" in scripts and "--format github --format sarif -o cjmc.sarif" in scripts
    assert any(step.get("uses", "").startswith("github/codeql-action/upload-sarif") for step in steps)
    assert "cjmc diff" in scripts and "--format markdown" in scripts
    assert "<!-- cjmc-diff -->" in scripts and "gh api" in scripts
    # inputs reach scripts through the environment, never pasted into the script text
    assert "${{ inputs." not in scripts
    # the log says which YAML loader the install built (the C loader needs gcc and libyaml's headers)
    install = next(step for step in steps if step.get("name") == "Install cjmc")
    assert install["run"].split()[-2:] == ["cjmc", "--version"]


def test_action_keeps_the_compile_cache_that_lint_cache_reads():
    action = load("action.yml")
    steps = action["runs"]["steps"]
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache@"))
    lint = next(step for step in steps if step.get("id") == "lint")
    assert steps.index(cache) < steps.index(lint)  # restored before the lint reads it
    assert cache["with"]["path"] == "${{ inputs.project }}/.cjmc-cache/compile"
    assert cache["with"]["key"].startswith(cache["with"]["restore-keys"])  # a new key per run, the newest restored
    assert cache["if"] == "${{ inputs.cache == 'true' }}" and action["inputs"]["cache"]["default"] == "true"
    assert lint["env"]["CACHE"] == "${{ inputs.cache }}"
    assert 'if [ "$CACHE" = "true" ]; then cache=(--cache); fi' in lint["run"]
    assert '"${cache[@]}"' in lint["run"].split("cjmc lint", 1)[1]


def test_docs_workflows_parse():
    gitlab = load("docs/ci/gitlab-ci.yml")
    assert gitlab["cjmc-lint"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert any(".cjmc-cache/compile/" in cache.get("paths", []) for cache in gitlab["cjmc-lint"]["cache"])
    assert any("cjmc lint --cache" in line for line in gitlab["cjmc-lint"]["script"])
    pages = load("docs/ci/github-pages.yml")
    uses = [step.get("uses", "") for job in pages["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    assert any(u.startswith("actions/deploy-pages") for u in uses)
    lint = load("docs/ci/github-lint.yml")
    assert any("cjmc@" in step.get("uses", "") for step in lint["jobs"]["cjmc"]["steps"])


def test_action_lint_script_passes_cache_only_when_asked(tmp_path):
    import os
    import subprocess

    lint = next(step for step in load("action.yml")["runs"]["steps"] if step.get("id") == "lint")
    fake = tmp_path / "bin" / "cjmc"
    fake.parent.mkdir()
    fake.write_text('#!/usr/bin/env bash\nprintf "%s\\n" "$@" > "$ARGS_FILE"\nexit 1\n')
    fake.chmod(0o755)
    for wanted in ("true", "false"):
        output, args = tmp_path / f"out-{wanted}", tmp_path / f"args-{wanted}"
        env = {**os.environ, "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}", "PROJECT": "maps dir",
               "FAIL_ON": "warning", "CACHE": wanted, "GITHUB_OUTPUT": str(output), "ARGS_FILE": str(args)}
        done = subprocess.run(["bash", "-e", "-c", lint["run"]], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr  # the exit code is handed on, not raised here
        assert output.read_text() == "exit-code=1\n"
        called = args.read_text().splitlines()
        assert called[:4] == ["lint", "maps dir", "--fail-on", "warning"]
        assert ("--cache" in called) == (wanted == "true")


def test_action_never_reads_a_compile_cache_that_came_with_the_checkout(tmp_path):
    """Cache entries are pickles: one committed to the repository must be gone before lint --cache runs."""
    import os
    import subprocess

    steps = load("action.yml")["runs"]["steps"]
    aside = next(step for step in steps if step.get("name", "").startswith("Set aside a compile cache"))
    restore = next(step for step in steps if step.get("uses", "").startswith("actions/cache@"))
    assert steps.index(aside) < steps.index(restore) and aside["if"] == restore["if"]
    project = tmp_path / "journeys"
    committed = project / ".cjmc-cache" / "compile" / "findings-0123456789abcdef.pickle"
    committed.parent.mkdir(parents=True)
    committed.write_bytes(b"not ours")
    (project / ".cjmc-cache" / "svg").mkdir()
    (project / "maps").mkdir()
    (project / "maps" / "j.yaml").write_text("kind: journey\n")
    env = {**os.environ, "PROJECT": "journeys"}
    done = subprocess.run(["bash", "-e", "-c", aside["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "::warning::" in done.stdout
    assert not (project / ".cjmc-cache" / "compile").exists()
    assert (project / ".cjmc-cache" / "svg").is_dir() and (project / "maps" / "j.yaml").is_file()  # nothing else
    again = subprocess.run(["bash", "-e", "-c", aside["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert again.returncode == 0 and again.stdout == ""  # a clean checkout: nothing to say
