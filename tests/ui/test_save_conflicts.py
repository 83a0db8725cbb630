"""Two windows on one bid, each its own user: a stale save brings up the conflict dialog, and
"Keep theirs" / "Keep mine" do what they say (nothing is overwritten unseen, nothing lost)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import partners
from crmbid_desktop.store.models import Section
from crmbid_desktop.ui.pages.partners_page import PartnersPage
from crmbid_desktop.ui.pages.sections_page import SectionsPage
from crmbid_desktop.ui.save_conflicts import SaveConflictDialog
from tests.helpers import partner_saves

ALICE = "Alice Smith (Leeds)"
BOB = "Bob Jones (Wakefield)"


@pytest.fixture
def windows(
    qtbot: QtBot, workspace: Workspace, app_paths: AppPaths
) -> Iterator[tuple[SectionsPage, SectionsPage]]:
    """Alice's and Bob's Sections pages on the same bid file, each with its own Workspace."""
    workspace.user = ALICE
    bob = open_workspace(workspace.place, app_paths, user=BOB)
    pages = []
    for each in (workspace, bob):
        page = SectionsPage(each)
        qtbot.addWidget(page)
        page.resize(1024, 768)
        page.show()
        pages.append(page)
    yield pages[0], pages[1]
    for page in pages:
        page.close()
    bob.close()


def _select(page: SectionsPage, title: str) -> int:
    row = next(r for r in page.rows.values() if r.title == title)
    item = page.outline.find_item(row.id)
    assert item is not None
    page.outline.setCurrentItem(item)
    return row.id


def _write(page: SectionsPage, markdown: str) -> None:
    page.editor.load_markdown(markdown)
    page.editor.document().setModified(True)


def _body(workspace: Workspace, section_id: int) -> str:
    with workspace.reading() as session:
        return str(session.scalar(select(Section.body).where(Section.id == section_id)))


def _answer(settle: Callable[[SaveConflictDialog], None], seen: list[SaveConflictDialog]) -> None:
    """Answer the dialog the save is about to open (it is modal: looked for once it shows)."""

    tries = iter(range(250))  # five seconds, then stop looking (the test's asserts then fail)

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SaveConflictDialog):
            if next(tries, None) is not None:
                QTimer.singleShot(20, look)
            return
        seen.append(dialog)
        try:
            settle(dialog)
        except BaseException:
            # A check that fails inside must not leave the modal dialog open: the test would
            # hang in its event loop instead of failing.
            dialog.done(QDialog.DialogCode.Rejected)
            raise

    QTimer.singleShot(0, look)


def test_keep_theirs_leaves_the_other_save_and_shows_it(
    windows: tuple[SectionsPage, SectionsPage], tmp_path: Path
) -> None:
    alice, bob = windows
    sid = _select(alice, "Executive summary")
    _select(bob, "Executive summary")  # Bob's window loaded the text before Alice saved
    _write(alice, "Alice's opening paragraph.")
    alice.flush_text()
    _write(bob, "Bob's opening paragraph.")
    seen: list[SaveConflictDialog] = []

    def keep_theirs(dialog: SaveConflictDialog) -> None:
        dialog.resize(1024, 768)
        dialog.grab().save(str(tmp_path / "save_conflict.png"))
        assert dialog.fields.item(0).text() == "Text: to settle"
        assert ALICE in dialog.fields.item(0).toolTip() and ALICE in dialog.panel.header.text()
        dialog.keep("body", mine=False)
        dialog.accept()

    _answer(keep_theirs, seen)
    bob.flush_text()
    assert len(seen) == 1
    assert _body(alice.workspace, sid).strip() == "Alice's opening paragraph."
    assert bob.editor.markdown().strip() == "Alice's opening paragraph."  # Bob now sees hers
    assert not bob.editor.document().isModified()


def test_keep_mine_writes_mine_over_theirs_knowingly(
    windows: tuple[SectionsPage, SectionsPage],
) -> None:
    alice, bob = windows
    sid = _select(alice, "Executive summary")
    _select(bob, "Executive summary")
    _write(alice, "Alice's opening paragraph.")
    alice.flush_text()
    _write(bob, "Bob's opening paragraph.")
    seen: list[SaveConflictDialog] = []

    def keep_mine(dialog: SaveConflictDialog) -> None:
        dialog.keep("body", mine=True)
        dialog.accept()

    _answer(keep_mine, seen)
    bob.flush_text()
    assert len(seen) == 1
    assert _body(alice.workspace, sid).strip() == "Bob's opening paragraph."


def test_different_paragraphs_merge_without_a_dialog(
    windows: tuple[SectionsPage, SectionsPage],
) -> None:
    alice, bob = windows
    sid = _select(alice, "Executive summary")
    _write(alice, "First.\n\nSecond.\n\nThird.")
    alice.flush_text()
    _select(bob, "Strategic fit")
    _select(bob, "Executive summary")  # Bob opens the section with the three paragraphs
    _write(alice, "First, by Alice.\n\nSecond.\n\nThird.")
    alice.flush_text()
    _write(bob, "First.\n\nSecond.\n\nThird, by Bob.")
    bob.flush_text()  # no dialog: a modal one would block here
    text = _body(alice.workspace, sid)
    assert "First, by Alice." in text and "Third, by Bob." in text
    assert "First, by Alice." in bob.editor.markdown()  # Bob's window shows the merged text


def test_a_stale_detail_conflicts_field_by_field(
    windows: tuple[SectionsPage, SectionsPage],
) -> None:
    alice, bob = windows
    sid = _select(alice, "Executive summary")
    _select(bob, "Executive summary")
    alice.reviewer_edit.setText("Carol")
    alice.reviewer_edit.editingFinished.emit()
    bob.reviewer_edit.setText("Dev")
    seen: list[SaveConflictDialog] = []

    def keep_mine(dialog: SaveConflictDialog) -> None:
        assert "Reviewer" in dialog.fields.item(0).text()
        dialog.keep("reviewer", mine=True)
        dialog.accept()

    _answer(keep_mine, seen)
    bob.reviewer_edit.editingFinished.emit()
    assert len(seen) == 1
    with alice.workspace.reading() as session:
        assert session.scalar(select(Section.reviewer).where(Section.id == sid)) == "Dev"


@pytest.fixture
def partner_windows(
    qtbot: QtBot, workspace: Workspace, app_paths: AppPaths
) -> Iterator[tuple[PartnersPage, PartnersPage]]:
    """Alice's and Bob's Partners pages on the same bid file, each with its own Workspace."""
    workspace.user = ALICE
    bob = open_workspace(workspace.place, app_paths, user=BOB)
    pages = []
    for each in (workspace, bob):
        page = PartnersPage(each)
        qtbot.addWidget(page)
        page.resize(1024, 768)
        page.show()
        pages.append(page)
    yield pages[0], pages[1]
    for page in pages:
        page.close()
    bob.close()


def _type(page: PartnersPage, edit: QLineEdit, text: str) -> None:
    edit.setText(text)
    page.form._on_edited()
    edit.editingFinished.emit()


def test_council_fields_merge_and_a_clash_asks(
    partner_windows: tuple[PartnersPage, PartnersPage],
) -> None:
    alice, bob = partner_windows
    _type(alice, alice.form.region_edit, "Yorkshire and Humber")
    _type(bob, bob.form.signatory_edit, "Tom Riordan")  # a field Alice left alone: no dialog
    saved = partners.partner_rows(alice.workspace)[0].fields
    assert (saved.region, saved.signatory) == ("Yorkshire and Humber", "Tom Riordan")
    assert bob.form.region_edit.text() == "Yorkshire and Humber"  # Bob's form shows hers
    seen: list[SaveConflictDialog] = []

    def keep_theirs(dialog: SaveConflictDialog) -> None:
        assert dialog.fields.item(0).text() == "Signatory: to settle"
        dialog.keep("signatory", mine=False)
        dialog.accept()

    _answer(keep_theirs, seen)
    _type(alice, alice.form.signatory_edit, "Paul Rogerson")  # Alice's form still had none
    assert len(seen) == 1
    assert partners.partner_rows(alice.workspace)[0].fields.signatory == "Tom Riordan"
    assert alice.form.signatory_edit.text() == "Tom Riordan"


def test_edit_undo_refuses_over_another_users_change_and_says_who(
    qtbot: QtBot, workspace: Workspace, app_paths: AppPaths
) -> None:
    from crmbid_desktop.ui.undo import BidUndoStack

    workspace.user = ALICE
    history = BidUndoStack(workspace)
    bob = open_workspace(workspace.place, app_paths, user=BOB)
    try:
        first = partners.partner_rows(workspace)[0]
        partner_saves.save_partner(workspace, first.id, replace(first.fields, region="North"))
        assert history.canUndo()
        partner_saves.save_partner(bob, first.id, replace(first.fields, region="South"))
        with qtbot.waitSignal(history.failed, timeout=3000) as said:
            history.undo()
        message = str(said.args[0])
        assert BOB in message and "since" in message and "overwrite" in message
        assert partners.partner_rows(workspace)[0].fields.region == "South"  # Bob's stands
    finally:
        bob.close()
