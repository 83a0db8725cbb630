"""Evaluation criteria against sections: weights that total 100% and gaps in the matrix."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

FULL_WEIGHT_BP = 10_000


@dataclass(frozen=True)
class Coverage:
    uncovered_criteria: frozenset[int]  # criteria addressed by no section
    idle_sections: frozenset[int]  # sections serving no criterion


def coverage(
    criterion_ids: Iterable[int], section_ids: Iterable[int], links: Iterable[tuple[int, int]]
) -> Coverage:
    """`links` are (section id, criterion id) pairs; links to unknown ids are ignored."""
    criteria = set(criterion_ids)
    sections = set(section_ids)
    linked = [(s, c) for s, c in links if s in sections and c in criteria]
    return Coverage(
        uncovered_criteria=frozenset(criteria - {c for _, c in linked}),
        idle_sections=frozenset(sections - {s for s, _ in linked}),
    )


def weight_message(total_bp: int) -> str:
    """What the weight total line says: the total, and how far it is from 100%."""
    shown = _percent(total_bp)
    if total_bp == FULL_WEIGHT_BP:
        return f"Weights total {shown}"
    gap = FULL_WEIGHT_BP - total_bp
    if gap > 0:
        return f"Weights total {shown}: {_percent(gap)} still to give (they must total 100%)"
    return f"Weights total {shown}: {_percent(-gap)} too much (they must total 100%)"


def _percent(bp: int) -> str:
    whole, hundredths = divmod(bp, 100)
    return f"{whole}%" if hundredths == 0 else f"{whole}.{hundredths:02d}%"


_WEIGHT = re.compile(r"^(\d{1,3})(?:\.(\d{1,2}))?$")


def parse_weight(text: str) -> int:
    """'12.5', '12.5%' or '12' -> basis points; ValueError with a message naming the value."""
    match = _WEIGHT.match(text.strip().removesuffix("%").strip())
    if match is None:
        raise ValueError(
            f"'{text}' is not a weight: write a percentage such as 12.5 (at most two decimals)."
        )
    bp = int(match.group(1)) * 100 + int((match.group(2) or "").ljust(2, "0"))
    if bp > FULL_WEIGHT_BP:
        raise ValueError(f"'{text}' is more than 100%.")
    return bp
