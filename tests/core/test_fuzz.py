"""Property-based: no input, however broken, makes validation raise."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjmc.lint.engine import lint_compilation
from cjmc.pipeline import compile_project

EXAMPLE = (Path(__file__).resolve().parents[2] / "examples" / "maps" / "journeys" / "buy-first-bike.yaml")
SEED_TEXT = EXAMPLE.read_text(encoding="utf-8")
YAML_BITS = st.sampled_from(["\n", ":", "- ", "  ", "\t", "[", "]", "{", "}", "&a ", "*a", "!!str ", "? ", "#",
                             "'", '"', "---\n", "kind: journey\n", "id: x\n", "next: [", "emotion: 9", "\x00",
                             "\ufeff", "é", "<<: *a\n", "%YAML 1.1\n", "|\n", ">-\n"])


def mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    for position, length, insert in edits:
        position %= max(len(text), 1)
        text = text[:position] + insert + text[position + length:]
    return text


def check(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        maps = Path(folder) / "maps"
        maps.mkdir()
        (maps / "a.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
        result = compile_project(folder)
        diagnostics = lint_compilation(result)
        for d in diagnostics:
            assert d.rule and d.message and d.line >= 0 and d.column >= 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 20_000), st.integers(0, 40), st.lists(YAML_BITS, max_size=3).map("".join)
                          | st.text(max_size=5)), min_size=1, max_size=8))
def test_mutated_journeys_never_raise(edits) -> None:
    check(mutate(SEED_TEXT, edits))


@settings(max_examples=150, deadline=None)
@given(st.lists(YAML_BITS | st.text(max_size=4), max_size=40).map("".join))
def test_random_yaml_never_raises(text: str) -> None:
    check(text)
