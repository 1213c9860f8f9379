"""Parser details beyond CASES.md: positions, Markdown blocks, entity codes, robustness."""

from __future__ import annotations

import math
import random

import pytest

from cjmc.interop.mermaid_parse import (
    extract_mermaid_blocks, is_journey, js_number, parse_journey, parse_markdown,
)


@pytest.mark.parametrize("text, value", [
    ("5", 5), (" 4 ", 4), ("", 0), ("  ", 0), ("4.5", 4.5), ("-1", -1), ("+2", 2), (".5", 0.5), ("5.", 5),
    ("1e1", 10), ("0x1f", 31), ("0b11", 3), ("0o7", 7), ("Infinity", math.inf), ("-Infinity", -math.inf),
])
def test_js_number(text: str, value: float) -> None:
    assert js_number(text) == value


@pytest.mark.parametrize("text", ["high", "5 stars", "1_000", "inf", "nan", "０５", "--1", "0x", "1e", "4,5"])
def test_js_number_nan(text: str) -> None:
    assert math.isnan(js_number(text))


def test_lines_survive_preprocessing() -> None:
    text = ("---\ntitle: Front\n---\n%%{init: {'theme': 'dark',\n  'logLevel': 0}}%%\n\n%% comment\n"
            "journey\n  %% another\n  section S\n\n    a: 5: Me\n    b: 4: Me\n")
    journey = parse_journey(text).journey
    assert journey.line == 8
    assert [s.line for s in journey.sections] == [10]
    assert [(t.line, t.column) for t in journey.tasks] == [(12, 5), (13, 5)]


def test_crlf_and_cr_lines() -> None:
    for newline in ("\r\n", "\r"):
        text = newline.join(["journey", "title T", "section S", "  a: 5: Me", "  b; 3"])
        result = parse_journey(text)
        assert result.journey is None and (result.errors[0].line, result.errors[0].column) == (5, 4)


def test_error_after_multiline_acc_descr_points_at_original_line() -> None:
    text = "journey\naccDescr {\n  one\n  two\n}\nsection S\n  no colon\n"
    assert parse_journey(text).errors[0].line == 7


def test_entity_codes_are_decoded_not_comments() -> None:
    text = "journey\ntitle Q#35;1 #amp; more\nsection S\n  Ask #quot;why#quot;#59; then: 4: Me"
    journey = parse_journey(text).journey
    assert journey.title == "Q#1 & more"
    assert journey.tasks[0].name == 'Ask "why"; then'


def test_html_attribute_quotes_become_single() -> None:
    journey = parse_journey('journey\nsection S\n  <span class="x">Tea</span>: 5: Me').journey
    assert journey.tasks[0].name == "<span class='x'>Tea</span>"


def test_title_like_task_is_a_title_line() -> None:
    """The lexer tries `title` before task names (first rule wins), case-insensitively."""
    journey = parse_journey("journey\nsection S\n  Title page: 5: Me\n  a: 3").journey
    assert journey.title == "page: 5: Me" and len(journey.tasks) == 1


def test_unclosed_acc_descr_swallows_the_rest() -> None:
    result = parse_journey("journey\ntitle T\naccDescr {\n  text\nsection S\n  a: 5: Me\n")
    assert result.journey.tasks == () and result.journey.acc_descr == ""
    assert [(i.line, i.severity) for i in result.issues] == [(3, "warning")]


def test_warning_for_hash_in_the_middle_of_a_line_only() -> None:
    result = parse_journey("journey\n# whole line\nsection S\n  Go: 3: Dad, Child#1\n")
    assert [(i.line, i.column) for i in result.issues] == [(4, 20)]


MARKDOWN = """# Our journeys

```mermaid
journey
  title First
  section A
    a: 5: Me
```

````markdown
```mermaid
journey
  title Not a block, only an example inside another fence
  section X
    x: 1: Me
```
````

  ```Mermaid title="indented fence"
  journey
    title Second
    section B
      b: 2: You
  ```

```mermaid
sequenceDiagram
  A->>B: hi
```

~~~ mermaid
journey
  title Broken
  section Step 1: Context
~~~

```mermaid
journey
  title Unclosed runs to the end
  section C
    c: 3: Me
"""


def test_extract_blocks() -> None:
    blocks = extract_mermaid_blocks(MARKDOWN)
    assert [b.line for b in blocks] == [3, 19, 26, 31, 37]
    assert blocks[1].text.startswith("journey\n  title Second")  # two-space fence indent removed
    assert all(len(b.offsets) == len(b.text) + 1 for b in blocks)
    for block in blocks:  # every character maps back onto itself in the Markdown text
        assert all(MARKDOWN[o] == ch for o, ch in zip(block.offsets, block.text))


def test_parse_markdown_keeps_markdown_lines() -> None:
    results = parse_markdown(MARKDOWN)
    assert len(results) == 4  # the sequence diagram is not a journey
    first, second, broken, unclosed = results
    assert (first.journey.title, first.journey.line, first.journey.tasks[0].line) == ("First", 4, 7)
    assert (second.journey.title, second.journey.tasks[0].line, second.journey.tasks[0].column) == ("Second", 23, 7)
    assert broken.journey is None and (broken.errors[0].line, broken.errors[0].column) == (34, 17)
    assert unclosed.journey.tasks[0].line == 41


def test_markdown_crlf() -> None:
    md = MARKDOWN.replace("\n", "\r\n")
    assert [r.journey.tasks[0].line for r in parse_markdown(md) if r.journey] == [7, 23, 41]


FRAGMENTS = ["journey", "\n", " ", "\t", "title", " T", "section", " S", "accTitle:", "accDescr:", "accDescr {", "}",
             ":", " 5", ":", " Me, You", ",", ";", "#", "%%", "%%{init: {}}%%", "---", "\r\n", "Journey", "é漢😀",
             "#35;", "<br>", "0x1", "NaN", "\u2028", "\ufeff", "{", "title\n", "'", '"']


def test_random_input_never_raises() -> None:
    rng = random.Random(20240501)
    for _ in range(3000):
        text = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 40)))
        if rng.random() < 0.7:
            text = "journey\n" + text
        result = parse_journey(text)
        lines = text.count("\n") + text.count("\r") + 2
        assert (result.journey is None) == bool(result.errors), text
        for issue in result.issues:
            assert 1 <= issue.line <= lines and issue.column >= 1, (text, issue)
        assert is_journey(text) in (True, False)
        parse_markdown("```mermaid\n" + text + "\n```\n")


def test_pathological_sizes_are_fast() -> None:
    import time

    start = time.perf_counter()
    parse_journey("---\n" + " \n" * 20000)  # quadratic with the naive front-matter regex
    parse_journey("journey\n" + "\n" * 20000 + "%%x\n")  # and with the naive comment-line regex
    parse_journey("journey\nsection S\n" + "  a: 5: Me\n" * 5000)
    assert time.perf_counter() - start < 10
