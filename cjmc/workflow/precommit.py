"""pre-commit entry point: check the whole project, report only the files passed.

pre-commit passes the staged files that match the hook's ``files`` pattern.
A map can only be checked with the rest of its project (references,
unused definitions), so the project is compiled whole — found upward from
the first file with a cjmc.yaml — and only findings in the passed files are
printed. Files in several projects are checked project by project.

    python -m cjmc.workflow.precommit [--lint] [--fail-on error] [--cache] FILE...

Exit 0 when nothing at or above ``--fail-on`` was found in the files, 1 when
something was, 2 when it could not run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence


def check(files: Sequence[str], *, lint: bool, fail_on: str = "error", cache: bool = False) -> tuple[list[str], bool]:
    """(lines to print, failed) for ``files``, grouped by the project each belongs to.

    With ``cache``, a large project's unchanged map files come from its compile cache (``cjmc lint --cache``).
    """
    from ..check import compile_linted
    from ..config import CONFIG_NAME, discover_root, relative
    from ..diagnostics import fails
    from ..report.text import format_text_line

    projects: dict[Path, set[str]] = {}
    for name in files:
        path = Path(name).resolve()
        root = discover_root(path.parent)
        projects.setdefault(root, set()).add(relative(path, root))
    lines: list[str] = []
    failed = False
    cwd = Path.cwd()
    for root, wanted in sorted(projects.items()):
        _, diagnostics = compile_linted(root, lint=lint, model=False, cache=cache)
        mine = [d for d in diagnostics if d.file in wanted or (d.file == CONFIG_NAME and CONFIG_NAME in wanted)]
        prefix = relative(root, cwd)
        for diagnostic in mine:
            shown = diagnostic if prefix in ("", ".") else _moved(diagnostic, f"{prefix}/{diagnostic.file}")
            lines.append(format_text_line(shown, color=False))
        failed = failed or fails(mine, fail_on)
    return lines, failed


def _moved(diagnostic, file: str):
    from ..diagnostics import Diagnostic

    return Diagnostic(file, diagnostic.line, diagnostic.column, diagnostic.rule, diagnostic.message,
                      diagnostic.severity, diagnostic.hint, diagnostic.subject)


def main(argv: Sequence[str] | None = None) -> int:
    from ..diagnostics import FAIL_ON_CHOICES, UsageError

    parser = argparse.ArgumentParser(prog="cjmc-pre-commit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--lint", action="store_true", help="run the lint rules too (default: validate only)")
    parser.add_argument("--fail-on", choices=FAIL_ON_CHOICES, default="error")
    parser.add_argument("--cache", action="store_true",
                        help="reuse and update the project's .cjmc-cache, as `cjmc lint --cache` does")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args(argv)
    if not args.files:
        return 0
    try:
        lines, failed = check(args.files, lint=args.lint, fail_on=args.fail_on, cache=args.cache)
    except UsageError as exc:
        print(f"cjmc: error: {exc}", file=sys.stderr)
        return 2
    for line in lines:
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
