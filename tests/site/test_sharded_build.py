"""``cjmc build`` of a large portfolio compiles, lints and draws in shards: the site must not change.

The same generated portfolio is built on the single-process path and with
the sharded path forced (two and three shards); every file must be
byte-identical, and an invalid project must be refused with the same
diagnostics.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cjmc import sharded
from cjmc.site.builder import build_site

REPO = Path(__file__).resolve().parents[2]


def _copy_maps(source: Path, target: Path) -> Path:
    for path in source.rglob("*.yaml"):
        copy = target / path.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(path.read_bytes())
    return target


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory) -> Path:
    sys.path.insert(0, str(REPO / "bench"))
    from generate import generate

    return generate(12, tmp_path_factory.mktemp("portfolio") / "p", seed=5)


def test_sharded_build_writes_the_same_site(portfolio: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CJMC_WORKERS", "1")
    single = build_site(portfolio, tmp_path / "single")
    assert single.written and single.pages > 12
    monkeypatch.setattr(sharded, "MIN_BYTES", 0)
    calls = []
    real = sharded.compile_sharded

    def counting(*args, **kwargs):
        calls.append(args[3])
        return real(*args, **kwargs)

    monkeypatch.setattr(sharded, "compile_sharded", counting)
    expected = _files(tmp_path / "single")
    # PART = 1: every file's journeys reach the main process while the shard links the next ones.
    for workers, part, cache in (("2", sharded.PART, True), ("3", sharded.PART, True), ("2", 1, False)):
        monkeypatch.setenv("CJMC_WORKERS", workers)
        monkeypatch.setattr(sharded, "PART", part)
        out = tmp_path / f"sharded{workers}-{part}"
        result = build_site(portfolio, out, cache=cache)
        assert result.written
        assert result.diagnostics == single.diagnostics
        assert _files(out) == expected
    assert calls == [2, 3, 2], "the sharded path was not taken"


def test_sharded_build_refuses_an_invalid_project_with_the_same_findings(portfolio: Path, tmp_path: Path,
                                                                           monkeypatch) -> None:
    broken = _copy_maps(portfolio, tmp_path / "broken")
    journey = sorted((broken / "maps" / "journeys").glob("*.yaml"))[3]
    journey.write_text(journey.read_text(encoding="utf-8").replace("personas: [", "personas: [nobody, ", 1),
                       encoding="utf-8")
    monkeypatch.setenv("CJMC_WORKERS", "1")
    single = build_site(broken, tmp_path / "single")
    monkeypatch.setattr(sharded, "MIN_BYTES", 0)
    monkeypatch.setenv("CJMC_WORKERS", "2")
    result = build_site(broken, tmp_path / "sharded")
    assert result.blocked == single.blocked == "invalid"
    assert result.diagnostics == single.diagnostics
    assert any(d.rule == "unresolved-reference" and "nobody" in d.message for d in result.diagnostics)
    assert not (tmp_path / "sharded").exists()


def test_a_rebuild_after_an_edit_equals_a_cold_build(portfolio: Path, tmp_path: Path, monkeypatch) -> None:
    """Warm diagram cache, pages filled as they are rendered (in two processes): the same site as building anew."""
    from cjmc.site import builder

    monkeypatch.setattr(builder, "PARALLEL_PAGES", 10)
    project = _copy_maps(portfolio, tmp_path / "p")
    assert build_site(project, tmp_path / "site").written
    journey = sorted((project / "maps" / "journeys").glob("*.yaml"))[0]
    journey.write_text(journey.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8")
    assert build_site(project, tmp_path / "site").written  # most diagrams come from the cache now
    cold_project = _copy_maps(project, tmp_path / "cold")  # maps only: no diagram cache
    assert build_site(cold_project, tmp_path / "cold-site").written
    warm, cold = _files(tmp_path / "site"), _files(tmp_path / "cold-site")
    assert warm == cold
    assert any(b"Edited" in data for name, data in warm.items() if name.startswith("journeys/"))
