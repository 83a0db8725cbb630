"""What the bid still lacks before the proposal or the letter can go: the preflight checklist.

It reads the whole bid but writes nothing; the Export page, the dashboard's "What to do next" and
the Word export all ask it, so it lives here, below them, and the rules themselves are in
`domain/preflight.py`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmbid_desktop.domain import preflight as rules
from crmbid_desktop.domain.preflight import PreflightItem
from crmbid_desktop.services.bid import preflight_facts as facts
from crmbid_desktop.services.bid import queries
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.store.models import Bid, Partner

PROPOSAL = "proposal"
EOI = "eoi"


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


def preflight(workspace: Workspace, *, today: date | None = None) -> list[PreflightItem]:
    """The problems to fix before a final proposal; see domain/preflight.py for the rules.

    The facts are read afresh by services/bid/preflight_facts.py, as the pages' checklist reads
    them; each section's words are counted once per version of its text, never by the proposal.
    """
    when = today or date.today()
    with workspace.reading() as session:
        bid = facts.read_bid(session)
        sections = facts.numbered_sections(facts.read_sections(session).values())
        criteria = facts.read_criteria(session)
        partners = facts.read_partners(session)
        milestones = facts.read_milestones(session)
        clarifications = facts.read_clarifications(session)
    return rules.check(
        sections=facts.section_facts(sections, bid.count_table_words),
        criteria=facts.criterion_facts(criteria),
        partners=[row.facts for row in partners],
        milestones=list(milestones),
        today=when,
        clarifications=list(clarifications),
        contact=bid.contact,
    )


def letter_preflight(workspace: Workspace) -> list[PreflightItem]:
    """What the expression-of-interest letter lacks before it can be sent."""
    with workspace.reading() as session:
        bid = the_bid(session)
        lead = lead_partner(session)
        letter = rules.LetterFacts(
            recipient_name=bid.letter_recipient_name,
            recipient_title=bid.letter_recipient_title,
            recipient_address=bid.letter_recipient_address,
            lead_council=lead.name if lead else "",
            signatory=lead.signatory if lead else "",
            signatory_title=signatory_title(lead),
            lead_key=lead.id if lead else None,
        )
        return rules.check_letter(letter, facts.contact_facts(bid))


def document_preflight(
    workspace: Workspace, document: str, *, today: date | None = None
) -> list[PreflightItem]:
    """The checklist for the chosen document: the proposal's or the letter's."""
    if document == EOI:
        return letter_preflight(workspace)
    return preflight(workspace, today=today)
