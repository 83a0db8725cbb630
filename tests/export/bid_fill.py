"""The sample bid filled as a team would have it by Wed 24 Aug 2005: every preflight item met."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import budget as budget_service
from crmbid_desktop.store.models import (
    Attachment,
    Bid,
    Clarification,
    Contact,
    Criterion,
    Milestone,
    Partner,
    Section,
    SectionCriterion,
    Task,
)

TODAY = date(2005, 8, 24)

_SENTENCES = (
    "Leeds City Council will take over ownership of the CRM National Project with the London "
    "Borough of Newham in a supporting role.",
    "The CRM Academy website stays open while its 41 products move to their new owner.",
    "Councils that finished their own CRM programmes lead regional workshops every quarter.",
    "Each product keeps a named maintainer, a version history and a review date.",
    "Subscriptions from councils and paid services cover the running costs from 2006/07.",
    "The board reports to ODPM twice a year and publishes take-up figures for every region.",
    "Newham hands over the product library, the website and the helpdesk by December 2005.",
    "Risks are reviewed monthly by the board, each with an owner and a mitigation.",
)

RICH_SECTION = """Leeds City Council leads the bid; the London Borough of Newham supports it.

# Evidence of use

More than 80 councils tested the toolkits. Likelihood and impact are scored one to five.

| Product | Councils using | Weighting |
|---|---:|---:|
| Integrated e-Government Delivery Roadmap Framework | 64 | 30% |
| Business-case toolkit | 52 | 25% |

## Councils by CRM maturity

Early adopters, followers and councils still planning their CRM systems.
"""


def _words(limit: int | None) -> str:
    """Realistic text of about half the word limit (at least 60 words)."""
    wanted = max(60, (limit or 200) // 2)
    out: list[str] = []
    count = 0
    index = 0
    while count < wanted:
        sentence = _SENTENCES[index % len(_SENTENCES)]
        out.append(sentence)
        count += len(sentence.split())
        index += 1
    paragraphs = [" ".join(out[i : i + 3]) for i in range(0, len(out), 3)]
    return "\n\n".join(paragraphs)


def complete_bid(workspace: Workspace, *, budget: bool = True) -> None:
    """Fill every section, sign every partner off and set every detail preflight asks for."""
    with workspace.edit("Complete the bid for the tests") as session:
        bid = session.scalars(select(Bid)).one()
        bid.contact_name = "Jane Smith"
        bid.contact_title = "Head of Customer Services"
        bid.contact_email = "jane.smith@leeds.gov.uk"
        bid.contact_phone = "0113 222 4444"
        sections = session.scalars(select(Section).order_by(Section.position, Section.id)).all()
        for index, section in enumerate(sections):
            text = _words(section.word_limit)
            section.body = RICH_SECTION + "\n" + text if index == 3 else text
            section.status = "approved"
            section.reviewer = "Anne Reader"
        partners = [
            p
            for p in session.scalars(select(Partner).order_by(Partner.position, Partner.id))
            if p.status != "withdrawn"
        ]
        leeds = next(p for p in partners if p.role == "lead")
        newham = next(p for p in partners if p.name == "London Borough of Newham")
        leeds.signatory = "Paul Rogerson"
        leeds.contacts.append(
            Contact(name="Paul Rogerson", job_title="Chief Executive", email="", phone="")
        )
        for partner, pence, share in ((leeds, 60_000_00, 6000), (newham, 40_000_00, 4000)):
            partner.status = "signed off"
            partner.signed_on = date(2005, 8, 24)
            partner.contribution_pence = pence
            partner.funding_share_bp = share
        session.add(
            Attachment(
                partner=newham,
                filename="newham-letter.pdf",
                kind="letter of support",
                received_on=date(2005, 8, 22),
                data=b"%PDF-1.4",
            )
        )
        for criterion in session.scalars(select(Criterion)):
            criterion.description = f"How well the bid shows {criterion.title.lower()}."
            linked = session.scalars(
                select(SectionCriterion).where(SectionCriterion.criterion_id == criterion.id)
            ).first()
            if linked is None:
                session.add(SectionCriterion(section_id=sections[0].id, criterion_id=criterion.id))
        for milestone in session.scalars(select(Milestone)):
            milestone.flag = ""
        for task in session.scalars(select(Task)):
            task.status = "done"
        for clarification in session.scalars(select(Clarification)):
            clarification.answer = "Answered by ODPM."
    if budget:
        for year in (2005, 2006, 2007, 2008, 2009):
            budget_service.set_amount(workspace, "income", "subscriptions", year, 45_000_49)
            budget_service.set_amount(workspace, "cost", "staff", year, 80_000_00)
            budget_service.set_amount(workspace, "cost", "hosting", year, 12_500_50)
