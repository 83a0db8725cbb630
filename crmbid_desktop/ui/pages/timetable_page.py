"""Timetable & Tasks page: milestones, the tasks table and the Gantt chart, every edit undoable."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain.critical_path import DependencyCycleError
from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.errors import BidFileError
from crmbid_desktop.services.bid.rights import edit_rights
from crmbid_desktop.services.bid.versioned import Loaded, RowGoneError, SaveResult
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import partners, planning, task_saves
from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.services.registers.planning import (
    MilestoneInput,
    PlanningError,
    PlanView,
    TaskInput,
)
from crmbid_desktop.ui.colours import text_colour
from crmbid_desktop.ui.pages.base import Page
from crmbid_desktop.ui.timetable.dialogs import MilestoneDialog, TaskChoices, TaskDialog
from crmbid_desktop.ui.timetable.gantt import (
    DAY_ZOOM,
    STATUS_FILLS,
    WEEK_ZOOM,
    GanttData,
    GanttView,
    status_colour,
)
from crmbid_desktop.ui.timetable.milestones_view import MilestonesView
from crmbid_desktop.ui.timetable.tasks_view import TasksView
from crmbid_desktop.ui.widgets import name_widget, select_row_by_id

#: A dialog's values (MilestoneInput, TaskInput): a frozen dataclass of the row's fields.
Form = TypeVar("Form")

#: What a refused edit can raise; the message is shown to the user as it is.
EDIT_ERRORS = (PlanningError, DependencyCycleError, BidFileError, RowGoneError)


class TimetablePage(Page):
    title = "Timetable & Tasks"
    object_name = "timetablePage"
    shows_tables = frozenset({"task", "milestone", "task_dependency", "partner", "section", "bid"})

    def __init__(self, workspace: Workspace, today: Callable[[], date] | None = None) -> None:
        super().__init__(workspace)
        # The bid's "plan as if today is …" when set (File menu), else the computer's date.
        self.today: Callable[[], date] = today or workspace.today
        self.calendar = planning.working_calendar()
        self.plan: PlanView | None = None
        self._councils: list[tuple[int, str]] = []

        self.summary = QLabel()
        self.summary.setObjectName("timetableSummary")
        self.summary.setWordWrap(True)
        self.export_button = QPushButton("Export calendar (.ics)…")
        name_widget(self.export_button, "exportCalendarButton", "Export calendar for Outlook")
        self.export_button.clicked.connect(self.ask_export_calendar)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.export_button)
        self.page_layout.addLayout(top)

        self.milestones = MilestonesView()
        self.milestones.add_requested.connect(self.add_milestone)
        self.milestones.edit_requested.connect(self.edit_milestone)
        self.milestones.delete_requested.connect(self.delete_milestone)
        self.tasks = TasksView()
        self.tasks.add_requested.connect(self.add_task)
        self.tasks.edit_requested.connect(self.edit_task)
        self.tasks.delete_requested.connect(self.delete_task)
        self.gantt = GanttView(self.calendar)
        name_widget(self.gantt, "ganttChart", "Gantt chart of the tasks")
        self.gantt.task_moved.connect(self.move_task)

        self.tabs = QTabWidget()
        name_widget(self.tabs, "timetableTabs", "Tasks or Gantt chart")
        self.tabs.addTab(self.tasks, "&Tasks")
        self.tabs.addTab(self._gantt_tab(), "&Gantt chart")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("timetableSplitter")
        splitter.addWidget(self.milestones)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        self.page_layout.addWidget(splitter, 1)
        self.refresh()

    def _gantt_tab(self) -> QWidget:
        tab = QWidget()
        tools = QHBoxLayout()
        for text, name, accessible, slot in (
            ("Days", "ganttDaysButton", "Zoom to days", lambda: self.gantt.set_zoom(DAY_ZOOM)),
            ("Weeks", "ganttWeeksButton", "Zoom to weeks", lambda: self.gantt.set_zoom(WEEK_ZOOM)),
            ("+", "ganttZoomInButton", "Zoom in", self.gantt.zoom_in),
            ("−", "ganttZoomOutButton", "Zoom out", self.gantt.zoom_out),
            ("Save chart as PNG…", "saveGanttButton", "Save chart as PNG", self.ask_save_png),
        ):
            button = QPushButton(text)
            name_widget(button, name, accessible)
            button.setToolTip(accessible)
            if len(text) == 1:  # the + and − buttons need not be as wide as a word
                button.setFixedWidth(button.fontMetrics().horizontalAdvance("WW") + 16)
            button.clicked.connect(slot)
            tools.addWidget(button)
        legend = " ".join(
            f"<span style='background:{status_colour(status, tab).name()}'>&nbsp;&nbsp;&nbsp;&nbsp;"
            f"</span>&nbsp;{status}"
            for status in STATUS_FILLS
        )
        critical = text_colour("critical", tab).name()
        self.legend = QLabel(
            f"{legend} &nbsp; <b style='color:{critical}'>▭</b> critical (red outline) &nbsp;"
            " ◆ milestone &nbsp; shaded: weekends and bank holidays &nbsp;"
            " Drag a bar to move a task; Ctrl+wheel zooms."
        )
        self.legend.setObjectName("ganttLegend")
        self.legend.setWordWrap(True)
        tools.addStretch(1)
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(tools)
        layout.addWidget(self.legend)
        layout.addWidget(self.gantt, 1)
        return tab

    # -- reading -----------------------------------------------------------------------------

    def refresh(self) -> None:
        today = self.today()
        self.plan = planning.plan_view(self.workspace, today)
        self._councils = partners.council_names(self.workspace)
        self.milestones.set_rows(self.plan.milestones)
        self.tasks.set_rows(self.plan.tasks, self._councils)
        rights = edit_rights(self.workspace)
        self.tasks.why_not = lambda row: (
            ""
            if rights.may_edit(row.owner_partner_id)
            else rights.only_who_may(row.owner_partner_id, f"the task '{row.title}'")
        )
        self.tasks.update_buttons()
        self.gantt.show_plan(GanttData.from_plan(self.plan))
        self._update_summary()

    def update_rows(self, changes: ChangeSet) -> None:
        """Show what `changes` did to the plan, touching only the rows and bars that changed.

        The plan (critical path, slack, flags) is worked out again, since moving one task can
        move others; the tables then update just the rows that differ and the chart moves just
        the bars that moved. A council or section change matters only for a renamed one.
        """
        planning_tables = ("task", "milestone", "task_dependency", "bid")
        councils = partners.council_names(self.workspace)
        renamed_section = changes.touches("section") and self._section_renamed()
        unchanged = not changes.touches(*planning_tables) and councils == self._councils
        if unchanged and not renamed_section:
            return
        self._councils = councils
        old = self.plan
        self.plan = planning.plan_view(self.workspace, self.today())
        if old is None:
            self.refresh()
            return
        before = set(old.milestones)
        self.milestones.model.update_rows(
            [m for m in self.plan.milestones if m not in before],
            {m.id for m in old.milestones} - {m.id for m in self.plan.milestones},
            key=lambda row: row.id,
        )
        self.tasks.update_rows(self.plan.tasks, self._councils)
        self.gantt.update_plan(GanttData.from_plan(self.plan))
        self._update_summary()

    def _section_renamed(self) -> bool:
        """True when a section a task names was renamed or removed."""
        assert self.plan is not None
        named = {t.section_id: t.section_title for t in self.plan.tasks if t.section_id}
        if not named:
            return False
        now = section_service.section_titles(self.workspace, named)
        return any(now.get(section_id) != title for section_id, title in named.items())

    def _update_summary(self) -> None:
        plan = self.plan
        assert plan is not None
        rows = plan.tasks
        parts = [
            (
                f"Planning as if today is {format_date(plan.today)}"
                if self.workspace.plan_today is not None and plan.today == self.workspace.plan_today
                else f"Today {format_date(plan.today)}"
            ),
            f"{len(rows)} tasks",
            f"{sum(r.critical for r in rows)} on the critical path",
            f"{sum(r.overdue for r in rows)} overdue",
            f"{sum(r.at_risk for r in rows)} at risk",
        ]
        if plan.result is not None and plan.result.project_finish is not None:
            parts.append(f"plan finishes {format_date(plan.result.project_finish)}")
        text = " · ".join(parts)
        if plan.problem:
            text += f"\n⚠ {plan.problem}"
        self.summary.setText(text)

    def _choices(self, exclude_task: int | None = None) -> TaskChoices:
        assert self.plan is not None
        sections = list(section_service.section_titles(self.workspace).items())
        return TaskChoices(
            self._councils,
            [(m.id, m.title, m.due_on) for m in self.plan.milestones],
            sections,
            [(t.id, t.title) for t in self.plan.tasks if t.id != exclude_task],
        )

    # -- editing -----------------------------------------------------------------------------

    def run_edit(self, edit: Callable[[], object]) -> bool:
        """Run one service edit and tell the user plainly if it was refused.

        What the edit changed arrives as its change set (`update_rows`), like any other write.
        """
        try:
            edit()
        except EDIT_ERRORS as error:
            self.show_error(str(getattr(error, "user_message", error)))
            if self.plan is not None:  # a refused drag leaves its bar where it was dropped
                self.gantt.show_plan(GanttData.from_plan(self.plan))
            return False
        return True

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, "Timetable", message)

    def _attempt(self, edit: Callable[[], object]) -> str | None:
        """For dialogs: None when saved, otherwise the message to show in the dialog."""
        try:
            edit()
        except EDIT_ERRORS as error:
            return str(getattr(error, "user_message", error))
        return None

    def add_milestone(self) -> None:
        created: list[int] = []

        def submit(data: object) -> str | None:
            assert isinstance(data, MilestoneInput)
            return self._attempt(
                lambda: created.append(planning.add_milestone(self.workspace, data))
            )

        dialog = MilestoneDialog(self, self.calendar, submit)
        if dialog.exec() and created:
            self.milestones.select_milestone(created[0])

    def edit_milestone(self, milestone_id: int) -> None:
        assert self.plan is not None
        row = next(m for m in self.plan.milestones if m.id == milestone_id)
        old = planning.milestone_input(row)
        # The row version the dialog opened at: its save writes only what the user changed,
        # merged with anyone's save since; a field both changed asks keep mine or theirs.
        loaded = [planning.load_milestone(self.workspace, milestone_id)]

        def save(data: MilestoneInput) -> None:
            result = planning.save_milestone_fields(self.workspace, milestone_id, loaded[0], data)
            loaded[0] = self._settled(
                result,
                data,
                lambda base, mine: planning.save_milestone_fields(
                    self.workspace, milestone_id, base, mine
                ),
                fields=planning.MILESTONE_FIELDS,
                what=f"the milestone “{old.title}”",
                texts=("notes",),
            ).now

        def submit(data: object) -> str | None:
            assert isinstance(data, MilestoneInput)
            return self._attempt(lambda: save(data))

        dialog = MilestoneDialog(self, self.calendar, submit, old)
        dialog.exec()

    def _settled(
        self,
        result: SaveResult,
        data: Form,
        save: Callable[[Loaded, Form], SaveResult],
        *,
        fields: Sequence[str],
        what: str,
        texts: Sequence[str],
    ) -> SaveResult:
        """A dialog's save with conflicts: ask keep mine or theirs per field, and save the
        fields kept as mine over the version the conflict was seen at (theirs elsewhere)."""
        from crmbid_desktop.ui.save_conflicts import settle

        def save_again(base: Loaded, chosen: dict[str, object]) -> SaveResult:
            theirs = replace(data, **base.values)  # type: ignore[type-var]
            return save(base, replace(theirs, **chosen))  # type: ignore[type-var]

        return settle(
            self,
            result,
            save_again,
            labels={name: name.replace("_", " ").capitalize() for name in fields},
            what=what,
            texts=texts,
        )

    def delete_milestone(self, milestone_id: int) -> None:
        self.run_edit(lambda: planning.delete_milestone(self.workspace, milestone_id))

    def add_task(self) -> None:
        created: list[int] = []

        def submit(data: object) -> str | None:
            assert isinstance(data, TaskInput)
            return self._attempt(lambda: created.append(planning.add_task(self.workspace, data)))

        dialog = TaskDialog(self, self.calendar, self._choices(), submit, today=self.today())
        if dialog.exec() and created:
            self.tasks.select_task(created[0])

    def edit_task(self, task_id: int) -> None:
        old = planning.load_task_input(self.workspace, task_id)
        # The row version the dialog opened at: its save writes only what the user changed,
        # merged with anyone's save since; a field both changed asks keep mine or theirs.
        loaded = [task_saves.load_task(self.workspace, task_id)]
        saved: list[TaskInput] = []

        def save(data: TaskInput) -> None:
            result = task_saves.save_task_fields(
                self.workspace,
                task_id,
                loaded[0],
                data,
                predecessors_changed=data.predecessor_ids != old.predecessor_ids,
            )
            loaded[0] = self._settled(
                result,
                data,
                lambda base, mine: task_saves.save_task_fields(self.workspace, task_id, base, mine),
                fields=task_saves.TASK_FIELDS,
                what=f"the task “{data.title}”",
                texts=("description",),
            ).now

        def submit(data: object) -> str | None:
            assert isinstance(data, TaskInput)
            saved.append(data)
            return self._attempt(lambda: save(data))

        dialog = TaskDialog(self, self.calendar, self._choices(task_id), submit, old)
        if dialog.exec() and saved:
            self.tasks.select_task(task_id)

    def delete_task(self, task_id: int) -> None:
        self.run_edit(lambda: planning.delete_task(self.workspace, task_id))

    def move_task(self, task_id: int, working_days: int) -> None:
        """A bar dropped on the chart: one saved edit, undoable from Edit > Undo."""
        self.run_edit(lambda: planning.reschedule_task(self.workspace, task_id, working_days))

    # -- files -------------------------------------------------------------------------------

    def ask_export_calendar(self) -> None:
        from crmbid_desktop.ui.dialog_folders import ask_save, bid_stem

        name = f"{bid_stem(self.workspace)} timetable.ics"
        target = ask_save(
            self,
            self.workspace,
            "Export the timetable for Outlook",
            name,
            "iCalendar files (*.ics)",
        )
        if target:
            self.export_calendar(Path(target))

    def export_calendar(self, target: Path) -> None:
        from crmbid_desktop.services import formats

        if target.suffix.lower() != ".ics":
            target = target.with_name(target.name + ".ics")
        try:
            result = formats.export(
                self.workspace, target, formats.ExportOptions(document="timetable")
            )
        except (OSError, ValueError) as error:
            self.show_error(f"Could not export the calendar to {target}: {error}")
            return
        self.summary.setText(
            f"{result.summary}. In Outlook: File > Open & Export > Import/Export, "
            "or double-click the file."
        )

    def ask_save_png(self) -> None:
        from crmbid_desktop.ui.dialog_folders import ask_save, bid_stem

        name = f"{bid_stem(self.workspace)} gantt.png"
        target = ask_save(
            self, self.workspace, "Save the chart as a picture", name, "PNG pictures (*.png)"
        )
        if target:
            self.save_png(Path(target))

    def save_png(self, target: Path) -> None:
        if target.suffix.lower() != ".png":
            target = target.with_name(target.name + ".png")
        try:
            self.gantt.save_png(target)
        except OSError as error:
            self.show_error(str(error))

    def select_item(self, kind: str, key: object) -> bool:
        if kind == "milestone":
            self.milestones.table.filter_box.clear()
            return select_row_by_id(self.milestones.table.view, key)
        if kind == "task":
            self.tabs.setCurrentWidget(self.tasks)
            self.tasks.text_filter.clear()
            for combo in (
                self.tasks.council_filter,
                self.tasks.person_filter,
                self.tasks.status_filter,
                self.tasks.show_filter,
            ):
                combo.setCurrentIndex(0)
            return select_row_by_id(self.tasks.view, key)
        return False
