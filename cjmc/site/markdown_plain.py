"""The Markdown most descriptions are written in, rendered without markdown-it.

A journey page renders ~37 descriptions (the journey's, each stage's, each
step's); markdown-it takes ~57 µs for each, however short, which was a third
of the time a journey page took to render. Most descriptions are sentences,
``- `` lists of one-line items, ``**strong**``, ``*emphasis*`` and
``[links](https://...)``. :func:`plain_html` renders exactly that subset and
gives the same bytes markdown-it gives (``tests/site/test_markdown_plain.py``
compares the two on every description of the corpora and on generated
texts); for anything else it returns None and markdown-it renders the text.

Every rule below is there to refuse what it cannot get right, never to guess:

* a block is one or more lines between blank lines; every line is either a
  ``- `` list item or a paragraph line, and a block is all one or the other
  (a list inside a paragraph, a list right after a list, or a lazy
  continuation line would change how markdown-it groups them);
* a line starts with a letter or digit (never a list number such as ``1.``),
  with ``*``/``**`` and a letter, or with ``[``, and does not begin or end
  with whitespace (indented code, hard line breaks);
* text is letters, digits, spaces and a set of punctuation with no meaning
  in CommonMark inline syntax: no ``\\``, backtick, ``_``, ``<``, ``&``,
  ``[``, ``]``, ``~``, nor ``!`` right before a link (an image);
* ``*``/``**`` open only after the line's start or a space and before a
  letter or digit, close only after a letter or digit and before a space, a
  line's end or ``.,;:!?)``, pair with the same length on the same line and
  do not nest: CommonMark's flanking rules then leave no choice;
* a link is ``[plain text](https://host/path)``: a lower-case host and a
  path of characters that URL normalisation leaves as they are.
"""

from __future__ import annotations

import re

_WORD = r"[^\W_]"  # a letter or digit of any script: never whitespace nor punctuation to CommonMark
_PUNCTUATION = " .,;:!?'\"()/%+=@$|{}>’‘“”–—…€£°·-"
_TEXT = rf"(?:{_WORD}|[{re.escape(_PUNCTUATION)}])+"
_TOKEN = re.compile(
    rf"(?P<text>{_TEXT})"
    rf"|\[(?P<label>{_TEXT})\]\((?P<url>https?://[a-z0-9.-]+(?:/[A-Za-z0-9._~/-]*)?)\)"
    r"|(?P<delimiter>\*\*?)(?!\*)"
)
_BLANK_LINES = re.compile(r"\n{2,}")
_LINE_START = re.compile(rf"{_WORD}|\*\*?{_WORD}|\[")
_LIST_NUMBER = re.compile(r"\d+[.)]")
_WORD_CHARACTER = re.compile(_WORD)
_AFTER_CLOSING = frozenset(" .,;:!?)")
_ESCAPES = str.maketrans({'"': "&quot;", ">": "&gt;"})
_TAGS = {"*": "em", "**": "strong"}


def plain_html(text: str) -> str | None:
    """markdown-it's HTML for ``text`` when it is in the subset above, else None."""
    html = []
    after_list = False
    for block in _BLANK_LINES.split(text.strip("\n")):
        lines = block.split("\n")
        items = [line[2:] for line in lines if line.startswith("- ")]
        if items and len(items) != len(lines) or items and after_list:
            return None  # a list inside a paragraph, or two lists a blank line apart (one loose list)
        inlines = [_inline(line) for line in items or lines]
        if None in inlines:
            return None
        if items:
            html.append("<ul>\n" + "".join(f"<li>{item}</li>\n" for item in inlines) + "</ul>\n")
        else:
            html.append("<p>" + "\n".join(inlines) + "</p>\n")  # type: ignore[arg-type]
        after_list = bool(items)
    return "".join(html)


def _inline(line: str) -> str | None:
    if not _LINE_START.match(line) or _LIST_NUMBER.match(line) or line[-1] in " \t":
        return None
    parts = []
    open_delimiter = None
    position = 0
    while position < len(line):
        token = _TOKEN.match(line, position)
        if token is None:
            return None
        kind = token.lastgroup
        if kind == "text":
            parts.append(token.group().translate(_ESCAPES))
        elif kind == "delimiter":
            delimiter = token.group()
            before = line[position - 1] if position else " "
            after = line[token.end():token.end() + 1]
            if open_delimiter is None and before == " " and _WORD_CHARACTER.match(after):
                parts.append(f"<{_TAGS[delimiter]}>")
                open_delimiter = delimiter
            elif delimiter == open_delimiter and _WORD_CHARACTER.match(before) and (not after or after in _AFTER_CLOSING):
                parts.append(f"</{_TAGS[delimiter]}>")
                open_delimiter = None
            else:
                return None
        else:
            if position and line[position - 1] == "!":
                return None  # ![...](...) is an image
            label = token.group("label").translate(_ESCAPES)
            parts.append(f'<a href="{token.group("url")}" rel="noopener">{label}</a>')
        position = token.end()
    return None if open_delimiter else "".join(parts)
