"""Comparing section Markdown by what a reader sees, not by how the source happens to be spelt.

A Word round trip gives back `CRM_NP` for `CRM\\_NP` and `*x*` for `_x_`: the same text. These
helpers decide sameness on the rendered meaning, keep the bid's own spelling for every block the
partner did not change (so an edit to one paragraph changes only that paragraph), and turn the
canonical source into the words a person reads in a comparison.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from crmbid_desktop.domain import textdiff

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_NOT_WORD = re.compile(r"[\W_]+")
_HEADER_CELL = re.compile(r"<th[^>]*>.*?</th>", re.DOTALL)
_JOINED = re.compile(r"</(strong|em)> <\1>")
_SPACES = re.compile(r"[ \t\u00a0]+")
_NEWLINES = re.compile(r"\s*\n\s*")


def _meaning(html: str) -> str:
    """Rendered HTML with the differences Word cannot keep taken out."""
    html = html.replace("\u00ad", "")  # soft hyphens are invisible
    # A header row is bold in Word whatever its cells say, so bold there is no difference.
    html = _HEADER_CELL.sub(
        lambda m: m.group(0).replace("<strong>", "").replace("</strong>", ""), html
    )
    html = _SPACES.sub(" ", html)
    # "**a** **b**" and "**a b**" look the same on the page: a space's boldness cannot be seen.
    html = _JOINED.sub(" ", html)
    return _NEWLINES.sub("\n", html).strip()


@lru_cache(maxsize=65536)  # a long bid has thousands of paragraphs, each rendered once
def rendered(markdown: str) -> str:
    """The HTML a reader would see, with every list tight: Word cannot keep a list "loose"."""
    md = _parser()
    tokens = md.parse(markdown)
    in_items = 0
    for token in tokens:
        if token.type == "list_item_open":
            in_items += 1
        elif token.type == "list_item_close":
            in_items -= 1
        elif in_items and token.type in ("paragraph_open", "paragraph_close"):
            token.hidden = True
    return _meaning(md.renderer.render(tokens, md.options, {}))


def same_text(a: str, b: str) -> bool:
    """Whether two section texts read the same (escapes, emphasis spelling, list looseness)."""
    if a.strip() == b.strip():
        return True
    old, new = blocks(a), blocks(b)
    if len(old) != len(new):
        return rendered(a) == rendered(b)  # e.g. a loose list against a tight one
    # Block by block, rendering only blocks spelt differently. A reference-style link defined
    # in another block is the one thing this would misjudge; the bid's editor never writes them.
    return all(_same_block(x, y) for x, y in zip(old, new, strict=True))


@lru_cache(maxsize=65536)
def _signature(block: str) -> str:
    """The block's letters and digits: markup and escapes never change them, so two blocks
    whose signatures differ cannot read the same, and need no rendering to tell."""
    return _NOT_WORD.sub("", html.unescape(block))


def _same_block(a: str, b: str) -> bool:
    return a == b or (_signature(a) == _signature(b) and rendered(a) == rendered(b))


@lru_cache(maxsize=256)
def blocks(markdown: str) -> tuple[str, ...]:
    """The text's stretches between blank lines: paragraphs, tight lists, tables, headings.

    Splitting at blank lines (not parsing) keeps a long section cheap; a loose list or a code
    block with blank lines comes apart into pieces, which only ever makes two texts compare
    piece by piece, and `same_text` falls back to the whole rendering when the counts differ.
    """
    return tuple(piece.strip("\n") for piece in _BLANK_LINE.split(markdown) if piece.strip())


def keep_unchanged_spelling(original: str, returned: str) -> str:
    """`returned`, with each block that reads as in `original` spelt as `original` spells it."""
    if same_text(original, returned):
        return original
    old, new = blocks(original), blocks(returned)
    out = list(new)
    # Blocks spelt the same are matched first (cheap); only the stretches between them are
    # rendered and matched by meaning.
    for tag, i1, i2, j1, j2 in textdiff.opcodes(old, new):
        if tag == "equal":
            out[j1:j2] = old[i1:i2]
        elif tag == "replace":
            old_keys = [_signature(block) for block in old[i1:i2]]
            new_keys = [_signature(block) for block in new[j1:j2]]
            for kind, k1, _k2, l1, l2 in textdiff.opcodes(old_keys, new_keys):
                if kind != "equal":
                    continue
                for offset in range(l2 - l1):
                    before, after = old[i1 + k1 + offset], new[j1 + l1 + offset]
                    if rendered(before) == rendered(after):
                        out[j1 + l1 + offset] = before
    return "\n\n".join(out)


_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def readable(markdown: str) -> str:
    """The source as a person reads it: backslash escapes dropped (`CRM\\_NP` → `CRM_NP`)."""
    return _ESCAPE.sub(r"\1", markdown)


def word_count(markdown: str) -> int:
    return len(re.findall(r"\w+", readable(markdown)))
