"""Three-way merge of a section's text, paragraph by paragraph, with conflicts as plain choices.

Both the take-back of a returned Word file (sent → returned against sent → the bid now) and the
merge of a partner's copy (common state → theirs against common state → ours) use it. A conflict
is never shown as `<<<<<<<` markers: it is a pair of versions the user keeps, takes, keeps both
of, or edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

#: How a conflict was settled: this side's text, the other side's, or both one after the other.
Choice = Literal["ours", "theirs", "both"]


@dataclass(frozen=True)
class Hunk:
    """A stretch of the merged text: the same on all sides, taken from one side, or in conflict."""

    kind: Literal["same", "ours", "theirs", "conflict"]
    base: str
    ours: str
    theirs: str

    def text(self, choice: Choice = "both") -> str:
        if self.kind == "same" or self.kind == "ours":
            return self.ours
        if self.kind == "theirs":
            return self.theirs
        if choice == "ours":
            return self.ours
        if choice == "theirs":
            return self.theirs
        return _join(self.ours, self.theirs)


def _join(first: str, second: str) -> str:
    if not first.strip():
        return second
    if not second.strip():
        return first
    return first.rstrip("\n") + "\n\n" + second


@dataclass(frozen=True)
class Merged:
    hunks: tuple[Hunk, ...]

    @property
    def conflicts(self) -> list[Hunk]:
        return [hunk for hunk in self.hunks if hunk.kind == "conflict"]

    @property
    def changes(self) -> int:
        """Stretches taken cleanly from one side or the other."""
        return sum(1 for hunk in self.hunks if hunk.kind in ("ours", "theirs"))

    def text(self, choices: Sequence[Choice] | Choice = "both") -> str:
        """The merged text, each conflict settled by `choices` (one for all, or one each)."""
        picks = iter([choices] * len(self.conflicts) if isinstance(choices, str) else choices)
        out = "".join(
            hunk.text(next(picks, "both")) if hunk.kind == "conflict" else hunk.text()
            for hunk in self.hunks
        )
        return out.rstrip("\n")


def _lines(text: str) -> list[str]:
    return [line + "\n" for line in text.rstrip("\n").split("\n")] if text.strip() else []


def merge_texts(base: str, ours: str, theirs: str) -> Merged:
    """merge3 over lines (a Markdown paragraph is one line), as hunks."""
    import merge3

    a, b, c = _lines(base), _lines(ours), _lines(theirs)
    hunks: list[Hunk] = []
    from crmbid_desktop.domain.textdiff import DeadlineMatcher

    # difflib's matcher is quadratic on a hostile copy; this one has a deadline.
    for region in merge3.Merge3(a, b, c, sequence_matcher=DeadlineMatcher).merge_regions():
        kind = region[0]
        if kind == "unchanged":
            text = "".join(a[region[1] : region[2]])
            hunks.append(Hunk("same", text, text, text))
        elif kind in ("a", "same"):
            text = "".join(b[region[1] : region[2]])
            hunks.append(Hunk("ours", "", text, text))
        elif kind == "b":
            text = "".join(c[region[1] : region[2]])
            hunks.append(Hunk("theirs", "", text, text))
        else:  # conflict: (kind, base start, base end, a start, a end, b start, b end)
            z1, z2, a1, a2, b1, b2 = cast("tuple[int, int, int, int, int, int]", tuple(region)[1:7])
            hunks.append(
                Hunk(
                    "conflict",
                    "".join(a[z1:z2]),
                    "".join(b[a1:a2]),
                    "".join(c[b1:b2]),
                )
            )
    return Merged(tuple(_fix_ends(hunks)))


def _fix_ends(hunks: list[Hunk]) -> list[Hunk]:
    """Every hunk ends in a newline so choices can be joined in any combination."""
    return [
        Hunk(
            h.kind,
            *(t if not t or t.endswith("\n") else t + "\n" for t in (h.base, h.ours, h.theirs)),
        )
        for h in hunks
    ]


def plain_counts(merged: Merged) -> str:
    """ "1 change, 1 conflict" in plain words."""
    changes, conflicts = merged.changes, len(merged.conflicts)
    return f"{_count(changes, 'change')}, {_count(conflicts, 'conflict')}"


def _count(number: int, noun: str) -> str:
    return f"{'no' if number == 0 else number} {noun}{'' if number == 1 else 's'}"
