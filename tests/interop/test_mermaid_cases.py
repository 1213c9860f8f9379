"""Every behaviour listed in shared/corpus/mermaid-spec/CASES.md, as one table.

Each row is (case id from CASES.md, diagram text, expectation). An
expectation is either ``Ok(...)`` (what Mermaid's journeyDb would hold) or
``Err(line)`` (Mermaid rejects the text; the error names that 1-based line).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pytest

from cjmc.interop.mermaid_parse import is_journey, parse_journey

NAN = "NaN"


@dataclass
class Ok:
    tasks: list[tuple] | None = None  # (section, name, score, people); None: not checked
    title: object = ...  # ... means "not checked"
    acc_title: object = ...
    acc_descr: object = ...
    sections: list[str] | None = None
    actors: list[str] | None = None
    warnings: int | None = None  # number of warnings, when it matters


@dataclass
class Err:
    line: int
    contains: str = ""


@dataclass
class Case:
    id: str
    text: str
    expect: Ok | Err
    marks: list = field(default_factory=list)


DOCS_EXAMPLE = """journey
    title My working day
    section Go to work
      Make tea: 5: Me
      Go upstairs: 3: Me
      Do work: 1: Me, Cat
    section Go home
      Go downstairs: 5: Me
      Sit down: 5: Me"""

DOCS_TASKS = [
    ("Go to work", "Make tea", 5, ["Me"]),
    ("Go to work", "Go upstairs", 3, ["Me"]),
    ("Go to work", "Do work", 1, ["Me", "Cat"]),
    ("Go home", "Go downstairs", 5, ["Me"]),
    ("Go home", "Sit down", 5, ["Me"]),
]

P3 = """journey
accDescr {
        A user journey for
        family shopping
      }title Adding journey diagram functionality to mermaid
accTitle: Adding acc journey diagram functionality to mermaid
section Order from website"""

P7 = """journey
title Adding journey diagram functionality to mermaid
section Documentation
A task: 5: Alice, Bob, Charlie
B task: 3:Bob, Charlie
C task: 5
D task: 5: Charlie, Alice
E task: 5:
section Another section
P task: 5:
Q task: 5:
R task: 5:"""

C6 = """journey
title  Web hook life cycle
section Darkoob
Make preBuilt:5: Darkoob user
register slug : 5: Darkoob userf deliberately increasing the size of this label
Map slug to a Prebuilt Job:5: Darkoob user
section External Service
set Darkoob slug as hook for an Event : 5 : admin Exjjjnjjjj qwerty
listen to the events : 5 :  External Service
call webhook : 5 : External Service
section Darkoob
Listen to hook : 5 : Darkoob service
Run Prebuilt Job : 5 : Darkoob service"""

C10 = """---
config:
  journey:
    titleColor: "#2900A5"
    titleFontFamily: "Times New Roman"
    titleFontSize: "5rem"
