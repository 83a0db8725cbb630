"""Side-by-side comparison of two versions of a section's text, line by line and word by word.

Differences are found by diff-match-patch (Myers' algorithm with a deadline) over tokens mapped
to single characters, so the time grows with the text times the number of edits, not with the
square of its length, and a hostile pair of texts is cut off at `DEADLINE_SECONDS` with a
correct (if coarser) answer.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

# Kinds of row in a comparison.
SAME = "same"
CHANGED = "changed"
ADDED = "added"
REMOVED = "removed"

# What a token diff reports for a run of tokens.
EQUAL = "equal"
DELETE = "delete"
INSERT = "insert"

#: After this long the search for the smallest set of edits stops and the rest is shown as
#: replaced: the comparison stays correct, only less fine-grained.
DEADLINE_SECONDS = 0.5

#: Code points a token may be mapped to; Python strings hold any of them, surrogates included.
_MAX_TOKENS = 0x110000


@dataclass(frozen=True)
class Span:
    text: str
    changed: bool


@dataclass(frozen=True)
class DiffRow:
    kind: str
    left: tuple[Span, ...]  # empty for an added line
    right: tuple[Span, ...]  # empty for a removed line


WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def token_diff(
    a: Sequence[str],
    b: Sequence[str],
    *,
    deadline: float = DEADLINE_SECONDS,
    semantic: bool = True,
) -> list[tuple[str, int, int, int, int]]:
    """Opcodes (EQUAL|DELETE|INSERT, i1, i2, j1, j2) turning tokens `a` into tokens `b`.

    `semantic` merges edits split by a lone shared token (a space between two changed words);
    lines are compared without it, so an unchanged line between two changed ones stays.
    """
    from diff_match_patch import diff_match_patch

    codes: dict[str, str] = {}

    def encode(tokens: Sequence[str]) -> str | None:
        chars = []
        for token in tokens:
            char = codes.get(token)
            if char is None:
                if len(codes) >= _MAX_TOKENS:
                    return None
                char = codes[token] = chr(len(codes))
            chars.append(char)
        return "".join(chars)

    if deadline <= 0:  # the caller's time is spent (diff-match-patch takes 0 as "no limit")
        return _coarse(a, b)
    left, right = encode(a), encode(b)
    if left is None or right is None:  # over a million distinct words: show it all as replaced
        return _replaced(len(a), len(b))
    matcher = diff_match_patch()
    matcher.Diff_Timeout = deadline
    diffs = matcher.diff_main(left, right, False)
    if semantic:
        matcher.diff_cleanupSemantic(diffs)
    opcodes: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    for op, text in diffs:
        size = len(text)
        if op == matcher.DIFF_EQUAL:
            opcodes.append((EQUAL, i, i + size, j, j + size))
            i, j = i + size, j + size
        elif op == matcher.DIFF_DELETE:
            opcodes.append((DELETE, i, i + size, j, j))
            i += size
        else:
            opcodes.append((INSERT, i, i, j, j + size))
            j += size
    return opcodes


def opcodes(
    a: Sequence[str], b: Sequence[str], *, deadline: float = DEADLINE_SECONDS
) -> list[tuple[str, int, int, int, int]]:
    """difflib.SequenceMatcher.get_opcodes' answer from `token_diff`: "equal", "replace",
    "delete" and "insert" runs, a deletion next to an insertion being one "replace"."""
    found: list[tuple[str, int, int, int, int]] = []
    pending: list[int] | None = None  # [i1, i2, j1, j2] of the edits since the last equal run

    def flush() -> None:
        if pending is not None:
            i1, i2, j1, j2 = pending
            tag = "replace" if i2 > i1 and j2 > j1 else "delete" if i2 > i1 else "insert"
            found.append((tag, i1, i2, j1, j2))

    for tag, i1, i2, j1, j2 in token_diff(a, b, deadline=deadline, semantic=False):
        if tag == EQUAL:
            flush()
            pending = None
            found.append(("equal", i1, i2, j1, j2))
        elif pending is None:
            pending = [i1, i2, j1, j2]
        else:
            pending[1], pending[3] = i2, j2
    flush()
    return found


def similarity(a: Sequence[str], b: Sequence[str], *, deadline: float = DEADLINE_SECONDS) -> float:
    """difflib's ratio, 2·M/T, from `token_diff`: M the tokens both keep, T all tokens (0 to 1).

    Near-linear with a deadline, where difflib's is quadratic on a small vocabulary. M is a
    longest common subsequence, so the answer is never below difflib's when the search ends in
    time; a search cut off by the deadline (a shuffled or mostly rewritten text) gives a lower
    bound.
    """
    total = len(a) + len(b)
    if not total:
        return 1.0
    kept = sum(
        i2 - i1
        for tag, i1, i2, _j1, _j2 in token_diff(a, b, deadline=deadline, semantic=False)
        if tag == EQUAL
    )
    return 2 * kept / total


def most_alike(a: Sequence[str], b: Sequence[str]) -> float:
    """An upper bound of `similarity` in linear time: the words both hold, in any order
    (difflib's quick_ratio)."""
    total = len(a) + len(b)
    if not total:
        return 1.0
    counts: dict[str, int] = {}
    for token in a:
        counts[token] = counts.get(token, 0) + 1
    shared = 0
    for token in b:
        left = counts.get(token, 0)
        if left:
            counts[token] = left - 1
            shared += 1
    return 2 * shared / total


class DeadlineMatcher:
    """difflib.SequenceMatcher's `get_matching_blocks` from `token_diff`, for merge3.

    merge3 compares the common version with each side through a SequenceMatcher; this one has
    the same answer shape but near-linear time and a deadline, so a hostile copy cannot make a
    merge quadratic.
    """

    def __init__(
        self,
        isjunk: object = None,
        a: Sequence[str] = (),
        b: Sequence[str] = (),
        autojunk: bool = True,
    ) -> None:
        self.a, self.b = a, b

    def get_matching_blocks(self) -> list[tuple[int, int, int]]:
        blocks = [
            (i1, j1, i2 - i1)
            for tag, i1, i2, j1, _j2 in token_diff(self.a, self.b, semantic=False)
            if tag == EQUAL
        ]
        blocks.append((len(self.a), len(self.b), 0))
        return blocks


def _coarse(a: Sequence[str], b: Sequence[str]) -> list[tuple[str, int, int, int, int]]:
    """Common start and end kept, the middle replaced: linear, for when time has run out."""
    start = 0
    limit = min(len(a), len(b))
    while start < limit and a[start] == b[start]:
        start += 1
    end = 0
    while end < limit - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    ops: list[tuple[str, int, int, int, int]] = []
    if start:
        ops.append((EQUAL, 0, start, 0, start))
    for tag, i1, i2, j1, j2 in _replaced(len(a) - start - end, len(b) - start - end):
        ops.append((tag, i1 + start, i2 + start, j1 + start, j2 + start))
    if end:
        ops.append((EQUAL, len(a) - end, len(a), len(b) - end, len(b)))
    return ops


def _replaced(left: int, right: int) -> list[tuple[str, int, int, int, int]]:
    ops = []
    if left:
        ops.append((DELETE, 0, left, 0, 0))
    if right:
        ops.append((INSERT, left, left, 0, right))
    return ops


def _word_spans(old: str, new: str, deadline: float) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    a, b = WORDS.findall(old), WORDS.findall(new)
    left: list[Span] = []
    right: list[Span] = []
    for tag, i1, i2, j1, j2 in token_diff(a, b, deadline=deadline):
        if i2 > i1:
            left.append(Span("".join(a[i1:i2]), tag != EQUAL))
        if j2 > j1:
            right.append(Span("".join(b[j1:j2]), tag != EQUAL))
    return tuple(left), tuple(right)


def compare(old: str, new: str, *, deadline: float = 2 * DEADLINE_SECONDS) -> list[DiffRow]:
    """Rows pairing the lines of `old` and `new`, with changed words marked.

    The whole comparison shares one `deadline`: once it has passed, changed lines are shown
    whole rather than word by word, so many hostile lines cannot add up to minutes.
    """
    stop = time.monotonic() + deadline
    a, b = old.splitlines(), new.splitlines()
    rows: list[DiffRow] = []
    pending_old: list[str] = []
    pending_new: list[str] = []

    def flush() -> None:
        paired = min(len(pending_old), len(pending_new))
        for k in range(paired):
            remaining = min(DEADLINE_SECONDS, stop - time.monotonic())
            left, right = _word_spans(pending_old[k], pending_new[k], remaining)
            rows.append(DiffRow(CHANGED, left, right))
        rows.extend(DiffRow(REMOVED, (Span(line, True),), ()) for line in pending_old[paired:])
        rows.extend(DiffRow(ADDED, (), (Span(line, True),)) for line in pending_new[paired:])
        pending_old.clear()
        pending_new.clear()

    # A deletion next to an insertion is one changed block, paired line by line.
    for tag, i1, i2, j1, j2 in token_diff(a, b, semantic=False):
        if tag == EQUAL:
            flush()
            rows.extend(
                DiffRow(SAME, (Span(line, False),), (Span(line, False),)) for line in a[i1:i2]
            )
        else:
            pending_old.extend(a[i1:i2])
            pending_new.extend(b[j1:j2])
    flush()
    return rows


def _hunk_range(start: int, stop: int) -> str:
    """A hunk's line range as `diff -u` writes it: 1-based, "start,count", or "start" for one."""
    count = stop - start
    if count == 1:
        return str(start + 1)
    return f"{start if count == 0 else start + 1},{count}"


def changed_lines(
    old: Sequence[str], new: Sequence[str], *, deadline: float = DEADLINE_SECONDS
) -> list[str]:
    """The changed lines of `old` -> `new` as unified-diff hunks without context (`diff -U0`).

    Each run of removed and added lines gets an "@@ -a,b +c,d @@" line, then "-" and "+" lines.
    Found by `token_diff` over whole lines, so a hostile file is bounded by `deadline`.
    """
    out: list[str] = []
    group: list[tuple[str, int, int, int, int]] = []

    def flush() -> None:
        if not group:
            return
        i1, j1 = group[0][1], group[0][3]
        i2, j2 = group[-1][2], group[-1][4]
        out.append(f"@@ -{_hunk_range(i1, i2)} +{_hunk_range(j1, j2)} @@")
        out.extend("-" + line for line in old[i1:i2])
        out.extend("+" + line for line in new[j1:j2])
        group.clear()

    for opcode in token_diff(old, new, deadline=deadline, semantic=False):
        if opcode[0] == EQUAL:
            flush()
        else:
            group.append(opcode)
    flush()
    return out


def change_count(rows: list[DiffRow]) -> int:
    return sum(1 for row in rows if row.kind != SAME)
