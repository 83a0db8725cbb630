"""The clarification log: questions put to the department, answers, and the sections they affect."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crmbid_desktop.domain.concurrent_edits import merge_sets
from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.domain.section_workflow import status_after_clarification
from crmbid_desktop.services.bid import versioned
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
    #: The row's version when read: a form showing the row saves over it (`question_loaded`).
    version: int = 0


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
                int(c.row_version),
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


#: The question's own columns its form edits (its sections are rows of their own).
QUESTION_FIELDS = ("question", "asked_on", "answer", "answered_on")
#: The form's words for them, for the dialog that settles a conflict.
QUESTION_LABELS = {
    "question": "Question",
    "asked_on": "Asked on",
    "answer": "Answer",
    "answered_on": "Answered on",
}
#: Long texts, merged by paragraph when two people changed them.
QUESTION_TEXTS = ("question", "answer")


@dataclass(frozen=True)
class QuestionLoaded:
    """What the question's form loaded: its row's version and fields, and the sections ticked."""

    fields: versioned.Loaded
    section_ids: frozenset[int]


@dataclass(frozen=True)
class QuestionForm:
    """What the user wants saved; `answer` None when only the question is saved."""

    question: str
    asked_on: date | None
    section_ids: frozenset[int]
    answer: str | None = None
    answered_on: date | None = None


@dataclass(frozen=True)
class QuestionSaved:
    """A question's save: fields written and conflicts, and the sections sent back to review."""

    result: versioned.SaveResult
    sent_back: tuple[str, ...] = ()


def question_loaded(row: ClarificationRow) -> QuestionLoaded:
    """What a form showing `row` has loaded (the row was read with its version)."""
    values = {name: getattr(row, name) for name in QUESTION_FIELDS}
    return QuestionLoaded(versioned.Loaded(row.version, values), frozenset(row.section_ids))


def save_question(
    workspace: Workspace, clarification_id: int, loaded: QuestionLoaded, form: QuestionForm
) -> QuestionSaved:
    """Save the question's form over what it `loaded`, merged with others' saves since.

    Only the fields the user changed are written (question and answer merged by paragraph);
    the ticked sections merge as a set: mine added and removed, others' additions and removals
    kept. With an answer, approved sections it affects go back to review with a note saying
    why. Real conflicts come back unwritten, naming who made the other change.
    """
    question = form.question.strip()
    if not question:
        raise ClarificationError("Write the question put to the department.")
    mine: dict[str, object] = {"question": question, "asked_on": form.asked_on}
    if form.answer is not None:
        answer = form.answer.strip()
        if not answer:
            raise ClarificationError("Write the department's answer before recording it.")
        mine.update(answer=answer, answered_on=form.answered_on)
    sent_back: list[str] = []

    def apply(session: Session, row: Any, writes: Mapping[str, object]) -> None:
        for name, value in writes.items():
            setattr(row, name, value)
        _merge_sections(session, clarification_id, loaded.section_ids, form.section_ids)
        if "answer" in writes or "answered_on" in writes:
            sent_back.extend(_send_back(session, row))
            if sent_back:
                workspace.reword_edit(
                    session, describe(writes) + "; back to review: " + ", ".join(sent_back)
                )

    def describe(writes: Mapping[str, object]) -> str:
        if "answer" in writes or "answered_on" in writes:
            answered = writes.get("answered_on", form.answered_on)
            on = f" of {format_date(answered)}" if isinstance(answered, date) else ""
            return f"Recorded the department's answer{on}: {question[:50]}"
        return f"Changed the question: {question[:60]}"

    result = versioned.save_fields(
        workspace,
        Clarification,
        clarification_id,
        loaded.fields,
        mine,
        describe=describe,
        entity="clarification",
        texts=QUESTION_TEXTS,
        apply=apply,
        gone=(
            "That question was deleted by someone else while you edited it. What you typed is "
            "still in the form: save it as a new question, or undo the deletion."
        ),
    )
    if not result.written and form.section_ids != loaded.section_ids:
        # Only the ticks changed: they are rows of their own, merged as one edit.
        with workspace.reading() as session:
            uuid = _get(session, clarification_id).uuid
        with workspace.edit(
            f"Changed the sections the question affects: {question[:50]}",
            action="edit",
            entity="clarification",
            entity_uuid=uuid,
        ) as session:
            _merge_sections(session, clarification_id, loaded.section_ids, form.section_ids)
    return QuestionSaved(result, tuple(sent_back))


def _merge_sections(
    session: Session, clarification_id: int, loaded: frozenset[int], mine: frozenset[int]
) -> None:
    """Tick and untick what this user did since `loaded`; others' ticks since then stand."""
    if loaded == mine:
        return
    current = set(
        session.scalars(
            select(ClarificationSection.section_id).where(
                ClarificationSection.clarification_id == clarification_id
            )
        )
    )
    wanted = merge_sets(loaded, mine, current)
    if current - wanted:
        session.execute(
            delete(ClarificationSection).where(
                ClarificationSection.clarification_id == clarification_id,
                ClarificationSection.section_id.in_(current - wanted),
            )
        )
    for section_id in sorted(wanted - current):
        if session.get(Section, section_id) is None:
            raise ClarificationError(
                "One of the sections you ticked was deleted by someone else meanwhile: untick "
                "it (or undo the deletion) and save again."
            )
        # Someone ticking the same section at the same moment is no error: it is ticked.
        versioned.add_unless_added(
            session, ClarificationSection(clarification_id=clarification_id, section_id=section_id)
        )


def _send_back(session: Session, row: Clarification) -> list[str]:
    """Approved sections the answer affects go back to review, each with an open comment saying
    why; their labels."""
    linked = set(
        session.scalars(
            select(ClarificationSection.section_id).where(
                ClarificationSection.clarification_id == row.id
            )
        )
    )
    labels = []
    for info in section_service.outline(session, text=False):
        new_status = status_after_clarification(info.status) if info.id in linked else None
        section = session.get(Section, info.id) if new_status is not None else None
        if section is None or new_status is None:
            continue
        section.status = new_status
        answered = format_date(row.answered_on) if row.answered_on else "(no date)"
        # An open comment: the section cannot be approved again until someone reads it.
        session.add(
            Comment(
                section_id=section.id,
                author=CLARIFICATION_AUTHOR,
                text=(
                    f"Sent back from approved to {new_status}: the department's answer of "
                    f"{answered} to the question '{row.question}' affects "
                    f"this section. Answer: {row.answer}"
                ),
            )
        )
        labels.append(info.label)
    return labels


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
