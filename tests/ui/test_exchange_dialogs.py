"""The partner dialogs: send, take back (side by side, accept/reject) and merge conflicts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from sqlalchemy import select

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid_files import open_workspace
from crmbid_desktop.services.bid_merge import plan_merge, save_partner_copy
from crmbid_desktop.services.section_exchange import preview_returned, send_sections
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.store.models import Section
from crmbid_desktop.ui.exchange.merge_dialog import MergeDialog
from crmbid_desktop.ui.exchange.send_dialog import SendSectionsDialog
from crmbid_desktop.ui.exchange.take_back_dialog import TakeBackDialog
from tests.helpers.qt import assert_controls_named
from tests.services.test_section_exchange import BODY, _partner_edits, _section, _set_body

SHOTS = os.environ.get("CRMBID_SHOTS")


def _shot(widget: Any, name: str) -> None:
    if SHOTS:
        widget.resize(1280, 800)
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


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
    assert "line-through" in dialog.current.toHtml() or "text-decoration" in dialog.current.toHtml()
    assert "Leeds joined" in dialog.returned.toPlainText()
    _shot(dialog, "take_back")
    dialog.reject_tracked.setChecked(True)
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
    assert "<<<<<<<" in dialog.edited.toPlainText()
    _shot(dialog, "merge")
    dialog.edited.setPlainText("a\nboth\nc")
    qtbot.mouseClick(dialog.use_edited, Qt.MouseButton.LeftButton)
    dialog.conflicts.setCurrentRow(1 - body_row)
    qtbot.mouseClick(dialog.take_theirs, Qt.MouseButton.LeftButton)
    assert "take theirs" in dialog.conflicts.item(1 - body_row).text()
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
    assert main_window.findChild(QAction, "sendSectionsAction").property("editsBid") is None
