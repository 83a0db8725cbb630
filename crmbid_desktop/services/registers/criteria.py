"""Use cases of the Criteria page: criteria with weights, and the matrix of criteria against sections."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crmbid_desktop.domain.coverage import Coverage, coverage, weight_message
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.store.models import Criterion, SectionCriterion


class CriterionError(ValueError):
    """A criterion edit that cannot be made; the message says which and why."""


@dataclass(frozen=True)
class CriterionInfo:
    id: int
    uuid: str
    title: str
    description: str
    weight_bp: int
    position: int


@dataclass(frozen=True)
class Matrix:
    """Criteria (columns) against sections (rows), the ticks with their notes, and the gaps."""

    criteria: list[CriterionInfo]
    sections: list[section_service.SectionInfo]
    links: dict[tuple[int, int], str]  # (section id, criterion id) -> where it is addressed
    gaps: Coverage

    @property
    def total_weight_bp(self) -> int:
        return sum(c.weight_bp for c in self.criteria)

    @property
    def weight_message(self) -> str:
        return weight_message(self.total_weight_bp)


@dataclass(frozen=True)
class CriteriaView:
    """Everything the Criteria page shows, read in one go."""

    criteria: list[CriterionInfo]
    matrix: Matrix
    #: (id, title, parent id, position, appendix) of every section (section_service.section_heads).
    heads: list[tuple[int, str, int | None, int, bool]]
    #: Sections with text, or None while their words are still being counted.
    written: frozenset[int] | None


def _criteria(session: Session) -> list[CriterionInfo]:
    return [
        CriterionInfo(c.id, c.uuid, c.title, c.description, c.weight_bp, c.position)
        for c in session.scalars(select(Criterion).order_by(Criterion.position, Criterion.id))
    ]


def _matrix(session: Session, written: frozenset[int] | None) -> Matrix:
    listed = _criteria(session)
    # Appendices are not marked against the criteria.
    section_rows = [
        row for row in section_service.outline(session, text=False) if not row.is_appendix
    ]
    # Plain columns, not model objects: a big bid has thousands of ticks.
    links = {
        (int(section_id), int(criterion_id)): note or ""
        for section_id, criterion_id, note in session.execute(
            select(
                SectionCriterion.section_id, SectionCriterion.criterion_id, SectionCriterion.note
            )
        )
    }
    gaps = coverage(
        [c.id for c in listed],
        [s.id for s in section_rows],
        links.keys(),
        written,
    )
    return Matrix(listed, section_rows, links, gaps)


def criteria(workspace: Workspace) -> list[CriterionInfo]:
    """Every criterion in the bid's order."""
    with workspace.reading() as session:
        return _criteria(session)


def matrix(workspace: Workspace, written: frozenset[int] | None = None) -> Matrix:
    """The criteria against the sections, with the gaps.

    `written` names the sections with text (views/checklist.written_sections counts them); with
    None every linked section counts as addressing its criteria.
    """
    with workspace.reading() as session:
        return _matrix(session, written)


def criteria_view(workspace: Workspace, *, written: frozenset[int] | None) -> CriteriaView:
    """The criteria, the matrix, the sections' heads and which sections have text.

    `written` is views/checklist.written_sections, or None while a big bid's words are still
    being counted off the GUI thread: every linked section then counts as addressing its
    criteria, and `CriteriaView.written` is None.
    """
    with_text = written
    with workspace.reading() as session:
        found = _matrix(session, with_text)
        heads = section_service.section_heads(session)
    return CriteriaView(found.criteria, found, heads, with_text)


def section_heads(workspace: Workspace) -> list[tuple[int, str, int | None, int, bool]]:
    """(id, title, parent id, position, appendix) of every section, for comparing."""
    with workspace.reading() as session:
        return section_service.section_heads(session)


def _criterion(session: Session, criterion_id: int) -> Criterion:
    criterion = session.get(Criterion, criterion_id)
    if criterion is None:
        raise CriterionError("That criterion no longer exists (it may have been deleted).")
    return criterion


def add_criterion(workspace: Workspace, title: str, weight_bp: int = 0) -> int:
    title = title.strip()
    if not title:
        raise CriterionError("A criterion needs a title.")
    with workspace.edit(f"Added criterion '{title}'", action="add", entity="criterion") as session:
        position = len(_criteria(session))
        criterion = Criterion(title=title, weight_bp=weight_bp, position=position)
        session.add(criterion)
        session.flush()
        return criterion.id


def update_criterion(
    workspace: Workspace,
    criterion_id: int,
    *,
    title: str | None = None,
    description: str | None = None,
    weight_bp: int | None = None,
) -> CriterionInfo:
    """Save the fields given and return the criterion as saved (for the one row that shows it)."""
    if title is not None and not title.strip():
        raise CriterionError("A criterion needs a title.")
    if weight_bp is not None and not 0 <= weight_bp <= 10_000:
        raise CriterionError("A weight must be between 0% and 100%.")
    with workspace.reading() as session:
        current = _criterion(session, criterion_id)
        name, uuid = current.title, current.uuid
    with workspace.edit(
        f"Changed criterion '{name}'", action="edit", entity="criterion", entity_uuid=uuid
    ) as session:
        criterion = _criterion(session, criterion_id)
        if title is not None:
            criterion.title = title.strip()
        if description is not None:
            criterion.description = description
        if weight_bp is not None:
            criterion.weight_bp = weight_bp
        session.flush()
        return CriterionInfo(
            criterion.id,
            criterion.uuid,
            criterion.title,
            criterion.description,
            criterion.weight_bp,
            criterion.position,
        )


def delete_criterion(workspace: Workspace, criterion_id: int) -> None:
    """Delete a criterion and its links; Edit > Undo puts them back (the bid's history)."""
    with workspace.reading() as session:
        current = _criterion(session, criterion_id)
        name, uuid = current.title, current.uuid
    with workspace.edit(
        f"Deleted criterion '{name}'", action="delete", entity="criterion", entity_uuid=uuid
    ) as session:
        session.execute(
            delete(SectionCriterion).where(SectionCriterion.criterion_id == criterion_id)
        )
        session.execute(delete(Criterion).where(Criterion.id == criterion_id))


def set_link(
    workspace: Workspace, section_id: int, criterion_id: int, linked: bool, note: str = ""
) -> None:
    """Tick (or untick) that a section addresses a criterion, with a note saying where."""
    with workspace.reading() as session:
        criterion = _criterion(session, criterion_id)
        info = next(
            (s for s in section_service.outline(session, text=False) if s.id == section_id), None
        )
        if info is None:
            raise CriterionError("That section no longer exists.")
        existing = session.scalars(
            select(SectionCriterion).where(
                SectionCriterion.section_id == section_id,
                SectionCriterion.criterion_id == criterion_id,
            )
        ).first()
        name = criterion.title
    if linked and existing is not None and existing.note == note:
        return
    if not linked and existing is None:
        return
    if linked:
        summary = f"Section {info.label} addresses criterion '{name}'" + (
            f": {note}" if note else ""
        )
    else:
        summary = f"Section {info.label} no longer marked against criterion '{name}'"
    with workspace.edit(summary, action="link", entity="section", entity_uuid=info.uuid) as session:
        row = session.scalars(
            select(SectionCriterion).where(
                SectionCriterion.section_id == section_id,
                SectionCriterion.criterion_id == criterion_id,
            )
        ).first()
        if not linked:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(
                SectionCriterion(section_id=section_id, criterion_id=criterion_id, note=note)
            )
        else:
            row.note = note
