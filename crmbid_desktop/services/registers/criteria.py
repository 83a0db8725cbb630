"""Use cases of the Criteria page: criteria with weights, and the matrix of criteria against sections."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crmbid_desktop.domain.concurrent_edits import merge_link
from crmbid_desktop.domain.coverage import Coverage, coverage, weight_message
from crmbid_desktop.services.bid import versioned
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.store.models import Criterion, Section, SectionCriterion


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
    #: The row's version when read: a cell edit saves over it (`loaded`).
    version: int = 0

    def loaded(self, field: str) -> versioned.Loaded:
        """What a cell of this row shows, for its edit to save over (one field of the row)."""
        return versioned.Loaded(self.version, {field: getattr(self, field)})


@dataclass(frozen=True)
class Matrix:
    """Criteria (columns) against sections (rows), the ticks with their notes, and the gaps."""

    criteria: list[CriterionInfo]
    sections: list[section_service.SectionInfo]
    links: dict[tuple[int, int], str]  # (section id, criterion id) -> where it is addressed
    gaps: Coverage
    #: (section id, criterion id) -> the tick's row version, for a save over what a cell showed.
    versions: dict[tuple[int, int], int] = field(default_factory=dict)

    def shown(self, section_id: int, criterion_id: int) -> versioned.Loaded:
        """What the matrix's cell shows (ticked or not, and the note), for a save over it."""
        key = (section_id, criterion_id)
        return versioned.Loaded(
            self.versions.get(key, 0),
            {"linked": key in self.links, "note": self.links.get(key, "")},
        )

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
        _info(c)
        for c in session.scalars(select(Criterion).order_by(Criterion.position, Criterion.id))
    ]


def _matrix(session: Session, written: frozenset[int] | None) -> Matrix:
    listed = _criteria(session)
    # Appendices are not marked against the criteria.
    section_rows = [
        row for row in section_service.outline(session, text=False) if not row.is_appendix
    ]
    # Plain columns, not model objects: a big bid has thousands of ticks.
    links: dict[tuple[int, int], str] = {}
    versions: dict[tuple[int, int], int] = {}
    for section_id, criterion_id, note, version in session.execute(
        select(
            SectionCriterion.section_id,
            SectionCriterion.criterion_id,
            SectionCriterion.note,
            SectionCriterion.row_version,
        )
    ):
        links[(int(section_id), int(criterion_id))] = note or ""
        versions[(int(section_id), int(criterion_id))] = int(version)
    gaps = coverage(
        [c.id for c in listed],
        [s.id for s in section_rows],
        links.keys(),
        written,
    )
    return Matrix(listed, section_rows, links, gaps, versions)


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


#: The words for a criterion's fields, for the dialog that settles a conflict.
CRITERION_LABELS = {
    "title": "Title",
    "weight_bp": "Weight",
    "description": "Description",
}


@dataclass(frozen=True)
class CriterionSaved:
    """A cell's save, and the criterion as saved now (for the one row that shows it)."""

    result: versioned.SaveResult
    row: CriterionInfo


def _info(criterion: Criterion) -> CriterionInfo:
    return CriterionInfo(
        criterion.id,
        criterion.uuid,
        criterion.title,
        criterion.description,
        criterion.weight_bp,
        criterion.position,
        int(criterion.row_version),
    )


def save_criterion_field(
    workspace: Workspace, criterion_id: int, loaded: versioned.Loaded, column: str, value: object
) -> CriterionSaved:
    """Save one cell of the criteria table over what it showed when editing began (`loaded`).

    Only that field is written, and only if nobody changed it since: someone else's change to
    another field of the row stands; a description both changed is merged by paragraph; a
    real conflict comes back unwritten, naming who made the other change.
    """
    if column not in CRITERION_LABELS:
        raise CriterionError(f"A criterion has no field '{column}' to change.")
    if column == "title":
        value = str(value).strip()
        if not value:
            raise CriterionError("A criterion needs a title.")
    if column == "weight_bp" and not (isinstance(value, int) and 0 <= value <= 10_000):
        raise CriterionError("A weight must be between 0% and 100%.")
    with workspace.reading() as session:
        found = session.get(Criterion, criterion_id)
        name = found.title if found is not None else str(value)
    result = versioned.save_fields(
        workspace,
        Criterion,
        criterion_id,
        loaded,
        {column: value},
        describe=lambda writes: f"Changed criterion '{writes.get('title', name)}'",
        entity="criterion",
        texts=("description",),
        gone="That criterion was deleted by someone else while you edited it.",
    )
    with workspace.reading() as session:
        return CriterionSaved(result, _info(_criterion(session, criterion_id)))


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


