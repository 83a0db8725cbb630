"""The partner dialogs: send, take back (side by side, accept/reject) and merge conflicts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QMessageBox
from sqlalchemy import select

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.exchange.bid_merge import plan_merge, save_partner_copy
from crmbid_desktop.services.exchange.section_exchange import preview_returned, send_sections
from crmbid_desktop.store.models import Section
from crmbid_desktop.ui.background_diffs import COMPARING
from crmbid_desktop.ui.exchange.merge_dialog import MergeDialog
from crmbid_desktop.ui.exchange.send_dialog import SendSectionsDialog
from crmbid_desktop.ui.exchange.take_back_dialog import TakeBackDialog
from tests.helpers.qt import assert_controls_named, child
from tests.services.test_section_exchange import BODY, _partner_edits, _section, _set_body

SHOTS = os.environ.get("CRMBID_SHOTS")


def _shot(widget: Any, name: str) -> None:
    if SHOTS:
        widget.resize(1024, 768)
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def _compared(qtbot: Any, *views: Any) -> None:
    """Wait until the worker's comparison has reached every view."""
    qtbot.waitUntil(lambda: all(COMPARING not in view.toPlainText() for view in views))


def test_take_back_dialog_accept_and_reject(
    qtbot: Any, workspace: Workspace, tmp_path: Path
) -> None:
    _set_body(workspace, "2", BODY)
    _set_body(workspace, "3", BODY)
    sent = tmp_path / "sections.docx"
    send_sections(workspace, sent, ["2", "3"])
    _partner_edits(sent)  # edits section 2 only
    preview = preview_returned(workspace, sent)
    dialog = TakeBackDialog(workspace, preview)
    qtbot.addWidget(dialog)
    dialog.show()
    assert_controls_named(dialog)
    assert dialog.accept_tracked.isEnabled()
    _compared(qtbot, dialog.current, dialog.returned)
    assert "line-through" in dialog.current.toHtml() or "text-decoration" in dialog.current.toHtml()
    assert "Leeds joined" in dialog.returned.toPlainText()
    _shot(dialog, "take_back")
    dialog.reject_tracked.setChecked(True)
    _compared(qtbot, dialog.current, dialog.returned)
    assert "Tracked removal." in dialog.returned.toPlainText()
    dialog.accept_tracked.setChecked(True)
    # Accept section 2 (shown first), reject section 3.
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.reject_button, Qt.MouseButton.LeftButton)
    assert dialog.accepted_uuids() == [preview.changes[0].section_uuid]
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert "Leeds joined in August." in _section(workspace, "2").body
    assert _section(workspace, "3").body == BODY


