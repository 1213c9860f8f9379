"""The plain-Markdown fast path gives markdown-it's bytes, or steps aside.

:func:`cjmc.site.markdown_plain.plain_html` may return None for any text
(markdown-it then renders it); whenever it returns HTML, that HTML must be
exactly what markdown-it with cjmc's settings makes of the text. Compared
here on every description in the example project and in a generated
benchmark corpus, on the shared Mermaid corpus's texts, and on texts
generated from the pieces of Markdown syntax most likely to be misread.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest
import yaml

from cjmc.site.markdown import _parser, render_markdown
from cjmc.site.markdown_plain import plain_html

ROOT = Path(__file__).resolve().parents[2]
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


def markdown_it(text: str) -> str:
    return _parser(2).render(text)


def same_or_refused(text: str) -> bool:
    html = plain_html(text)
    return html is None or html == markdown_it(text)


def descriptions(value) -> list[str]:
    """Every string under a ``description`` key, anywhere in a loaded YAML document."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "description" and isinstance(item, str):
                found.append(item)
            else:
                found += descriptions(item)
    elif isinstance(value, list):
        for item in value:
            found += descriptions(item)
    return found


def texts_of(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            found += descriptions(document)
    return found


@pytest.mark.parametrize("text,html", [
    ("The customer **returns** the parcel.", "<p>The customer <strong>returns</strong> the parcel.</p>\n"),
    ("Waits *again*, then calls.", "<p>Waits <em>again</em>, then calls.</p>\n"),
    ("Scope:\n\n- web\n- phone\n", "<p>Scope:</p>\n<ul>\n<li>web</li>\n<li>phone</li>\n</ul>\n"),
    ("See [the log](https://research.example.com/j1/notes).",
     '<p>See <a href="https://research.example.com/j1/notes" rel="noopener">the log</a>.</p>\n'),
    ('Says "too slow" > twice\nnext line', "<p>Says &quot;too slow&quot; &gt; twice\nnext line</p>\n"),
])
def test_the_common_forms_take_the_fast_path(text, html):
    assert plain_html(text) == html == markdown_it(text)


@pytest.mark.parametrize("text", [
    "1. first\n2. second",          # an ordered list
    "- a\n\n- b",                   # one loose list, not two
    "a\n- b",                       # a list interrupting a paragraph
    "- a\nlazy",                    # a lazy continuation line
    "a  \nb",                       # a hard line break
    "    code",                     # indented code
    "**a**b",                       # a closer followed by a letter
    "a ***b***",                    # strong inside emphasis
    "**a\nb**",                     # emphasis across lines
    "x_y and `code`",               # underscores, code spans
    "a & b <c>",                    # entities, raw HTML
    "![alt](https://img.example/a.png)",  # an image
    "[x](javascript:alert(1))",     # a link markdown-it must judge
    "# Heading",
    "a\r\nb",
    "\n",
])
def test_what_it_cannot_be_sure_of_is_left_to_markdown_it(text):
    assert plain_html(text) is None
    assert render_markdown(text) == markdown_it(text)


def test_every_description_of_the_example_project():
    texts = texts_of(ROOT / "examples" / "maps")
    assert len(texts) > 20
    assert [t for t in texts if not same_or_refused(t)] == []


def test_every_description_of_a_generated_corpus(tmp_path: Path):
    spec = importlib.util.spec_from_file_location("cjmc_bench_generate_md", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    module.generate(40, tmp_path / "corpus", seed=7)
    texts = texts_of(tmp_path / "corpus")
    assert len(texts) > 1000
    assert [t for t in texts if not same_or_refused(t)] == []
    # The generator writes the forms above: nearly all of them must skip markdown-it, or the fast path is lost.
    assert sum(plain_html(t) is not None for t in texts) >= 0.95 * len(texts)


@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason=f"shared corpus not found at {SHARED_CORPUS}")
def test_the_texts_of_the_shared_corpus():
    lines = []
    for path in sorted(SHARED_CORPUS.rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            lines += text.splitlines()
            lines += [part.split(":")[0].strip() for part in text.splitlines() if ":" in part]
            lines.append(text)
    assert len(lines) > 100
    assert [t for t in lines if t and not same_or_refused(t)] == []


PIECES = ["word", "Word", "42", "é", "日本", " ", " ", "  ", ".", ",", ":", ";", "!", "?", "'", '"', "(", ")", "-",
          "- ", "*", "**", "***", "_", "__", "`", "\\", "&", "&amp;", "<", ">", "#", "# ", "~", "~~", "[", "]",
          "](", "[a](https://x.example/p)", "[b c](http://h.example)", "![i](https://x.example/i.png)",
          "https://x.example", "1. ", "1) ", "2.5", "\n", "\n\n", "\n- ", "\n\n- ", "\n    ", "\t", "’", "—",
          "=", "\n===", "\n---", "+ ", "|", "$", "%", "/", "\u00a0", "\u2003"]


def test_generated_texts_built_from_tricky_pieces():
    rng = random.Random(20261206)
    accepted = 0
    wrong = []
    for _ in range(20000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 14)))
        html = plain_html(text)
        if html is None:
            continue
        accepted += 1
        if html != markdown_it(text):
            wrong.append(text)
    assert wrong == []
    assert accepted > 200  # the comparison means little if the fast path refused everything


def sentence(rng: random.Random) -> str:
    """Words with spans of them in ``*`` or ``**``, links and punctuation, as descriptions are written."""
    words = []
    for _ in range(rng.randint(1, 8)):
        word = rng.choice(["a", "bc", "Déf", "9", "x-y", "it's", "(z)", "[x y](https://h.example/a-b)"])
        if rng.random() < 0.3:
            mark = rng.choice(["*", "**"])
            word = mark + word + mark
        words.append(word + rng.choice(["", "", "", ".", ",", "!", ")", "’s"]))
    return " ".join(words)


def perturbed(rng: random.Random, text: str) -> str:
    """``text`` with a piece of syntax put in at a random place, now and then."""
    if rng.random() < 0.5:
        at = rng.randint(0, len(text))
        text = text[:at] + rng.choice(["*", "**", " ", "\n", "!", "(", ")", "- ", "\n- ", "\n\n"]) + text[at:]
    return text


def test_generated_texts_of_words_and_emphasis():
    """Texts near the subset's edges: sentences, lists and paragraphs, with pieces put in anywhere."""
    rng = random.Random(7)
    accepted = emphasised = 0
    wrong = []
    for _ in range(10000):
        blocks = []
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.3:
                blocks.append("\n".join("- " + sentence(rng) for _ in range(rng.randint(1, 3))))
            else:
                blocks.append("\n".join(sentence(rng) for _ in range(rng.randint(1, 2))))
        text = perturbed(rng, "\n\n".join(blocks))
        html = plain_html(text)
        if html is not None:
            accepted += 1
            emphasised += "<em>" in html or "<strong>" in html
            if html != markdown_it(text):
                wrong.append(text)
    assert wrong == []
    assert accepted > 1000 and emphasised > 700
