"""The rule registry, the rule modules and FORMAT.md section 6 agree.

Adding a rule touches a module, ``registry.RULE_MODULES``, a fixture file and
(for a public rule) the table in FORMAT.md; these tests fail when one of them
is forgotten or when a rule's documentation page is incomplete.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cjmc.lint import registry
from cjmc.lint.registry import DOC_SECTIONS, RULE_MODULES, all_rules

RULES_DIR = Path(registry.__file__).parent / "rules"
FORMAT_MD = Path(__file__).resolve().parents[3] / "shared" / "FORMAT.md"
SEVERITIES = ("error", "warning", "info")
KEBAB = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
# Rules the engine implements that are not in FORMAT.md's table.
# The event rules extend the language (docs/language.md, docs/observe.md).
ENGINE_RULES = {"unused-suppression": "info", "undeclared-transition": "warning", "unobserved-step": "info",
                "high-drop-off": "warning"}


def test_every_rule_module_is_registered_and_every_registered_module_exists() -> None:
    on_disk = {path.stem for path in RULES_DIR.glob("*.py") if path.stem != "__init__"}
    assert on_disk - set(RULE_MODULES) == set(), "rule modules missing from registry.RULE_MODULES"
    assert set(RULE_MODULES) - on_disk == set(), "registry.RULE_MODULES names modules that do not exist"
    assert len(RULE_MODULES) == len(set(RULE_MODULES)), "registry.RULE_MODULES lists a module twice"


@pytest.mark.parametrize("module_name", RULE_MODULES)
def test_rule_declarations(module_name: str) -> None:
    rule = next(r for r in all_rules().values() if r.module.__name__.endswith(f".{module_name}"))
    assert KEBAB.match(rule.name), f"{rule.name} is not kebab-case"
    assert rule.name == module_name.replace("_", "-"), f"module {module_name} declares NAME {rule.name}"
    assert rule.severity in SEVERITIES
    assert rule.strict is None or rule.strict in SEVERITIES
    assert isinstance(rule.summary, str) and rule.summary.strip()
    assert isinstance(rule.options, dict)
    assert "today" not in rule.options, "`today` is passed by the engine, not a user option"


def _sections(documentation: str) -> dict[str, str]:
    """Section title -> body, for titles underlined with dashes."""
    lines = documentation.splitlines()
    starts = [(i, lines[i]) for i in range(len(lines) - 1)
              if lines[i].strip() and re.fullmatch(r"-{3,}", lines[i + 1].strip())
              and len(lines[i + 1].strip()) >= len(lines[i].strip())]
    sections = {}
    for n, (i, title) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        sections[title.strip()] = "\n".join(lines[i + 2:end])
    return sections


@pytest.mark.parametrize("module_name", RULE_MODULES)
def test_rule_documentation(module_name: str) -> None:
    rule = next(r for r in all_rules().values() if r.module.__name__.endswith(f".{module_name}"))
    doc = rule.documentation
    assert doc.startswith(f"{rule.name}: "), "the first line names the rule and says what it finds"
    sections = _sections(doc)
    assert list(sections) == list(DOC_SECTIONS), f"sections must be exactly {DOC_SECTIONS}, in order"
    assert doc.count("```yaml") == 2
    for title in ("Failing example", "Passing example"):
        body = sections[title]
        assert re.search(r"```yaml\n.+?\n```", body, re.S), f"{title} needs a ```yaml block"
    options_text = sections["Options"]
    if rule.options:
        for key, default in rule.options.items():
            assert f"``{key}``" in options_text, f"option {key} is not documented"
            assert str(default) in options_text, f"the default of {key} is not documented"
    else:
        assert options_text.strip() == "None."


def _format_table() -> dict[str, str]:
    text = FORMAT_MD.read_text(encoding="utf-8")
    match = re.search(r"^## 6\. .*?$(.*?)^## ", text, re.S | re.M)
    assert match, "FORMAT.md has no section 6"
    table = {}
    for line in match.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 2 or cells[0] == "rule" or set(cells[0]) <= {"-", ":"}:
            continue
        table[cells[0]] = cells[1]
    assert table, "FORMAT.md section 6 has no rule table"
    return table


@pytest.mark.skipif(not FORMAT_MD.is_file(), reason=f"{FORMAT_MD} not present")
def test_rules_match_the_format_table() -> None:
    expected = {**_format_table(), **ENGINE_RULES}
    actual = {name: rule.severity for name, rule in all_rules().items()}
    assert sorted(actual) == sorted(expected)
    assert actual == expected, "default severities differ from FORMAT.md section 6"
