"""What the bid still lacks before the proposal or the letter can go: the preflight checklist.

It reads the whole bid but writes nothing; the Export page, the dashboard's "What to do next" and
the Word export all ask it, so it lives here, below them, and the rules themselves are in
`domain/preflight.py`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmbid_desktop.domain import preflight as rules
from crmbid_desktop.domain.preflight import PreflightItem
from crmbid_desktop.services.bid import queries
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.store.models import (
    Attachment,
    Bid,
    Clarification,
    Criterion,
    Milestone,
    Partner,
    Section,
    SectionCriterion,
    Task,
)

PROPOSAL = "proposal"
EOI = "eoi"
#: The attachment kind that counts as a partner's letter of support.
LETTER_OF_SUPPORT = "letter of support"


def the_bid(session: Session) -> Bid:
    return session.scalars(select(Bid)).one()


def active_partners(session: Session) -> list[Partner]:
    return [p for p in queries.partners(session) if not rules.is_withdrawn(p.status)]


def lead_partner(session: Session) -> Partner | None:
    partners = active_partners(session)
    lead = next((p for p in partners if p.role.strip().lower() == "lead"), None)
    if lead is None and partners:
        lead = partners[0]  # no lead chosen yet: the first council in the list leads the cover
    return lead


def signatory_title(partner: Partner | None) -> str:
    """The signatory's job title as the partner register holds it (the contact of that name)."""
    if partner is None or not partner.signatory.strip():
        return ""
    wanted = " ".join(partner.signatory.split()).casefold()
    for contact in partner.contacts:
        if " ".join(contact.name.split()).casefold() == wanted:
            return contact.job_title.strip()
    return ""


def partners_with_letters(session: Session) -> set[int]:
    """The councils with a letter of support among their attachments."""
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


def contact_facts(bid: Bid) -> rules.ContactFacts:
    return rules.ContactFacts(bid.contact_name, bid.contact_email, bid.contact_phone)


def preflight(workspace: Workspace, *, today: date | None = None) -> list[PreflightItem]:
    """The problems to fix before a final proposal; see domain/preflight.py for the rules.

    Each section's words are counted once, here; the proposal itself never counts them.
    """
    from crmbid_desktop.domain.wordcount import count_words  # markdown-it: not at start-up

    when = today or date.today()
    with workspace.reading() as session:
        bid = the_bid(session)
        include_tables = bool(bid.count_table_words)
        reviewers = {
            row.id: row.reviewer for row in session.execute(select(Section.id, Section.reviewer))
        }
        parents = {p for p in session.scalars(select(Section.parent_id)) if p is not None}
        sections = [
            rules.SectionFacts(
                row.number,
                row.title,
                row.status,
                row.word_limit,
                count_words(row.body, include_tables=include_tables) if row.body.strip() else 0,
                reviewer=reviewers.get(row.id, "") or "",
                has_subsections=row.id in parents,
                key=row.id,
            )
            for row in queries.section_rows(session)
        ]
        linked: dict[int, int] = {}
        for link in session.scalars(select(SectionCriterion)):
            linked[link.criterion_id] = linked.get(link.criterion_id, 0) + 1
        criteria = [
            rules.CriterionFacts(c.title, linked.get(c.id, 0), c.description, c.id)
            for c in session.scalars(select(Criterion).order_by(Criterion.position, Criterion.id))
        ]
        with_letters = partners_with_letters(session)
        partners = [partner_facts(p, with_letters) for p in queries.partners(session)]
        open_tasks: dict[int, list[str]] = {}
        for task in session.scalars(select(Task).order_by(Task.due_on, Task.position, Task.id)):
            if task.milestone_id is not None and not rules.is_done(task.status):
                open_tasks.setdefault(task.milestone_id, []).append(task.title)
        milestones = [
            rules.MilestoneFacts(
                m.title,
                m.due_on,
                m.external,
                m.kind,
                tuple(open_tasks.get(m.id, ())),
                flag=m.flag,
                key=m.id,
            )
            for m in session.scalars(select(Milestone).order_by(Milestone.due_on, Milestone.id))
        ]
        clarifications = [
            rules.ClarificationFacts(c.question, bool(c.answer.strip()), c.id)
            for c in session.scalars(select(Clarification).order_by(Clarification.id))
        ]
        contact = contact_facts(bid)
    return rules.check(
        sections=sections,
        criteria=criteria,
        partners=partners,
        milestones=milestones,
        today=when,
        clarifications=clarifications,
        contact=contact,
    )


def letter_preflight(workspace: Workspace) -> list[PreflightItem]:
    """What the expression-of-interest letter lacks before it can be sent."""
    with workspace.reading() as session:
        bid = the_bid(session)
        lead = lead_partner(session)
        facts = rules.LetterFacts(
            recipient_name=bid.letter_recipient_name,
            recipient_title=bid.letter_recipient_title,
            recipient_address=bid.letter_recipient_address,
            lead_council=lead.name if lead else "",
            signatory=lead.signatory if lead else "",
            signatory_title=signatory_title(lead),
            lead_key=lead.id if lead else None,
        )
        return rules.check_letter(facts, contact_facts(bid))


def document_preflight(
    workspace: Workspace, document: str, *, today: date | None = None
) -> list[PreflightItem]:
    """The checklist for the chosen document: the proposal's or the letter's."""
    if document == EOI:
        return letter_preflight(workspace)
    return preflight(workspace, today=today)