#: The words for a tick's parts, for the dialog that settles a conflict.
LINK_LABELS = {"linked": "Ticked", "note": "Note"}


def save_link(
    workspace: Workspace,
    section_id: int,
    criterion_id: int,
    loaded: versioned.Loaded,
    linked: bool,
    note: str = "",
) -> versioned.SaveResult:
    """Tick (or untick) that a section addresses a criterion, with a note saying where, over
    what the matrix's cell showed (`loaded`: Matrix.shown).

    Merged with others' saves since (domain.concurrent_edits.merge_link): ticking a link
    someone ticked meanwhile keeps their note unless mine changed; a note merges by paragraph;
    unticking a link whose note they changed, or changing the note of a link they unticked,
    comes back as a conflict on "linked". Two people ticking the same link at once make one.
    """
    mine = {"linked": linked, "note": note.strip() if linked else ""}
    with workspace.reading() as session:
        criterion = session.get(Criterion, criterion_id)
        info = next(
            (s for s in section_service.outline(session, text=False) if s.id == section_id), None
        )
        if criterion is None or info is None:
            raise versioned.RowGoneError(
                f"That {'criterion' if criterion is None else 'section'} was deleted by someone "
                "else while you edited the matrix.",
                mine,
            )
        name = criterion.title
    try:
        with workspace.edit(
            f"Section {info.label} addresses criterion '{name}'",
            action="link",
            entity="section",
            entity_uuid=info.uuid,
        ) as session:
            result = _merge_link(session, workspace, section_id, criterion_id, loaded, mine)
            if not result.written:
                raise versioned.Unwritten(result)
            if not mine["linked"]:
                summary = f"Section {info.label} no longer marked against criterion '{name}'"
            else:
                written = str(result.now.values["note"])
                summary = f"Section {info.label} addresses criterion '{name}'" + (
                    f": {written}" if written else ""
                )
            workspace.reword_edit(session, summary)
    except versioned.Unwritten as unchanged:
        return unchanged.result_as(versioned.SaveResult)
    return dataclasses.replace(result, summary=summary)


def _merge_link(
    session: Session,
    workspace: Workspace,
    section_id: int,
    criterion_id: int,
    loaded: versioned.Loaded,
    mine: Mapping[str, object],
) -> versioned.SaveResult:
    """Inside the edit: merge `mine` with the tick as saved (locked) and write what is left."""
    where = (
        SectionCriterion.section_id == section_id,
        SectionCriterion.criterion_id == criterion_id,
    )
    for _attempt in range(2):
        query = select(SectionCriterion).where(*where).execution_options(populate_existing=True)
        # On a server with councils' rights a tick this login may read but not change is hidden
        # from FOR UPDATE: read it plainly, and let the write itself be refused with who may.
        row = session.scalars(query.with_for_update()).first() or session.scalars(query).first()
        saved = {"linked": row is not None, "note": row.note if row is not None else ""}
        merge = merge_link(loaded.values, mine, saved)
        who = ""
        if merge.clashes:
            section = session.get(Section, section_id)
            uuid = section.uuid if section is not None else ""
            who = versioned.last_changed_by(session, uuid, other_than=workspace.user)
        conflicts = tuple(
            versioned.Conflict(c.field, c.loaded, c.mine, c.theirs, who) for c in merge.clashes
        )
        writes = merge.writes
        if writes.get("linked") is False and row is not None:
            session.delete(row)
            row = None
        elif writes and row is None:
            row = SectionCriterion(
                section_id=section_id, criterion_id=criterion_id, note=writes.get("note", "")
            )
            if not versioned.add_unless_added(session, row):
                continue  # ticked by someone else this moment: merge with their tick
        elif row is not None and "note" in writes:
            row.note = str(writes["note"])
        session.flush()
        if row is not None:
            session.refresh(row)  # its version as the store bumped it
        now = {"linked": row is not None, "note": row.note if row is not None else ""}
        version = int(row.row_version) if row is not None else 0
        return versioned.SaveResult(
            tuple(writes), conflicts, versioned.Loaded(version, now), merge.merged
        )
    raise CriterionError(
        "The tick could not be saved: its section or criterion changed at the same moment "
        "(perhaps deleted). Look at the matrix again and tick it once more."
    )
