"""Word counts of section text as Microsoft Word will count it once the Markdown is exported."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # markdown-it is imported on first parse: start-up counts empty sections
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

COUNTING_RULE: str = (
    "Words are counted as Microsoft Word counts them: any run of characters between spaces or "
    "line breaks is one word, so 'e-mail', 'and/or' and '£12,000.00' are one word each and a "
    "dash or '&' standing alone between spaces also counts; formatting marks, link addresses "
    "and list bullets or numbers are not counted; a non-breaking space joins the words on "
    "either side; each Chinese, Japanese or Korean character counts as one word."
)

# Word splits on ordinary whitespace but, unlike Python's str.split, treats non-breaking spaces
# (U+00A0, U+2007, U+202F) as part of the word, so they are left out of this class on purpose.
_SEPARATORS = re.compile(
    "[\t\n\v\f\r \u0085\u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]+"
)
# Word counts East Asian ideographs and syllables one per character.
_EAST_ASIAN = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\U00020000-\U0002fa1f]"
)
_UNDERLINE_TAG = re.compile(r"^</?u>$", re.IGNORECASE)
# Anything that could make Markdown differ from its plain reading: inline markup, escapes,
# entities, HTML, table pipes, NUL, or a line that starts a heading, list, quote, fence, rule or
# setext underline; or a non-breaking space (the parse trims it from line ends). Text with none
# of these reads as itself, so it needs no parse to be counted.
_MARKUP = re.compile(
    r"[\\`*_\[\]<>&|\x00\u00a0\u2007\u202f]|^[ \t]*(?:[-+>#=~]|\d{1,9}[.)])", re.MULTILINE
)


@dataclass(frozen=True, slots=True)
class _Block:
    text: str
    in_table: bool


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # The canonical section format: CommonMark plus GFM tables.
    return MarkdownIt("commonmark").enable("table")


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "html_inline":
            # <u> is formatting and vanishes; any other HTML is printed literally.
            if not _UNDERLINE_TAG.match(child.content.strip()):
                parts.append(child.content)
        elif child.type == "image":
            parts.append(_inline_text(child))
    return "".join(parts)


def _blocks(markdown: str) -> list[_Block]:
    blocks: list[_Block] = []
    in_table = False
    row: list[str] = []
    for token in _parser().parse(markdown):
        if token.type == "table_open":
            in_table = True
        elif token.type == "table_close":
            in_table = False
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            blocks.append(_Block("\t".join(row), True))
        elif token.type == "inline":
            if in_table:
                row.append(_inline_text(token))
            else:
                blocks.append(_Block(_inline_text(token), False))
        elif token.type in ("code_block", "fence", "html_block"):
            blocks.append(_Block(token.content.rstrip("\n"), in_table))
    return blocks


def plain_text(markdown: str) -> str:
    """Text as it reads in Word: a line per paragraph or table row, cells tab-separated."""
    return "\n".join(block.text for block in _blocks(markdown))


def _count_token(token: str) -> int:
    asian = len(_EAST_ASIAN.findall(token))
    if not asian:
        return 1
    rest = [piece for piece in _EAST_ASIAN.split(token) if piece]
    return asian + len(rest)


def count_text_words(text: str) -> int:
    """Words in already plain text, by the rule in COUNTING_RULE."""
    tokens = _SEPARATORS.split(text)
    if _EAST_ASIAN.search(text) is None:
        # The usual case: one word per token, so no per-token look at the characters.
        return len(tokens) - tokens.count("")
    return sum(_count_token(tok) for tok in tokens if tok)


def count_words(markdown: str, *, include_tables: bool) -> int:
    """Words in a section body as Word will count them (see COUNTING_RULE).

    Not cached here: callers that count sections again and again use `SECTION_WORDS`, which
    remembers each section's count for the text it was counted on, however many sections.
    """
    if _MARKUP.search(markdown) is None:
        return count_text_words(markdown)
    return sum(
        count_text_words(block.text)
        for block in _blocks(markdown)
        if include_tables or not block.in_table
    )


def count_both(markdown: str) -> tuple[int, int]:
    """(words without tables, words with tables) of one body, from a single parse."""
    if _MARKUP.search(markdown) is None:
        words = count_text_words(markdown)
        return words, words
    outside = inside = 0
    for block in _blocks(markdown):
        words = count_text_words(block.text)
        if block.in_table:
            inside += words
        else:
            outside += words
    return outside, outside + inside


class SectionWordCounts:
    """Each section's word count, kept for the version of its text it was counted on.

    Keyed by section (its uuid) and checked against the text's length and hash, so a count is
    worked out once per version of a section's text and never pushed out by other sections: a
    bid of 1,400 sections costs one parse per changed section, not one per section per refresh.
    Holds one small entry per section seen; `forget` drops removed ones.
    """

    def __init__(self) -> None:
        self._counts: dict[tuple[str, bool], tuple[int, int, int]] = {}
        self.parsed = 0  # how many bodies were counted (not found): for tests and benchmarks

    def count(self, section: str, markdown: str, *, include_tables: bool) -> int:
        version = (len(markdown), hash(markdown))
        known = self._counts.get((section, include_tables))
        if known is not None and known[:2] == version:
            return known[2]
        words = count_words(markdown, include_tables=include_tables)
        self.parsed += 1
        self._counts[(section, include_tables)] = (*version, words)
        return words

    def counts(self, section: str, markdown: str) -> tuple[int, int]:
        """(words without tables, words with tables): both from one parse when either is new."""
        version = (len(markdown), hash(markdown))
        without = self._counts.get((section, False))
        within = self._counts.get((section, True))
        if (
            without is not None
            and within is not None
            and without[:2] == version
            and within[:2] == version
        ):
            return without[2], within[2]
        both = count_both(markdown)
        self.parsed += 1
        self._counts[(section, False)] = (*version, both[0])
        self._counts[(section, True)] = (*version, both[1])
        return both

    def known(self, section: str, markdown: str) -> bool:
        """Whether both counts of this version of the text are kept already (no parse needed)."""
        version = (len(markdown), hash(markdown))
        return all(
            (kept := self._counts.get((section, tables))) is not None and kept[:2] == version
            for tables in (False, True)
        )

    def forget(self, sections: Iterable[str]) -> None:
        for section in sections:
            for include_tables in (False, True):
                self._counts.pop((section, include_tables), None)


#: The counts of every open bid's sections (sections are keyed by uuid, unique across bids).
SECTION_WORDS = SectionWordCounts()
