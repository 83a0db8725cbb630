"""Checks a bid must pass before a final (non-draft) proposal or letter goes to ODPM.

Every problem names what is wrong and where to fix it (`place`), and carries the item to open
(`item_kind`, `item_key`) so the Export page can take the user straight there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from crmbid_desktop.domain.dates import format_date

WORD_LIMIT = "word limit"
EMPTY_SECTION = "empty section"
THIN_SECTION = "thin section"
NOT_APPROVED = "not approved"
NO_REVIEWER = "approved without a reviewer"
CRITERION = "criterion not addressed"
CRITERION_DESCRIPTION = "criterion without a description"
SIGN_OFF = "partner not signed off"
PARTNER_FUNDING = "partner without contribution or share"
LETTER_OF_SUPPORT = "letter of support missing"
CONTACT = "named contact incomplete"
CLARIFICATION = "clarification unanswered"
DEADLINE = "deadline not confirmed"
MISSED_MILESTONE = "missed milestone"
LETTER_DETAILS = "letter details missing"

APPROVED_STATUS = "approved"
SIGNED_OFF_STATUS = "signed off"
WITHDRAWN_STATUS = "withdrawn"
LEAD_ROLE = "lead"
DONE_STATUSES = frozenset({"done", "complete", "completed"})
HARD_DEADLINE_KIND = "hard deadline"
#: A section with words but fewer than this share of its word limit is flagged as thin.
THIN_SHARE = 0.25

#: Words before a name that let a letter open "Dear Mr Bowrey" rather than with the full name.
HONORIFICS = ("mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "professor", "prof")

#: Where each kind of item is opened (the main window's item kinds) and what the place is called.
PLACES = {
    "section": "Sections page",
    "criterion": "Criteria page",
    "partner": "Partners page",
    "milestone": "Timetable & Tasks page",
    "clarification": "Clarifications page",
    "bid": "File > Bid details…",
}


@dataclass(frozen=True, slots=True)
class PreflightItem:
    """One problem: `kind` is one of the constants above, `message` names the item.

    `item_kind` and `item_key` say what to open to fix it ("section", 12); `place` says where
    that is in words, for the command line and the tooltip.
    """

    kind: str
    message: str
    item_kind: str = ""
    item_key: int | None = None

    @property
    def place(self) -> str:
        return PLACES.get(self.item_kind, "")

    def line(self) -> str:
        """The item as one line: kind, message and where to fix it."""
        where = f" (fix in: {self.place})" if self.place else ""
        return f"{self.kind}: {self.message}{where}"


@dataclass(frozen=True, slots=True)
class SectionFacts:
    number: str  # "" for an appendix
    title: str
    status: str
    word_limit: int | None
    words: int
    reviewer: str = ""
    #: A heading whose sub-sections carry the text is not empty.
    has_subsections: bool = False
    key: int | None = None


@dataclass(frozen=True, slots=True)
class CriterionFacts:
    title: str
    sections_addressing: int
    description: str = ""
    key: int | None = None


@dataclass(frozen=True, slots=True)
class PartnerFacts:
    name: str
    status: str
    signed_on: date | None
    role: str = ""
    contribution_pence: int = 0
    staff_days: int = 0
    funding_share_bp: int = 0
    has_letter_of_support: bool = False
    key: int | None = None


@dataclass(frozen=True, slots=True)
class MilestoneFacts:
    title: str
    due_on: date
    external: bool
    kind: str
    #: Titles of the tasks linked to this milestone that are not done yet.
    open_tasks: Sequence[str] = field(default_factory=tuple)
    #: A warning the team must resolve, e.g. the "Thursday, 26 August" that was a Friday.
    flag: str = ""
    key: int | None = None


@dataclass(frozen=True, slots=True)
class ClarificationFacts:
    question: str
    answered: bool
    key: int | None = None


@dataclass(frozen=True, slots=True)
class ContactFacts:
    """The bid's named contact, printed in the proposal and the letter."""

    name: str
    email: str
    phone: str


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
    """A milestone is missed when it is a deadline set by others (external, or of kind
    'hard deadline'), its date is before today, and at least one task linked to it is not done.
    A past deadline whose tasks are all done was met; one with no linked tasks cannot be judged
    and is not reported."""
    set_by_others = milestone.external or milestone.kind.strip().lower() == HARD_DEADLINE_KIND
    return set_by_others and milestone.due_on < today and bool(milestone.open_tasks)


