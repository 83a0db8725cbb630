"""Dialogs to add and edit a milestone or a task; the page's service call decides if OK is final."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, time

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.domain.working_days import WorkingCalendar
from crmbid_desktop.services.registers.planning import (
    MILESTONE_KINDS,
    TASK_PRIORITIES,
    TASK_STATUSES,
    MilestoneInput,
    TaskInput,
    anchored_dates,
)
from crmbid_desktop.ui.colours import text_style
from crmbid_desktop.ui.widgets import (
    GROUP_SPACING,
    ROW_SPACING,
    name_widget,
    show_dates_as_the_bid_does,
    tidy_form,
)

#: Returns None when the edit was saved, or a message naming what is wrong.
Submit = Callable[[object], str | None]

DEFAULT_DAY = date(2005, 8, 1)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class DateField(QWidget):
    """A date with its weekday, optionally empty, with a note when it is not a working day."""

    def __init__(
        self,
        name: str,
        label: str,
        calendar: WorkingCalendar,
        value: date | None,
        *,
        optional: bool,
        fallback: date = DEFAULT_DAY,
    ) -> None:
        super().__init__()
        self._calendar = calendar
        # One line high: in a form row the field must not stretch when the dialog does.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.edit = QDateEdit()
        show_dates_as_the_bid_does(self.edit)
        self.edit.setCalendarPopup(True)
        self.edit.setDate(_qdate(value or fallback))
        name_widget(self.edit, f"{name}Date", label)
        self.enabled_box: QCheckBox | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if optional:
            self.enabled_box = QCheckBox("Set")
            name_widget(self.enabled_box, f"{name}Set", f"{label} is set")
            self.enabled_box.setChecked(value is not None)
            self.enabled_box.toggled.connect(self._update)
            layout.addWidget(self.enabled_box)
        layout.addWidget(self.edit)
        self.note = QLabel()
        self.note.setObjectName(f"{name}Note")
        layout.addWidget(self.note, 1)
        self.edit.dateChanged.connect(self._update)
        self._update()

    def value(self) -> date | None:
        if self.enabled_box is not None and not self.enabled_box.isChecked():
            return None
        return _pydate(self.edit.date())

    def _update(self) -> None:
        self.edit.setEnabled(self.enabled_box is None or self.enabled_box.isChecked())
        day = self.value()
        reason = self._calendar.non_working_reason(day) if day else None
        self.note.setText(f"⚠ not a working day ({reason})" if reason else "")


class _FormDialog(QDialog):
    """OK asks the page to save; the dialog stays open showing the message if it cannot."""

    def __init__(self, parent: QWidget | None, title: str, name: str, submit: Submit) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        name_widget(self, name, title)
        self._submit = submit
        self.form = tidy_form(QFormLayout())  # the one form layout (ui/widgets.py)
        self.error = QLabel()
        self.error.setObjectName(f"{name}Error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(text_style("danger", self))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.setObjectName(f"{name}Buttons")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        name_widget(ok, f"{name}Ok", "OK")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        name_widget(cancel, f"{name}Cancel", "Cancel")
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def collect(self) -> object:
        raise NotImplementedError

    def _try_accept(self) -> None:
        message = self._submit(self.collect())
        if message:
            self.error.setText(message)
            return
        self.accept()


class MilestoneDialog(_FormDialog):
    def __init__(
        self,
        parent: QWidget | None,
        calendar: WorkingCalendar,
        submit: Submit,
        data: MilestoneInput | None = None,
    ) -> None:
        title = "Edit milestone" if data else "Add milestone"
        super().__init__(parent, title, "milestoneDialog", submit)
        data = data or MilestoneInput("", DEFAULT_DAY)
        self.title_edit = QLineEdit(data.title)
        name_widget(self.title_edit, "milestoneTitle", "Milestone title")
        self.day = DateField("milestoneDue", "Date", calendar, data.due_on, optional=False)
        self.timed = QCheckBox("At a set time")
        name_widget(self.timed, "milestoneTimed", "At a set time")
        self.timed.setChecked(data.due_time is not None)
        self.time_edit = QTimeEdit()
        self.time_edit.setDisplayFormat("HH:mm")
        self.time_edit.setTime(
            QTime(data.due_time.hour, data.due_time.minute) if data.due_time else QTime(12, 0)
        )
        name_widget(self.time_edit, "milestoneTime", "Time (UK)")
        self.time_edit.setEnabled(self.timed.isChecked())
        self.timed.toggled.connect(self.time_edit.setEnabled)
        time_row = QHBoxLayout()
        time_row.addWidget(self.timed)
        time_row.addWidget(self.time_edit)
        time_row.addStretch(1)
        self.kind = QComboBox()
        self.kind.addItems(list(MILESTONE_KINDS))
        self.kind.setCurrentText(data.kind)
        name_widget(self.kind, "milestoneKind", "Kind")
        self.external = QCheckBox("Set by the department (external)")
        self.external.setChecked(data.external)
        name_widget(self.external, "milestoneExternal", "Set by the department")
        self.notes = QPlainTextEdit(data.notes)
        self.notes.setFixedHeight(70)
        name_widget(self.notes, "milestoneNotes", "Notes")
        self.notes.setTabChangesFocus(True)  # Tab moves on, as in every other field
        self.flag = QPlainTextEdit(data.flag)
        self.flag.setFixedHeight(60)
        self.flag.setPlaceholderText("A warning the team must see, e.g. dates that disagree")
        name_widget(self.flag, "milestoneFlag", "Flag")
        self.flag.setTabChangesFocus(True)
        self.form.addRow("&Title:", self.title_edit)
        self.form.addRow("&Date:", self.day)
        self.form.addRow("Time:", time_row)
        self.form.addRow("&Kind:", self.kind)
        self.form.addRow("", self.external)
        self.form.addRow("&Notes:", self.notes)
        self.form.addRow("&Flag:", self.flag)
        self.resize(560, 420)
        self.title_edit.setFocus()  # typing starts with the title, not on the OK button

    def collect(self) -> MilestoneInput:
        due = self.day.value()
        assert due is not None
        chosen: time | None = None
        if self.timed.isChecked():
            value = self.time_edit.time()
            chosen = time(value.hour(), value.minute())
        return MilestoneInput(
            self.title_edit.text(),
            due,
            chosen,
            self.kind.currentText(),
            self.external.isChecked(),
            self.notes.toPlainText(),
            self.flag.toPlainText().strip(),
        )


@dataclass(frozen=True)
class TaskChoices:
    """What a task can point at: councils, milestones, sections and the other tasks."""

    councils: Sequence[tuple[int, str]]
    milestones: Sequence[tuple[int, str, date]]
    sections: Sequence[tuple[int, str]]
    tasks: Sequence[tuple[int, str]]


def _combo(name: str, label: str, none_text: str, items: Sequence[tuple[int, str]]) -> QComboBox:
    combo = QComboBox()
    name_widget(combo, name, label)
    combo.addItem(none_text, None)
    for row_id, text in items:
        combo.addItem(text, row_id)
    return combo


def _select(combo: QComboBox, row_id: int | None) -> None:
    index = combo.findData(row_id) if row_id is not None else 0
    combo.setCurrentIndex(max(index, 0))


class TaskDialog(_FormDialog):
    def __init__(
        self,
        parent: QWidget | None,
        calendar: WorkingCalendar,
        choices: TaskChoices,
        submit: Submit,
        data: TaskInput | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent, "Edit task" if data else "Add task", "taskDialog", submit)
        self._calendar = calendar
        self._milestone_days = {m[0]: m[2] for m in choices.milestones}
        if data is None:
            # A new task starts on the next working day and takes one working day.
            first = calendar.next_working_day(today or DEFAULT_DAY)
            data = TaskInput("", start_on=first, due_on=first, effort_days=1)
        self.title_edit = QLineEdit(data.title)
        name_widget(self.title_edit, "taskTitle", "Task title")
        self.description = QPlainTextEdit(data.description)
        self.description.setFixedHeight(60)
        name_widget(self.description, "taskDescription", "Description")
        self.description.setTabChangesFocus(True)  # Tab moves on, never types a tab
        self.council = _combo("taskCouncil", "Council", "(no council)", choices.councils)
        _select(self.council, data.owner_partner_id)
        self.person = QLineEdit(data.owner_person)
        self.person.setPlaceholderText("Person responsible")
        name_widget(self.person, "taskPerson", "Person responsible")
        owner_row = QHBoxLayout()
        owner_row.addWidget(self.council, 1)
        owner_row.addWidget(self.person, 1)
        self.start = DateField("taskStart", "Start", calendar, data.start_on, optional=True)
        self.due = DateField("taskDue", "Due", calendar, data.due_on, optional=True)
        self.status = QComboBox()
        self.status.addItems(list(TASK_STATUSES))
        self.status.setCurrentText(data.status)
        name_widget(self.status, "taskStatus", "Status")
        self.priority = QComboBox()
        self.priority.addItems(list(TASK_PRIORITIES))
        self.priority.setCurrentText(data.priority)
        name_widget(self.priority, "taskPriority", "Priority")
        self.effort = QSpinBox()
        self.effort.setRange(0, 500)
        self.effort.valueChanged.connect(self._effort_suffix)
        self.effort.setValue(data.effort_days)
        self._effort_suffix(self.effort.value())
        name_widget(self.effort, "taskEffort", "Effort in working days")
        # Each label beside its own box, the three together at the left (not spread out).
        status_row = QHBoxLayout()
        status_row.setSpacing(ROW_SPACING)
        status_row.addWidget(self.status)
        status_row.addSpacing(GROUP_SPACING)
        status_row.addWidget(QLabel("Priority:"))
        status_row.addWidget(self.priority)
        status_row.addSpacing(GROUP_SPACING)
        status_row.addWidget(QLabel("Effort:"))
        status_row.addWidget(self.effort)
        status_row.addStretch(1)
        milestone_items = [(m[0], f"{m[1]} ({format_date(m[2])})") for m in choices.milestones]
        self.milestone = _combo("taskMilestone", "Milestone", "(no milestone)", milestone_items)
        _select(self.milestone, data.milestone_id)
        self.section = _combo("taskSection", "Section", "(no section)", choices.sections)
        _select(self.section, data.section_id)
        self.anchored = QCheckBox("Due")
        name_widget(self.anchored, "taskAnchored", "Plan back from the milestone")
        self.anchored.setChecked(data.anchor_working_days is not None)
        self.anchor_days = QSpinBox()
        self.anchor_days.setRange(0, 250)
        self.anchor_days.setValue(data.anchor_working_days or 0)
        name_widget(self.anchor_days, "taskAnchorDays", "Working days before the milestone")
        self.anchor_note = QLabel()
        self.anchor_note.setObjectName("taskAnchorNote")
        anchor_row = QHBoxLayout()
        anchor_row.setSpacing(ROW_SPACING)
        anchor_row.addWidget(self.anchored)
        anchor_row.addWidget(self.anchor_days)
        anchor_row.addWidget(QLabel("working days before the milestone"))
        anchor_row.addWidget(self.anchor_note, 1)
        self.predecessors = QListWidget()
        name_widget(self.predecessors, "taskPredecessors", "Tasks that must finish first")
        chosen = set(data.predecessor_ids)
        for task_id, title in choices.tasks:
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, task_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if task_id in chosen else Qt.CheckState.Unchecked
            )
            self.predecessors.addItem(item)
        self.predecessors.setMinimumHeight(120)

        self.form.addRow("&Title:", self.title_edit)
        self.form.addRow("Description:", self.description)
        self.form.addRow("Owner:", owner_row)
        self.form.addRow("&Start:", self.start)
        self.form.addRow("D&ue:", self.due)
        self.form.addRow("Status:", status_row)
        self.form.addRow("&Milestone:", self.milestone)
        self.form.addRow("Anchor:", anchor_row)
        self.form.addRow("Section:", self.section)
        self.form.addRow("After (finish to start):", self.predecessors)
        for signal in (
            self.anchored.toggled,
            self.anchor_days.valueChanged,
            self.milestone.currentIndexChanged,
            self.effort.valueChanged,
        ):
            signal.connect(self._update_anchor)
        self._update_anchor()
        self.resize(720, 640)
        self.title_edit.setFocus()  # typing starts with the title, not on the OK button

    def _effort_suffix(self, value: int) -> None:
        self.effort.setSuffix(" working day" if value == 1 else " working days")

    def _update_anchor(self) -> None:
        milestone_id = self.milestone.currentData()
        on = self.anchored.isChecked()
        self.anchor_days.setEnabled(on)
        self.due.setEnabled(not on)
        if on and milestone_id in self._milestone_days:
            start, due = anchored_dates(
                self._calendar,
                self._milestone_days[milestone_id],
                self.anchor_days.value(),
                self.start.value(),
                self.due.value(),
                self.effort.value(),
            )
            # The task keeps its length: the note says where both ends land.
            begins = f"{format_date(start)} to " if start is not None and start != due else ""
            self.anchor_note.setText(f"= {begins}{format_date(due)}")
        elif on:
            self.anchor_note.setText("choose a milestone")
        else:
            self.anchor_note.setText("")

    def collect(self) -> TaskInput:
        predecessors = []
        for row in range(self.predecessors.count()):
            item = self.predecessors.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                predecessors.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return TaskInput(
            title=self.title_edit.text(),
            description=self.description.toPlainText(),
            owner_partner_id=self.council.currentData(),
            owner_person=self.person.text(),
            start_on=self.start.value(),
            due_on=self.due.value(),
            status=self.status.currentText(),
            priority=self.priority.currentText(),
            effort_days=self.effort.value(),
            milestone_id=self.milestone.currentData(),
            section_id=self.section.currentData(),
            anchor_working_days=self.anchor_days.value() if self.anchored.isChecked() else None,
            predecessor_ids=tuple(predecessors),
        )
