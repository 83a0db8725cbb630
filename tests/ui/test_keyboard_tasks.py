"""Everyday tasks done with the keyboard alone: only key events, the result checked in the bid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.store.models import Comment, Section
from crmbid_desktop.ui.main_window import MainWindow
from tests.helpers.qt import child

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


def test_balance_the_shares_by_keyboard(qtbot: Any, main_window: MainWindow) -> None:
    from crmbid_desktop.services.registers import partners as partner_service

    _start(qtbot, main_window)
    _go(qtbot, main_window, 2, "partnersPage")
    for share in ("60", "40"):  # Leeds City Council, then London Borough of Newham
        box = _tab_to(qtbot, "partnerShare")
        qtbot.keyClick(box, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(box, share)
        qtbot.keyClick(box, Qt.Key.Key_Tab)  # leaving the field saves it
        table = _tab_to(qtbot, "partnersTable", Qt.Key.Key_Backtab)
        qtbot.keyClick(table, Qt.Key.Key_Down)  # the next council
    shares = {
        row.fields.name: row.fields.funding_share_bp
        for row in partner_service.partner_rows(main_window.workspace)
    }
    assert shares == {"Leeds City Council": 6000, "London Borough of Newham": 4000}
    totals = child(main_window.current_page(), QWidget, "partnershipTotals")
    assert totals.text().startswith("Shares of funding (councils not withdrawn): 100%")  # type: ignore[attr-defined]


def test_add_an_anchored_task_by_keyboard(qtbot: Any, main_window: MainWindow) -> None:
    from datetime import date

    from crmbid_desktop.store.models import Milestone, Task

    _start(qtbot, main_window)
    _go(qtbot, main_window, 3, "timetablePage")
    add = _tab_to(qtbot, "addTaskButton")
    filled: list[str] = []

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None and dialog.objectName() == "taskDialog"
        try:
            type_task(dialog)
        except BaseException:
            dialog.close()  # a failure here must not leave the test waiting on the dialog
            raise

    def type_task(dialog: QWidget) -> None:
        def focus_in_dialog() -> bool:
            focused = _focused()
            return focused is not None and focused.window() is dialog

        qtbot.waitUntil(focus_in_dialog)  # the keys go where a user's would: into the dialog
        title = _focused()
        assert title is not None and title.objectName() == "taskTitle"  # the title comes first
        qtbot.keyClicks(title, "Print and post the signed copies")
        milestone = _tab_to(qtbot, "taskMilestone")
        qtbot.keyClicks(milestone, "Proposal")  # a closed list selects by typing (Space opens it)
        anchored = _tab_to(qtbot, "taskAnchored")
        qtbot.keyClick(anchored, Qt.Key.Key_Space)
        days = _tab_to(qtbot, "taskAnchorDays")
        qtbot.keyClick(days, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(days, "2")
        filled.append(child(dialog, QWidget, "taskAnchorNote").text())  # type: ignore[attr-defined]
        qtbot.keyClick(days, Qt.Key.Key_Return)  # OK is the dialog's default button

    QTimer.singleShot(0, fill_in)
    qtbot.keyClick(add, Qt.Key.Key_Space)  # opens the Add task dialog until Enter accepts it
    assert filled == ["= Wed 24 Aug 2005"]
    with main_window.workspace.reading() as session:
        task = session.scalars(
            select(Task).where(Task.title == "Print and post the signed copies")
        ).one()
        milestone = session.get(Milestone, task.milestone_id)
        assert milestone is not None
        assert milestone.title == "Proposal and long-term sustainability strategy due"
        assert task.anchor_working_days == 2
        assert task.due_on == date(2005, 8, 24)  # two working days before Fri 26 Aug


def test_export_a_draft_by_keyboard(qtbot: Any, main_window: MainWindow, tmp_path: Path) -> None:
    from docx import Document

    _start(qtbot, main_window)
    _go(qtbot, main_window, 8, "exportPage")
    page = main_window.current_page()
    target = _tab_to(qtbot, "exportTarget")
    # A folder that does not exist: the message says so, nothing is written, the field keeps
    # what was typed and gets the focus back.
    missing = tmp_path / "no such folder" / "Draft.docx"
    qtbot.keyClick(target, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(target, str(missing))
    draft = _tab_to(qtbot, "exportDraftButton")
    qtbot.keyClick(draft, Qt.Key.Key_Space)
    message = child(page, QWidget, "exportTargetMessage")
    assert message.isVisible() and "does not exist" in message.text()  # type: ignore[attr-defined]
    assert _focused() is target and target.text() == str(missing)  # type: ignore[attr-defined]
    assert not missing.parent.exists()

    wanted = tmp_path / "Draft for Leeds"  # no extension typed: .docx is added
    qtbot.keyClick(target, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(target, str(wanted))
    draft = _tab_to(qtbot, "exportDraftButton")
    assert not message.isVisible()
    with qtbot.waitSignal(page.export_finished, timeout=60_000):  # type: ignore[attr-defined]
        qtbot.keyClick(draft, Qt.Key.Key_Space)
    saved = tmp_path / "Draft for Leeds.docx"
    assert saved.is_file()
    document = Document(str(saved))
    texts = [p.text for p in document.paragraphs]
    for section in document.sections:
        texts += [p.text for p in section.header.paragraphs]
    assert any("DRAFT" in text for text in texts)
    assert any("Ownership of the CRM National Project" in text for text in texts)


@pytest.mark.parametrize(
    ("number", "page"),
    [
        (1, "dashboardPage"),
        (2, "partnersPage"),
        (3, "timetablePage"),
        (4, "sectionsPage"),
        (5, "criteriaPage"),
        (6, "clarificationsPage"),
        (7, "sustainabilityPage"),
        (8, "exportPage"),
    ],
)
def test_tab_goes_round_every_page_and_never_keeps_the_focus(
    qtbot: Any, main_window: MainWindow, number: int, page: str
) -> None:
    """From the page list, Tab visits the page's controls and comes back: no control keeps it.

    The section text keeps Tab for itself (it indents lists, as in Word): Ctrl+Tab leaves it.
    """
    _start(qtbot, main_window)
    _go(qtbot, main_window, number, page)
    navigation = child(main_window, QWidget, "pageNavigation")
    navigation.setFocus()
    qtbot.waitUntil(lambda: _focused() is navigation)
    seen: list[str] = []
    for _ in range(MAX_TABS):
        widget = _focused()
        assert widget is not None, f"nothing has the focus after {seen}"
        if widget.objectName() == "sectionEditor":
            qtbot.keyClick(widget, Qt.Key.Key_Tab, CTRL)
        else:
            qtbot.keyClick(widget, Qt.Key.Key_Tab)
        focused = _focused()
        seen.append(focused.objectName() if focused is not None else "")
        if focused is navigation:
            break
    else:
        raise AssertionError(f"Tab never comes back to the page list on {page}: {seen[-8:]}")
    assert len(set(seen)) > 2, seen  # it went through the page's controls on its way


def test_ctrl_tab_and_ctrl_shift_tab_leave_the_section_text(
    qtbot: Any, main_window: MainWindow
) -> None:
    _start(qtbot, main_window)
    _to_section(qtbot, main_window, "9 Governance")
    editor = _tab_to(qtbot, "sectionEditor")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)  # Tab is the text's own: typed, not a move
    assert _focused() is editor
    qtbot.keyClick(editor, Qt.Key.Key_Tab, CTRL)
    after = _focused()
    assert after is not None and after is not editor
    qtbot.keyClick(after, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert _focused() is editor  # Shift+Tab from the next control comes back into the text
    qtbot.keyClick(editor, Qt.Key.Key_Backtab, CTRL | Qt.KeyboardModifier.ShiftModifier)
    before = _focused()
    assert before is not None and before is not editor and before is not after
