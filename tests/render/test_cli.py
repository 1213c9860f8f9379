"""``cjmc render``: one diagram, --all with its cache, and the error paths."""

from __future__ import annotations


from click.testing import CliRunner

from cjmc.cli import cli

from .conftest import EXAMPLES


def run(*args):
    return CliRunner().invoke(cli, ["render", *args], catch_exceptions=False)


def test_render_dot_to_stdout():
    result = run("buy-first-bike", "-p", str(EXAMPLES), "-f", "dot")
    assert result.exit_code == 0 and result.output.startswith('digraph "journey__buy-first-bike"')


def test_render_emotion_and_portfolio():
    assert run("first-service", "-p", str(EXAMPLES), "--kind", "emotion").output.startswith("<svg")
    assert "portfolio" in run("-p", str(EXAMPLES), "--kind", "portfolio", "-f", "dot").output
    result = run("first-service", "-p", str(EXAMPLES), "--kind", "emotion", "-f", "png", "-o", "x.png")
    assert result.exit_code == 2 and "not available" in result.output


def test_unknown_journey_suggests(tmp_path):
    result = run("buy-first-bik", "-p", str(EXAMPLES))
    assert result.exit_code == 2 and "did you mean `buy-first-bike`" in result.output


def test_invalid_project_exits_1(tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "bad.yaml").write_text("kind: journey\nid: j\n")
    result = run("j", "-p", str(tmp_path))
    assert result.exit_code == 1 and "schema" in result.output


def test_render_all_twice_reuses_everything(tmp_path):
    out = tmp_path / "out"
    first = run("--all", "-p", str(EXAMPLES), "-o", str(out), "--engine", "graphviz-pure")
    assert first.exit_code == 0, first.output
    assert "rendered 7, reused 0" in first.output
    snapshot = {p.name: p.read_bytes() for p in out.glob("*.svg")}
    assert len(snapshot) == 13
    second = run("--all", "-p", str(EXAMPLES), "-o", str(out), "--engine", "graphviz-pure")
    assert "rendered 0, reused 7" in second.output
    assert {p.name: p.read_bytes() for p in out.glob("*.svg")} == snapshot


def test_png_file(tmp_path):
    target = tmp_path / "f.png"
    result = run("warranty-claim", "-p", str(EXAMPLES), "-f", "png", "-o", str(target), "--engine", "graphviz-pure")
    assert result.exit_code == 0 and target.read_bytes()[:4] == b"\x89PNG"
    assert run("warranty-claim", "-p", str(EXAMPLES), "-f", "png").exit_code == 2


def test_missing_engine_exits_2(monkeypatch, tmp_path):
    from cjmc.render import engines

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(engines.sys, "executable", str(tmp_path / "python"))
    result = run("warranty-claim", "-p", str(EXAMPLES), "--engine", "dot")
    assert result.exit_code == 2 and "not found" in result.output and "Traceback" not in result.output


def test_render_all_of_a_large_portfolio_in_shards_writes_the_same_files(tmp_path, monkeypatch):
    import sys
    from pathlib import Path

    from cjmc import sharded

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from generate import generate

    project = generate(10, tmp_path / "p", seed=9)
    outputs = {}
    real = sharded.compile_sharded
    calls = []
    monkeypatch.setattr(sharded, "compile_sharded", lambda *a, **k: calls.append(a[3]) or real(*a, **k))
    monkeypatch.setattr(sharded, "MIN_BYTES", 0)
    for workers in ("1", "2"):
        monkeypatch.setenv("CJMC_WORKERS", workers)
        calls.clear()
        out = tmp_path / f"out{workers}"
        for fmt in ("svg", "dot"):
            result = run("--all", "-p", str(project), "-o", str(out / fmt), "-f", fmt)
            assert result.exit_code == 0, result.output
        assert calls == ([] if workers == "1" else [2, 2])
        outputs[workers] = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
                            if p.is_file() and ".cjmc-cache" not in p.parts}
    assert len(outputs["1"]) == 2 * (10 * 2 + 1)  # flow and emotion per journey, plus the portfolio, per format
    assert outputs["2"] == outputs["1"]


def test_render_all_in_shards_reads_each_journey_from_the_compile_cache(tmp_path, monkeypatch):
    """The shards send references to the compile cache, not ~110 MB of texts at 1,000 journeys; a gone entry
    is drawn again from the model."""
    import sys
    from pathlib import Path

    from cjmc import sharded
    from cjmc.cli import render_cmd
    from cjmc.pipeline import compile_project
    from cjmc.render.cache import KnownText

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from generate import generate

    project = generate(6, tmp_path / "p", seed=4)
    monkeypatch.setattr(sharded, "MIN_BYTES", 0)
    monkeypatch.setenv("CJMC_WORKERS", "2")
    given = []
    real = render_cmd._render_all
    monkeypatch.setattr(render_cmd, "_render_all",
                        lambda p, fmt, folder, engine, made: given.append(dict(made)) or real(p, fmt, folder, engine,
                                                                                               made))
    out = tmp_path / "out"
    assert run("--all", "-p", str(project), "-o", str(out), "-f", "dot").exit_code == 0
    assert len(given[0]) == 6 and all(isinstance(v, sharded.CachedValue) for v in given[0].values())
    assert list((out / ".cjmc-cache" / "compile").rglob("*.pickle"))
    model = compile_project(project).project
    for jid, journey in model.journeys.items():
        dot, emotion = render_cmd._journey_files(model, journey)
        assert (out / f"{jid}.flow.dot").read_text(encoding="utf-8") == dot
        assert (out / f"{jid}.emotion.svg").read_text(encoding="utf-8") == emotion
        gone = render_cmd._JourneyFiles(model, journey, sharded.CachedValue(str(tmp_path / "gone"), jid, "digest"))
        flow = gone.flow()
        assert isinstance(flow, KnownText) and flow.load() == dot and gone.emotion() == emotion
