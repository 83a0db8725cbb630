"""Two users on one bid, from the real pages (issue 22): a milestone dialog saved after another
user's save asks keep mine or theirs and does what the user chose; a criteria cell edit keeps
the other user's change to another cell of the row, and a clash in the same cell asks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import criteria, planning
from crmbid_desktop.ui.pages.criteria_page import TITLE, WEIGHT, CriteriaPage
from crmbid_desktop.ui.pages.timetable_page import TimetablePage
from crmbid_desktop.ui.save_conflicts import SaveConflictDialog
from crmbid_desktop.ui.timetable.dialogs import MilestoneDialog

ALICE = "Alice Smith (Leeds)"
BOB = "Bob Jones (Wakefield)"
TODAY = date(2005, 8, 15)


@pytest.fixture
def bob(workspace: Workspace, app_paths: AppPaths) -> Iterator[Workspace]:
    """Bob's own Workspace on the bid Alice (`workspace`) has open: file or server."""
    workspace.user = ALICE
    other = open_workspace(workspace.place, app_paths, user=BOB)
    yield other
    other.close()


def _answer_conflicts(
    monkeypatch: pytest.MonkeyPatch, settle: Callable[[SaveConflictDialog], None]
) -> list[SaveConflictDialog]:
    """The conflict dialog, when it opens, is answered by `settle` as the user would."""
    seen: list[SaveConflictDialog] = []

    def exec_(dialog: SaveConflictDialog) -> int:
        seen.append(dialog)
        dialog.show()
        settle(dialog)
        return int(dialog.result())

    monkeypatch.setattr(SaveConflictDialog, "exec", exec_)
    return seen


def _edit_milestone(
    page: TimetablePage,
    monkeypatch: pytest.MonkeyPatch,
    milestone_id: int,
    meanwhile: Callable[[], None],
    fill: Callable[[MilestoneDialog], None],
) -> None:
    """Alice opens the milestone's dialog; `meanwhile` (Bob's save) happens while it is open;
    she types (`fill`) and presses OK."""

    def exec_(dialog: MilestoneDialog) -> int:
        meanwhile()
        fill(dialog)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        return int(dialog.result())

    monkeypatch.setattr(MilestoneDialog, "exec", exec_)
    page.edit_milestone(milestone_id)


