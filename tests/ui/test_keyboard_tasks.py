"""Everyday tasks done with the keyboard alone: only key events, the result checked in the bid."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.store.models import Comment, Section
from crmbid_desktop.ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
#: More Tab presses than any page has controls: a target never reached is a keyboard gap.
MAX_TABS = 80


def _start(qtbot: Any, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def _focused() -> QWidget | None:
    return QApplication.focusWidget()


def _tab_to(qtbot: Any, name: str, key: Qt.Key = Qt.Key.Key_Tab) -> QWidget:
    """Press Tab (or Shift+Tab: Key_Backtab) until the control called `name` has the focus."""
    for _ in range(MAX_TABS):
        widget = _focused()
        if widget is not None and widget.objectName() == name:
            return widget
        assert widget is not None, "nothing has the keyboard focus"
        if key == Qt.Key.Key_Backtab:
            qtbot.keyClick(widget, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
        else:
            qtbot.keyClick(widget, key)
    raise AssertionError(f"Tab never reaches {name!r}: a keyboard user cannot get there")


def _go(qtbot: Any, window: MainWindow, number: int, page: str) -> None:
    qtbot.keyClick(window, getattr(Qt.Key, f"Key_{number}"), CTRL)  # Go > page
    assert window.current_page().object_name == page


def _to_section(qtbot: Any, window: MainWindow, label: str) -> None:
    """Go to Sections and move down the outline to the section whose text starts `label`."""
    _go(qtbot, window, 4, "sectionsPage")
    outline = _tab_to(qtbot, "sectionsOutline")
    for _ in range(40):
        current = outline.currentItem()  # type: ignore[attr-defined]
        if current is not None and current.text(0).startswith(label):
            return
        qtbot.keyClick(outline, Qt.Key.Key_Down)
    raise AssertionError(f"no section {label!r} in the outline")


def _section(window: MainWindow, title: str) -> Section:
    with window.workspace.reading() as session:
        section = session.scalars(select(Section).where(Section.title == title)).one()
        session.expunge(section)
        return section


def test_write_a_section_by_keyboard(qtbot: Any, main_window: MainWindow) -> None:
    _start(qtbot, main_window)
    _to_section(qtbot, main_window, "9 Governance")
    editor = _tab_to(qtbot, "sectionEditor")
    qtbot.keyClicks(editor, "A joint board of the four councils meets monthly.")
    qtbot.keyClick(editor, Qt.Key.Key_S, CTRL)  # File > Save: what is typed is saved
    section = _section(main_window, "Governance")
    assert "A joint board of the four councils meets monthly." in section.body
    assert section.status == "drafting"


def test_comment_on_a_section_by_keyboard(qtbot: Any, main_window: MainWindow) -> None:
    _start(qtbot, main_window)
    _to_section(qtbot, main_window, "9 Governance")
    tabs = _tab_to(qtbot, "sectionTabBar")
    qtbot.keyClick(tabs, Qt.Key.Key_Right)  # Text -> Reviews
    box = _tab_to(qtbot, "newReviewComment")
    qtbot.keyClicks(box, "Name the chair.")
    button = _tab_to(qtbot, "addReviewComment")
    qtbot.keyClick(button, Qt.Key.Key_Space)
    section_id = _section(main_window, "Governance").id
    with main_window.workspace.reading() as session:
        texts = list(session.scalars(select(Comment.text).where(Comment.section_id == section_id)))
    assert texts == ["Name the chair."]


def test_approve_a_section_by_keyboard(qtbot: Any, main_window: MainWindow) -> None:
    # Setting up: the section is already written (writing it by keys is its own test).
    governance = _section(main_window, "Governance")
    section_service.save_body(main_window.workspace, governance.id, "A joint board meets monthly.")
    _start(qtbot, main_window)
    _to_section(qtbot, main_window, "9 Governance")
    reviewer = _tab_to(qtbot, "sectionReviewer")
    qtbot.keyClicks(reviewer, "Ann Lee")
    status = _tab_to(qtbot, "sectionStatus", Qt.Key.Key_Backtab)  # Shift+Tab back up
    qtbot.keyClicks(status, "approved")  # a closed list selects by typing, as in Windows
    section = _section(main_window, "Governance")
    assert section.reviewer == "Ann Lee"
    assert section.status == "approved"


def test_answer_a_clarification_by_keyboard(qtbot: Any, main_window: MainWindow) -> None:
    from crmbid_desktop.store.models import Clarification

    _start(qtbot, main_window)
    _go(qtbot, main_window, 6, "clarificationsPage")
    new = _tab_to(qtbot, "newClarification")
    qtbot.keyClick(new, Qt.Key.Key_Space)  # New question: the cursor goes to the question
    question = _focused()
    assert question is not None and question.objectName() == "clarificationQuestion"
    qtbot.keyClicks(question, "May the lead council be a county?")
    save = _tab_to(qtbot, "saveClarification")
    qtbot.keyClick(save, Qt.Key.Key_Space)
    answer = _tab_to(qtbot, "clarificationAnswer")
    qtbot.keyClicks(answer, "Yes, any English local authority.")
    answered_on = _tab_to(qtbot, "clarificationAnsweredOn")
    qtbot.keyClicks(answered_on, "01/09/2005")
    record = _tab_to(qtbot, "recordClarificationAnswer")
    qtbot.keyClick(record, Qt.Key.Key_Space)
    with main_window.workspace.reading() as session:
        rows = [
            (c.question, c.answer, c.answered_on.isoformat() if c.answered_on else "")
            for c in session.scalars(select(Clarification))
        ]
    assert (
        "May the lead council be a county?",
        "Yes, any English local authority.",
        "2005-09-01",
    ) in rows


def test_edit_the_budget_by_keyboard(qtbot: Any, main_window: MainWindow) -> None:
    from crmbid_desktop.services.registers import budget

    _start(qtbot, main_window)
    _go(qtbot, main_window, 7, "sustainabilityPage")
    tabs = _tab_to(qtbot, "sustainabilityTabBar")
    qtbot.keyClick(tabs, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)  # &Budget
    table = _tab_to(qtbot, "budgetTable")
    model = table.model()  # type: ignore[attr-defined]
    qtbot.keyClick(table, Qt.Key.Key_Home, CTRL)  # top-left cell
    for _ in range(model.rowCount()):
        if table.currentIndex().data() == "Subscriptions":  # type: ignore[attr-defined]
            break
        qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Right)  # the first year
    qtbot.keyClick(table, Qt.Key.Key_1)  # typing starts the edit, as in a spreadsheet
    editor = _focused()
    assert editor is not None and editor is not table
    qtbot.keyClicks(editor, "2500.50")  # the rest goes where the keys now go: the cell's box
    qtbot.keyClick(editor, Qt.Key.Key_Return)

    def saved() -> int:
        with main_window.workspace.reading() as session:
            read = budget.budget_table(session)
        row = next(row for row in read.income if row.label == "Subscriptions")
        return row.amount(read.years[0])

    qtbot.waitUntil(lambda: saved() == 1_250_050)
