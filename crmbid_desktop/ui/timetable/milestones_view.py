"""The milestones table: dates with weekday and time, kind, and the flags the team must see."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from crmbid_desktop.domain.dates import format_date_time
from crmbid_desktop.services.registers.planning import MilestoneRow
from crmbid_desktop.ui.table_model import ROW_ROLE, Column, RowTableModel
from crmbid_desktop.ui.widgets import FilterableTable, name_widget


def _flags(m: MilestoneRow) -> str:
    return "  ".join(f"⚠ {warning}" for warning in m.warnings)


MILESTONE_COLUMNS: list[Column[MilestoneRow]] = [
    Column(
        "Date",
        lambda m: format_date_time(m.due_on, m.due_time),
        sort_value=lambda m: (m.due_on.toordinal(), m.due_time.isoformat() if m.due_time else ""),
    ),
    Column("Milestone", lambda m: m.title),
    Column("Kind", lambda m: m.kind),
    Column("External", lambda m: "yes" if m.external else ""),
    Column("Flag", _flags, tooltip=lambda m: "\n".join(m.warnings)),
    Column("Notes", lambda m: m.notes.replace("\n", " "), tooltip=lambda m: m.notes),
]


class MilestonesView(QWidget):
    """Milestones table with add, edit and delete buttons."""

    add_requested = Signal()
    edit_requested = Signal(int)
    delete_requested = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.model: RowTableModel[MilestoneRow] = RowTableModel(MILESTONE_COLUMNS)
        self.table = FilterableTable(self.model, "milestones", "milestones")
        self.table.view.empty_text = (
            "No milestones yet: press Add milestone… for each date the department sets "
            "(a deadline, a meeting) and each date the team sets itself."
        )
        # Date, title, kind, external and the weekday flag stay in view; notes may scroll.
        self.table.view.setProperty("keyColumns", 5)
        self.table.view.doubleClicked.connect(self._edit_selected)
        self.add_button = QPushButton("Add milestone…")
        name_widget(self.add_button, "addMilestoneButton", "Add milestone")
        self.edit_button = QPushButton("Edit milestone…")
        name_widget(self.edit_button, "editMilestoneButton", "Edit the selected milestone")
        self.delete_button = QPushButton("Delete milestone")
        name_widget(self.delete_button, "deleteMilestoneButton", "Delete the selected milestone")
        self.add_button.clicked.connect(self.add_requested)
        self.edit_button.clicked.connect(self._edit_selected)
        self.delete_button.clicked.connect(self._delete_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def set_rows(self, rows: list[MilestoneRow]) -> None:
        self.model.set_rows(rows)
        self.table.fit_columns()

    def selected_milestone_id(self) -> int | None:
        indexes = self.table.view.selectionModel().selectedRows()
        if not indexes:
            return None
        row = indexes[0].data(ROW_ROLE)
        return row.id if isinstance(row, MilestoneRow) else None

    def select_milestone(self, milestone_id: int) -> None:
        proxy = self.table.proxy
        for r in range(proxy.rowCount()):
            row = proxy.index(r, 0).data(ROW_ROLE)
            if isinstance(row, MilestoneRow) and row.id == milestone_id:
                self.table.view.selectRow(r)
                return

    def _edit_selected(self) -> None:
        milestone_id = self.selected_milestone_id()
        if milestone_id is not None:
            self.edit_requested.emit(milestone_id)

    def _delete_selected(self) -> None:
        milestone_id = self.selected_milestone_id()
        if milestone_id is not None:
            self.delete_requested.emit(milestone_id)
