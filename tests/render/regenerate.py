"""Regenerate the golden DOT files on purpose: ``python -m tests.render.regenerate``.

Run it from the repository root after an intended change to the diagrams,
look at ``git diff tests/golden/dot`` and commit the new files with the change.
"""

from __future__ import annotations

from pathlib import Path

from cjmc.pipeline import compile_project
from cjmc.render.api import journey_flow_dot, portfolio_dot

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
GOLDEN = ROOT / "tests" / "golden" / "dot"


def golden_outputs() -> dict[str, str]:
    """File name → DOT text for every example journey's flow and the portfolio."""
    project = compile_project(EXAMPLES).project
    outputs = {f"{jid}.flow.dot": journey_flow_dot(project, journey) for jid, journey in project.journeys.items()}
    outputs["portfolio.dot"] = portfolio_dot(project)
    return outputs


def main() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, text in golden_outputs().items():
        (GOLDEN / name).write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {GOLDEN / name}")


if __name__ == "__main__":
    main()
