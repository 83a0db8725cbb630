"""What the preflight rules are told about a bid, read from its file: the one place it is read.

Two callers check a proposal: `services/bid/preflight.py` (the Word export's final check, which
reads the whole bid each time) and the pages' checklist (`services/views/checklist.py`, which
keeps these facts and reads again only what a change set names). Both build the facts with the
functions here, so the two can never disagree on what a section, criterion, council, milestone
or clarification looks like to `domain/preflight.py`.

The ORM models are imported inside the functions: the pages' checklist is imported at start-up,
before the first paint, when the models are not declared yet (tests/ui/test_startup_path.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmbid_desktop.domain import preflight as rules
from crmbid_desktop.domain.outline import OutlineItem, number_outline
from crmbid_desktop.domain.wordcount import SECTION_WORDS

#: The attachment kind that counts as a partner's letter of support.
LETTER_OF_SUPPORT = "letter of support"


# -- sections -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SectionFact:
    """One section as the summaries see it; its text is kept only as its two word counts."""

    id: int
    uuid: str
    parent_id: int | None
    position: int
    title: str
    status: str
    word_limit: int | None
    is_appendix: bool
    due_on: date | None
    reviewer: str
    words: int  # without tables
    words_with_tables: int
    blank: bool  # nothing but white space

    def words_counted(self, include_tables: bool) -> int:
        return self.words_with_tables if include_tables else self.words

    @property
    def has_text(self) -> bool:
        """domain.coverage.has_text: words in the text or its tables; markup alone is not."""
        return not self.blank and self.words_with_tables > 0


@dataclass(frozen=True, slots=True)
class NumberedSection:
    fact: SectionFact
    number: str  # "" for an appendix
    has_subsections: bool


def section_fact(row: Any) -> SectionFact:
    """The fact of one row of `section_columns()`; its words are counted once per version."""
    body = row.body or ""
    words, with_tables = SECTION_WORDS.counts(row.uuid, body) if body.strip() else (0, 0)
    return SectionFact(
        int(row.id),
        str(row.uuid),
        row.parent_id,
        int(row.position or 0),
        row.title,
        row.status,
        row.word_limit,
        bool(row.is_appendix),
        row.due_on,
        row.reviewer or "",
        words,
        with_tables,
        not body.strip(),
    )


def section_columns() -> tuple[Any, ...]:
    """The columns `section_fact` reads (select them, with a where clause for some sections)."""
    from crmbid_desktop.store.models import Section

    return (
        Section.id,
        Section.uuid,
        Section.parent_id,
        Section.position,
        Section.title,
        Section.status,
        Section.word_limit,
        Section.is_appendix,
        Section.due_on,
        Section.reviewer,
        Section.body,
    )


def read_sections(session: Session) -> dict[str, SectionFact]:
    """Every section's fact, by uuid."""
    rows = session.execute(select(*section_columns())).all()
    return {str(row.uuid): section_fact(row) for row in rows}


def numbered_sections(facts: Iterable[SectionFact]) -> list[NumberedSection]:
    """The sections in outline order with their numbers (an appendix has none)."""
    by_id = {fact.id: fact for fact in sorted(facts, key=lambda f: f.id)}
    parents = {fact.parent_id for fact in by_id.values() if fact.parent_id is not None}
    return [
        NumberedSection(
            by_id[item.key],
            "" if by_id[item.key].is_appendix else item.number,
            item.key in parents,
        )
        for item in number_outline(
            OutlineItem(f.id, f.parent_id, f.position) for f in by_id.values()
        )
    ]


def section_facts(
    numbered: Iterable[NumberedSection], include_tables: bool
) -> list[rules.SectionFacts]:
    """What preflight checks of each section, in outline order."""
    return [
        rules.SectionFacts(
            s.number,
            s.fact.title,
            s.fact.status,
            s.fact.word_limit,
            s.fact.words_counted(include_tables),
            reviewer=s.fact.reviewer,
            has_subsections=s.has_subsections,
            key=s.fact.id,
        )
        for s in numbered
    ]


# -- the bid's own row ----------------------------------------------------------------------------
@dataclass(frozen=True)
class BidRow:
    title: str
    funding_body: str
    count_table_words: bool
    contact: rules.ContactFacts


def contact_facts(bid: Any) -> rules.ContactFacts:
    """The bid's contact (a Bid, or a row of its columns)."""
    return rules.ContactFacts(bid.contact_name, bid.contact_email, bid.contact_phone)


def read_bid(session: Session) -> BidRow:
    from crmbid_desktop.store.models import Bid

    bid = session.execute(
        select(
            Bid.title,
            Bid.funding_body,
            Bid.count_table_words,
            Bid.contact_name,
            Bid.contact_email,
            Bid.contact_phone,
        ).order_by(Bid.id)
    ).one()
    return BidRow(bid.title, bid.funding_body, bool(bid.count_table_words), contact_facts(bid))


