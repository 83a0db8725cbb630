"""The Partners page as a user drives it: table, form, live rules, undo, attachments, import."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from crmbid_desktop.services import partners as service
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.ui.pages import partners_page
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
    page.form.contacts_table.item(0, 0).setText("Ann")
    page.form.contacts_table.item(0, 3).setText("012345")
    assert "Ann: “012345” has 6 digits" in page.form.contacts_message.text()


def test_save_and_undo_edit_then_delete_and_undo(page: PartnersPage, workspace: Workspace) -> None:
    page.form.status_combo.setCurrentText("signed off")
    assert page.form.dirty
    assert page.save_current()
    assert service.partner_rows(workspace)[0].fields.status == "signed off"
    page.undo_stack.undo()
    assert service.partner_rows(workspace)[0].fields.status == "interested"

    page._select(service.partner_rows(workspace)[1].id)
    assert page.form.name_edit.text() == "London Borough of Newham"
    partners_page.QMessageBox.question = lambda *a, **k: QMessageBox.StandardButton.Yes  # type: ignore[method-assign]
    try:
        page._delete()
    finally:
        del partners_page.QMessageBox.question
    assert [r.fields.name for r in page.model.rows] == ["Leeds City Council"]
    page.undo_stack.undo()
    assert [r.fields.name for r in page.model.rows][1] == "London Borough of Newham"


def test_invalid_edit_is_refused_with_a_message(
    page: PartnersPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        partners_page.QMessageBox, "warning", lambda _p, _t, text: shown.append(text)
    )
    page.form.name_edit.setText("")
    page.form._on_edited()
    assert not page.save_current()
    assert shown == ["A council needs a name."]


def test_attach_and_too_large(
    page: PartnersPage, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(b"%PDF")
    monkeypatch.setattr(
        partners_page.QFileDialog, "getOpenFileName", lambda *a, **k: (str(letter), "")
    )
    page._attach()
    assert page.form.attachments_table.item(0, 0).text() == "letter.pdf"
    with letter.open("wb") as handle:
        handle.truncate(service.MAX_ATTACHMENT_BYTES + 1)
    shown: list[str] = []
    monkeypatch.setattr(
        partners_page.QMessageBox, "warning", lambda _p, _t, text: shown.append(text)
    )
    page._attach()
    assert "at most 25 MB" in shown[0]


def test_import_through_preview_dialog(
    page: PartnersPage, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    source = tmp_path / "partners.csv"
    source.write_text("Council;Share\nKent County Council;0\n;5\n", encoding="cp1252")
    monkeypatch.setattr(
        partners_page.QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), "")
    )
    seen: list[ImportPreviewDialog] = []

    def accept(dialog: ImportPreviewDialog) -> int:
        seen.append(dialog)
        assert_controls_named(dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportPreviewDialog, "exec", accept)
    monkeypatch.setattr(partners_page.QMessageBox, "information", lambda *a: None)
    page._import()
    assert seen and seen[0].import_button.isEnabled()
    assert [r.fields.name for r in page.model.rows][-1] == "Kent County Council"
