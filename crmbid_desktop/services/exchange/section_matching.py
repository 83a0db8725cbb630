"""Finding each sent section in a returned Word file, whatever the word processor kept of it.

A sent section carries several markers: a bookmark on its heading, the heading's text ("4.2
Delivery"), a grey "End of section 4.2" line, and its own text as it was sent. Word keeps them
all; LibreOffice repeats each bookmark on the end line; pandoc drops bookmarks and properties.
The markers are reconciled here: each section is found at most once (a repeated or orphaned
marker never makes a second section), by bookmark and heading where they agree, by heading alone,
or, when the heading is gone too, by how much a stretch of text resembles what was sent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from crmbid_desktop.domain import textdiff
from crmbid_desktop.services.word.docx_reader import Block

#: A stretch of text at least this like the sent text is taken as the section.
SIMILAR_ENOUGH = 0.6

BY_MARKER = "hidden marker and heading"
BY_BOOKMARK = "hidden marker"
BY_HEADING = "heading"
BY_NUMBER = "section number in a heading"


@dataclass(frozen=True)
class Expected:
    """A section the file should hold."""

    key: str  # the section's uuid
    number: str
    title: str
    bookmark: str
    sent_text: str  # what was sent (or the bid's text when that is unknown)


@dataclass
class Found:
    key: str
    start: int  # index of the heading block (or of the first block when found by similarity)
    body: list[int]  # indexes of the section's own blocks
    how: str  # plain words for the dialog: "heading", "text 82% like what was sent"


_SPACE = re.compile(r"\s+")
_NUMBERED = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?\s+(\S.*)$")


def _key(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\u2011", "-")).strip().casefold()


def _heading_matches(block: Block, expected: Expected) -> bool:
    if len(block.text) > 300 or block.end_of is not None:
        return False
    return bool(expected.number) and _key(block.text) == _key(f"{expected.number} {expected.title}")


def _numbered_heading(block: Block) -> str | None:
    """The number of a heading-styled paragraph such as "4.2 A retitled section"."""
    if not block.heading_style or block.end_of is not None or len(block.text) > 300:
        return None
    match = _NUMBERED.match(block.text)
    return match.group(1) if match else None


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def similarity(a: str, b: str) -> float:
    """How alike two texts are, by their words (0 to 1); near-linear, with a deadline.

    Below SIMILAR_ENOUGH the answer may be an upper bound (never taken as a match anyway).
    """
    wa, wb = _words(a), _words(b)
    bound = textdiff.most_alike(wa, wb)
    if bound < SIMILAR_ENOUGH:  # not enough words in common, in any order: no diff needed
        return bound
    return textdiff.similarity(wa, wb, deadline=2 * textdiff.DEADLINE_SECONDS)


def match_sections(
    blocks: Sequence[Block], expected: Sequence[Expected], *, use_similarity: bool = True
) -> list[Found]:
    """Where each expected section is; sections not found are left out."""
    starts: dict[str, tuple[int, str]] = {}
    by_number = {item.number: item for item in expected if item.number}
    # 1. Bookmarks and headings. A bookmark on an "End of section" line (LibreOffice copies it
    #    there) is not a start; the first heading-like block of a section wins.
    for index, block in enumerate(blocks):
        if block.end_of is not None:
            continue
        for item in expected:
            if item.key in starts and starts[item.key][1] in (BY_MARKER, BY_HEADING):
                continue
            marked = item.bookmark in block.bookmarks
            heading = _heading_matches(block, item)
            if marked and heading:
                starts[item.key] = (index, BY_MARKER)
            elif heading and item.key not in starts:
                starts[item.key] = (index, BY_HEADING)
            elif heading and starts[item.key][1] == BY_BOOKMARK:
                # The bookmark drifted into the text; the heading is the better start.
                starts[item.key] = (index, BY_HEADING)
            elif marked and item.key not in starts:
                starts[item.key] = (index, BY_BOOKMARK)
    # 2. A heading whose title was changed still carries the section's number.
    taken = {index for index, _how in starts.values()}
    for index, block in enumerate(blocks):
        number = _numbered_heading(block)
        numbered = by_number.get(number or "")
        if numbered is not None and numbered.key not in starts and index not in taken:
            starts[numbered.key] = (index, BY_NUMBER)
            taken.add(index)
    found = _spans(blocks, expected, starts)
    if use_similarity:
        found += _by_similarity(blocks, expected, found)
    found.sort(key=lambda f: f.start)
    return found


def _spans(
    blocks: Sequence[Block], expected: Sequence[Expected], starts: dict[str, tuple[int, str]]
) -> list[Found]:
    """Each section runs from its heading to its end line, the next heading or the end."""
    numbers = {item.key: item.number for item in expected}
    ordered = sorted(starts.items(), key=lambda pair: pair[1][0])
    found: list[Found] = []
    for position, (key, (start, how)) in enumerate(ordered):
        limit = ordered[position + 1][1][0] if position + 1 < len(ordered) else len(blocks)
        body: list[int] = []
        for index in range(start + 1, limit):
            block = blocks[index]
            if block.end_of is not None:
                if block.end_of == numbers[key]:
                    break
                continue  # another section's stray end line is a marker, never text
            body.append(index)
        found.append(Found(key, start, body, how))
    return found


def _by_similarity(
    blocks: Sequence[Block], expected: Sequence[Expected], found: list[Found]
) -> list[Found]:
    """Sections whose markers and heading are all gone, found by their text."""
    missing = [item for item in expected if item.key not in {f.key for f in found}]
    if not missing:
        return []
    claimed = {f.start for f in found} | {i for f in found for i in f.body}
    # Free stretches: runs of unclaimed blocks, split at heading-styled paragraphs.
    stretches: list[list[int]] = []
    current: list[int] = []
    for index, block in enumerate(blocks):
        if index in claimed or block.end_of is not None or block.heading_style:
            if current:
                stretches.append(current)
            current = [index] if block.heading_style and index not in claimed else []
            continue
        current.append(index)
    if current:
        stretches.append(current)
    results: list[Found] = []
    for item in missing:
        if not item.sent_text.strip():
            continue  # an empty section cannot be recognised by its text
        best: tuple[float, int] | None = None
        for position, stretch in enumerate(stretches):
            text = "\n".join(blocks[i].text for i in stretch)
            score = similarity(item.sent_text, text)
            if score >= SIMILAR_ENOUGH and (best is None or score > best[0]):
                best = (score, position)
        if best is None:
            continue
        stretch = stretches.pop(best[1])
        head = stretch[0] if blocks[stretch[0]].heading_style else None
        body = stretch[1:] if head is not None else stretch
        how = f"text {round(best[0] * 100)}% like what was sent"
        results.append(Found(item.key, stretch[0], body, how))
    return results
