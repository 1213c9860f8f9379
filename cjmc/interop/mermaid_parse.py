"""Read Mermaid ``journey`` diagrams the way Mermaid itself reads them.

This is a port of what Mermaid runs on diagram text (snapshot ``df032c9``, as
documented in ``shared/corpus/mermaid-spec/CASES.md``), not a tidier grammar of
our own, because an author's diagram already renders somewhere: importing must
give what they see there and reject what Mermaid rejects. In order:

1. ``preprocess.ts``: CRLF -> LF; a YAML front-matter block at the very start
   of the text (column 0; its ``title:`` becomes the diagram title);
   ``%%{...}%%`` directives removed; whole ``%%`` comment lines removed;
   leading whitespace trimmed.
2. ``journeyDetector.ts``: the text must start with the lowercase ``journey``.
3. ``encodeEntities``: ``#35;`` / ``#quot;`` entity codes are protected from
   ``#`` comments and ``;`` and decoded back in the values returned here.
4. ``journey.jison``: a case-insensitive lexer in which the *first* matching
   rule wins (so a task named ``Title page: 5`` is a ``title`` line), with
   exclusive states for ``accTitle:``, ``accDescr:`` and ``accDescr { }``; and
   its grammar, which stops at the first error.
5. ``journeyDb.addTask``: score = JavaScript ``Number()`` of the text before
   the second ``:``; people = the text between the second and third ``:``
   split on ``,`` and trimmed; the rest is dropped.

Line numbers survive all the rewriting: every character of the text that is
lexed carries the offset it came from, so an error or a task points at the
line of the original file (or of the Markdown file around a fenced block).

Where Mermaid silently does something surprising (a ``:`` inside a task name,
``#`` cutting a line short, a bare ``title`` taking the next line, an unclosed
``accDescr {``) the Mermaid result is kept and a warning says what happened.

Deliberate differences: a blank score is ``None`` here (Mermaid reads ``0``);
front matter must start at column 0 as CASES.md records (newer Mermaid also
takes an indented block); HTML sanitising (DOMPurify) is not applied.
"""

from __future__ import annotations

import html
import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterator, Sequence

import yaml

__all__ = [
    "Issue", "MermaidSection", "MermaidTask", "MermaidJourney", "ParseResult", "MermaidBlock",
    "parse_journey", "parse_markdown", "extract_mermaid_blocks", "is_journey", "js_number",
]

# JavaScript's \s (WhiteSpace + LineTerminator). Python's \s differs (it has
# \x1c-\x1f and \x85 but not \ufeff), so every ported regex spells it out.
WS_CHARS = "\t\n\x0b\x0c\r \xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + \
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
_WS = f"[{WS_CHARS}]"
_WS_SET = frozenset(WS_CHARS)
_DOT = "[^\n\r\u2028\u2029]"  # JavaScript's '.'
_LINE_TERMINATORS = "\n\r\u2028\u2029"


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Issue:
    """A problem found while reading; ``line``/``column`` are 1-based."""

    line: int
    column: int
    message: str
    severity: str = "error"  # 'warning' | 'error'


@dataclass(frozen=True)
class MermaidSection:
    name: str  # raw, as Mermaid keeps it (trailing spaces included)
    line: int
    column: int = 1


@dataclass(frozen=True)
class MermaidTask:
    """One task as Mermaid's ``addTask`` stores it.

    ``section`` is ``None`` for a task before any ``section`` line (Mermaid:
    ``''``). ``score`` is JavaScript ``Number()`` of ``score_text`` (so NaN for
    words and clock-time fragments), or ``None`` when that text is blank.
    ``dropped`` is what Mermaid throws away after a third ``:``.
    """

    section: str | None
    name: str
    score: float | None
    people: tuple[str, ...]
    line: int
    column: int = 1
    section_index: int | None = None
    score_text: str = ""
    dropped: str = ""


