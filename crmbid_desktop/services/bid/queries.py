"""Read-only views of a bid for pages and reports: plain rows, formatted the way users read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmbid_desktop.domain.outline import OutlineItem, number_outline
from crmbid_desktop.domain.percentages import format_percent
from crmbid_desktop.store.models import (
    Bid,
    Criterion,
    Milestone,
    Partner,
    Section,
    SectionCriterion,
    Task,
)


@dataclass(frozen=True)
class BidSummary:
    title: str
    funding_body: str
    reference: str
    status: str


def bid_summary(session: Session) -> BidSummary:
    bid = session.scalars(select(Bid)).one()
    return BidSummary(bid.title, bid.funding_body, bid.reference, bid.status)


@dataclass(frozen=True)
class SectionRow:
    id: int
    number: str
    depth: int
    title: str
    status: str
    word_limit: int | None
    body: str


def section_rows(session: Session) -> list[SectionRow]:
    sections = {section.id: section for section in session.scalars(select(Section))}
    numbered = number_outline(
        OutlineItem(section.id, section.parent_id, section.position)
        for section in sections.values()
    )
    rows = []
    for item in numbered:
        section = sections[item.key]
        number = "" if section.is_appendix else item.number
        rows.append(
            SectionRow(
                section.id,
                number,
                item.depth,
                section.title,
                section.status,
                section.word_limit,
                section.body,
            )
        )
    return rows


def partners(session: Session) -> list[Partner]:
    return list(session.scalars(select(Partner).order_by(Partner.position, Partner.id)))


def partner_names(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every council in register order: what choice lists of councils show."""
    rows = session.execute(select(Partner.id, Partner.name).order_by(Partner.position, Partner.id))
    return [(int(partner_id), str(name)) for partner_id, name in rows]


def milestones(session: Session) -> list[Milestone]:
    return list(session.scalars(select(Milestone).order_by(Milestone.due_on, Milestone.id)))


def tasks(session: Session) -> list[Task]:
    return list(session.scalars(select(Task).order_by(Task.due_on, Task.position, Task.id)))


@dataclass(frozen=True)
class CriterionRow:
    id: int
    title: str
    weight: str
    addressed_in: str


def criterion_rows(session: Session) -> list[CriterionRow]:
    numbers = {row.id: row.number or row.title for row in section_rows(session)}
    links: dict[int, list[str]] = {}
    for link in session.scalars(select(SectionCriterion)):
        links.setdefault(link.criterion_id, []).append(numbers.get(link.section_id, "?"))
    rows = []
    for criterion in session.scalars(select(Criterion).order_by(Criterion.position)):
        addressed = sorted(links.get(criterion.id, []), key=_number_key)
        rows.append(
            CriterionRow(
                criterion.id,
                criterion.title,
                format_percent(criterion.weight_bp),
                ", ".join(addressed),
            )
        )
    return rows


def _number_key(number: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in number.split("."))
    except ValueError:
        return (10**6,)


def total_criteria_weight_bp(session: Session) -> int:
    return sum(criterion.weight_bp for criterion in session.scalars(select(Criterion)))


def section_guidance(session: Session, section_id: int) -> str:
    section = session.get(Section, section_id)
    return section.guidance if section else ""


@dataclass(frozen=True)
class DeadlineRow:
    title: str
    due_on: date
    days_away: int
    flag: str


def external_deadlines(session: Session, today: date) -> list[DeadlineRow]:
    rows = []
    for milestone in milestones(session):
        if milestone.external:
            rows.append(
                DeadlineRow(
                    milestone.title,
                    milestone.due_on,
                    (milestone.due_on - today).days,
                    milestone.flag,
                )
            )
    return rows


def sections_by_status(session: Session) -> dict[str, int]:
    counts: dict[str, int] = {}
    for section in session.scalars(select(Section)):
        counts[section.status] = counts.get(section.status, 0) + 1
    return counts
