"""Every write's change set is made where the write happens: rows by uuid, who, and its kind."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from crmbid_desktop.services.bid.changes import ChangeSet, change_set
from crmbid_desktop.services.bid.workspace import RecordedEdit, Workspace
from crmbid_desktop.services.registers import partners as partner_service
from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.store.models import Attachment, Contact, Partner, Section, Task
from crmbid_desktop.store.sqlite import KeptBlob, RowChange
from tests.helpers import partner_saves


def _listen(workspace: Workspace) -> tuple[list[ChangeSet], list[RecordedEdit]]:
    changes: list[ChangeSet] = []
    recorded: list[RecordedEdit] = []
    workspace.on_changed(changes.append)
    workspace.on_recorded(recorded.append)
    return changes, recorded


def _leeds(workspace: Workspace) -> Partner:
    with workspace.reading() as session:
        partner = session.scalars(select(Partner).where(Partner.name.like("Leeds%"))).one()
    return partner


def test_renaming_a_council_names_just_that_row_and_who_did_it(workspace: Workspace) -> None:
    workspace.user = "Ruth Bid Officer"
    changes, recorded = _listen(workspace)
    leeds = _leeds(workspace)
    detail = partner_service.partner_detail(workspace, leeds.id)
    renamed = partner_service.PartnerFields(
        **{**detail.row.fields.__dict__, "name": "Leeds City Council (lead)"}
    )
    partner_saves.save_partner(workspace, leeds.id, renamed, detail.contacts)

    assert len(changes) == 1
    change = changes[0]
    assert change.kind == "edit" and change.who == "Ruth Bid Officer"
    assert change.changed_in("partner") == {leeds.uuid}
    assert not change.added and not change.removed
    # Undo keeps only the column that changed (and the time stamp and row version), as plain
    # values: one record for the row, the version's bump folded into it on a file too.
    (row,) = [r for r in recorded[0].rows if r.table == "partner"]
    assert row.op == "update" and row.old is not None
    assert row.old["name"] == "Leeds City Council"
    assert set(row.old) <= {"name", "modified_at", "row_version"}


def test_a_deletion_lists_its_cascade_and_its_undo_lists_them_back(workspace: Workspace) -> None:
    changes, recorded = _listen(workspace)
    leeds = _leeds(workspace)
    with workspace.reading() as session:
        contacts = set(session.scalars(select(Contact.uuid).where(Contact.partner_id == leeds.id)))
        owned = set(session.scalars(select(Task.uuid).where(Task.owner_partner_id == leeds.id)))
    assert owned
    partner_service.delete_partner(workspace, leeds.id)
    deleted = changes[-1]
    assert deleted.removed_from("partner") == {leeds.uuid}
    assert deleted.removed_from("contact") == contacts
    assert deleted.changed_in("task") == owned  # their owner was set to nothing

    workspace.take_back(recorded[-1])
    undone = changes[-1]
    assert undone.kind == "undo"
    assert undone.added_to("partner") == {leeds.uuid}
    assert undone.added_to("contact") == contacts
    assert undone.changed_in("task") == owned


def test_a_removed_letter_is_kept_by_reference_not_as_sql_text(
    workspace: Workspace, tmp_path: Path
) -> None:
    changes, recorded = _listen(workspace)
    leeds = _leeds(workspace)
    letter = tmp_path / "letter.pdf"
    payload = b"%PDF-1.4 " + bytes(range(256)) * 8192  # 2 MB
    letter.write_bytes(payload)
    row = partner_service.add_attachment(workspace, leeds.id, letter)
    assert changes[-1].added_to("attachment")
    partner_service.remove_attachment(workspace, row.id)

    removal = recorded[-1]
    (kept,) = [r for r in removal.rows if r.table == "attachment"]
    assert kept.op == "delete" and kept.old is not None
    assert isinstance(kept.old["data"], KeptBlob) and kept.old["data"].data == payload
    # Nothing else in the step holds the bytes again (the old recorder kept them as hex SQL).
    assert removal.size() < len(payload) + 4096

    workspace.take_back(removal)
    with workspace.reading() as session:
        restored = session.scalars(select(Attachment.data).where(Attachment.id == row.id)).one()
    assert restored == payload


def test_a_row_added_and_removed_in_one_write_is_not_reported() -> None:
    rows = [
        RowChange("comment", "insert", 1, "a"),
        RowChange("comment", "delete", 1, "a", {"text": "x"}),
        RowChange("section", "insert", 2, "b"),
        RowChange("section", "update", 2, "b", {"title": "old"}),
        RowChange("task", "update", 3, "c", {"title": "old"}),
        RowChange("task", "delete", 3, "c", {"title": "new"}),
    ]
    change = change_set(rows, summary="s", who="w")
    assert change.tables == {"section", "task"}
    assert change.added_to("section") == {"b"}
    assert change.removed_from("task") == {"c"}
    assert not change.changed


def test_saving_text_names_the_section_and_its_version(workspace: Workspace) -> None:
    changes, _recorded = _listen(workspace)
    with workspace.reading() as session:
        section = session.scalars(select(Section).order_by(Section.id)).first()
        assert section is not None
    section_service.save_body(workspace, section.id, "A new executive summary.")
    change = changes[-1]
    assert change.changed_in("section") == {section.uuid}
    assert change.tables <= {"section", "section_version"}