def is_empty(section: SectionFacts) -> bool:
    """Nothing written and no sub-sections: the heading would print alone."""
    return section.words == 0 and not section.has_subsections


def _section_items(sections: Sequence[SectionFacts]) -> list[PreflightItem]:
    items: list[PreflightItem] = []

    def add(kind: str, message: str, section: SectionFacts) -> None:
        items.append(PreflightItem(kind, message, "section", section.key))

    for section in sections:
        if section.word_limit is not None and section.words > section.word_limit:
            add(
                WORD_LIMIT,
                f"{_label(section)} has {section.words:,} words; its limit is "
                f"{section.word_limit:,} ({section.words - section.word_limit:,} over).",
                section,
            )
    for section in sections:
        if is_empty(section):
            add(EMPTY_SECTION, f"{_label(section)} has no text yet.", section)
        elif section.word_limit and 0 < section.words < section.word_limit * THIN_SHARE:
            add(
                THIN_SECTION,
                f"{_label(section)} has only {section.words:,} of its {section.word_limit:,} "
                "words.",
                section,
            )
    for section in sections:
        approved = section.status.strip().lower() == APPROVED_STATUS
        if not approved:
            status = section.status.strip() or "no status"
            add(NOT_APPROVED, f"{_label(section)} is not approved ({status}).", section)
        elif not section.reviewer.strip():
            add(
                NO_REVIEWER,
                f"{_label(section)} is approved but names no reviewer: set who reviewed it.",
                section,
            )
    return items


def check(
    *,
    sections: Sequence[SectionFacts],
    criteria: Sequence[CriterionFacts],
    partners: Sequence[PartnerFacts],
    milestones: Sequence[MilestoneFacts],
    today: date,
    clarifications: Sequence[ClarificationFacts] = (),
    contact: ContactFacts | None = None,
) -> list[PreflightItem]:
    """Every problem, grouped by kind in a fixed order, each group in the bid's own order."""
    items = _section_items(sections)
    for criterion in criteria:
        if criterion.sections_addressing == 0:
            items.append(
                PreflightItem(
                    CRITERION,
                    f"Criterion “{criterion.title}” is not addressed by any section.",
                    "criterion",
                    criterion.key,
                )
            )
    for criterion in criteria:
        if not criterion.description.strip():
            items.append(
                PreflightItem(
                    CRITERION_DESCRIPTION,
                    f"Criterion “{criterion.title}” has no description of what ODPM looks for.",
                    "criterion",
                    criterion.key,
                )
            )
    active = [p for p in partners if not is_withdrawn(p.status)]
    for partner in active:
        if not is_signed_off(partner):
            status = partner.status.strip() or "no status"
            items.append(
                PreflightItem(
                    SIGN_OFF,
                    f"{partner.name} has not signed off ({status}).",
                    "partner",
                    partner.key,
                )
            )
    for partner in active:
        if not (partner.contribution_pence or partner.staff_days or partner.funding_share_bp):
            items.append(
                PreflightItem(
                    PARTNER_FUNDING,
                    f"{partner.name} has no contribution, staff days or share of funding.",
                    "partner",
                    partner.key,
                )
            )
    for partner in active:
        if partner.role.strip().lower() != LEAD_ROLE and not partner.has_letter_of_support:
            items.append(
                PreflightItem(
                    LETTER_OF_SUPPORT,
                    f"{partner.name} has no letter of support stored in the bid.",
                    "partner",
                    partner.key,
                )
            )
    if contact is not None:
        items.extend(_contact_items(contact))
    for clarification in clarifications:
        if not clarification.answered:
            question = " ".join(clarification.question.split())
            if len(question) > 80:
                question = question[:77].rstrip() + "…"
            items.append(
                PreflightItem(
                    CLARIFICATION,
                    f"“{question}” has no answer recorded.",
                    "clarification",
                    clarification.key,
                )
            )
    for milestone in milestones:
        if milestone.flag.strip():
            items.append(
                PreflightItem(
                    DEADLINE,
                    f"“{milestone.title}” ({format_date(milestone.due_on)}) is flagged: "
                    f"{' '.join(milestone.flag.split())} Clear the flag once it is confirmed.",
                    "milestone",
                    milestone.key,
                )
            )
    for milestone in milestones:
        if is_missed(milestone, today):
            count = len(milestone.open_tasks)
            tasks = "; ".join(milestone.open_tasks)
            items.append(
                PreflightItem(
                    MISSED_MILESTONE,
                    f"“{milestone.title}” was due {format_date(milestone.due_on)} and "
                    f"{count} linked task{'s are' if count != 1 else ' is'} not done: {tasks}.",
                    "milestone",
                    milestone.key,
                )
            )
    return items


