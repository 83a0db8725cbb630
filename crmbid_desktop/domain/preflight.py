"""Checks a bid must pass before a final (non-draft) proposal goes to ODPM."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from crmbid_desktop.domain.dates import format_date

WORD_LIMIT = "word limit"
NOT_APPROVED = "not approved"
CRITERION = "criterion not addressed"
SIGN_OFF = "partner not signed off"
MISSED_MILESTONE = "missed milestone"

APPROVED_STATUS = "approved"
SIGNED_OFF_STATUS = "signed off"
WITHDRAWN_STATUS = "withdrawn"
DONE_STATUSES = frozenset({"done", "complete", "completed"})
HARD_DEADLINE_KIND = "hard deadline"

MISSED_RULE = (
    "A milestone is missed when it is a deadline set by others (external, or of kind "
    "'hard deadline'), its date is before today, and at least one task linked to it is not done. "
    "A past deadline whose tasks are all done was met; one with no linked tasks cannot be judged "
    "and is not reported."
)


@dataclass(frozen=True, slots=True)
class PreflightItem:
    """One problem: `kind` is one of the constants above, `message` names the item."""

    kind: str
    message: str


@dataclass(frozen=True, slots=True)
class SectionFacts:
    number: str  # "" for an appendix
    title: str
    status: str
    word_limit: int | None
    words: int


@dataclass(frozen=True, slots=True)
class CriterionFacts:
    title: str
    sections_addressing: int


@dataclass(frozen=True, slots=True)
class PartnerFacts:
    name: str
    status: str
    signed_on: date | None


@dataclass(frozen=True, slots=True)
class MilestoneFacts:
    title: str
    due_on: date
    external: bool
    kind: str
    #: Titles of the tasks linked to this milestone that are not done yet.
    open_tasks: Sequence[str] = field(default_factory=tuple)


def _label(section: SectionFacts) -> str:
    return (
        f"Section {section.number} “{section.title}”"
        if section.number
        else (f"Appendix “{section.title}”")
    )


def is_withdrawn(status: str) -> bool:
    return status.strip().lower() == WITHDRAWN_STATUS


def is_signed_off(partner: PartnerFacts) -> bool:
    return partner.signed_on is not None or partner.status.strip().lower() == SIGNED_OFF_STATUS


def is_done(status: str) -> bool:
    return status.strip().lower() in DONE_STATUSES


def is_missed(milestone: MilestoneFacts, today: date) -> bool:
    """See MISSED_RULE."""
    set_by_others = milestone.external or milestone.kind.strip().lower() == HARD_DEADLINE_KIND
    return set_by_others and milestone.due_on < today and bool(milestone.open_tasks)


def check(
    *,
    sections: Sequence[SectionFacts],
    criteria: Sequence[CriterionFacts],
    partners: Sequence[PartnerFacts],
    milestones: Sequence[MilestoneFacts],
    today: date,
) -> list[PreflightItem]:
    """Every problem, grouped by kind in a fixed order, each group in the bid's own order."""
    items: list[PreflightItem] = []
    for section in sections:
        if section.word_limit is not None and section.words > section.word_limit:
            items.append(
                PreflightItem(
                    WORD_LIMIT,
                    f"{_label(section)} has {section.words:,} words; its limit is "
                    f"{section.word_limit:,} ({section.words - section.word_limit:,} over).",
                )
            )
    for section in sections:
        if section.status.strip().lower() != APPROVED_STATUS:
            status = section.status.strip() or "no status"
            items.append(
                PreflightItem(NOT_APPROVED, f"{_label(section)} is not approved ({status}).")
            )
    for criterion in criteria:
        if criterion.sections_addressing == 0:
            items.append(
                PreflightItem(
                    CRITERION, f"Criterion “{criterion.title}” is not addressed by any section."
                )
            )
    for partner in partners:
        if not is_withdrawn(partner.status) and not is_signed_off(partner):
            status = partner.status.strip() or "no status"
            items.append(PreflightItem(SIGN_OFF, f"{partner.name} has not signed off ({status})."))
    for milestone in milestones:
        if is_missed(milestone, today):
            count = len(milestone.open_tasks)
            tasks = "; ".join(milestone.open_tasks)
            items.append(
                PreflightItem(
                    MISSED_MILESTONE,
                    f"“{milestone.title}” was due {format_date(milestone.due_on)} and "
                    f"{count} linked task{'s are' if count != 1 else ' is'} not done: {tasks}.",
                )
            )
    return items
