"""The Sections page as a bid officer uses it: typing saves, the meter counts, reviews gate approval."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import section_saves
from crmbid_desktop.services.registers import sections as svc
from crmbid_desktop.store.models import ChangeLogEntry, Section, SectionVersion
from crmbid_desktop.ui.colours import text_colour
from crmbid_desktop.ui.pages.sections_page import SectionsPage
from tests.helpers.qt import assert_controls_named


@pytest.fixture
def page(qtbot: QtBot, workspace: Workspace) -> SectionsPage:
    widget = SectionsPage(workspace)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    return widget


@pytest.fixture
def warnings(page: SectionsPage, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    # Patched on the page: patching QMessageBox itself breaks PySide for later tests.
    said: list[str] = []
    monkeypatch.setattr(page, "_tell", lambda _title, text: said.append(text))
    return said


def _body(workspace: Workspace, section_id: int) -> str:
    with workspace.reading() as session:
        section = session.get(Section, section_id)
        assert section is not None
        return section.body


def _write(page: SectionsPage, markdown: str) -> None:
    """Replace the editor's text as a user's edit would (load_markdown alone is not an edit)."""
    page.editor.load_markdown(markdown)
    page.editor.document().setModified(True)


def _select(page: SectionsPage, title: str) -> int:
    row = next(r for r in page.rows.values() if r.title == title)
    item = page.outline.find_item(row.id)
    assert item is not None
    page.outline.setCurrentItem(item)
    return row.id


def test_controls_are_named(page: SectionsPage) -> None:
    assert_controls_named(page)
    assert page.outline.topLevelItem(0).text(0) == "1 Executive summary"  # type: ignore[union-attr]


def test_typing_is_saved_after_a_pause_and_counted(
    qtbot: QtBot, page: SectionsPage, workspace: Workspace
) -> None:
    sid = _select(page, "Executive summary")
    page.editor.setFocus()
    qtbot.keyClicks(page.editor, "Leeds and Newham will sustain the Academy")
    assert page.save_timer.isActive()
    assert _body(workspace, sid) == ""  # nothing written while typing
    with qtbot.waitSignal(page.save_timer.timeout, timeout=3000):
        pass
    assert _body(workspace, sid) == "Leeds and Newham will sustain the Academy\n"
    assert page.meter.text() == "7 / 400 words"
    assert page.meter.property("level") == "ok"
    assert "7 / 6,600" in page.total_label.text()


def test_meter_turns_amber_then_red(page: SectionsPage, workspace: Workspace) -> None:
    sid = _select(page, "Exit and succession")  # 300 words
    _write(page, "word " * 280)
    page.flush_text()
    assert page.meter.property("level") == "near"
    assert text_colour("warning", page).name() in page.meter.styleSheet()
    _write(page, "word " * 305)
    page.flush_text()
    assert page.meter.property("level") == "over"
    assert page.meter.text() == "305 / 300 words — 5 over the limit"
    assert _body(workspace, sid).count("word") == 305
    assert "Word counts" in page.rule_label.toolTip() or "counted" in page.rule_label.toolTip()


def test_approval_is_refused_with_open_comments(
    page: SectionsPage, workspace: Workspace, warnings: list[str]
) -> None:
    sid = _select(page, "Risks")
    page.reviews.new_comment.setPlainText("Name the owner of each risk.")
    page.reviews.add_button.click()
    assert page.tabs.tabText(1) == "Reviews (1 open)"
    page.status_combo.setCurrentText("approved")
    page.status_combo.activated.emit(page.status_combo.currentIndex())
    assert warnings and "cannot be approved" in warnings[0]
    assert page.status_combo.currentText() == "not started"
    item = page.reviews.comments.topLevelItem(0)
    assert item is not None
    item.setCheckState(0, Qt.CheckState.Checked)
    page.status_combo.setCurrentText("approved")
    page.status_combo.activated.emit(page.status_combo.currentIndex())
    # Approval also needs a named reviewer and some text within the limit.
    assert "names no reviewer" in warnings[-1]
    assert page.rows[sid].status == "not started"
    section_saves.save_details(
        workspace, sid, section_saves.load_details(workspace, sid), reviewer="Anne Reader"
    )
    svc.save_body(workspace, sid, "Each risk has an owner and a mitigation.")
    page.refresh()
    _select(page, "Risks")
    page.status_combo.setCurrentText("approved")
    page.status_combo.activated.emit(page.status_combo.currentIndex())
    assert page.rows[sid].status == "approved"
    with workspace.reading() as session:
        log = [e.summary for e in session.scalars(select(ChangeLogEntry))]
    # The text saved above moved it to drafting first (status follows the work).
    assert any("drafting → approved" in line for line in log)


def test_delete_asks_and_undo_brings_it_all_back(
    page: SectionsPage, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = _select(page, "Governance")
    _write(page, "The board meets **monthly**.\n")
    page.flush_text()
    svc.add_comment(workspace, sid, "Who chairs it?")
    asked: list[str] = []

    def answer(_title: str, text: str) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(page, "_confirm", answer)
    page.refresh()
    page.delete_current()
    assert "Delete section 9 'Governance'" in asked[0]
    assert all(r.title != "Governance" for r in page.rows.values())
    page.undo_stack.undo()
    assert page.rows[sid].title == "Governance" and page.rows[sid].number == "9"
    assert page.rows[sid].unresolved_comments == 1
    assert page.editor.markdown() == "The board meets **monthly**.\n"
    page.undo_stack.redo()
    assert sid not in page.rows


def test_title_and_limit_edits_are_saved(page: SectionsPage, workspace: Workspace) -> None:
    sid = _select(page, "Risks")
    page.title_edit.setText("Risks and issues")
    page.title_edit.editingFinished.emit()
    page.limit_spin.setValue(450)
    page.limit_spin.editingFinished.emit()
    page.due_edit.setText("24/08/2005")
    page.due_edit.editingFinished.emit()
    assert page.due_edit.text() == "Wed 24 Aug 2005"
    with workspace.reading() as session:
        section = session.get(Section, sid)
        assert section is not None
        assert (section.title, section.word_limit, str(section.due_on)) == (
            "Risks and issues",
            450,
            "2005-08-24",
        )
    assert page.outline.find_item(sid).text(0) == "11 Risks and issues"  # type: ignore[union-attr]


def test_bad_due_date_is_named(page: SectionsPage, warnings: list[str]) -> None:
    _select(page, "Risks")
    page.due_edit.setText("31/02/2005")
    page.due_edit.editingFinished.emit()
    assert warnings and "31/02/2005" in warnings[0]


def test_indent_and_outdent_renumber(page: SectionsPage) -> None:
    sid = _select(page, "Strategic fit")
    page.indent()
    assert page.rows[sid].number == "2.1"
    page.outdent()
    assert page.rows[sid].number == "3"


def test_history_compares_and_restores(
    qtbot: QtBot, page: SectionsPage, workspace: Workspace
) -> None:
    sid = _select(page, "Transition plan")
    svc.save_body(workspace, sid, "Handover from Newham in October.\n")
    with workspace.edit("age the version") as session:
        for version in session.scalars(select(SectionVersion)):
            version.created_at = version.created_at.replace(year=2005)
    _write(page, "Handover from Newham in November.\n")
    page.flush_text()
    page.refresh()
    assert page.history.list.count() == 2
    page.history.list.item(0).setSelected(True)
    page.history.list.item(1).setSelected(True)
    dialog = page.history.compare_dialog()
    assert dialog is not None
    assert_controls_named(dialog)
    qtbot.waitUntil(lambda: "lines differ" in dialog.view.toPlainText())
    shown = dialog.view.toHtml()
    assert "October" in shown and "November" in shown and "1 lines differ" in shown
    page.history.list.clearSelection()
    page.history.list.item(1).setSelected(True)
    page.history.restore()
    assert _body(workspace, sid) == "Handover from Newham in October.\n"
    assert page.editor.markdown() == "Handover from Newham in October.\n"
    assert page.history.list.count() == 3


def test_find_and_replace_dialog(page: SectionsPage, workspace: Workspace) -> None:
    sid = _select(page, "Risks")
    _write(page, "The CRM Academy may close.\n")
    dialog = page.find_replace_dialog()
    assert_controls_named(dialog)
    dialog.find_box.setText("CRM Academy")
    hits = dialog.find_text()  # saves the text being typed first
    assert [h.section_id for h in hits] == [sid]
    dialog.replace_box.setText("Academy")
    assert dialog.replace_all() == 1
    assert page.editor.markdown() == "The Academy may close.\n"
    assert "Replaced 1 times" in dialog.status.text()


def test_awkward_text_is_shown_and_kept(page: SectionsPage, workspace: Workspace) -> None:
    sid = _select(page, "Risks")
    text = "مرحبا بالعالم — Emoji 😀👍🏽 👨‍👩‍👧 and a tab\there.\n"
    svc.save_body(workspace, sid, text)
    page.refresh()
    assert page.editor.markdown() == text
    assert "😀" in page.editor.toPlainText()


def test_read_only_bid_cannot_be_typed_into(qtbot: QtBot, bid_path: Any, app_paths: Any) -> None:
    from crmbid_desktop.services.bid.bid_files import open_workspace

    workspace = open_workspace(bid_path, app_paths, read_only=True)
    try:
        page = SectionsPage(workspace)
        qtbot.addWidget(page)
        assert page.editor.isReadOnly()
        assert not page.title_edit.isEnabled()
    finally:
        workspace.close()


def test_only_looking_at_a_section_writes_nothing(page: SectionsPage, workspace: Workspace) -> None:
    sid = _select(page, "Risks")
    svc.save_body(workspace, sid, "Text with a trailing space \n")  # not canonical
    page.refresh()
    with workspace.reading() as session:
        before = session.scalar(select(func.count()).select_from(ChangeLogEntry))
    _select(page, "Governance")
    page.hide()
    with workspace.reading() as session:
        assert session.scalar(select(func.count()).select_from(ChangeLogEntry)) == before
    assert _body(workspace, sid) == "Text with a trailing space \n"


def test_hiding_the_page_saves_what_was_typed(
    qtbot: QtBot, page: SectionsPage, workspace: Workspace
) -> None:
    sid = _select(page, "Risks")
    qtbot.keyClicks(page.editor, "Unsaved words")
    page.hide()  # switching page or closing the window
    assert _body(workspace, sid) == "Unsaved words\n"
    assert not page.save_timer.isActive()


def test_dropping_a_section_elsewhere_moves_it(page: SectionsPage) -> None:
    risks = _select(page, "Risks")
    governance = next(r.id for r in page.rows.values() if r.title == "Governance")
    page.move_to(risks, governance, 0)  # what a drop onto "9 Governance" does
    assert page.rows[risks].number == "9.1"
    assert page.outline.find_item(risks).text(0) == "9.1 Risks"  # type: ignore[union-attr]
    assert page.outline.currentItem() is page.outline.find_item(risks)


def test_first_words_move_a_section_to_drafting(
    qtbot: QtBot, page: SectionsPage, workspace: Workspace
) -> None:
    sid = _select(page, "Strategic fit")
    assert page.status_combo.currentText() == "not started"
    page.editor.setFocus()
    qtbot.keyClicks(page.editor, "Fits the Priority Outcomes")
    with qtbot.waitSignal(page.save_timer.timeout, timeout=3000):
        pass
    assert page.status_combo.currentText() == "drafting"
    current = page.outline.currentItem()
    assert current is not None and current.text(1) == "drafting"
    with workspace.reading() as session:
        section = session.get(Section, sid)
        assert section is not None and section.status == "drafting"
    # Nothing moves a section on by itself after that: it stays drafting while text changes.
    qtbot.keyClicks(page.editor, " and the efficiency agenda")
    page.flush_text()
    assert page.status_combo.currentText() == "drafting"