def _contact_items(contact: ContactFacts) -> list[PreflightItem]:
    """The named contact's missing name, e-mail or telephone, as one item (proposal and letter)."""
    missing = [
        label
        for label, value in (
            ("name", contact.name),
            ("e-mail", contact.email),
            ("telephone", contact.phone),
        )
        if not value.strip()
    ]
    if not missing:
        return []
    return [PreflightItem(CONTACT, f"The bid's named contact has no {_words(missing)}.", "bid")]


def _words(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " or " + parts[-1]


@dataclass(frozen=True, slots=True)
class LetterFacts:
    """What the expression-of-interest letter needs that only the team can supply."""

    recipient_name: str
    recipient_title: str
    recipient_address: str
    lead_council: str
    signatory: str
    signatory_title: str
    lead_key: int | None = None


def check_letter(letter: LetterFacts, contact: ContactFacts) -> list[PreflightItem]:
    """Problems that would otherwise print as gaps or placeholders in the letter."""
    items: list[PreflightItem] = []
    missing = [
        label
        for label, value in (
            ("recipient's name", letter.recipient_name),
            ("recipient's title", letter.recipient_title),
            ("recipient's address", letter.recipient_address),
        )
        if not value.strip()
    ]
    if missing:
        items.append(PreflightItem(LETTER_DETAILS, f"The letter has no {_words(missing)}.", "bid"))
    words = letter.recipient_name.split()
    if words and (len(words) < 2 or words[0].rstrip(".").lower() not in HONORIFICS):
        items.append(
            PreflightItem(
                LETTER_DETAILS,
                f"Put Mr, Mrs, Ms or Dr before the recipient's name “{letter.recipient_name}” so "
                "the letter can open “Dear Mr …”.",
                "bid",
            )
        )
    if not letter.lead_council.strip():
        items.append(
            PreflightItem(LETTER_DETAILS, "No council is the lead: choose one.", "partner")
        )
    elif not letter.signatory.strip():
        items.append(
            PreflightItem(
                LETTER_DETAILS,
                f"{letter.lead_council} has no signatory to sign the letter.",
                "partner",
                letter.lead_key,
            )
        )
    elif not letter.signatory_title.strip():
        items.append(
            PreflightItem(
                LETTER_DETAILS,
                f"{letter.lead_council}'s signatory {letter.signatory} has no job title: add "
                "them as a contact of the council with their job title.",
                "partner",
                letter.lead_key,
            )
        )
    items.extend(_contact_items(contact))
    return items