@dataclass(frozen=True)
class MermaidJourney:
    title: str | None
    acc_title: str | None
    acc_descr: str | None
    tasks: tuple[MermaidTask, ...]
    line: int  # of the `journey` keyword
    sections: tuple[MermaidSection, ...] = ()

    @property
    def actors(self) -> tuple[str, ...]:
        """Mermaid's ``getActors()``: the sorted, de-duplicated union of all people."""
        return tuple(sorted({p for t in self.tasks for p in t.people}))


@dataclass(frozen=True)
class ParseResult:
    journey: MermaidJourney | None  # None when Mermaid rejects the text
    issues: tuple[Issue, ...] = ()

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity == "error")


@dataclass(frozen=True)
class MermaidBlock:
    """The content of one fenced ``mermaid`` block of a Markdown file."""

    text: str
    offsets: tuple[int, ...]  # offset in the Markdown text of each char of `text`, plus its end
    line: int  # line of the opening fence


class _Reject(Exception):
    """Mermaid would throw here; carries the position in the lexed text."""

    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index = index
        self.message = message


# --------------------------------------------------------------------------- tracked text


class _Text:
    """A string plus, for each character, its offset in the original source."""

    __slots__ = ("text", "pos")

    def __init__(self, text: str, pos: Sequence[int]):
        self.text = text
        self.pos = list(pos)  # len(text) + 1 entries: the last one is the end offset

    def sub(self, pattern: re.Pattern, repl) -> "_Text":
        """``re.sub`` that keeps offsets; replacement chars map onto the match."""
        parts: list[str] = []
        pos: list[int] = []
        last = 0
        for m in pattern.finditer(self.text):
            parts.append(self.text[last:m.start()])
            pos.extend(self.pos[last:m.start()])
            new = repl(m) if callable(repl) else repl
            span = max(m.end() - m.start(), 1)
            parts.append(new)
            pos.extend(self.pos[min(m.start() + min(k, span - 1), len(self.text))] for k in range(len(new)))
            last = m.end()
        parts.append(self.text[last:])
        pos.extend(self.pos[last:])
        return _Text("".join(parts), pos)

    def drop(self, spans: list[tuple[int, int]]) -> "_Text":
        keep_text: list[str] = []
        keep_pos: list[int] = []
        last = 0
        for start, end in spans:
            keep_text.append(self.text[last:start])
            keep_pos.extend(self.pos[last:start])
            last = end
        keep_text.append(self.text[last:])
        keep_pos.extend(self.pos[last:])
        return _Text("".join(keep_text), keep_pos)

    def tail(self, start: int) -> "_Text":
        return _Text(self.text[start:], self.pos[start:])


