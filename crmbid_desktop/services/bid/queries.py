"""Read-only views of a bid for pages and reports: plain rows, formatted the way users read them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmbid_desktop.domain.outline import OutlineItem, number_outline
from crmbid_desktop.store.models import (
    Milestone,
    Partner,
    Section,
    Task,
)


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
