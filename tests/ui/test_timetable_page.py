"""Timetable page: tables, filters, dialogs, undo, calendar export and the Gantt chart's drag."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from PySide6.QtCore import QDate, QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QMessageBox

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import planning, task_saves
from crmbid_desktop.ui.pages.timetable_page import TimetablePage
from crmbid_desktop.ui.table_model import ROW_ROLE
from crmbid_desktop.ui.timetable.dialogs import MilestoneDialog, TaskDialog
from crmbid_desktop.ui.timetable.tasks_view import FLAGS, TaskTableModel
from tests.helpers.qt import assert_controls_named, child

TODAY = date(2005, 8, 15)


@pytest.fixture
def page(qtbot: Any, workspace: Workspace) -> TimetablePage:
    widget = TimetablePage(workspace, today=lambda: TODAY)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    return widget


def _shown_titles(page: TimetablePage) -> list[str]:
    proxy = page.tasks.proxy
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def _task(page: TimetablePage, title_start: str) -> planning.TaskRow:
    assert page.plan is not None
    return next(t for t in page.plan.tasks if t.title.startswith(title_start))


def _drive(dialog_type: type, fill: Any, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Replace exec() with filling the real dialog and pressing OK; returns the dialogs seen."""
    seen: list[Any] = []

    def fake_exec(self: Any) -> int:
        seen.append(self)
        fill(self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        return int(self.result())

    monkeypatch.setattr(dialog_type, "exec", fake_exec)
    return seen


def test_every_date_has_its_weekday_and_the_template_flag_shows(page: TimetablePage) -> None:
    milestones = page.milestones.table.proxy
    rows = [
        [milestones.index(r, c).data() for c in range(milestones.columnCount())]
        for r in range(milestones.rowCount())
    ]
    proposal = next(row for row in rows if row[1].startswith("Proposal and long-term"))
    assert proposal[0] == "Fri 26 Aug 2005"
    assert "Thursday, 26 August" in proposal[4]
    assert "Confirm the deadline's weekday with ODPM (Thursday or 26 August?)" in _shown_titles(
        page
    )
    draft = _task(page, "Full draft")
    proxy = page.tasks.proxy
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data() == draft.title)
    assert proxy.index(row, 2).data() == "Thu 11 Aug 2005"
    assert proxy.index(row, 3).data() == "Mon 22 Aug 2005"
    assert "Today Mon 15 Aug 2005" in page.summary.text()


def test_controls_are_named(page: TimetablePage) -> None:
    assert_controls_named(page)
    assert_controls_named(MilestoneDialog(page, page.calendar, lambda _d: None))
    assert_controls_named(TaskDialog(page, page.calendar, page._choices(), lambda _d: None))


def test_task_model_passes_qtmodeltester(qtmodeltester: Any, page: TimetablePage) -> None:
    model = TaskTableModel()
    assert page.plan is not None
    model.set_rows(page.plan.tasks)
    qtmodeltester.check(model)


def test_critical_overdue_and_at_risk_rows_are_coloured_and_written(page: TimetablePage) -> None:
    model = page.tasks.model
    for r in range(model.rowCount()):
        row = model.row_at(r)
        colour = model.index(r, 0).data(Qt.ItemDataRole.BackgroundRole)
        flags = model.index(r, FLAGS).data()
        assert (colour is not None) == (row.critical or row.overdue or row.at_risk)
        if row.critical:
            assert "critical" in flags
        if row.overdue:
            assert "overdue" in flags
    assert any(model.row_at(r).overdue for r in range(model.rowCount()))


def test_filters_by_status_overdue_council_and_text(page: TimetablePage, qtbot: Any) -> None:
    view = page.tasks
    assert view.count_label.text() == "13 tasks"
    view.status_filter.setCurrentIndex(view.status_filter.findData("done"))
    assert _shown_titles(page) == ["Get the 27 July letter and form the bid team"]
    view.status_filter.setCurrentIndex(0)
    view.show_filter.setCurrentIndex(view.show_filter.findData("overdue"))
    overdue = _shown_titles(page)
    assert overdue and all(_task(page, t).overdue for t in overdue)
    assert view.count_label.text() == f"{len(overdue)} of 13 tasks shown"
    view.show_filter.setCurrentIndex(0)
    newham = view.council_filter.findText("London Borough of Newham")
    view.council_filter.setCurrentIndex(newham)
    assert _shown_titles(page) == []  # the template gives every task to the lead council
    view.council_filter.setCurrentIndex(view.council_filter.findText("Leeds City Council"))
    assert len(_shown_titles(page)) == 13
    qtbot.keyClicks(view.text_filter, "letters")
    assert _shown_titles(page) == ["Collect letters of support"]


