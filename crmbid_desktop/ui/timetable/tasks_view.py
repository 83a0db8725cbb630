"""The tasks table: filter by owner, council, status and overdue; critical and late rows stand out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.services.registers.planning import TASK_STATUSES, TaskRow
from crmbid_desktop.ui.colours import background_colour
from crmbid_desktop.ui.table_model import ROW_ROLE, SORT_ROLE
from crmbid_desktop.ui.widgets import ColumnFitter, EmptyStateTableView, name_widget

AnyIndex = QModelIndex | QPersistentModelIndex

# Row backgrounds as colours.background_colour roles (the Flags column says the same in words).
OVERDUE_COLOUR = "danger"
AT_RISK_COLOUR = "warning"
CRITICAL_COLOUR = "critical"


def _day(day: date | None) -> str:
    return format_date(day) if day else ""


def _ordinal(day: date | None) -> int:
    return day.toordinal() if day else 0


def _slack(row: TaskRow) -> str:
    return "" if row.schedule is None else str(row.schedule.slack)


def _anchor(row: TaskRow) -> str:
    if row.anchor_working_days is None:
        return ""
    return f"{row.anchor_working_days} working days before"


# (header, display, sort value); the display strings are computed once per refresh.
TASK_COLUMNS: list[tuple[str, Callable[[TaskRow], str], Callable[[TaskRow], Any] | None]] = [
    ("Task", lambda t: t.title, None),
    ("Flags", lambda t: "; ".join(t.flags), None),
    ("Start", lambda t: _day(t.start_on), lambda t: _ordinal(t.start_on)),
    ("Due", lambda t: _day(t.due_on), lambda t: _ordinal(t.due_on)),
    (
        "Status",
        lambda t: t.status,
        lambda t: TASK_STATUSES.index(t.status) if t.status in TASK_STATUSES else 99,
    ),
    ("Priority", lambda t: t.priority, None),
    ("Effort (days)", lambda t: str(t.effort_days), lambda t: t.effort_days),
    ("Slack (days)", _slack, lambda t: t.schedule.slack if t.schedule else 10**6),
    ("Council", lambda t: t.council, None),
    ("Person", lambda t: t.owner_person, None),
    ("Milestone", lambda t: t.milestone_title, None),
    (
        "Anchor",
        _anchor,
        lambda t: t.anchor_working_days if t.anchor_working_days is not None else -1,
    ),
    ("Section", lambda t: t.section_title, None),
]
TITLE, FLAGS = 0, 1


class TaskTableModel(QAbstractTableModel):
    """Task rows with their display text, sort keys and highlight worked out up front."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[TaskRow] = []
        self._cells: list[list[str] | None] = []
        self._sort: list[list[Any] | None] = []
        self._colour: list[QColor | None] = []
        self.sort_column = -1
        self.sort_order = Qt.SortOrder.AscendingOrder

    def set_rows(self, rows: Sequence[TaskRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        # Text and sort keys are worked out the first time a row is shown, filtered or sorted:
        # a 10,000-task plan opens without formatting 130,000 cells first.
        self._cells = [None] * len(self._rows)
        self._sort = [None] * len(self._rows)
        self._colour = [self._highlight(row) for row in self._rows]
        if self.sort_column >= 0:  # a refresh keeps the order the user chose
            self._reorder(self._sorted_order(self.sort_column, self.sort_order))
        self.endResetModel()

    def update_rows(self, rows: Sequence[TaskRow]) -> int:
        """Show a new plan by touching only the rows that differ; returns how many did.

        A task added or removed changes the row count, so that (rare) case resets the model;
        an edit, a drag or a renamed council changes rows in place, keeping selection, scroll
        position and filters, and only rows whose values changed are formatted again.
        """
        if {row.id for row in rows} != {row.id for row in self._rows}:
            self.set_rows(rows)
            return len(rows)
        fresh = {row.id: row for row in rows}
        changed = 0
        for number, old in enumerate(self._rows):
            new = fresh[old.id]
            if new != old:
                self._rows[number] = new
                self._cells[number] = None
                self._sort[number] = None
                self._colour[number] = self._highlight(new)
                last = self.index(number, len(TASK_COLUMNS) - 1)
                self.dataChanged.emit(self.index(number, 0), last)
                changed += 1
        if changed and self.sort_column >= 0:
            self.sort(self.sort_column, self.sort_order)
        return changed

    # -- sorting in Python: a proxy sort asks data() twice per comparison, 1 s for 10,000 rows --
    def _column_key(self, column: int) -> Callable[[int], Any]:
        _, display, sort = TASK_COLUMNS[column]
        tasks, cells, keys = self._rows, self._cells, self._sort

        def key(row: int) -> Any:
            known = keys[row]
            if known is not None:
                return known[column]
            if sort is not None:
                return sort(tasks[row])
            shown = cells[row]
            return (shown[column] if shown is not None else display(tasks[row])).casefold()

        return key

    def _sorted_order(self, column: int, order: Qt.SortOrder) -> list[int]:
        # Stable both ways, so rows with equal keys keep their plan order, as Qt's sort does.
        return sorted(
            range(len(self._rows)),
            key=self._column_key(column),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )

    def _reorder(self, order: list[int]) -> None:
        self._rows = [self._rows[i] for i in order]
        self._cells = [self._cells[i] for i in order]
        self._sort = [self._sort[i] for i in order]
        self._colour = [self._colour[i] for i in order]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column, self.sort_order = column, order
        if not 0 <= column < len(TASK_COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        new_order = self._sorted_order(column, order)
        persistent = self.persistentIndexList()
        if persistent:
            where = {old: new for new, old in enumerate(new_order)}
            self.changePersistentIndexList(
                persistent,
                [self.index(where[index.row()], index.column()) for index in persistent],
            )
        self._reorder(new_order)
        self.layoutChanged.emit()

    def cells_at(self, row: int) -> list[str]:
        cells = self._cells[row]
        if cells is None:
            task = self._rows[row]
            cells = self._cells[row] = [display(task) for _, display, _ in TASK_COLUMNS]
        return cells

    def _sort_keys(self, row: int) -> list[Any]:
        keys = self._sort[row]
        if keys is None:
            task, cells = self._rows[row], self.cells_at(row)
            keys = self._sort[row] = [
                sort(task) if sort else cells[i].casefold()
                for i, (_, _, sort) in enumerate(TASK_COLUMNS)
            ]
        return keys

    @staticmethod
    def _highlight(row: TaskRow) -> QColor | None:
        if row.overdue:
            return background_colour(OVERDUE_COLOUR)
        if row.at_risk:
            return background_colour(AT_RISK_COLOUR)
        if row.critical:
            return background_colour(CRITICAL_COLOUR)
        return None

    def row_at(self, row: int) -> TaskRow:
        return self._rows[row]

    @property
    def rows(self) -> list[TaskRow]:
        return list(self._rows)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TASK_COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells_at(r)[c]
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._colour[r]
        if role == SORT_ROLE:
            return self._sort_keys(r)[c]
        if role == ROW_ROLE:
            return self._rows[r]
        if role == Qt.ItemDataRole.ToolTipRole and c in (TITLE, FLAGS):
            row = self._rows[r]
            return "\n".join([row.title, row.description, *row.flags]).strip()
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return TASK_COLUMNS[section][0] if 0 <= section < len(TASK_COLUMNS) else None
        return str(section + 1)


ANY = "__any__"
SHOW_CHOICES = (
    ("All tasks", "all"),
    ("Overdue", "overdue"),
    ("Not overdue", "not overdue"),
    ("On the critical path", "critical"),
    ("At risk", "at risk"),
    ("Flagged (any flag)", "flagged"),
)


class TaskFilter(QSortFilterProxyModel):
    """Text, council, person, status and overdue filters, tested together on each row."""

    def __init__(self, model: TaskTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = model
        self.setSourceModel(model)
        self.setSortRole(SORT_ROLE)
        # The model sorts its own rows (see TaskTableModel.sort); this proxy only filters.
        self.setDynamicSortFilter(False)
        self.text = ""
        self.council: int | str | None = ANY
        self.person: str = ANY
        self.status: str = ANY
        self.show = "all"
        self._active = False  # no filter set: every row passes without looking at it

    @property
    def active(self) -> bool:
        chosen = (self.council, self.person, self.status)
        return bool(self.text) or self.show != "all" or any(value != ANY for value in chosen)

    def set_filters(self, **values: Any) -> None:
        # Qt 6.10 replaced invalidateRowsFilter() by begin/endFilterChange(); older Qt has only
        # the former.
        modern = hasattr(self, "beginFilterChange")
        if modern:
            self.beginFilterChange()
        for name, value in values.items():
            setattr(self, name, value)
        self._active = self.active
        if modern:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The view's header click: the source model reorders its rows, the filter follows."""
        self._tasks.sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if not self._active:
            return True
        row = self._tasks.row_at(source_row)
        if self.council != ANY and row.owner_partner_id != self.council:
            return False
        if self.person != ANY and row.owner_person != self.person:
            return False
        if self.status != ANY and row.status != self.status:
            return False
        show = self.show
        if show != "all" and not (
            (show == "overdue" and row.overdue)
            or (show == "not overdue" and not row.overdue)
            or (show == "critical" and row.critical)
            or (show == "at risk" and row.at_risk)
            or (show == "flagged" and row.flags)
        ):
            return False
        if self.text:
            cells = self._tasks.cells_at(source_row)
            return any(self.text in cell.casefold() for cell in cells)
        return True


def _combo(name: str, label: str) -> QComboBox:
    combo = QComboBox()
    name_widget(combo, name, label)
    # Narrow by default so the page still fits a small laptop window; the list pops up wide.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(6)
    combo.setToolTip(label)
    return combo


class TasksView(QWidget):
    """Filters above a sortable table of tasks, with add, edit and delete buttons."""

    add_requested = Signal()
    edit_requested = Signal(int)
    delete_requested = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        # Owned by this widget so Qt deletes them after the view that shows them.
        self.model = TaskTableModel(self)
        self.proxy = TaskFilter(self.model, self)

        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText("Filter tasks…")
        self.text_filter.setClearButtonEnabled(True)
        name_widget(self.text_filter, "tasksFilter", "Filter tasks")
        self.text_filter.textChanged.connect(
            lambda text: self.proxy.set_filters(text=text.strip().casefold())
        )
        self.council_filter = _combo("tasksCouncilFilter", "Show tasks of council")
        self.person_filter = _combo("tasksOwnerFilter", "Show tasks of person")
        self.status_filter = _combo("tasksStatusFilter", "Show tasks with status")
        self.status_filter.addItem("Any status", ANY)
        for status in TASK_STATUSES:
            self.status_filter.addItem(status.capitalize(), status)
        self.show_filter = _combo("tasksShowFilter", "Show overdue, critical or at-risk tasks")
        for text, value in SHOW_CHOICES:
            self.show_filter.addItem(text, value)
        self.council_filter.currentIndexChanged.connect(
            lambda: self.proxy.set_filters(council=self.council_filter.currentData())
        )
        self.person_filter.currentIndexChanged.connect(
            lambda: self.proxy.set_filters(person=self.person_filter.currentData())
        )
        self.status_filter.currentIndexChanged.connect(
            lambda: self.proxy.set_filters(status=self.status_filter.currentData())
        )
        self.show_filter.currentIndexChanged.connect(
            lambda: self.proxy.set_filters(show=self.show_filter.currentData())
        )

        self.add_button = QPushButton("Add task…")
        name_widget(self.add_button, "addTaskButton", "Add task")
        self.edit_button = QPushButton("Edit task…")
        name_widget(self.edit_button, "editTaskButton", "Edit the selected task")
        self.delete_button = QPushButton("Delete task")
        name_widget(self.delete_button, "deleteTaskButton", "Delete the selected task")
        self.add_button.clicked.connect(self.add_requested)
        self.edit_button.clicked.connect(self._edit_selected)
        self.delete_button.clicked.connect(self._delete_selected)

        self.view = EmptyStateTableView(
            "No tasks yet: press Add task… and anchor each to the milestone it leads to."
        )
        name_widget(self.view, "tasksTable", "Table of tasks")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setWordWrap(False)
        # Task, flags, start, due and status stay in view; the rest scroll sideways.
        self.fitter = ColumnFitter(self.view, key_columns=5)
        self.view.doubleClicked.connect(self._edit_selected)
        #: Why this login may not change a task ("" when it may): on a server, a partner
        #: council changes only its own tasks. The page sets it from the server's rights.
        self.why_not: Callable[[TaskRow], str] = lambda _row: ""
        self._button_tips = {b: b.toolTip() for b in (self.edit_button, self.delete_button)}
        self.view.selectionModel().selectionChanged.connect(self.update_buttons)
        self.count_label = QLabel()
        self.count_label.setObjectName("tasksCount")
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)

        filters = QHBoxLayout()
        filters.addWidget(self.text_filter, 2)
        # Each combo box has a short caption tied to it (its buddy): a screen reader reads
        # "Council, Any council" rather than the value alone.
        for caption, combo in (
            ("&Council:", self.council_filter),
            ("&Person:", self.person_filter),
            ("Stat&us:", self.status_filter),
            ("Sho&w:", self.show_filter),
        ):
            label = QLabel(caption)
            label.setBuddy(combo)
            filters.addWidget(label)
            filters.addWidget(combo, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._fitted = False

    def set_rows(self, rows: Sequence[TaskRow], councils: Sequence[tuple[int, str]]) -> None:
        self._refill(self.council_filter, "Any council", councils)
        people = sorted({row.owner_person for row in rows if row.owner_person})
        self._refill(self.person_filter, "Any person", [(p, p) for p in people])
        self.model.set_rows(rows)
        if not self._fitted and rows:
            self.fit_columns()
            self._fitted = True
        self._update_count()

    def update_rows(self, rows: Sequence[TaskRow], councils: Sequence[tuple[int, str]]) -> int:
        """Like `set_rows`, but only rows that changed are touched (see TaskTableModel)."""
        self._refill(self.council_filter, "Any council", councils)
        people = sorted({row.owner_person for row in rows if row.owner_person})
        self._refill(self.person_filter, "Any person", [(p, p) for p in people])
        changed = self.model.update_rows(rows)
        self._update_count()
        return changed

    @staticmethod
    def _refill(combo: QComboBox, any_text: str, items: Sequence[tuple[object, str]]) -> None:
        shown = [(combo.itemData(i), combo.itemText(i)) for i in range(1, combo.count())]
        if combo.count() and shown == list(items):
            return  # unchanged: keep the list (and any open popup) as it is
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(any_text, ANY)
        for value, text in items:
            combo.addItem(text, value)
        index = combo.findData(current)
        combo.setCurrentIndex(index if index >= 0 else 0)
        combo.blockSignals(False)

    def fit_columns(self) -> None:
        """Size columns to the header and the first rows' text (see ColumnFitter)."""
        self.fitter.fit()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(
            f"{total} tasks" if shown == total else f"{shown} of {total} tasks shown"
        )

    def selected_task_id(self) -> int | None:
        indexes = self.view.selectionModel().selectedRows()
        if not indexes:
            return None
        row = indexes[0].data(ROW_ROLE)
        return row.id if isinstance(row, TaskRow) else None

    def select_task(self, task_id: int) -> None:
        for r in range(self.proxy.rowCount()):
            row = self.proxy.index(r, 0).data(ROW_ROLE)
            if isinstance(row, TaskRow) and row.id == task_id:
                self.view.selectRow(r)
                self.view.scrollTo(self.proxy.index(r, 0))
                return

    def _selected_row(self) -> TaskRow | None:
        indexes = self.view.selectionModel().selectedRows()
        row = indexes[0].data(ROW_ROLE) if indexes else None
        return row if isinstance(row, TaskRow) else None

    def update_buttons(self, *_args: object) -> None:
        """Edit and Delete say who may change the selected task when this login may not."""
        row = self._selected_row()
        why = self.why_not(row) if row is not None else ""
        for button in (self.edit_button, self.delete_button):
            button.setEnabled(not why)
            button.setToolTip(why or self._button_tips[button])

    def _edit_selected(self) -> None:
        row = self._selected_row()
        why = self.why_not(row) if row is not None else ""
        if why:  # a double-click on another council's task: say whose it is
            QMessageBox.information(self, "Timetable", why)
            return
        task_id = self.selected_task_id()
        if task_id is not None:
            self.edit_requested.emit(task_id)

    def _delete_selected(self) -> None:
        task_id = self.selected_task_id()
        if task_id is not None:
            self.delete_requested.emit(task_id)