---
journey
title User Journey Example
section Onboarding
Sign Up: 5: John, Shahir
Complete Profile: 4: John
section Engagement
Browse Features: 3: John
Use Core Functionality: 4: John
section Retention
Revisit Application: 5: John
Invite Friends: size: 2rem"""

DEMO_HTML = """    ---
    title: My working day
    ---
     journey
    accTitle: Very simple journey demo
    accDescr: 2 main sections: work and home, each with just a few tasks
    section Go to work
      Make tea: 5: Me"""

GO_SHOPPING = """journey
    title Go shopping
    accTitle: Go shopping
    section Get to the shops
      Get car keys:5: Dad
      Go to car: 3: Dad, Mum, Child 1, Child 2
      Drive to supermarket: 4: Dad

    section Do shopping
      Go shopping: 5: Mum
      Find items: 3: Mum, Child 1
      Pay: 2: Mum

    section Go home
      Load car: 4: Dad, Mum, Child 1, Child 2
      Drive home: 4: Dad
      Unload: 2: Dad, Mum
      Put away: 1: Mum
      Rest: 5: Dad, Mum, Child 1, Child 2"""

CASES = [
    # -- section 0: how the grammar reads text
    Case("0-detect-leading-whitespace", "\n   \n  journey\n  title T\n  section S\n    a: 5: Me",
         Ok(title="T", tasks=[("S", "a", 5, ["Me"])])),
    Case("0-detect-case-sensitive", "Journey\ntitle T\nsection S\n  a: 5", Err(1, "lowercase")),
    Case("0-lexer-case-insensitive", "journey\nTITLE Shout\nSECTION Loud\n  a: 4: Me",
         Ok(title="Shout", sections=["Loud"], tasks=[("Loud", "a", 4, ["Me"])])),
    Case("0-crlf", "journey\r\ntitle CRLF\r\nsection S\r\n  a: 5: Me\r\n  b: 3: You\r\n",
         Ok(title="CRLF", tasks=[("S", "a", 5, ["Me"]), ("S", "b", 3, ["You"])])),
    Case("0-front-matter-title", "---\ntitle: From front matter\n---\njourney\nsection S\n  a: 3",
         Ok(title="From front matter", tasks=[("S", "a", 3, [])])),
    Case("0-front-matter-then-in-body-title", "---\ntitle: ignored\n---\njourney\n  title Real\n  section S\n  T: 3: A",
         Ok(title="Real")),
    Case("0-front-matter-column-0-only", "  ---\n  title: x\n  ---\njourney\nsection S\n  a: 3",
         Err(1, "front matter")),
    Case("0-front-matter-invalid-yaml", "---\ntitle: [unclosed\n---\njourney\nsection S\n  a: 3", Err(2, "YAML")),
    Case("0-directive-removed", "%%{init: {'theme': 'dark'}}%%\n\njourney\n  title D\n  section S\n    a: 5: Me",
         Ok(title="D", tasks=[("S", "a", 5, ["Me"])])),
    Case("0-directive-inside-body", "journey\n  %%{init: {}}%%\n  section S\n    a: 5: Me", Ok(sections=["S"])),
    Case("0-comment-lines-removed", "journey\n  %% a comment: with colons; and a semicolon\n  section S\n    a: 2: Me",
         Ok(tasks=[("S", "a", 2, ["Me"])])),
    Case("0-hash-comment-lines",
         "journey\n# a whole-line comment; even with ;\nsection S # cut here\n  a: 5: Me # and here",
         Ok(sections=["S "], tasks=[("S ", "a", 5, ["Me"])])),
    Case("0-title-stops-at-hash", "journey\ntitle Hello # world\nsection S\n  a: 1", Ok(title="Hello ")),
    Case("0-indentation-means-nothing", "journey\n\t\t\ttitle T\nsection S\n\n\n        a: 5: Me\nb: 4: Me",
         Ok(tasks=[("S", "a", 5, ["Me"]), ("S", "b", 4, ["Me"])])),
    Case("0-task-data-third-colon-dropped", "journey\nsection S\n  a: 5: Me: dropped, too",
         Ok(tasks=[("S", "a", 5, ["Me"])], warnings=1)),
    Case("0-actors-sorted-unique", "journey\nsection S\n  a: 5: Zed, Amy\n  b: 3: Amy, Bob",
         Ok(actors=["Amy", "Bob", "Zed"])),
    Case("0-empty-section-kept", "journey\nsection Empty\nsection Full\n  a: 5",
         Ok(sections=["Empty", "Full"], tasks=[("Full", "a", 5, [])])),
    # -- section 1: parser unit tests
    Case("P1-title-only", "journey\ntitle Adding journey diagram functionality to mermaid",
         Ok(title="Adding journey diagram functionality to mermaid", tasks=[])),
    Case("P2-single-line-accDescr", "journey\naccDescr: A user journey for family shopping\ntitle Adding journey "
         "diagram functionality to mermaid\nsection Order from website",
         Ok(acc_descr="A user journey for family shopping", sections=["Order from website"])),
    Case("P3-multi-line-accDescr", P3,
         Ok(acc_descr="A user journey for\nfamily shopping", title="Adding journey diagram functionality to mermaid",
            acc_title="Adding acc journey diagram functionality to mermaid")),
    Case("P4-accTitle-only", "journey\n    accTitle: The title\n    section Order from website",
         Ok(acc_title="The title", acc_descr=None)),
    Case("P5-section", "journey\ntitle Adding journey diagram functionality to mermaid\nsection Order from website",
         Ok(sections=["Order from website"])),
    Case("P6-section-line-break-tags", "journey\ntitle Adding gantt diagram functionality to mermaid\n"
         "section Line1<br>Line2<br/>Line3</br />Line4<br\t/>Line5",
         Ok(sections=["Line1<br>Line2<br/>Line3</br />Line4<br\t/>Line5"])),
    Case("P7-tasks", P7, Ok(tasks=[
        ("Documentation", "A task", 5, ["Alice", "Bob", "Charlie"]),
        ("Documentation", "B task", 3, ["Bob", "Charlie"]),
        ("Documentation", "C task", 5, []),
        ("Documentation", "D task", 5, ["Charlie", "Alice"]),
        ("Documentation", "E task", 5, [""]),
        ("Another section", "P task", 5, [""]),
        ("Another section", "Q task", 5, [""]),
        ("Another section", "R task", 5, [""]),
    ])),
    # -- section 2: data-model test, written as diagram text ('#' starts a comment)
    Case("DB-tasks-and-actors-as-text", "journey\naccTitle: Shopping\naccDescr: A user journey for family shopping\n"
         "section Journey to the shops\n  Get car keys: 5: Dad\n  Go to car: 3: Dad, Mum, Child#1, Child#2\n"
         "  Drive to supermarket: 4: Dad\nsection Do shopping\n  Go shopping: 5: Mum",
         Ok(acc_title="Shopping", sections=["Journey to the shops", "Do shopping"], actors=["Child", "Dad", "Mum"],
            tasks=[("Journey to the shops", "Get car keys", 5, ["Dad"]),
                   ("Journey to the shops", "Go to car", 3, ["Dad", "Mum", "Child"]),
                   ("Journey to the shops", "Drive to supermarket", 4, ["Dad"]),
                   ("Do shopping", "Go shopping", 5, ["Mum"])], warnings=1)),
    # -- section 3: rendering / e2e tests
    Case("C1-title-and-empty-section", "journey\ntitle Adding journey diagram functionality to mermaid\n"
         "section Order from website\n    ", Ok(sections=["Order from website"], tasks=[])),
    Case("C2-docs-example-leading-newline", "\n" + DOCS_EXAMPLE.replace("Sit down: 5", "Sit down: 3"),
         Ok(title="My working day", tasks=DOCS_TASKS[:4] + [("Go home", "Sit down", 3, ["Me"])])),
    Case("C3-two-sections", "journey\ntitle E-Commerce\nsection Order from website\n  Add to cart: 5: Me\n"
         "section Checkout from website\n  Add payment details: 5: Me",
         Ok(title="E-Commerce", tasks=[("Order from website", "Add to cart", 5, ["Me"]),
                                       ("Checkout from website", "Add payment details", 5, ["Me"])])),
    Case("C5-trailing-colon-vs-none", "---\nconfig:\n  journey:\n    maxLabelWidth: 320\n---\njourney\n"
         "  title User Journey Example\n  section Onboarding\n    Sign Up: 5:\n    Browse Features: 3:\n"
         "    Use Core Functionality: 4:\n  section Engagement\n    Browse Features: 3\n    Use Core Functionality: 4",
         Ok(tasks=[("Onboarding", "Sign Up", 5, [""]), ("Onboarding", "Browse Features", 3, [""]),
                   ("Onboarding", "Use Core Functionality", 4, [""]), ("Engagement", "Browse Features", 3, []),
                   ("Engagement", "Use Core Functionality", 4, [])])),
    Case("C6-spaces-kept-duplicate-sections", C6,
         Ok(title=" Web hook life cycle", sections=["Darkoob", "External Service", "Darkoob"], tasks=[
             ("Darkoob", "Make preBuilt", 5, ["Darkoob user"]),
             ("Darkoob", "register slug ", 5, ["Darkoob userf deliberately increasing the size of this label"]),
             ("Darkoob", "Map slug to a Prebuilt Job", 5, ["Darkoob user"]),
             ("External Service", "set Darkoob slug as hook for an Event ", 5, ["admin Exjjjnjjjj qwerty"]),
             ("External Service", "listen to the events ", 5, ["External Service"]),
             ("External Service", "call webhook ", 5, ["External Service"]),
             ("Darkoob", "Listen to hook ", 5, ["Darkoob service"]),
             ("Darkoob", "Run Prebuilt Job ", 5, ["Darkoob service"]),
         ])),
    Case("C7-long-word-actor", "---\nconfig:\n  journey:\n    maxLabelWidth: 100\n---\njourney\n  title Long\n"
         "  section S\n    VeryLongWord: 5: Supercalifragilisticexpialidocious",
         Ok(actors=["Supercalifragilisticexpialidocious"])),
    Case("C8-sentence-actor", "---\nconfig:\n  journey:\n    maxLabelWidth: 200\n---\njourney\n  section S\n"
         "    Wrap: 5: Gustavo Fring is played by Giancarlo Esposito and is a character in Breaking Bad.",
         Ok(actors=["Gustavo Fring is played by Giancarlo Esposito and is a character in Breaking Bad."])),
    Case("C10-front-matter-styling-and-stray-line", C10 + "\nsize: 2rem",
         Ok(title="User Journey Example", tasks=[
             ("Onboarding", "Sign Up", 5, ["John", "Shahir"]), ("Onboarding", "Complete Profile", 4, ["John"]),
             ("Engagement", "Browse Features", 3, ["John"]), ("Engagement", "Use Core Functionality", 4, ["John"]),
             ("Retention", "Revisit Application", 5, ["John"]), ("Retention", "Invite Friends", NAN, ["2rem"]),
             ("Retention", "size", NAN, [])])),
    Case("theme-spec-init-directive", "%%{init: { 'logLevel': 0, 'theme': 'forest'} }%%\njourney\n"
         "accTitle: This is a title\naccDescr: This is a description\n\n" + DOCS_EXAMPLE[len("journey\n"):],
         Ok(acc_title="This is a title", acc_descr="This is a description", tasks=DOCS_TASKS)),
    Case("multi-diagram-id-spec", "journey\n    title My working day\n    section Go to work\n      Make tea: 5: Me\n"
         "      Go upstairs: 3: Me", Ok(tasks=DOCS_TASKS[:2])),
    Case("detectType-bare-keyword", "journey", Ok(title=None, tasks=[], sections=[])),
    # -- section 4: demos and examples
    Case("demo-html-indented-front-matter", DEMO_HTML, Err(1, "front matter")),
    Case("demo-html-dedented", "\n".join(line[4:] for line in DEMO_HTML.splitlines()),
         Ok(title="My working day", acc_title="Very simple journey demo",
            acc_descr="2 main sections: work and home, each with just a few tasks",
            tasks=[("Go to work", "Make tea", 5, ["Me"])])),
    Case("platform-go-shopping", GO_SHOPPING,
         Ok(sections=["Get to the shops", "Do shopping", "Go home"], actors=["Child 1", "Child 2", "Dad", "Mum"])),
    Case("docs-example", DOCS_EXAMPLE, Ok(title="My working day", tasks=DOCS_TASKS)),
    # -- section 5: harness-observed behaviour
    Case("H-semicolon-in-task", "journey\ntitle T\nsection S\n  a: 5: Me; b: 4: You", Err(4, "';'")),
    Case("H-semicolon-in-section", "journey\ntitle T\nsection A; B\n  a: 5", Err(3, "';'")),
    Case("H-semicolon-in-title", "journey\ntitle T; U\nsection S\n  a: 5", Err(2, "';'")),
    Case("H-colon-in-section", "journey\n  title T\n  section Step 1: Context\n    a: 5: Me", Err(3, "section name")),
    Case("H-task-without-colon", "journey\ntitle T\nsection S\n  a: 5: Me\n  just words\n  b: 4", Err(5, "no ':'")),
    Case("H-accTitle-without-colon", "journey\naccTitle The title\nsection S\n  a: 5", Err(2)),
    Case("H-accDescr-without-colon", "journey\ntitle T\naccDescr A description\nsection S", Err(3)),
    Case("H-uppercase-JOURNEY", "JOURNEY\ntitle T", Err(1, "lowercase")),
    Case("H-scores-as-Number", "journey\nsection S\n  a: 4.5\n  b: 0\n  c: -1\n  d: high\n  e: 0x10\n  f: 1e0",
         Ok(tasks=[("S", "a", 4.5, []), ("S", "b", 0, []), ("S", "c", -1, []), ("S", "d", NAN, []),
                   ("S", "e", 16, []), ("S", "f", 1, [])])),
    Case("H-colon-in-task-name", "journey\nsection Morning\n  Push at 08:00, one per message: 5: Phone\n"
         "  Label: sub: 4: Web-App",
         Ok(tasks=[("Morning", "Push at 08", NAN, ["5"]), ("Morning", "Label", NAN, ["4"])], warnings=2)),
    Case("H-trailing-comma-empty-actor", "journey\nsection S\n  Make tea: 5: Me, Brock, ",
         Ok(tasks=[("S", "Make tea", 5, ["Me", "Brock", ""])], actors=["", "Brock", "Me"])),
    Case("H-bare-title-takes-next-line", "journey\ntitle\nsection S\n  a: 5", Ok(title="section S", sections=[],
                                                                               tasks=[(None, "a", 5, [])], warnings=1)),
    Case("H-task-before-section", "journey\n  early: 3: Me\nsection S\n  late: 4: Me",
         Ok(tasks=[(None, "early", 3, ["Me"]), ("S", "late", 4, ["Me"])])),
    Case("H-empty-section-not-drawn-but-kept", "journey\nsection A\n  a: 1\nsection Nothing\nsection C\n  c: 2",
         Ok(sections=["A", "Nothing", "C"])),
    Case("H-duplicate-section-names", "journey\nsection A\n  a: 1\nsection A\n  b: 2",
         Ok(sections=["A", "A"], tasks=[("A", "a", 1, []), ("A", "b", 2, [])])),
    Case("H-hash-cuts-line", "journey\nsection S\n  Fix bug #12: 5: Me", Err(3, "no ':'")),
    Case("H-task-name-trailing-spaces", "journey\nsection S\n  Name : 5", Ok(tasks=[("S", "Name ", 5, [])])),
]


def _task_tuple(task) -> tuple:
    score = task.score
    if score is not None and math.isnan(score):
        score = NAN
    return task.section, task.name, score, list(task.people)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cases_md_behaviour(case: Case) -> None:
    result = parse_journey(case.text)
    if isinstance(case.expect, Err):
        assert result.journey is None, f"Mermaid rejects this, but it parsed: {result.journey}"
        (error,) = result.errors
        assert error.line == case.expect.line, error
        assert case.expect.contains in error.message
        return
    assert result.errors == (), result.errors
    journey, want = result.journey, case.expect
    if want.tasks is not None:
        assert [_task_tuple(t) for t in journey.tasks] == want.tasks
    for key in ("title", "acc_title", "acc_descr"):
        if getattr(want, key) is not ...:
            assert getattr(journey, key) == getattr(want, key), key
    if want.sections is not None:
        assert [s.name for s in journey.sections] == want.sections
    if want.actors is not None:
        assert list(journey.actors) == want.actors
    if want.warnings is not None:
        assert len(result.issues) == want.warnings, result.issues


def test_every_case_is_distinct() -> None:
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("text, detected", [
    ("journey", True), ("  \n journey\n", True), ("journeyman", True),  # the detector regex has no word boundary
    ("JOURNEY", False), ("flowchart LR\n a-->b", False), ("", False), ("# journey", False),
    ("%%{init: {}}%%\njourney", True), ("%% comment\njourney", True), ("---\ntitle: t\n---\njourney", True),
])
def test_detection(text: str, detected: bool) -> None:
    assert is_journey(text) is detected


def test_detected_but_not_lexed_as_keyword() -> None:
    # /^\s*journey/ detects 'journeyman', but the lexer's journey rule ends in \b: Mermaid then fails on line 1.
    result = parse_journey("journeyman\nsection S\n  a: 5")
    assert result.journey is None and result.errors[0].line == 1
