"""Timetable & Tasks page: the department's milestones and the team's tasks, dates with weekdays."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter

from crmbid_desktop.services import queries
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.store.models import Milestone, Task
from crmbid_desktop.ui.pages.base import Page
from crmbid_desktop.ui.table_model import Column, RowTableModel
from crmbid_desktop.ui.widgets import FilterableTable


def _day(value: object) -> str:
    return value.isoformat() if value is not None else ""  # type: ignore[attr-defined]


MILESTONE_COLUMNS: list[Column[Milestone]] = [
    Column("Date", lambda m: queries.optional_date(m.due_on), sort_value=lambda m: _day(m.due_on)),
    Column("Milestone", lambda m: m.title),
    Column("Kind", lambda m: m.kind),
    Column("External", lambda m: "yes" if m.external else ""),
    Column(
        "Flag",
        lambda m: ("⚠ " + m.flag) if m.flag else "",
        tooltip=lambda m: m.flag,
    ),
    Column("Notes", lambda m: m.notes, tooltip=lambda m: m.notes),
]

TASK_COLUMNS: list[Column[Task]] = [
    Column("Task", lambda t: t.title, tooltip=lambda t: t.description or t.title),
    Column(
        "Start", lambda t: queries.optional_date(t.start_on), sort_value=lambda t: _day(t.start_on)
    ),
    Column("Due", lambda t: queries.optional_date(t.due_on), sort_value=lambda t: _day(t.due_on)),
    Column("Status", lambda t: t.status),
    Column("Priority", lambda t: t.priority),
    Column("Effort (days)", lambda t: str(t.effort_days), sort_value=lambda t: t.effort_days),
    Column("Milestone", lambda t: t.milestone.title if t.milestone else ""),
    Column("Owner", lambda t: t.owner_partner.name if t.owner_partner else t.owner_person),
]


class TimetablePage(Page):
    title = "Timetable & Tasks"
    object_name = "timetablePage"

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.milestone_model: RowTableModel[Milestone] = RowTableModel(MILESTONE_COLUMNS)
        self.task_model: RowTableModel[Task] = RowTableModel(TASK_COLUMNS)
        self.milestones = FilterableTable(self.milestone_model, "milestones", "milestones")
        self.tasks = FilterableTable(self.task_model, "tasks", "tasks")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("timetableSplitter")
        splitter.addWidget(self.milestones)
        splitter.addWidget(self.tasks)
        self.page_layout.addWidget(QLabel("Milestones"))
        self.page_layout.addWidget(splitter, 1)
        self.refresh()

    def refresh(self) -> None:
        with self.workspace.reading() as session:
            self.milestone_model.set_rows(queries.milestones(session))
            tasks = queries.tasks(session)
            for task in tasks:  # load what the columns show while the session is open
                _ = task.milestone, task.owner_partner
            self.task_model.set_rows(tasks)
        self.milestones.fit_columns()
        self.tasks.fit_columns()
