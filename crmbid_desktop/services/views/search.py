"""Find text anywhere in the bid: partners, tasks, milestones, sections, criteria, products, risks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from crmbid_desktop.domain.outline import OutlineItem, number_outline
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.store.models import (
    Contact,
    Criterion,
    Milestone,
    Partner,
    Product,
    Risk,
    Section,
    Task,
)

#: Characters either side of the match in a snippet.
SNIPPET_CONTEXT = 40

#: What each kind of hit is called in the results list, in the order results are listed.
KIND_LABELS = {
    "partner": "Partner",
    "task": "Task",
    "milestone": "Milestone",
    "section": "Section",
    "criterion": "Criterion",
    "product": "Product",
    "risk": "Risk",
}


@dataclass(frozen=True)
class SearchHit:
    """One thing that holds the text; `key` is its id, for MainWindow.open_item(kind, key)."""

    kind: str
    key: int
    title: str
    snippet: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.title())


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with the user's own %, _ and \\ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def snippet(text: str, needle: str, context: int = SNIPPET_CONTEXT) -> str:
    """The match with a little text either side, on one line; "" when `needle` is not in `text`."""
    flat = " ".join(text.split())
    at = flat.casefold().find(needle.casefold())
    if at < 0:
        return ""
    start = max(at - context, 0)
    end = min(at + len(needle) + context, len(flat))
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")


def _matches(pattern: str, *columns: Any) -> ColumnElement[bool]:
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))


def _first_snippet(needle: str, *texts: str) -> str:
    for text in texts:
        found = snippet(text, needle)
        if found:
            return found
    return ""


def search(session: Session, text: str, limit: int = 200) -> list[SearchHit]:
    """Everything holding `text` (case-insensitive), grouped by kind, at most `limit` hits."""
    needle = " ".join(text.split())
    if not needle:
        return []
    pattern = like_pattern(needle)
    hits: list[SearchHit] = []

    contact_lines: dict[int, list[str]] = {}
    for contact in session.scalars(
        select(Contact).where(
            _matches(pattern, Contact.name, Contact.job_title, Contact.email, Contact.phone)
        )
    ):
        line = ", ".join(
            part for part in (contact.name, contact.job_title, contact.email, contact.phone) if part
        )
        contact_lines.setdefault(contact.partner_id, []).append(line)
    partner_filter = _matches(pattern, Partner.name, Partner.notes, Partner.signatory)
    if contact_lines:
        partner_filter = or_(partner_filter, Partner.id.in_(contact_lines))
    for partner in session.scalars(
        select(Partner).where(partner_filter).order_by(Partner.position, Partner.id)
    ):
        found = _first_snippet(
            needle,
            partner.name,
            partner.notes,
            partner.signatory,
            *contact_lines.get(partner.id, []),
        )
        hits.append(SearchHit("partner", partner.id, partner.name, found))

    for task in session.scalars(
        select(Task)
        .where(_matches(pattern, Task.title, Task.description, Task.owner_person))
        .order_by(Task.due_on, Task.position, Task.id)
    ):
        found = _first_snippet(needle, task.title, task.description, task.owner_person)
        hits.append(SearchHit("task", task.id, task.title, found))

    for milestone in session.scalars(
        select(Milestone)
        .where(_matches(pattern, Milestone.title, Milestone.notes))
        .order_by(Milestone.due_on, Milestone.id)
    ):
        found = _first_snippet(needle, milestone.title, milestone.notes)
        hits.append(SearchHit("milestone", milestone.id, milestone.title, found))

    hits.extend(_section_hits(session, needle))

    for criterion in session.scalars(
        select(Criterion)
        .where(_matches(pattern, Criterion.title, Criterion.description))
        .order_by(Criterion.position, Criterion.id)
    ):
        found = _first_snippet(needle, criterion.title, criterion.description)
        hits.append(SearchHit("criterion", criterion.id, criterion.title, found))

    for product in session.scalars(
        select(Product)
        .where(
            _matches(
                pattern,
                Product.name,
                Product.description,
                Product.current_state,
                Product.decision_reason,
            )
        )
        .order_by(Product.name, Product.id)
    ):
        found = _first_snippet(
            needle,
            product.name,
            product.description,
            product.current_state,
            product.decision_reason,
        )
        hits.append(SearchHit("product", product.id, product.name, found))

    for risk in session.scalars(
        select(Risk)
        .where(_matches(pattern, Risk.description, Risk.cause, Risk.mitigation, Risk.owner))
        .order_by(Risk.id)
    ):
        found = _first_snippet(needle, risk.description, risk.cause, risk.mitigation, risk.owner)
        hits.append(SearchHit("risk", risk.id, risk.description, found))
    return hits[:limit]


def _section_hits(session: Session, needle: str) -> list[SearchHit]:
    """Sections match on their title or on the text a reader sees, not on Markdown marks.

    SQL LIKE over the stored Markdown would miss "joint bid" written as "joint **bid**", so the
    (few dozen) sections are matched in Python over their plain text instead.
    """
    from crmbid_desktop.domain.wordcount import plain_text  # markdown-it: only once searching

    sections = {section.id: section for section in session.scalars(select(Section))}
    numbered = number_outline(
        OutlineItem(section.id, section.parent_id, section.position)
        for section in sections.values()
    )
    folded = needle.casefold()
    hits = []
    for item in numbered:
        section = sections[item.key]
        number = "" if section.is_appendix else item.number
        title = f"{number} {section.title}".strip()
        text = plain_text(section.body) if section.body else ""
        if folded in section.title.casefold() or folded in " ".join(text.split()).casefold():
            found = _first_snippet(needle, section.title, text)
            hits.append(SearchHit("section", section.id, title, found))
    return hits


def search_bid(workspace: Workspace, text: str, limit: int = 200) -> list[SearchHit]:
    """`search` in a session of its own: what Ctrl+F's dialog calls."""
    with workspace.reading() as session:
        return search(session, text, limit)
