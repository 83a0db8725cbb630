"""The clarification log: questions put to the department, answers, and the sections they affect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.domain.section_workflow import status_after_clarification
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.store.models import Clarification, ClarificationSection, Comment, Section

#: Who the note on a section sent back for review is from.
CLARIFICATION_AUTHOR = "Clarification log"


class ClarificationError(ValueError):
    """A clarification edit that cannot be made; the message says why."""


@dataclass(frozen=True)
class ClarificationRow:
    id: int
    uuid: str
    question: str
    asked_on: date | None
    answer: str
    answered_on: date | None
    section_ids: tuple[int, ...]
    section_labels: str


def clarifications(workspace: Workspace) -> list[ClarificationRow]:
    """Every question to the department, by date asked, with the sections it affects."""
    with workspace.reading() as session:
        return _clarifications(session)


@dataclass(frozen=True)
class ClarificationsView:
    """What the Clarifications page shows, read in one session with the outline read once."""

    rows: list[ClarificationRow]
    #: The outline without texts, for the list of sections a question affects.
    outline: list[section_service.SectionInfo]
    #: `sections.section_heads`, which the page compares after each change.
    heads: list[tuple[int, str, int | None, int, bool]]


def clarifications_view(workspace: Workspace) -> ClarificationsView:
    with workspace.reading() as session:
        outline = section_service.outline(session, text=False)
        return ClarificationsView(
            _clarifications(session, outline), outline, section_service.section_heads(session)
        )


def _clarifications(
    session: Session, outline: list[section_service.SectionInfo] | None = None
) -> list[ClarificationRow]:
    if outline is None:
        outline = section_service.outline(session, text=False)
    labels = {row.id: row.label for row in outline}
    order = {sid: i for i, sid in enumerate(labels)}
    affected: dict[int, list[int]] = {}
    for link in session.scalars(select(ClarificationSection)):
        affected.setdefault(link.clarification_id, []).append(link.section_id)
    rows = []
    for c in session.scalars(
        select(Clarification).order_by(Clarification.asked_on, Clarification.id)
    ):
        ids = tuple(sorted(affected.get(c.id, []), key=lambda s: order.get(s, 10**6)))
        rows.append(
            ClarificationRow(
                c.id,
                c.uuid,
                c.question,
                c.asked_on,
                c.answer,
                c.answered_on,
                ids,
                ", ".join(labels.get(s, "?") for s in ids),
            )
        )
    return rows


def _get(session: Session, clarification_id: int) -> Clarification:
    found = session.get(Clarification, clarification_id)
    if found is None:
        raise ClarificationError("That question no longer exists (it may have been deleted).")
    return found


def _set_sections(session: Session, clarification_id: int, section_ids: set[int]) -> None:
    session.execute(
        delete(ClarificationSection).where(
            ClarificationSection.clarification_id == clarification_id
        )
    )
    for section_id in sorted(section_ids):
        if session.get(Section, section_id) is None:
            raise ClarificationError("One of the chosen sections no longer exists.")
        session.add(ClarificationSection(clarification_id=clarification_id, section_id=section_id))


def add_question(
    workspace: Workspace, question: str, asked_on: date | None, section_ids: set[int]
) -> int:
    question = question.strip()
    if not question:
        raise ClarificationError("Write the question put to the department.")
    with workspace.edit(
        f"Logged a question to the department: {question[:60]}",
        action="add",
        entity="clarification",
    ) as session:
        row = Clarification(question=question, asked_on=asked_on)
        session.add(row)
        session.flush()
        _set_sections(session, row.id, section_ids)
        return row.id


def update_question(
    workspace: Workspace,
    clarification_id: int,
    question: str,
    asked_on: date | None,
    section_ids: set[int],
) -> None:
    question = question.strip()
    if not question:
        raise ClarificationError("Write the question put to the department.")
    with workspace.reading() as session:
        uuid = _get(session, clarification_id).uuid
    with workspace.edit(
        f"Changed the question: {question[:60]}",
        action="edit",
        entity="clarification",
        entity_uuid=uuid,
    ) as session:
        row = _get(session, clarification_id)
        row.question = question
        row.asked_on = asked_on
        _set_sections(session, clarification_id, section_ids)


def record_answer(
    workspace: Workspace, clarification_id: int, answer: str, answered_on: date
) -> list[str]:
    """Store the answer; approved sections it affects go back to review with a note saying why.

    Returns the labels of the sections sent back.
    """
    answer = answer.strip()
    if not answer:
        raise ClarificationError("Write the department's answer before recording it.")
    with workspace.reading() as session:
        row = next((r for r in _clarifications(session) if r.id == clarification_id), None)
        if row is None:
            raise ClarificationError("That question no longer exists (it may have been deleted).")
        infos = {info.id: info for info in section_service.outline(session, text=False)}
    sent_back = [
        infos[sid]
        for sid in row.section_ids
        if sid in infos and status_after_clarification(infos[sid].status)
    ]
    summary = f"Recorded the department's answer of {format_date(answered_on)}: {row.question[:50]}"
    if sent_back:
        summary += "; back to review: " + ", ".join(info.label for info in sent_back)
    with workspace.edit(
        summary, action="answer", entity="clarification", entity_uuid=row.uuid
    ) as session:
        clarification = _get(session, clarification_id)
        clarification.answer = answer
        clarification.answered_on = answered_on
        for info in sent_back:
            section = session.get(Section, info.id)
            assert section is not None
            new_status = status_after_clarification(section.status)
            if new_status is None:
                continue
            section.status = new_status
            # An open comment: the section cannot be approved again until someone reads it.
            session.add(
                Comment(
                    section_id=section.id,
                    author=CLARIFICATION_AUTHOR,
                    text=(
                        f"Sent back from approved to {new_status}: the department's answer of "
                        f"{format_date(answered_on)} to the question '{row.question}' affects "
                        f"this section. Answer: {answer}"
                    ),
                )
            )
    return [info.label for info in sent_back]


def delete_question(workspace: Workspace, clarification_id: int) -> None:
    """Delete a question and its section links; Edit > Undo puts them back (the bid's history)."""
    with workspace.reading() as session:
        found = _get(session, clarification_id)
        question, uuid = found.question, found.uuid
    with workspace.edit(
        f"Deleted the question: {question[:60]}",
        action="delete",
        entity="clarification",
        entity_uuid=uuid,
    ) as session:
        session.execute(
            delete(ClarificationSection).where(
                ClarificationSection.clarification_id == clarification_id
            )
        )
        session.execute(delete(Clarification).where(Clarification.id == clarification_id))
