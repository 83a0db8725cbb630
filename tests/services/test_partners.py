"""Editing councils, contacts and letters of support through the workspace (no Qt)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from crmbid_desktop.domain.partner_rules import check_partnership
from crmbid_desktop.services.bid.workspace import RecordedEdit, Workspace
from crmbid_desktop.services.registers import partners as service
from crmbid_desktop.store.models import ChangeLogEntry, Task
from tests.helpers import partner_saves


def _leeds(workspace: Workspace) -> service.PartnerRow:
    return next(r for r in service.partner_rows(workspace) if r.fields.name.startswith("Leeds"))


def _log(workspace: Workspace) -> list[str]:
    with workspace.reading() as session:
        return [
            e.summary for e in session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.id))
        ]


def test_default_bid_partnership_is_sound(workspace: Workspace) -> None:
    # What the Partners page checks (partners_page: rules.check_partnership over standings).
    check = check_partnership(row.standing() for row in service.partner_rows(workspace))
    assert check.sound and check.leads == ("Leeds City Council",)


def test_save_changes_fields_and_contacts_and_logs_what_changed(workspace: Workspace) -> None:
    leeds = _leeds(workspace)
    new = replace(leeds.fields, status="signed off", contribution_pence=1_250_050)
    contacts = [
        service.ContactFields("Ann Smith", "Head of CRM", "ann@leeds.gov.uk", "0113 222 4444")
    ]
    changes = partner_saves.save_partner(workspace, leeds.id, new, contacts)
    assert changes == [
        "status interested → signed off",
        "contribution £0.00 → £12,500.50",
        "contacts: 0 → 1",
    ]
    detail = service.partner_detail(workspace, leeds.id)
    assert detail.row.fields.status == "signed off" and detail.contacts == contacts
    assert _log(workspace)[-1].startswith("Changed partner Leeds City Council: status")
    assert partner_saves.save_partner(workspace, leeds.id, new, contacts) == []  # nothing to log


def test_bad_contact_or_blank_name_is_refused(workspace: Workspace) -> None:
    leeds = _leeds(workspace)
    with pytest.raises(service.PartnerError, match="Contact Ann: An email address needs an @"):
        partner_saves.save_partner(
            workspace, leeds.id, leeds.fields, [service.ContactFields("Ann", email="ann.leeds")]
        )
    with pytest.raises(service.PartnerError, match="needs a name"):
        partner_saves.save_partner(workspace, leeds.id, replace(leeds.fields, name="  "))


def test_delete_and_restore_keeps_uuid_contacts_attachments_and_task_links(
    workspace: Workspace, tmp_path: Path
) -> None:
    leeds = _leeds(workspace)
    partner_saves.save_partner(
        workspace, leeds.id, leeds.fields, [service.ContactFields("Ann", email="a@leeds.gov.uk")]
    )
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(b"%PDF-1.4 letter")
    service.add_attachment(workspace, leeds.id, letter, received_on=date(2005, 8, 19))
    with workspace.edit("own a task") as session:
        session.scalars(select(Task)).first().owner_partner_id = leeds.id  # type: ignore[union-attr]

    recorded: list[RecordedEdit] = []
    workspace.on_recorded(recorded.append)
    service.delete_partner(workspace, leeds.id)
    assert all(r.uuid != leeds.uuid for r in service.partner_rows(workspace))
    workspace.take_back(recorded[-1])  # what Edit > Undo does
    new_id = leeds.id
    detail = service.partner_detail(workspace, new_id)
    assert detail.row.uuid == leeds.uuid and [c.name for c in detail.contacts] == ["Ann"]
    assert detail.attachments[0].received_on == date(2005, 8, 19)
    assert service.attachment_bytes(workspace, detail.attachments[0].id)[1] == b"%PDF-1.4 letter"
    with workspace.reading() as session:
        assert session.scalars(select(Task).where(Task.owner_partner_id == new_id)).first()
    assert _log(workspace)[-2:] == [
        "Deleted partner Leeds City Council",
        "Undid deleted partner Leeds City Council",
    ]


def test_attachment_open_save_remove(workspace: Workspace, tmp_path: Path) -> None:
    leeds = _leeds(workspace)
    source = tmp_path / "agreement.docx"
    source.write_bytes(b"PK word")
    row = service.add_attachment(workspace, leeds.id, source, kind="agreement")
    assert row.media_type.endswith("wordprocessingml.document") and row.size_bytes == 7
    opened = service.attachment_for_opening(workspace, row.id)
    assert opened.name == "agreement.docx" and opened.read_bytes() == b"PK word"
    copy = service.save_attachment_copy(workspace, row.id, tmp_path / "copy.docx")
    assert copy.read_bytes() == b"PK word"
    service.remove_attachment(workspace, row.id)
    assert service.partner_detail(workspace, leeds.id).attachments == []
    assert _log(workspace)[-1] == "Removed agreement.docx from partner Leeds City Council"


def test_attachment_over_25_mb_is_refused_clearly(workspace: Workspace, tmp_path: Path) -> None:
    leeds = _leeds(workspace)
    big = tmp_path / "scan.pdf"
    with big.open("wb") as handle:  # sparse: no 25 MB written to the shared disk
        handle.truncate(service.MAX_ATTACHMENT_BYTES + 1)
    with pytest.raises(service.AttachmentTooLargeError, match=r"scan\.pdf.* at most 25 MB"):
        service.add_attachment(workspace, leeds.id, big)
    exactly = tmp_path / "ok.pdf"
    with exactly.open("wb") as handle:
        handle.truncate(service.MAX_ATTACHMENT_BYTES)
    assert service.add_attachment(workspace, leeds.id, exactly).size_bytes == 25 * 1024 * 1024