def test_sorting_by_due_date_is_by_date_not_text(page: TimetablePage) -> None:
    page.tasks.view.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    proxy = page.tasks.proxy
    dues = [proxy.index(r, 0).data(ROW_ROLE).due_on for r in range(proxy.rowCount())]
    assert dues == sorted(dues)


def _shown(page: TimetablePage) -> list[Any]:
    proxy = page.tasks.proxy
    return [proxy.index(r, 0).data(ROW_ROLE) for r in range(proxy.rowCount())]


def test_sorting_in_the_model_both_ways_keeps_filter_selection_and_refresh(
    page: TimetablePage, qtmodeltester: Any
) -> None:
    view = page.tasks
    view.view.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    rows = _shown(page)
    keys = [(r.due_on or date.min).toordinal() for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert view.view.horizontalHeader().sortIndicatorSection() == 3
    # Sorting by title is by text, ignoring case.
    view.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    titles = [r.title for r in _shown(page)]
    assert titles == sorted(titles, key=str.casefold)
    # The selected task stays selected when the order changes.
    chosen = titles[5]
    view.select_task(next(r.id for r in _shown(page) if r.title == chosen))
    view.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert view.selected_task_id() == next(r.id for r in _shown(page) if r.title == chosen)
    # A filter applies to the sorted rows, and a refresh keeps the chosen order.
    view.text_filter.setText("proposal")
    filtered = [r.title for r in _shown(page)]
    assert filtered == sorted(filtered, key=str.casefold, reverse=True)
    assert 0 < len(filtered) < len(titles)
    page.refresh()
    assert [r.title for r in _shown(page)] == filtered
    qtmodeltester.check(view.model)
    qtmodeltester.check(view.proxy)


def test_add_task_with_predecessor_anchor_and_undo(
    page: TimetablePage, monkeypatch: pytest.MonkeyPatch
) -> None:
    signoff = _task(page, "Sign-off")
    submit_milestone = next(m for m in page.plan.milestones if m.title.startswith("Planned"))  # type: ignore[union-attr]

    def fill(dialog: TaskDialog) -> None:
        dialog.title_edit.setText("Print and bind copies")
        dialog.milestone.setCurrentIndex(dialog.milestone.findData(submit_milestone.id))
        dialog.anchored.setChecked(True)
        dialog.anchor_days.setValue(1)
        assert dialog.anchor_note.text() == "= Wed 24 Aug 2005"
        for r in range(dialog.predecessors.count()):
            item = dialog.predecessors.item(r)
            if item.text() == signoff.title:
                item.setCheckState(Qt.CheckState.Checked)

    _drive(TaskDialog, fill, monkeypatch)
    page.tasks.add_button.click()
    added = _task(page, "Print and bind copies")
    assert added.due_on == date(2005, 8, 24)
    assert added.predecessor_ids == (signoff.id,)
    assert page.tasks.selected_task_id() == added.id
    page.undo_stack.undo()
    assert "Print and bind copies" not in _shown_titles(page)
    page.undo_stack.redo()
    assert _task(page, "Print and bind copies").predecessor_ids == (signoff.id,)


def test_cycle_is_refused_in_the_dialog_naming_the_tasks(
    page: TimetablePage, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = _task(page, "Full draft")

    def fill(dialog: TaskDialog) -> None:
        for r in range(dialog.predecessors.count()):
            item = dialog.predecessors.item(r)
            if item.text().startswith("Submit the proposal"):
                item.setCheckState(Qt.CheckState.Checked)

    seen = _drive(TaskDialog, fill, monkeypatch)
    page.tasks.select_task(draft.id)
    page.tasks.edit_button.click()
    error = seen[0].error.text()
    assert "in a circle" in error and "Full draft of the proposal" in error
    assert "Submit the proposal" in error
    assert seen[0].result() == 0  # still open for the user to fix
    assert _task(page, "Full draft").predecessor_ids == draft.predecessor_ids
    assert page.undo_stack.count() == 0


def test_timed_milestone_and_moving_it_moves_anchored_tasks(
    page: TimetablePage, monkeypatch: pytest.MonkeyPatch, workspace: Workspace
) -> None:
    award = next(m for m in page.plan.milestones if m.title.startswith("Proposals evaluated"))  # type: ignore[union-attr]
    clarify = _task(page, "Answer ODPM")
    data = planning.load_task_input(workspace, clarify.id)
    task_saves.save_task_fields(
        workspace,
        clarify.id,
        task_saves.load_task(workspace, clarify.id),
        planning.TaskInput(**{**data.__dict__, "anchor_working_days": 1}),
    )
    page.refresh()
    assert _task(page, "Answer ODPM").due_on == date(2005, 9, 1)

    started: list[planning.MilestoneInput] = []

    def fill(dialog: MilestoneDialog) -> None:
        started.append(dialog.collect())  # what the dialog opened with
        dialog.day.edit.setDate(QDate(2005, 9, 9))  # as a user picks the day
        dialog.timed.setChecked(True)
        dialog.time_edit.setTime(dialog.time_edit.time().fromString("11:30", "HH:mm"))

    _drive(MilestoneDialog, fill, monkeypatch)
    page.milestones.select_milestone(award.id)
    page.milestones.edit_button.click()
    # The dialog opened on the milestone as shown (planning.milestone_input of its row).
    assert started == [planning.milestone_input(award)]
    assert started[0].title == award.title and started[0].due_on == award.due_on
    moved = next(m for m in page.plan.milestones if m.id == award.id)  # type: ignore[union-attr]
    assert (moved.due_on, moved.due_time) == (date(2005, 9, 9), time(11, 30))
    assert _task(page, "Answer ODPM").due_on == date(2005, 9, 8)
    page.undo_stack.undo()
    assert _task(page, "Answer ODPM").due_on == date(2005, 9, 1)


def test_milestone_on_bank_holiday_is_flagged_in_the_dialog_and_table(
    page: TimetablePage, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes: list[str] = []

    def fill(dialog: MilestoneDialog) -> None:
        dialog.title_edit.setText("Board meeting")
        dialog.day.edit.setDate(QDate(2005, 8, 29))
        notes.append(dialog.day.note.text())
        dialog.kind.setCurrentText("meeting")

    _drive(MilestoneDialog, fill, monkeypatch)
    page.milestones.add_button.click()
    assert notes == ["⚠ not a working day (Late Summer Bank Holiday)"]
    row = next(m for m in page.plan.milestones if m.title == "Board meeting")  # type: ignore[union-attr]
    assert row.warnings == ["Due on a non-working day (Late Summer Bank Holiday)."]


def test_delete_milestone_and_task_undo(page: TimetablePage) -> None:
    meeting = next(m for m in page.plan.milestones if m.title.startswith("Meeting"))  # type: ignore[union-attr]
    page.milestones.select_milestone(meeting.id)
    page.milestones.delete_button.click()
    assert all(m.id != meeting.id for m in page.plan.milestones)  # type: ignore[union-attr]
    review = _task(page, "Review by readers")
    page.tasks.select_task(review.id)
    page.tasks.delete_button.click()
    assert review.title not in _shown_titles(page)
    page.undo_stack.undo()
    page.undo_stack.undo()
    assert _task(page, "Review by readers").predecessor_ids == review.predecessor_ids
    assert _task(page, "Meet ODPM").milestone_title == meeting.title


def test_export_calendar_button(
    page: TimetablePage, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "timetable"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.export_button.click()
    written = tmp_path / "timetable.ics"
    events = Calendar.from_ical(written.read_bytes()).walk("VEVENT")
    assert len(events) == 20
    assert "Wrote 20 calendar events" in page.summary.text()


def test_save_chart_as_png(
    page: TimetablePage, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "chart.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    child(page, type(page.export_button), "saveGanttButton").click()
    image = QImage(str(target))
    assert image.width() > 600 and image.height() > 300


def test_save_chart_to_a_bad_folder_says_so(
    page: TimetablePage, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: messages.append(text))
    page.save_png(tmp_path / "missing" / "chart.png")
    assert messages and "Could not write the chart" in messages[0]


def _send_mouse(widget: Any, kind: QEvent.Type, pos: QPoint, buttons: Qt.MouseButton) -> None:
    event = QMouseEvent(
        kind,
        QPointF(pos),
        QPointF(widget.mapToGlobal(pos)),
        Qt.MouseButton.LeftButton,
        buttons,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def test_dragging_a_bar_moves_the_task_in_working_days_and_undo(
    page: TimetablePage, qtbot: Any, workspace: Workspace
) -> None:
    page.tabs.setCurrentIndex(1)
    draft = _task(page, "Full draft")
    gantt = page.gantt
    bar = gantt.gantt_scene.bars[draft.id]
    gantt.centerOn(bar)
    start = gantt.mapFromScene(bar.mapToScene(QPointF(4, 7)))
    # Two days right from Thu 11 Aug is Sat 13 Aug: the start rolls on to Mon 15 Aug, which is
    # two working days later; the due date Mon 22 Aug moves two working days to Wed 24 Aug.
    end = start + QPoint(int(2 * gantt.px_per_day), 0)
    viewport = gantt.viewport()
    with qtbot.waitSignal(gantt.task_moved, timeout=2000) as moved:
        _send_mouse(viewport, QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
        _send_mouse(viewport, QEvent.Type.MouseMove, end, Qt.MouseButton.LeftButton)
        _send_mouse(viewport, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)
    assert moved.args == [draft.id, 2]
    after = _task(page, "Full draft")
    assert (after.start_on, after.due_on) == (date(2005, 8, 15), date(2005, 8, 24))
    assert page.undo_stack.count() == 1
    page.undo_stack.undo()
    assert planning.load_task_input(workspace, draft.id).start_on == date(2005, 8, 11)
    assert _task(page, "Full draft").due_on == date(2005, 8, 22)


def test_zoom_buttons_and_ctrl_wheel(page: TimetablePage) -> None:
    child(page, type(page.export_button), "ganttWeeksButton").click()
    assert page.gantt.px_per_day == 6.0
    page.gantt.zoom_in()
    assert page.gantt.px_per_day == 10.0
    child(page, type(page.export_button), "ganttDaysButton").click()
    assert page.gantt.px_per_day == 26.0
    QTest.keyClick(page.gantt.viewport(), Qt.Key.Key_Control)  # focus; the wheel is tested below
    assert page.gantt.gantt_scene.today_line is not None


def test_only_tasks_that_would_move_an_external_deadline_are_critical(
    qtbot: Any, workspace: Workspace
) -> None:
    page = TimetablePage(workspace, today=lambda: date(2005, 7, 28))
    qtbot.addWidget(page)
    assert page.plan is not None
    assert not any(t.critical for t in page.plan.tasks)  # the sample plan leaves a day spare
    assert "0 on the critical path" in page.summary.text()


def test_a_new_task_starts_on_the_next_working_day_for_one_working_day(
    page: TimetablePage, monkeypatch: pytest.MonkeyPatch
) -> None:
    def look(dialog: TaskDialog) -> None:
        # Today is Mon 15 Aug 2005 in these tests: the next working day is Tue 16 Aug.
        assert dialog.start.value() == date(2005, 8, 16)
        assert dialog.due.value() == date(2005, 8, 16)
        assert dialog.effort.text() == "1 working day"
        dialog.effort.setValue(2)
        assert dialog.effort.text() == "2 working days"
        dialog.title_edit.setText("Print the copies")

    seen = _drive(TaskDialog, look, monkeypatch)
    page.add_task()
    assert seen


def test_anchoring_keeps_the_task_length(
    page: TimetablePage, monkeypatch: pytest.MonkeyPatch
) -> None:
    def anchor(dialog: TaskDialog) -> None:
        dialog.title_edit.setText("Print and bind the copies")
        dialog.effort.setValue(2)
        index = next(
            i
            for i in range(dialog.milestone.count())
            if dialog.milestone.itemText(i).startswith("Planned submission")
        )
        dialog.milestone.setCurrentIndex(index)
        dialog.anchored.setChecked(True)
        dialog.anchor_days.setValue(3)
        # The note shows both ends: two working days, ending 3 working days before Thu 25 Aug.
        assert dialog.anchor_note.text() == "= Fri 19 Aug 2005 to Mon 22 Aug 2005"

    seen = _drive(TaskDialog, anchor, monkeypatch)
    page.add_task()
    assert seen
    task = _task(page, "Print and bind")
    assert (task.start_on, task.due_on) == (date(2005, 8, 19), date(2005, 8, 22))


def test_day_names_have_two_letters(qtbot: Any) -> None:
    from crmbid_desktop.ui.timetable.gantt import day_label

    tuesday, thursday = date(2005, 8, 23), date(2005, 8, 25)
    assert day_label(tuesday, lambda _label: True) == "Tu 23"
    assert day_label(thursday, lambda _label: True) == "Th 25"
    assert day_label(thursday, lambda label: len(label) <= 2) == "Th"
    assert day_label(date(2005, 8, 1), lambda label: len(label) <= 4) == "Mo1"  # as wide as We30


def test_sample_milestone_kinds_agree_with_external(page: TimetablePage) -> None:
    assert page.plan is not None
    letter = next(m for m in page.plan.milestones if m.title.startswith("Open letter"))
    assert (letter.kind, letter.external) == ("announcement", True)
    assert not [m.title for m in page.plan.milestones if m.kind == "internal" and m.external]