class _Lines:
    """Offset -> (line, column) in the original source; \\r\\n, \\r and \\n end lines."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def locate(self, offset: int) -> tuple[int, int]:
        i = bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1


# --------------------------------------------------------------------------- JavaScript helpers


_JS_DECIMAL = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_JS_RADIX = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")


def js_number(text: str) -> float:
    """JavaScript ``Number(text)``: '' -> 0, ' 4 ' -> 4, '0x1f' -> 31, 'high' -> NaN."""
    s = text.strip(WS_CHARS)
    if not s:
        return 0.0
    if _JS_RADIX.fullmatch(s):
        return float(int(s, 0))
    if _JS_DECIMAL.fullmatch(s):
        return float(s.replace("Infinity", "inf"))
    return math.nan


def _js_trim(text: str) -> str:
    return text.strip(WS_CHARS)


# --------------------------------------------------------------------------- preprocessing


_CRLF = re.compile(r"\r\n?")
_HTML_TAG = re.compile(r"<([A-Za-z0-9_]+)([^>]*)>")
_DOUBLE_QUOTED_ATTR = re.compile(r'="([^"]*)"')
_DIRECTIVE = re.compile(
    rf"%%\{{{_WS}*(?:([A-Za-z0-9_]+){_WS}*:|([A-Za-z0-9_]+)){_WS}*"
    rf"(?:([A-Za-z0-9_]+)|((?:(?!\}}%%){_DOT}|\r?\n)*))?{_WS}*(?:\}}%%)?",
    re.IGNORECASE,
)
_STYLE_SEMI = re.compile(rf"style{_DOT}*:[^{WS_CHARS}]*#{_DOT}*;")
_CLASSDEF_SEMI = re.compile(rf"classDef{_DOT}*:[^{WS_CHARS}]*#{_DOT}*;")
_ENTITY = re.compile(r"#[A-Za-z0-9_]+;")
_PLACEHOLDER = re.compile("\ufb02\u00b0(\u00b0?)([A-Za-z0-9_]+)\u00b6\u00df")
_DETECT = re.compile(rf"{_WS}*journey")
_FALSY_SCALAR = re.compile(r"~|null|Null|NULL|false|False|FALSE|[-+]?(?:0+\.?0*|\.0+)")


def _cleanup_text(t: _Text) -> _Text:
    t = t.sub(_CRLF, "\n")
    return t.sub(_HTML_TAG, lambda m: "<" + m.group(1) + _DOUBLE_QUOTED_ATTR.sub(r"='\1'", m.group(2)) + ">")


def _is_break(ch: str) -> bool:
    return ch in "\n\r"


def _match_front_matter(text: str) -> tuple[int, int, int] | None:
    """``/^-{3}\\s*[\\n\\r](.*?)[\\n\\r]-{3}\\s*[\\n\\r]+/s`` in linear time.

    Returns (body start, body end, match end). Ported from Mermaid's own
    ``matchFrontMatter`` scanner (the regex backtracks quadratically).
    """
    if not text.startswith("---"):
        return None
    n = len(text)
    opening_ends = []
    i = 3
    while i < n and text[i] in _WS_SET:
        if _is_break(text[i]):
            opening_ends.append(i)
        i += 1
    if not opening_ends:
        return None

    def closing_end(i: int) -> int:
        if not (_is_break(text[i]) and text.startswith("---", i + 1)):
            return -1
        last = -1
        j = i + 4
        while j < n and text[j] in _WS_SET:
            if _is_break(text[j]):
                last = j
            j += 1
        return last

    last_fence = -1
    for i in range(opening_ends[0] + 1, n):
        if text[i] in "\n\r" and closing_end(i) != -1:
            last_fence = i
    if last_fence == -1:
        return None
    opening_end = max([c for c in opening_ends if c < last_fence] or [opening_ends[0]])
    for i in range(opening_end + 1, last_fence + 1):
        end = closing_end(i)
        if end != -1:
            return opening_end + 1, i, end + 1
    return None  # pragma: no cover - last_fence always closes


def _comment_line_spans(text: str) -> list[tuple[int, int]]:
    """Spans removed by ``text.replace(/^\\s*%%(?!{)[^\\n]+\\n?/gm, '')``, in linear time."""
    spans = []
    n = len(text)
    i = 0
    while i < n:
        j = i
        while j < n and text[j] in _WS_SET:
            j += 1
        if text.startswith("%%", j) and not text.startswith("%%{", j) and j + 2 < n and text[j + 2] != "\n":
            nl = text.find("\n", j + 2)
            end = n if nl == -1 else nl + 1
            spans.append((i, end))
            i = end
            continue
        # No line start in [i, j] can match either (same whitespace run): go to the next line.
        k = j
        while k < n and text[k] not in _LINE_TERMINATORS:
            k += 1
        i = k + 1
    return spans


def _strip_any_comments(text: str) -> str:
    """``text.replace(/\\s*%%.*\\n/gm, '\\n')`` in linear time (detection only)."""
    out = []
    consumed = search = 0
    while search < len(text):
        marker = text.find("%%", search)
        if marker == -1:
            break
        end = text.find("\n", marker)
        if end == -1:
            break
        if any(c in "\r\u2028\u2029" for c in text[marker:end]):  # '.' stops there: no match
            search = marker + 2
            continue
        start = marker
        while start > consumed and text[start - 1] in _WS_SET:
            start -= 1
        out.append(text[consumed:start] + "\n")
        consumed = search = end + 1
    return "".join(out) + text[consumed:]


def is_journey(text: str) -> bool:
    """Would Mermaid detect this diagram text as a ``journey``?"""
    return _detects(_preprocess(_Text(text, range(len(text) + 1)), strict=False)[0].text)


def _detects(code: str) -> bool:
    fm = _match_front_matter(code)
    text = code[fm[2]:] if fm else code
    text = _strip_any_comments(_DIRECTIVE.sub("", text))
    return _DETECT.match(text) is not None


def _preprocess(raw: _Text, strict: bool = True) -> tuple[_Text, str | None]:
    """Mermaid's ``preprocessDiagram``: returns the code and the front-matter title.

    Raises :class:`_Reject` (with an offset in the source) for front matter
    js-yaml would refuse, unless ``strict`` is false.
    """
    t = _cleanup_text(raw)
    title = None
    fm = _match_front_matter(t.text)
    if fm:
        try:
            title = _front_matter_title(t.text[fm[0]:fm[1]], fm[0])
        except _Reject as exc:
            if strict:
                raise _Reject(t.pos[exc.index], exc.message) from None
        t = t.tail(fm[2])
    t = t.sub(_DIRECTIVE, "")
    t = t.drop(_comment_line_spans(t.text))
    lead = len(t.text) - len(t.text.lstrip(WS_CHARS))
    return t.tail(lead), title


def _front_matter_title(body: str, body_start: int) -> str | None:
    """``title`` of the front matter, as js-yaml + ``String(title)`` would give it."""
    try:
        node = yaml.compose(body, Loader=yaml.BaseLoader)
    except (yaml.YAMLError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = body_start + (mark.index if mark is not None else 0)
        raise _Reject(where, f"the front matter is not valid YAML ({getattr(exc, 'problem', None) or exc})")
    if not isinstance(node, yaml.MappingNode):
        return None
    keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
    for key in keys:
        if keys.count(key) > 1:
            raise _Reject(body_start, f"the front matter has the key '{key}' twice (js-yaml rejects that)")
    value = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "title"), None)
    if isinstance(value, yaml.ScalarNode):
        if value.style is None and _FALSY_SCALAR.fullmatch(value.value):
            return None  # null, false or 0 in js-yaml's JSON schema: falsy, so Mermaid ignores it
        return value.value or None
    if isinstance(value, yaml.MappingNode):
        return "[object Object]"
    if isinstance(value, yaml.SequenceNode):
        return ",".join(v.value if isinstance(v, yaml.ScalarNode) else "" for v in value.value)
    return None


def _encode_entities(t: _Text) -> _Text:
    t = t.sub(_STYLE_SEMI, lambda m: m.group(0)[:-1])
    t = t.sub(_CLASSDEF_SEMI, lambda m: m.group(0)[:-1])

    def encode(m: re.Match) -> str:
        inner = m.group(0)[1:-1]
        return ("\ufb02\u00b0\u00b0" if inner.isdigit() else "\ufb02\u00b0") + inner + "\u00b6\u00df"

    return t.sub(_ENTITY, encode)


def _decode_entities(text: str) -> str:
    return _PLACEHOLDER.sub(lambda m: html.unescape(("&#" if m.group(1) else "&") + m.group(2) + ";"), text)


# --------------------------------------------------------------------------- lexer (journey.jison)

_CI = re.IGNORECASE | re.ASCII  # jison's case-insensitive option folds ASCII only, like JS without /u
_PUSH_TITLE, _PUSH_DESCR, _PUSH_MULTI, _POP = "acc_title", "acc_descr", "acc_descr_multiline", "pop"
_RULES: dict[str, list[tuple[re.Pattern, str | None, str | None]]] = {
    "INITIAL": [
        (re.compile(r"%%(?!\{)[^\n]*"), "%%", None),
        (re.compile(r"[^}]%%[^\n]*"), "%%", None),
        (re.compile(r"\n+"), "NEWLINE", None),
        (re.compile(f"{_WS}+"), "SPACE", None),
        (re.compile(r"#[^\n]*"), "#", None),
        (re.compile(r"journey(?![A-Za-z0-9_])", _CI), "journey", None),  # jison adds \b
        (re.compile(rf"title{_WS}[^#\n;]+", _CI), "title", None),
        (re.compile(rf"accTitle{_WS}*:{_WS}*", _CI), "acc_title", _PUSH_TITLE),
        (re.compile(rf"accDescr{_WS}*:{_WS}*", _CI), "acc_descr", _PUSH_DESCR),
        (re.compile(rf"accDescr{_WS}*\{{{_WS}*", _CI), "acc_descr_open", _PUSH_MULTI),
        (re.compile(rf"section{_WS}[^#:\n;]+", _CI), "section", None),
        (re.compile(r"[^#:\n;]+"), "taskName", None),
        (re.compile(r":[^#\n;]+"), "taskData", None),
        (re.compile(r":"), ":", None),
        (re.compile(r"\Z"), "EOF", None),
        (re.compile(_DOT), "INVALID", None),
    ],
    _PUSH_TITLE: [(re.compile(r"[^\n]*"), "acc_title_value", _POP)],
    _PUSH_DESCR: [(re.compile(r"[^\n]*"), "acc_descr_value", _POP)],
    _PUSH_MULTI: [
        (re.compile(r"\}"), "acc_descr_close", _POP),
        (re.compile(r"[^}]*"), "acc_descr_multiline_value", None),
    ],
}
_SKIPPED = {"%%", "SPACE", "#", "acc_descr_open", "acc_descr_close"}


def _lex(text: str) -> Iterator[tuple[str, str, int]]:
    """Yield (token, text, start) like jison's lexer, skipped tokens included."""
    pos, states, done = 0, ["INITIAL"], False
    while True:
        if done:
            yield "EOF", "", len(text)
            return
        if pos >= len(text):
            done = True
        for pattern, token, action in _RULES[states[-1]]:
            m = pattern.match(text, pos)
            if m:
                break
        else:  # pragma: no cover - every state has a rule that always matches
            raise _Reject(pos, "Mermaid's lexer cannot read this")
        if action == _POP:
            states.pop()
        elif action:
            states.append(action)
        yield token, m.group(0), pos
        pos = m.end()
        if token == "EOF":
            return


# --------------------------------------------------------------------------- grammar


class _Reader:
    def __init__(self, t: _Text, lines: _Lines):
        self.t = t
        self.lines = lines
        self.warnings: list[Issue] = []

    def where(self, index: int) -> tuple[int, int]:
        return self.lines.locate(self.t.pos[min(index, len(self.t.text))])

    def warn(self, index: int, message: str) -> None:
        line, column = self.where(index)
        self.warnings.append(Issue(line, column, message, "warning"))

    def read(self, front_title: str | None) -> MermaidJourney:
        text = self.t.text
        tokens = self._significant(_lex(text))
        kind, value, start = next(tokens)
        if kind != "journey":
            raise _Reject(start, f"expected the keyword 'journey' first, found {_shown(value)}")
        journey_line = self.where(start)[0]
        title, acc_title, acc_descr = front_title, None, None
        sections: list[MermaidSection] = []
        tasks: list[MermaidTask] = []
        previous = ""
        for kind, value, start in tokens:
            if kind in ("NEWLINE", "EOF"):
                pass
            elif kind == "title":
                title = _decode_entities(value[6:])
                self._bare_keyword(value, 5, start, "title")
            elif kind in ("acc_title", "acc_descr"):
                if "\n" in value:
                    self._note_next_line(start, value.split(":")[0].strip())
                _, raw, _ = next(tokens)
                text_value = _js_trim(raw)
                if kind == "acc_title":
                    acc_title = _decode_entities(text_value.lstrip(WS_CHARS))
                else:
                    acc_descr = _decode_entities(re.sub(rf"\n{_WS}+", "\n", text_value))
            elif kind == "acc_descr_multiline_value":
                acc_descr = _decode_entities(re.sub(rf"\n{_WS}+", "\n", _js_trim(value)))
            elif kind == "section":
                self._bare_keyword(value, 7, start, "section")
                line, column = self.where(start)
                sections.append(MermaidSection(_decode_entities(value[8:]), line, column))
            elif kind == "taskName":
                nxt, data, data_start = next(tokens)
                if nxt != "taskData":
                    raise _Reject(*self._task_error(value, start, nxt, data_start))
                tasks.append(self._task(value, data, start, sections))
            else:
                raise _Reject(start, _unexpected(kind, value, previous))
            previous = kind
        return MermaidJourney(title, acc_title, acc_descr, tuple(tasks), journey_line, tuple(sections))

    def _significant(self, tokens: Iterator[tuple[str, str, int]]) -> Iterator[tuple[str, str, int]]:
        """Drop skipped tokens, warning where they change what the author meant."""
        line_has_text = False
        multiline_start = None
        for kind, value, start in tokens:
            if kind == "acc_descr_open":
                multiline_start = start
            elif kind == "acc_descr_close":
                multiline_start = None
            elif kind == "EOF" and multiline_start is not None:
                self.warn(multiline_start, "'accDescr {' is never closed with '}': Mermaid swallows the rest "
                          "of the diagram (no task or section below it exists) and keeps an empty description")
            if kind == "#" and line_has_text and value.strip("#").strip():
                self.warn(start, f"'#' starts a comment in Mermaid journey diagrams: {_shown(value)} is ignored "
                          "(write #35; for a literal '#')")
            if kind == "NEWLINE" or (kind in ("%%", "SPACE") and "\n" in value):
                line_has_text = False
            elif kind not in _SKIPPED:
                line_has_text = True
            if kind not in _SKIPPED:
                yield kind, value, start

    def _bare_keyword(self, value: str, ws_index: int, start: int, keyword: str) -> None:
        if value[ws_index] in _LINE_TERMINATORS:
            self._note_next_line(start, keyword)

    def _note_next_line(self, start: int, keyword: str) -> None:
        self.warn(start, f"'{keyword}' has nothing after it on its line, so Mermaid takes the next line as its text")

    def _task(self, name: str, data: str, start: int, sections: list[MermaidSection]) -> MermaidTask:
        pieces = data[1:].split(":")
        score_text = pieces[0]
        people = tuple(_decode_entities(_js_trim(p)) for p in pieces[1].split(",")) if len(pieces) > 1 else ()
        dropped = ":".join(pieces[2:])
        if len(pieces) > 2:
            self.warn(start, f"task {_shown(name)} has more than two ':' after its name; Mermaid drops "
                      f"{_shown(':' + dropped)} (a ':' inside a task name ends the name)")
        line, column = self.where(start)
        return MermaidTask(
            section=sections[-1].name if sections else None,
            name=_decode_entities(name),
            score=None if not _js_trim(score_text) else js_number(score_text),
            people=people,
            line=line,
            column=column,
            section_index=len(sections) - 1 if sections else None,
            score_text=_decode_entities(score_text),
            dropped=_decode_entities(dropped),
        )

    def _task_error(self, name: str, start: int, nxt: str, nxt_start: int) -> tuple[int, str]:
        if nxt == "INVALID":
            return nxt_start, _unexpected("INVALID", ";", "taskName")
        if nxt == ":":
            return nxt_start, (f"task {_shown(name)} ends with ':' and nothing after it; "
                               "Mermaid needs 'Task name: score: actor, actor'")
        return start, (f"task line {_shown(name.strip())} has no ':'; Mermaid needs 'Task name: score: actor, actor' "
                       "(or 'section ...', 'title ...')")


def _shown(text: str, limit: int = 60) -> str:
    text = text.strip()
    return repr(text if len(text) <= limit else text[: limit - 1] + "\u2026")


def _unexpected(kind: str, value: str, previous: str) -> str:
    if kind == "INVALID":
        return "';' is not allowed in a Mermaid journey diagram (not as a separator, nor inside a name)"
    if kind in ("taskData", ":") and previous == "section":
        return "':' is not allowed in a section name; Mermaid stops the name there and then fails"
    if kind in ("taskData", ":"):
        return "a task needs a name before ':'"
    if kind == "journey":
        return ("the word 'journey' (any case) at the start of a line is Mermaid's keyword and may only open "
                "the diagram; reword this line")
    return f"Mermaid cannot parse {_shown(value)} here"  # pragma: no cover - grammar has no other case


# --------------------------------------------------------------------------- entry points


def parse_journey(text: str, *, source: str | None = None, offsets: Sequence[int] | None = None) -> ParseResult:
    """Parse one Mermaid diagram's text.

    ``source``/``offsets`` let a caller (Markdown extraction) say where each
    char of ``text`` sits in a larger file, so lines refer to that file.
    Returns a journey and warnings, or no journey and one error (Mermaid
    stops at the first).
    """
    lines = _Lines(text if source is None else source)
    raw = _Text(text, offsets if offsets is not None else range(len(text) + 1))
    try:
        code, front_title = _preprocess(raw)
    except _Reject as exc:
        line, column = lines.locate(exc.index)
        return ParseResult(None, (Issue(line, column, exc.message),))
    if not _detects(code.text):
        line, column = lines.locate(code.pos[0])
        return ParseResult(None, (Issue(line, column, _not_detected(code.text)),))
    t = _encode_entities(code)
    t = _Text(t.text + "\n", t.pos + [t.pos[-1]])  # Diagram.fromText appends a newline
    reader = _Reader(t, lines)
    try:
        journey = reader.read(front_title)
    except _Reject as exc:
        line, column = reader.where(exc.index)
        return ParseResult(None, tuple(reader.warnings) + (Issue(line, column, exc.message),))
    return ParseResult(journey, tuple(reader.warnings))


def _not_detected(code: str) -> str:
    first = code.split(None, 1)[0] if code.strip() else ""
    if first.lower().startswith("journey"):
        return f"Mermaid only detects the lowercase keyword 'journey', not {first!r}"
    if first.startswith("---"):
        return ("front matter ('---') must start at line 1, column 1 of the diagram; "
                "indented or after other lines Mermaid does not recognise it")
    if not first:
        return "empty diagram: a Mermaid journey starts with the keyword 'journey'"
    return f"not a Mermaid journey diagram (it starts with {_shown(first, 30)}, not 'journey')"


_FENCE_OPEN = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)")
_FENCE_CLOSE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*")