# -- criteria -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CriteriaFacts:
    criteria: tuple[tuple[int, str, str], ...]  # (id, title, description) in the bid's order
    links: tuple[tuple[int, int], ...]  # (section id, criterion id)


def read_criteria(session: Session) -> CriteriaFacts:
    from crmbid_desktop.store.models import Criterion, SectionCriterion

    criteria = session.execute(
        select(Criterion.id, Criterion.title, Criterion.description).order_by(
            Criterion.position, Criterion.id
        )
    ).all()
    links = session.execute(select(SectionCriterion.section_id, SectionCriterion.criterion_id))
    return CriteriaFacts(
        tuple((int(c.id), c.title, c.description or "") for c in criteria),
        tuple((int(s), int(c)) for s, c in links),
    )


def criterion_facts(found: CriteriaFacts) -> list[rules.CriterionFacts]:
    """What preflight checks of each criterion: how many sections address it."""
    linked: dict[int, int] = {}
    for _section_id, criterion_id in found.links:
        linked[criterion_id] = linked.get(criterion_id, 0) + 1
    return [
        rules.CriterionFacts(title, linked.get(key, 0), description, key)
        for key, title, description in found.criteria
    ]


# -- councils -----------------------------------------------------------------------------------
def partners_with_letters(session: Session) -> set[int]:
    """The councils with a letter of support among their attachments."""
    from crmbid_desktop.store.models import Attachment

    return {
        partner_id
        for partner_id, kind in session.execute(select(Attachment.partner_id, Attachment.kind))
        if partner_id is not None and (kind or "").strip().lower() == LETTER_OF_SUPPORT
    }


def partner_facts(partner: Any, with_letters: set[int]) -> rules.PartnerFacts:
    """What preflight checks of one council (a Partner, or a row of its columns)."""
    return rules.PartnerFacts(
        partner.name,
        partner.status,
        partner.signed_on,
        role=partner.role,
        contribution_pence=partner.contribution_pence,
        staff_days=partner.staff_days,
        funding_share_bp=partner.funding_share_bp,
        has_letter_of_support=partner.id in with_letters,
        key=partner.id,
    )


@dataclass(frozen=True)
class PartnerRow:
    id: int
    name: str
    status: str
    facts: rules.PartnerFacts


def read_partners(session: Session) -> tuple[PartnerRow, ...]:
    """Every council in register order, with what preflight checks of it."""
    from crmbid_desktop.store.models import Partner

    with_letters = partners_with_letters(session)
    rows = session.execute(
        select(
            Partner.id,
            Partner.name,
            Partner.status,
            Partner.signed_on,
            Partner.role,
            Partner.contribution_pence,
            Partner.staff_days,
            Partner.funding_share_bp,
        ).order_by(Partner.position, Partner.id)
    ).all()
    return tuple(
        PartnerRow(int(p.id), p.name, p.status, partner_facts(p, with_letters)) for p in rows
    )


# -- timetable and clarifications -----------------------------------------------------------------
def read_milestones(session: Session) -> tuple[rules.MilestoneFacts, ...]:
    """Every milestone by date, with the titles of the unfinished tasks linked to it."""
    from crmbid_desktop.store.models import Milestone, Task

    open_tasks: dict[int, list[str]] = {}
    for milestone_id, title, status in session.execute(
        select(Task.milestone_id, Task.title, Task.status).order_by(
            Task.due_on, Task.position, Task.id
        )
    ):
        if milestone_id is not None and not rules.is_done(status):
            open_tasks.setdefault(milestone_id, []).append(title)
    return tuple(
        rules.MilestoneFacts(
            m.title,
            m.due_on,
            m.external,
            m.kind,
            tuple(open_tasks.get(m.id, ())),
            flag=m.flag,
            key=m.id,
        )
        for m in session.execute(
            select(
                Milestone.id,
                Milestone.title,
                Milestone.due_on,
                Milestone.external,
                Milestone.kind,
                Milestone.flag,
            ).order_by(Milestone.due_on, Milestone.id)
        )
    )


def read_clarifications(session: Session) -> tuple[rules.ClarificationFacts, ...]:
    """Every clarification question in the order asked, answered or not."""
    from crmbid_desktop.store.models import Clarification

    return tuple(
        rules.ClarificationFacts(question, bool((answer or "").strip()), int(key))
        for key, question, answer in session.execute(
            select(Clarification.id, Clarification.question, Clarification.answer).order_by(
                Clarification.id
            )
        )
    )
