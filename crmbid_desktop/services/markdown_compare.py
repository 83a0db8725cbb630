"""Comparing section Markdown by what a reader sees, not by how the source happens to be spelt.

A Word round trip gives back `CRM_NP` for `CRM\\_NP` and `*x*` for `_x_`: the same text. These
helpers decide sameness on the rendered meaning, keep the bid's own spelling for every block the
partner did not change (so an edit to one paragraph changes only that paragraph), and turn the
canonical source into the words a person reads in a comparison.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


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
    return rendered(a) == rendered(b)


def blocks(markdown: str) -> list[str]:
    """The top-level blocks' source text: paragraphs, whole lists, tables, headings."""
    lines = markdown.split("\n")
    out: list[str] = []
    for token in _parser().parse(markdown):
        if token.level == 0 and token.map is not None and token.nesting in (1, 0):
            start, end = token.map
            out.append("\n".join(lines[start:end]).strip("\n"))
    return [block for block in out if block.strip()]


def keep_unchanged_spelling(original: str, returned: str) -> str:
    """`returned`, with each block that reads as in `original` spelt as `original` spells it."""
    if same_text(original, returned):
        return original
    old, new = blocks(original), blocks(returned)
    old_keys = [rendered(block) for block in old]
    new_keys = [rendered(block) for block in new]
    out = list(new)
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(j2 - j1):
                out[j1 + k] = old[i1 + k]
    return "\n\n".join(out)


_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def readable(markdown: str) -> str:
    """The source as a person reads it: backslash escapes dropped (`CRM\\_NP` → `CRM_NP`)."""
    return _ESCAPE.sub(r"\1", markdown)


def word_count(markdown: str) -> int:
    return len(re.findall(r"\w+", readable(markdown)))
