"""Criteria page: the evaluation criteria, their weights and where the proposal addresses them."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from crmbid_desktop.services import queries
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.ui.pages.base import Page
from crmbid_desktop.ui.table_model import Column, RowTableModel
from crmbid_desktop.ui.widgets import FilterableTable

CRITERION_COLUMNS: list[Column[queries.CriterionRow]] = [
    Column("Criterion", lambda c: c.title),
    Column("Weight", lambda c: c.weight, align_right=True),
    Column("Addressed in sections", lambda c: c.addressed_in or "not addressed"),
]


class CriteriaPage(Page):
    title = "Criteria"
    object_name = "criteriaPage"

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.model: RowTableModel[queries.CriterionRow] = RowTableModel(CRITERION_COLUMNS)
        self.table = FilterableTable(self.model, "criteria", "evaluation criteria")
        self.total_label = QLabel()
        self.total_label.setObjectName("criteriaWeightTotal")
        self.page_layout.addWidget(self.table)
        self.page_layout.addWidget(self.total_label)
        self.refresh()

    def refresh(self) -> None:
        with self.workspace.reading() as session:
            rows = queries.criterion_rows(session)
            total = queries.total_criteria_weight_bp(session)
        self.model.set_rows(rows)
        self.table.fit_columns()
        self.total_label.setText(
            f"Weights total {queries.format_bp(total)}"
            + ("" if total == 10000 else " (they should total 100%)")
        )