def test_send_dialog_from_file_menu(
    qtbot: Any, main_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "for York.docx"

    def fake_exec(dialog: SendSectionsDialog) -> int:
        assert_controls_named(dialog)
        assert not dialog.ok.isEnabled()
        dialog.sections.item(1).setCheckState(Qt.CheckState.Checked)
        assert dialog.ok.isEnabled()
        _shot(dialog, "send")
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(SendSectionsDialog, "exec", fake_exec)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    main_window.findChild(type(main_window.menuBar().actions()[0]), "sendSectionsAction").trigger()
    assert target.exists() and "Wrote 1 section" in shown[0]


def test_merge_dialog_resolves_conflicts(
    qtbot: Any, workspace: Workspace, tmp_path: Path, app_paths: AppPaths
) -> None:
    with workspace.reading() as session:
        uuids = [s.uuid for s in session.scalars(select(Section).order_by(Section.id))][:3]

    def edit(ws: Workspace, uuid: str, **fields: object) -> None:
        with ws.edit("edit") as session:
            section = session.scalars(select(Section).where(Section.uuid == uuid)).one()
            for name, value in fields.items():
                setattr(section, name, value)

    edit(workspace, uuids[0], body="a\nb\nc")
    copy = tmp_path / "copy.crmbid"
    save_partner_copy(workspace, copy, "Ann at York")
    partner = open_workspace(copy, app_paths)
    edit(partner, uuids[0], body="a\ntheirs\nc")
    edit(partner, uuids[1], status="ready for review")
    edit(partner, uuids[2], title="Their title")
    edit(workspace, uuids[2], title="Our title")
    partner.close()
    edit(workspace, uuids[0], body="a\nours\nc")

    dialog = MergeDialog(workspace, plan_merge(workspace, copy))
    qtbot.addWidget(dialog)
    dialog.show()
    assert_controls_named(dialog)
    assert dialog.conflicts.count() == 2
    body_row = next(i for i, c in enumerate(dialog.plan.conflicts) if "body" in c.fields)
    dialog.conflicts.setCurrentRow(body_row)
    # Two versions side by side with the changed words marked, plain words, no markers.
    assert "ours" in dialog.ours.toPlainText() and "theirs" in dialog.theirs.toPlainText()
    assert "line-through" in dialog.ours.toHtml() or "text-decoration" in dialog.ours.toHtml()
    assert "1 conflict" in dialog.panel.header.text()
    assert "change(s)" not in child(dialog, QLabel, "mergeSummary").text()
    qtbot.mouseClick(dialog.edit, Qt.MouseButton.LeftButton)
    assert dialog.edited.isVisibleTo(dialog)
    assert dialog.edited.toPlainText() == "a\nours\n\ntheirs\nc"  # keep both, to edit
    for widget in (dialog.ours, dialog.theirs, dialog.edited):
        assert "<<<<<<<" not in widget.toPlainText() and "=======" not in widget.toPlainText()
    _shot(dialog, "merge")
    dialog.edited.setPlainText("a\nboth\nc")
    qtbot.mouseClick(dialog.use_edited, Qt.MouseButton.LeftButton)
    dialog.conflicts.setCurrentRow(1 - body_row)
    qtbot.mouseClick(dialog.take_theirs, Qt.MouseButton.LeftButton)
    assert "take theirs" in dialog.conflicts.item(1 - body_row).text()
    assert "edited" in dialog.conflicts.item(body_row).text()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    with workspace.reading() as session:
        rows = {s.uuid: s for s in session.scalars(select(Section))}
    assert rows[uuids[0]].body == "a\nboth\nc"
    assert rows[uuids[1]].status == "ready for review"
    assert rows[uuids[2]].title == "Their title"
    assert plan_merge(workspace, copy).nothing_to_do


def test_partner_actions_disabled_read_only(main_window: Any) -> None:
    names = ["takeBackAction", "partnerCopyAction", "mergeCopyAction"]
    from PySide6.QtGui import QAction

    for name in names:
        action = main_window.findChild(QAction, name)
        assert action is not None and action.property("editsBid") is True
    assert child(main_window, QAction, "sendSectionsAction").property("editsBid") is None


def test_take_back_dialog_holds_back_emptied_and_settles_conflicts(
    qtbot: Any, workspace: Workspace, tmp_path: Path
) -> None:
    import docx

    _set_body(workspace, "2", "Leeds leads the bid.\n\nNewham supports it.")
    _set_body(workspace, "3", "Strategic fit is strong across all partner councils in the bid.")
    sent = tmp_path / "sections.docx"
    send_sections(workspace, sent, ["2", "3"], partner="Leeds City Council")
    # The team changes section 2 after sending; the partner changes the same paragraph and
    # empties section 3.
    _set_body(workspace, "2", "Leeds leads the bid team.\n\nNewham supports it.")
    document = docx.Document(str(sent))
    for paragraph in document.paragraphs:
        if paragraph.text.startswith("Leeds leads"):
            paragraph.runs[0].text = "Leeds City Council leads the bid."
        if paragraph.text.startswith("Strategic fit is"):
            parent = paragraph._p.getparent()
            assert parent is not None
            parent.remove(paragraph._p)
    document.core_properties.last_modified_by = "Ann Smith"
    document.save(str(sent))

    dialog = TakeBackDialog(workspace, preview_returned(workspace, sent))
    qtbot.addWidget(dialog)
    dialog.resize(1024, 768)
    dialog.show()
    assert_controls_named(dialog)
    assert dialog.partner.text() == "Ann Smith (Leeds City Council)"
    two, three = dialog.sections.item(0), dialog.sections.item(1)
    assert two.checkState() == Qt.CheckState.Unchecked and "conflicts" in two.text()
    assert three.checkState() == Qt.CheckState.Unchecked and "came back empty" in three.text()
    assert dialog.conflict.isVisibleTo(dialog) and not dialog.compare.isVisibleTo(dialog)
    assert "1 conflict" in dialog.conflict.header.text()
    _compared(qtbot, dialog.conflict.ours, dialog.conflict.theirs)
    assert "bid team" in dialog.conflict.ours.toPlainText()
    assert "City Council" in dialog.conflict.theirs.toPlainText()
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "take_back_conflict.png"))
    qtbot.mouseClick(dialog.conflict.keep_both, Qt.MouseButton.LeftButton)
    assert (
        two.checkState() == Qt.CheckState.Checked and "keep both" in dialog.conflict.header.text()
    )
    dialog.sections.setCurrentRow(1)
    assert "came back empty" in dialog.note.text()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    body = _section(workspace, "2").body
    assert "Leeds leads the bid team." in body and "Leeds City Council leads the bid." in body
    assert _section(workspace, "3").body.startswith("Strategic fit is strong")


def test_send_dialog_names_partner_and_date(qtbot: Any, workspace: Workspace) -> None:
    from datetime import date

    from crmbid_desktop.store.models import Task

    with workspace.edit("task") as session:
        session.add(
            Task(title="Draft", section_id=_section(workspace, "4").id, due_on=date(2005, 8, 12))
        )
    dialog = SendSectionsDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    assert_controls_named(dialog)
    row = next(
        i
        for i in range(dialog.sections.count())
        if dialog.sections.item(i).data(Qt.ItemDataRole.UserRole) == "4"
    )
    dialog.sections.item(row).setCheckState(Qt.CheckState.Checked)
    assert dialog.return_date() == date(2005, 8, 12)  # the section's task's due date
    assert dialog.partner.count() >= 2  # the bid's partner councils to choose from
    dialog.partner.setCurrentText("Leeds City Council")
    assert dialog.partner_name() == "Leeds City Council"
