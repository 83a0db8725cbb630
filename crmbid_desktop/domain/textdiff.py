"""Side-by-side comparison of two versions of a section's text, line by line and word by word."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# Kinds of row in a comparison.
SAME = "same"
CHANGED = "changed"
ADDED = "added"
REMOVED = "removed"


@dataclass(frozen=True)
class Span:
    text: str
    changed: bool


@dataclass(frozen=True)
class DiffRow:
    kind: str
    left: tuple[Span, ...]  # empty for an added line
    right: tuple[Span, ...]  # empty for a removed line


_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def _word_spans(old: str, new: str) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    left: list[Span] = []
    right: list[Span] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if i2 > i1:
            left.append(Span("".join(a[i1:i2]), tag != "equal"))
        if j2 > j1:
            right.append(Span("".join(b[j1:j2]), tag != "equal"))
    return tuple(left), tuple(right)


def compare(old: str, new: str) -> list[DiffRow]:
    """Rows pairing the lines of `old` and `new`, with changed words marked."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(
                DiffRow(SAME, (Span(line, False),), (Span(line, False),)) for line in a[i1:i2]
            )
            continue
        old_lines, new_lines = a[i1:i2], b[j1:j2]
        paired = min(len(old_lines), len(new_lines))
        for k in range(paired):
            left, right = _word_spans(old_lines[k], new_lines[k])
            rows.append(DiffRow(CHANGED, left, right))
        rows.extend(DiffRow(REMOVED, (Span(line, True),), ()) for line in old_lines[paired:])
        rows.extend(DiffRow(ADDED, (), (Span(line, True),)) for line in new_lines[paired:])
    return rows


def change_count(rows: list[DiffRow]) -> int:
    return sum(1 for row in rows if row.kind != SAME)