def extract_mermaid_blocks(markdown: str) -> list[MermaidBlock]:
    """Every fenced block whose info string is ``mermaid`` (CommonMark fences).

    Fences inside other fenced blocks are content, not blocks; an unclosed
    fence runs to the end of the file. Blocks inside block quotes or indented
    more than three spaces are not looked at.
    """
    lines = [(m.start(), m.group(1), m.group(2)) for m in re.finditer(r"([^\r\n]*)(\r\n|\r|\n|$)", markdown)
             if m.start() < len(markdown) or m.group(1)]
    blocks: list[MermaidBlock] = []
    i = 0
    while i < len(lines):
        start, body, _ = lines[i]
        opening = _FENCE_OPEN.fullmatch(body)
        if not opening or (opening.group(2)[0] == "`" and "`" in opening.group(3)):
            i += 1
            continue
        indent, fence, info = len(opening.group(1)), opening.group(2), opening.group(3).strip()
        text: list[str] = []
        offsets: list[int] = []
        j = i + 1
        while j < len(lines):
            line_start, line_body, ending = lines[j]
            close = _FENCE_CLOSE.fullmatch(line_body)
            if close and close.group(1)[0] == fence[0] and len(close.group(1)) >= len(fence):
                break
            cut = len(line_body) - len(line_body.lstrip(" ")) if indent else 0
            cut = min(cut, indent)
            text.append(line_body[cut:] + ending)
            offsets.extend(range(line_start + cut, line_start + len(line_body) + len(ending)))
            j += 1
        if info.split(None, 1)[:1] and info.split(None, 1)[0].lower() == "mermaid":
            end = lines[j][0] if j < len(lines) else len(markdown)
            offsets.append(offsets[-1] + 1 if offsets else end)
            blocks.append(MermaidBlock("".join(text), tuple(offsets), i + 1))
        i = j + 1
    return blocks


def parse_markdown(markdown: str) -> list[ParseResult]:
    """Parse each fenced ``mermaid`` block that Mermaid would detect as a journey."""
    results = []
    for block in extract_mermaid_blocks(markdown):
        if is_journey(block.text):
            results.append(parse_journey(block.text, source=markdown, offsets=block.offsets))
    return results
