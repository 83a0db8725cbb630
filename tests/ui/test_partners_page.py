"""The Partners page as a user drives it: table, form, live rules, undo, attachments, import."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QPushButton

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import partners as service
from crmbid_desktop.ui.pages.import_preview_dialog import ImportPreviewDialog
from crmbid_desktop.ui.pages.partners_page import PartnersPage, PartnerTableModel
from tests.helpers.qt import assert_controls_named


@pytest.fixture
def page(qtbot: object, workspace: Workspace) -> PartnersPage:
    widget = PartnersPage(workspace)
    qtbot.addWidget(widget)  # type: ignore[attr-defined]
    widget.resize(1280, 800)
    widget.show()
    return widget


def test_model_passes_qtmodeltester(qtmodeltester: object, workspace: Workspace) -> None:
    model = PartnerTableModel()
    model.set_rows(service.partner_rows(workspace))
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_page_shows_councils_named_controls_and_sound_totals(page: PartnersPage) -> None:
    assert_controls_named(page)
    assert next(row.fields.name for row in page.model.rows) == "Leeds City Council"
    assert page.form.name_edit.text() == "Leeds City Council"
    assert "100% · Lead: Leeds City Council" in page.totals_label.text()
    assert "⚠" not in page.totals_label.text()


def test_typing_a_share_updates_the_total_live_and_bad_values_say_why(
    page: PartnersPage, qtbot: object
) -> None:
    page.form.share_edit.clear()
    qtbot.keyClicks(page.form.share_edit, "60")  # type: ignore[attr-defined]
    assert "60%" in page.totals_label.text() and "40 points short" in page.totals_label.text()
    page.form.share_edit.clear()
    qtbot.keyClicks(page.form.share_edit, "abc")  # type: ignore[attr-defined]
    assert "not a percentage" in page.form.share_message.text()
    page.form._add_contact_row()
    name, phone = page.form.contacts_table.item(0, 0), page.form.contacts_table.item(0, 3)
    assert name is not None and phone is not None
    name.setText("Ann")
    phone.setText("012345")
    assert "Ann: “012345” has 6 digits" in page.form.contacts_message.text()


def test_each_field_saves_as_it_is_made_and_undo_takes_it_back(
    page: PartnersPage, workspace: Workspace
) -> None:
    assert page.findChild(QPushButton, "savePartnerButton") is None  # no Save button anywhere
    page.form.status_combo.setCurrentText("signed off")
    assert service.partner_rows(workspace)[0].fields.status == "signed off"
    assert not page.form.dirty
    page.undo_stack.undo()
    assert service.partner_rows(workspace)[0].fields.status == "interested"
    assert page.form.status_combo.currentText() == "interested"
    page.undo_stack.redo()
    assert service.partner_rows(workspace)[0].fields.status == "signed off"


def test_delete_and_undo_brings_contacts_back(
    page: PartnersPage, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    newham = service.partner_rows(workspace)[1].id
    contacts = service.partner_detail(workspace, newham).contacts
    page._select(newham)
    assert page.form.name_edit.text() == "London Borough of Newham"
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda *a, **k: QMessageBox.StandardButton.Yes,
    )
    page._delete()
    assert [r.fields.name for r in page.model.rows] == ["Leeds City Council"]
    page.undo_stack.undo()
    assert [r.fields.name for r in page.model.rows][1] == "London Borough of Newham"
    assert service.partner_detail(workspace, newham).contacts == contacts


def test_text_field_saves_when_left_and_bad_value_stays_unsaved_beside_its_field(
    page: PartnersPage, workspace: Workspace, qtbot: object
) -> None:
    page.form.region_edit.setText("Yorkshire")
    page.form._on_edited()
    page.form.name_edit.setText("")
    page.form._on_edited()
    page.form.region_edit.editingFinished.emit()
    saved = service.partner_rows(workspace)[0].fields
    assert saved.region == "Yorkshire"  # the valid field is saved...
    assert saved.name == "Leeds City Council"  # ...the blank name is not
    assert page.form.name_message.text() == "A council needs a name."
    assert page.form.name_message.isVisible()
    page.form.share_edit.setText("abc")
    page.form._on_edited()
    page.form.share_edit.editingFinished.emit()
    assert "not a percentage" in page.form.share_message.text()
    assert service.partner_rows(workspace)[0].fields.funding_share_bp == saved.funding_share_bp


def test_notes_save_after_a_pause_and_switching_council_saves_pending_edits(
    page: PartnersPage, workspace: Workspace, qtbot: object
) -> None:
    page.form.notes_edit.setPlainText("Met the leader on Monday.")
    qtbot.waitUntil(  # type: ignore[attr-defined]
        lambda: service.partner_rows(workspace)[0].fields.notes == "Met the leader on Monday."
    )
    page.form.signatory_edit.setText("Tom Riordan")
    page.form._on_edited()  # typed but not yet left
    page._select(service.partner_rows(workspace)[1].id)
    assert service.partner_rows(workspace)[0].fields.signatory == "Tom Riordan"
    assert page.form.name_edit.text() == "London Borough of Newham"


def test_attach_and_too_large(
    page: PartnersPage, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(b"%PDF")
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileName",
        lambda *a, **k: (str(letter), ""),
    )
    page._attach()
    attached = page.form.attachments_table.item(0, 0)
    assert attached is not None and attached.text() == "letter.pdf"
    with letter.open("wb") as handle:
        handle.truncate(service.MAX_ATTACHMENT_BYTES + 1)
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox,
        "warning",
        lambda _p, _t, text: shown.append(text),
    )
    page._attach()
    assert "at most 25 MB" in shown[0]


def test_import_through_preview_dialog(
    page: PartnersPage, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    source = tmp_path / "partners.csv"
    source.write_text("Council;Share\nKent County Council;0\n;5\n", encoding="cp1252")
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileName",
        lambda *a, **k: (str(source), ""),
    )
    seen: list[ImportPreviewDialog] = []

    def accept(dialog: ImportPreviewDialog) -> int:
        seen.append(dialog)
        assert_controls_named(dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportPreviewDialog, "exec", accept)
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    page._import()
    assert seen and seen[0].import_button.isEnabled()
    assert [r.fields.name for r in page.model.rows][-1] == "Kent County Council"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("1e3", "Contribution “1e3” is not an amount in pounds"),
        ("(100)", "Contribution “(100)” cannot be negative"),
    ],
)
def test_contribution_follows_the_one_money_grammar(
    page: PartnersPage, workspace: Workspace, qtbot: object, typed: str, said: str
) -> None:
    """The Budget grid reads the same text the same way (tests/ui/test_sustainability_page.py)."""
    saved = service.partner_rows(workspace)[0].fields.contribution_pence
    page.form.contribution_edit.clear()
    qtbot.keyClicks(page.form.contribution_edit, typed)  # type: ignore[attr-defined]
    page.form.contribution_edit.editingFinished.emit()
    assert said in page.form.contribution_message.text()
    assert page.form.contribution_message.isVisible()
    assert service.partner_rows(workspace)[0].fields.contribution_pence == saved
    page.form.contribution_edit.clear()
    qtbot.keyClicks(page.form.contribution_edit, "£1,000")  # type: ignore[attr-defined]
    page.form.contribution_edit.editingFinished.emit()
    assert page.form.contribution_message.text() == ""
    assert service.partner_rows(workspace)[0].fields.contribution_pence == 100_000