@pytest.fixture
def timetable(qtbot: QtBot, workspace: Workspace, bob: Workspace) -> TimetablePage:
    page = TimetablePage(workspace, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    return page


def _bob_renames(bob: Workspace, milestone_id: int, title: str) -> Callable[[], None]:
    def save() -> None:
        loaded = planning.load_milestone(bob, milestone_id)
        data = planning.MilestoneInput(**loaded.values)  # type: ignore[arg-type]
        planning.save_milestone_fields(
            bob, milestone_id, loaded, replace(data, title=title, kind="meeting")
        )

    return save


def _alice_types(title: str, notes: str) -> Callable[[MilestoneDialog], None]:
    def fill(dialog: MilestoneDialog) -> None:
        dialog.title_edit.setText(title)
        dialog.notes.setPlainText(notes)

    return fill


def _milestone(page: TimetablePage) -> planning.MilestoneRow:
    assert page.plan is not None
    return next(m for m in page.plan.milestones if m.title.startswith("Proposal"))


def test_a_milestone_saved_after_bob_s_asks_and_keep_mine_lands(
    timetable: TimetablePage,
    bob: Workspace,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    row = _milestone(timetable)

    def keep_mine(dialog: SaveConflictDialog) -> None:
        dialog.resize(1024, 600)
        dialog.grab().save(str(tmp_path / "milestone_conflict.png"))
        assert [c.field for c in dialog.conflicts] == ["title"]
        assert BOB in dialog.panel.header.text()
        dialog.keep("title", mine=True)
        dialog.accept()

    seen = _answer_conflicts(monkeypatch, keep_mine)
    _edit_milestone(
        timetable,
        monkeypatch,
        row.id,
        _bob_renames(bob, row.id, "Proposal due (Bob)"),
        _alice_types("Proposal due (Alice)", "Hand in at reception."),
    )
    assert len(seen) == 1
    now = planning.load_milestone(bob, row.id).values
    # Alice's title, as she chose; her notes; Bob's kind, which she never touched.
    assert (now["title"], now["notes"], now["kind"]) == (
        "Proposal due (Alice)",
        "Hand in at reception.",
        "meeting",
    )


def test_a_milestone_saved_after_bob_s_keeps_theirs_when_asked(
    timetable: TimetablePage, bob: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = _milestone(timetable)

    def keep_theirs(dialog: SaveConflictDialog) -> None:
        dialog.keep("title", mine=False)
        dialog.accept()

    seen = _answer_conflicts(monkeypatch, keep_theirs)
    _edit_milestone(
        timetable,
        monkeypatch,
        row.id,
        _bob_renames(bob, row.id, "Proposal due (Bob)"),
        _alice_types("Proposal due (Alice)", "Hand in at reception."),
    )
    assert len(seen) == 1
    now = planning.load_milestone(bob, row.id).values
    assert (now["title"], now["notes"], now["kind"]) == (
        "Proposal due (Bob)",
        "Hand in at reception.",  # what did not clash was saved
        "meeting",
    )
    timetable.refresh()
    assert _milestone(timetable).title == "Proposal due (Bob)"  # Alice's page shows his


@pytest.fixture
def criteria_page(qtbot: QtBot, workspace: Workspace, bob: Workspace) -> CriteriaPage:
    page = CriteriaPage(workspace)
    qtbot.addWidget(page)
    page.resize(1024, 768)
    page.show()
    return page


def _type_in_cell(qtbot: QtBot, page: CriteriaPage, column: int, text: str) -> QLineEdit:
    """Open the cell's editor as a double-click does; returns it, for the text to be entered."""
    index = page.model.index(0, column)
    page.table.setCurrentIndex(index)
    page.table.edit(index)
    editor = page.table.indexWidget(index)  # the open editor
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    return editor


def _enter(qtbot: QtBot, page: CriteriaPage, editor: QLineEdit) -> None:
    """Press Enter in the cell's editor: the view commits it (queued), as a user's Enter does."""
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.table.indexWidget(page.table.currentIndex()) is None)


def test_a_criteria_cell_edit_keeps_bob_s_change_to_another_cell(
    qtbot: QtBot, criteria_page: CriteriaPage, bob: Workspace
) -> None:
    shown = criteria_page.model.rows[0]
    editor = _type_in_cell(qtbot, criteria_page, WEIGHT, "30")
    # While Alice types the weight, Bob renames the criterion.
    criteria.save_criterion_field(bob, shown.id, shown.loaded("title"), "title", "Reach (Bob)")
    _enter(qtbot, criteria_page, editor)
    saved = next(c for c in criteria.criteria(bob) if c.id == shown.id)
    assert (saved.title, saved.weight_bp) == ("Reach (Bob)", 3000)
    assert criteria_page.model.index(0, TITLE).data() == "Reach (Bob)"  # the row as saved


def test_a_criteria_cell_both_changed_asks_and_keep_theirs_lands(
    qtbot: QtBot,
    criteria_page: CriteriaPage,
    bob: Workspace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown = criteria_page.model.rows[0]

    def keep_theirs(dialog: SaveConflictDialog) -> None:
        assert [(c.field, c.who) for c in dialog.conflicts] == [("title", BOB)]
        dialog.keep("title", mine=False)
        dialog.accept()

    seen = _answer_conflicts(monkeypatch, keep_theirs)
    editor = _type_in_cell(qtbot, criteria_page, TITLE, "Reach (Alice)")
    criteria.save_criterion_field(bob, shown.id, shown.loaded("title"), "title", "Reach (Bob)")
    _enter(qtbot, criteria_page, editor)
    assert len(seen) == 1
    assert next(c for c in criteria.criteria(bob) if c.id == shown.id).title == "Reach (Bob)"
    assert criteria_page.model.index(0, TITLE).data() == "Reach (Bob)"


def test_a_weight_both_changed_reads_as_percentages_in_the_dialog(
    qtbot: QtBot,
    criteria_page: CriteriaPage,
    bob: Workspace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown = criteria_page.model.rows[0]
    read: list[tuple[str, str]] = []

    def keep_mine(dialog: SaveConflictDialog) -> None:
        read.append((dialog.panel.ours.toPlainText(), dialog.panel.theirs.toPlainText()))
        dialog.keep("weight_bp", mine=True)
        dialog.accept()

    seen = _answer_conflicts(monkeypatch, keep_mine)
    editor = _type_in_cell(qtbot, criteria_page, WEIGHT, "30")
    criteria.save_criterion_field(bob, shown.id, shown.loaded("weight_bp"), "weight_bp", 1250)
    _enter(qtbot, criteria_page, editor)
    assert len(seen) == 1
    # Stored in hundredths of a percent, shown as the page shows a weight.
    assert read == [("30%", "12.5%")]
    assert next(c for c in criteria.criteria(bob) if c.id == shown.id).weight_bp == 3000


def _ticked_cell(page: CriteriaPage) -> tuple[Any, tuple[int, int]]:
    """The first ticked cell of the matrix (ticked by the test when the template has none)."""
    model = page.matrix_model
    assert model.matrix is not None
    if not model.matrix.links:
        first = model.index(0, 0)
        model.setData(first, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    section_id, criterion_id = next(iter(model.matrix.links))
    row = next(i for i, s in enumerate(model.matrix.sections) if s.id == section_id)
    column = next(i for i, c in enumerate(model.matrix.criteria) if c.id == criterion_id)
    return model.index(row, column), (section_id, criterion_id)


def test_unticking_a_cell_bob_wrote_a_note_on_asks_and_keep_theirs_stays_ticked(
    criteria_page: CriteriaPage, bob: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    index, cell = _ticked_cell(criteria_page)
    criteria.save_link(bob, *cell, criteria.matrix(bob).shown(*cell), True, "Bob's paragraph")

    def keep_theirs(dialog: SaveConflictDialog) -> None:
        assert [(c.field, c.mine, c.theirs, c.who) for c in dialog.conflicts] == [
            ("linked", False, True, BOB)
        ]
        dialog.keep("linked", mine=False)
        dialog.accept()

    seen = _answer_conflicts(monkeypatch, keep_theirs)
    model = criteria_page.matrix_model
    assert model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert len(seen) == 1
    # Still ticked, with Bob's note, and the matrix shows it so.
    assert criteria.matrix(bob).links[cell] == "Bob's paragraph"
    assert model.data(index, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.data(index) == "Bob's paragraph"


def test_a_note_typed_keeps_bob_s_other_paragraph(
    criteria_page: CriteriaPage, bob: Workspace
) -> None:
    index, cell = _ticked_cell(criteria_page)
    start = criteria.matrix(bob).shown(*cell)
    criteria.save_link(bob, *cell, start, True, "Intro.\n\nTable 1.")
    criteria_page.matrix_model.reload()
    criteria_page.matrix_view.setCurrentIndex(index)  # Alice's note box shows Bob's note now
    criteria.save_link(bob, *cell, criteria.matrix(bob).shown(*cell), True, "Intro.\n\nTable 2.")
    criteria_page.note_edit.setText("Opening.\n\nTable 1.")
    criteria_page.note_edit.editingFinished.emit()
    assert criteria.matrix(bob).links[cell] == "Opening.\n\nTable 2."


def test_an_answer_recorded_over_bob_s_asks_and_keep_mine_lands(
    qtbot: QtBot, workspace: Workspace, bob: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crmbid_desktop.services.registers import clarifications
    from crmbid_desktop.ui.pages.clarifications_page import ClarificationsPage

    question_id = clarifications.add_question(workspace, "Page limit?", date(2005, 8, 30), set())
    page = ClarificationsPage(workspace)
    qtbot.addWidget(page)
    page.show()
    page.table.view.selectRow(0)
    assert page.current_id == question_id
    row = next(r for r in clarifications.clarifications(bob) if r.id == question_id)
    loaded = clarifications.question_loaded(row)
    form = clarifications.QuestionForm(row.question, row.asked_on, loaded.section_ids)
    # While Alice's form is open, Bob records the answer and rewords the question.
    clarifications.save_question(
        bob,
        question_id,
        loaded,
        replace(
            form,
            question="Is there a page limit?",
            answer="20 pages.",
            answered_on=date(2005, 9, 1),
        ),
    )

    def keep_mine(dialog: SaveConflictDialog) -> None:
        assert [(c.field, c.theirs, c.who) for c in dialog.conflicts] == [
            ("answer", "20 pages.", BOB)
        ]
        dialog.keep("answer", mine=True)
        dialog.accept()

    seen = _answer_conflicts(monkeypatch, keep_mine)
    page.answer.setPlainText("25 pages.")
    page.answered_on.setText("1/9/2005")
    page.record_answer()
    assert len(seen) == 1
    now = next(r for r in clarifications.clarifications(bob) if r.id == question_id)
    # Alice's answer, as she chose; Bob's wording of the question, which she never touched.
    assert (now.answer, now.question) == ("25 pages.", "Is there a page limit?")
    assert page.question.toPlainText() == "Is there a page limit?"  # her form shows it


def test_another_user_s_save_does_not_wipe_the_question_being_typed(
    qtbot: QtBot, workspace: Workspace, bob: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crmbid_desktop.services.bid.changes import ChangeSet
    from crmbid_desktop.services.registers import clarifications
    from crmbid_desktop.ui.pages.clarifications_page import ClarificationsPage

    question_id = clarifications.add_question(workspace, "Page limit?", date(2005, 8, 30), set())
    page = ClarificationsPage(workspace)
    qtbot.addWidget(page)
    page.show()
    page.table.view.selectRow(0)
    page.answer.setPlainText("25 pages.")  # Alice is typing the answer
    told: list[ChangeSet] = []
    bob.on_changed(told.append)  # Bob's change set, as the server's live updates bring it
    row = next(r for r in clarifications.clarifications(bob) if r.id == question_id)
    loaded = clarifications.question_loaded(row)
    form = clarifications.QuestionForm("Is there a page limit?", row.asked_on, loaded.section_ids)
    clarifications.save_question(bob, question_id, loaded, form)
    page.update_rows(told[-1])
    assert page.model.row_at(0).question == "Is there a page limit?"  # the table shows his
    assert page.answer.toPlainText() == "25 pages."  # her typing is still there
    assert page.question.toPlainText() == "Page limit?"
    page.answered_on.setText("1/9/2005")
    page.record_answer()  # merged from what her form loaded: his wording stays
    now = next(r for r in clarifications.clarifications(bob) if r.id == question_id)
    assert (now.question, now.answer) == ("Is there a page limit?", "25 pages.")
    # Deleted by Bob while she types: the typing stays, and Save question adds it again.
    page.answer.setPlainText("30 pages.")
    clarifications.delete_question(bob, question_id)
    page.update_rows(told[-1])
    assert page.current_id is None and page.answer.toPlainText() == "30 pages."
    assert "deleted this question" in page.message.text()
    monkeypatch.setattr(page, "_tell", lambda text: pytest.fail(text))
    page.save_question()
    again = clarifications.clarifications(bob)
    assert [r.question for r in again] == ["Is there a page limit?"]
    assert page.current_id == again[0].id and page.answer.toPlainText() == "30 pages."
    page.record_answer()  # and her answer is recorded on it
    assert clarifications.clarifications(bob)[0].answer == "30 pages."
