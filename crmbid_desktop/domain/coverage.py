"""Evaluation criteria against sections: weights that total 100% and gaps in the matrix."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crmbid_desktop.domain.percentages import FULL_BP, format_percent, parse_percent

FULL_WEIGHT_BP = FULL_BP


@dataclass(frozen=True)
class Coverage:
    uncovered_criteria: frozenset[int]  # criteria addressed by no section with text
    idle_sections: frozenset[int]  # sections serving no criterion (linked to none)
    #: Uncovered criteria that are linked, but only to sections with no text yet.
    linked_only: frozenset[int] = frozenset()


def has_text(body: str) -> bool:
    """Whether a section says something: words in its text or its tables; markup alone is not."""
    if not body.strip():
        return False
    from crmbid_desktop.domain.wordcount import count_words  # markdown-it: not at start-up

    return count_words(body, include_tables=True) > 0


def coverage(
    criterion_ids: Iterable[int],
    section_ids: Iterable[int],
    links: Iterable[tuple[int, int]],
    written: Iterable[int] | None = None,
) -> Coverage:
    """`links` are (section id, criterion id) pairs; links to unknown ids are ignored.

    `written` are the sections with text (see `has_text`): a criterion counts as covered only
    through one of them, since a link to an empty section is a plan, not coverage. The Criteria
    page and the dashboard both pass it, so they agree. None counts every section as written.
    """
    criteria = set(criterion_ids)
    sections = set(section_ids)
    linked = [(s, c) for s, c in links if s in sections and c in criteria]
    with_text = sections if written is None else sections & set(written)
    uncovered = criteria - {c for s, c in linked if s in with_text}
    return Coverage(
        uncovered_criteria=frozenset(uncovered),
        idle_sections=frozenset(sections - {s for s, _ in linked}),
        linked_only=frozenset(uncovered & {c for _, c in linked}),
    )


def weight_message(total_bp: int) -> str:
    """What the weight total line says: the total, and how far it is from 100%."""
    shown = format_percent(total_bp)
    if total_bp == FULL_WEIGHT_BP:
        return f"Weights total {shown}"
    gap = FULL_WEIGHT_BP - total_bp
    if gap > 0:
        return f"Weights total {shown}: {format_percent(gap)} still to give (they must total 100%)"
    return f"Weights total {shown}: {format_percent(-gap)} too much (they must total 100%)"


def parse_weight(text: str) -> int:
    """A criterion's weight as typed ('12.5', '12.5%', '12,5') -> basis points (one grammar)."""
    return parse_percent(text, "a weight")
