"""Risks tab: the risk register sorted by score, a clickable 5x5 heat map and a detail form."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain import risk_rules
from crmbid_desktop.services import risks
from crmbid_desktop.services.risks import RiskFields, RiskRow
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.ui.sustainability import forms
from crmbid_desktop.ui.sustainability.commands import DoneCommand
from crmbid_desktop.ui.sustainability.heat_map import HeatMapWidget
from crmbid_desktop.ui.table_model import ROW_ROLE, Column, RowTableModel
from crmbid_desktop.ui.widgets import FilterableTable, name_widget

RISK_COLUMNS: list[Column[RiskRow]] = [
    Column("Score", lambda r: str(r.score), sort_value=lambda r: r.score, align_right=True),
    Column("Rating", lambda r: r.rating, sort_value=lambda r: r.score),
    Column("Risk", lambda r: r.fields.description, tooltip=lambda r: r.fields.description),
    Column(
        "Likelihood",
        lambda r: f"{r.fields.likelihood} {risk_rules.LIKELIHOOD_LABELS[r.fields.likelihood]}",
        sort_value=lambda r: r.fields.likelihood,
    ),
    Column(
        "Impact",
        lambda r: f"{r.fields.impact} {risk_rules.IMPACT_LABELS[r.fields.impact]}",
        sort_value=lambda r: r.fields.impact,
    ),
    Column("Owner", lambda r: r.fields.owner),
    Column("Status", lambda r: r.fields.status),
    Column(
        "Review",
        lambda r: forms.date_text(r.fields.review_on),
        sort_value=lambda r: r.fields.review_on.isoformat() if r.fields.review_on else "",
    ),
    Column(
        "Mitigation",
        lambda r: r.fields.mitigation.replace("\n", " "),
        tooltip=lambda r: r.fields.mitigation,
    ),
]


class RisksTab(QWidget):
    changed = Signal()

    def __init__(self, workspace: Workspace, undo_stack: QUndoStack) -> None:
        super().__init__()
        self.setObjectName("risksTab")
        self.workspace = workspace
        self.undo_stack = undo_stack
        self.current_id: int | None = None
        self.new_mode = False
        self.cell_filter: tuple[int, int] | None = None
        self._all_rows: list[RiskRow] = []

        self.new_button = self._button("New risk", "newRiskButton", self.new_risk)
        self.delete_button = self._button("Delete risk", "deleteRiskButton", self.delete)
        self.summary = QLabel()
        self.summary.setObjectName("risksSummary")
        toolbar = QHBoxLayout()
        toolbar.addWidget(self.summary, 1)
        toolbar.addWidget(self.new_button)
        toolbar.addWidget(self.delete_button)

        self.filter_label = QLabel()
        self.filter_label.setObjectName("riskCellFilter")
        self.show_all_button = self._button("Show all risks", "showAllRisksButton", self.show_all)
        filter_bar = QHBoxLayout()
        filter_bar.addWidget(self.filter_label, 1)
        filter_bar.addWidget(self.show_all_button)

        self.model: RowTableModel[RiskRow] = RowTableModel(RISK_COLUMNS)
        self.table = FilterableTable(self.model, "risks", "risks")
        self.table.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.view.selectionModel().selectionChanged.connect(self._selection_changed)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filter_bar)
        left_layout.addWidget(self.table, 1)

        self.heat_map = HeatMapWidget()
        self.heat_map.cell_clicked.connect(self.show_cell)

        form_box = QGroupBox("Risk details")
        form_box.setObjectName("riskForm")
        form = QFormLayout(form_box)
        self.description_edit = forms.text_edit("riskDescription", "Risk description", 2)
        self.cause_edit = forms.text_edit("riskCause", "Cause", 2)
        self.likelihood_spin = self._level_spin("riskLikelihood", "Likelihood, 1 to 5")
        self.impact_spin = self._level_spin("riskImpact", "Impact, 1 to 5")
        self.score_label = QLabel()
        self.score_label.setObjectName("riskScore")
        levels = QHBoxLayout()
        levels.addWidget(QLabel("Likelihood"))
        levels.addWidget(self.likelihood_spin)
        levels.addWidget(QLabel("× impact"))
        levels.addWidget(self.impact_spin)
        levels.addWidget(self.score_label, 1)
        self.owner_edit = forms.line_edit("riskOwner", "Risk owner")
        self.mitigation_edit = forms.text_edit("riskMitigation", "Mitigation", 2)
        self.status_box = forms.combo(
            "riskStatus", "Status", [(s, s) for s in risk_rules.RISK_STATUSES]
        )
        self.review_edit = forms.line_edit("riskReview", "Review date", "e.g. 31/10/2005")
        form.addRow("&Risk:", self.description_edit)
        form.addRow("Cause:", self.cause_edit)
        form.addRow("Score:", levels)
        form.addRow("Owner:", self.owner_edit)
        form.addRow("Mitigation:", self.mitigation_edit)
        form.addRow("Status:", self.status_box)
        form.addRow("Review date:", self.review_edit)
        self.error = forms.error_label("riskError")
        form.addRow(self.error)
        self.save_button = self._button("Save risk", "saveRiskButton", self.save)
        form.addRow(self.save_button)

        right = QSplitter(Qt.Orientation.Vertical)
        right.setObjectName("riskRightSplitter")
        right.addWidget(self.heat_map)
        right.addWidget(forms.scrolling(form_box, "riskFormScroll"))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("risksSplitter")
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(toolbar)
        layout.addWidget(splitter, 1)
        self._update_filter_label()

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        name_widget(button, name, text)
        button.clicked.connect(slot)
        return button

    def _level_spin(self, name: str, label: str) -> QSpinBox:
        spin = QSpinBox()
        name_widget(spin, name, label)
        spin.setRange(1, 5)
        spin.valueChanged.connect(self._update_score)
        return spin

    def _update_score(self) -> None:
        value = risk_rules.score(self.likelihood_spin.value(), self.impact_spin.value())
        self.score_label.setText(f"= {value} ({risk_rules.rating(value)})")

    # -- loading ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        with self.workspace.reading() as session:
            self._all_rows = risks.risk_rows(session)
        counts = risks.heat_map(self._all_rows)
        self.heat_map.set_counts(counts)
        live = sum(counts.values())
        worst = max((row.score for row in self._all_rows), default=0)
        self.summary.setText(
            f"{len(self._all_rows)} risks, {live} not closed"
            + (f"; highest score {worst} ({risk_rules.rating(worst)})" if worst else "")
        )
        self._apply_cell_filter()

    def _apply_cell_filter(self) -> None:
        rows = self._all_rows
        if self.cell_filter is not None:
            rows = [row for row in rows if row.cell == self.cell_filter]
        self.model.set_rows(rows)
        self.table.fit_columns()
        self._update_filter_label()
        self._select(self.current_id)

    def _update_filter_label(self) -> None:
        if self.cell_filter is None:
            self.filter_label.setText(
                "All risks, highest score first. Click the heat map to filter."
            )
            self.show_all_button.setEnabled(False)
        else:
            likelihood, impact = self.cell_filter
            self.filter_label.setText(
                f"Risks with likelihood {likelihood} and impact {impact} "
                f"(score {likelihood * impact}): {self.model.rowCount()}"
            )
            self.show_all_button.setEnabled(True)

    def show_cell(self, likelihood: int, impact: int) -> None:
        """Heat-map click: list the risks in that cell and open the first of them."""
        self.cell_filter = (likelihood, impact)
        self.heat_map.set_selected(self.cell_filter)
        self.current_id = None
        self._apply_cell_filter()

    def show_all(self) -> None:
        self.cell_filter = None
        self.heat_map.set_selected(None)
        self._apply_cell_filter()

    def _select(self, risk_id: int | None) -> None:
        for proxy_row in range(self.table.proxy.rowCount()):
            index = self.table.proxy.index(proxy_row, 0)
            if index.data(ROW_ROLE).id == risk_id:
                self.table.view.selectRow(proxy_row)
                return
        if self.new_mode:
            return
        if self.table.proxy.rowCount():
            self.table.view.selectRow(0)
        else:
            self.new_risk()

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self._show(indexes[0].data(ROW_ROLE))

    def _show(self, row: RiskRow) -> None:
        self.current_id = row.id
        self.new_mode = False
        fields = row.fields
        self.description_edit.setPlainText(fields.description)
        self.cause_edit.setPlainText(fields.cause)
        self.likelihood_spin.setValue(fields.likelihood)
        self.impact_spin.setValue(fields.impact)
        self._update_score()
        self.owner_edit.setText(fields.owner)
        self.mitigation_edit.setPlainText(fields.mitigation)
        forms.select_data(self.status_box, fields.status)
        self.review_edit.setText(forms.date_text(fields.review_on))
        self.error.hide()
        self.delete_button.setEnabled(True)

    # -- editing ---------------------------------------------------------------------------------
    def new_risk(self) -> None:
        self.table.view.clearSelection()
        self.current_id = None
        self.new_mode = True
        for text in (self.description_edit, self.cause_edit, self.mitigation_edit):
            text.clear()
        self.owner_edit.clear()
        self.review_edit.clear()
        likelihood, impact = self.cell_filter or (3, 3)
        self.likelihood_spin.setValue(likelihood)
        self.impact_spin.setValue(impact)
        self._update_score()
        forms.select_data(self.status_box, "open")
        self.error.hide()
        self.delete_button.setEnabled(False)
        self.description_edit.setFocus()

    def form_fields(self) -> RiskFields:
        return RiskFields(
            description=self.description_edit.toPlainText(),
            cause=self.cause_edit.toPlainText().strip(),
            likelihood=self.likelihood_spin.value(),
            impact=self.impact_spin.value(),
            owner=self.owner_edit.text().strip(),
            mitigation=self.mitigation_edit.toPlainText().strip(),
            status=str(self.status_box.currentData()),
            review_on=forms.optional_date(self.review_edit.text(), "Review date"),
        ).checked()

    def show_error(self, error: Exception) -> None:
        self.error.setText(str(error))
        self.error.show()

    def save(self) -> None:
        try:
            fields = self.form_fields()
            if self.current_id is None:
                self.current_id = risks.add_risk(self.workspace, fields)
                self.new_mode = False
            else:
                risks.update_risk(self.workspace, self.current_id, fields)
        except (ValueError, LookupError) as error:
            self.show_error(error)
            return
        self.error.hide()
        if self.cell_filter is not None and self.cell_filter != (fields.likelihood, fields.impact):
            self.cell_filter = None  # the saved risk moved out of the cell: show it anyway
            self.heat_map.set_selected(None)
        self._after_change()

    def delete(self) -> None:
        if self.current_id is None:
            return
        try:
            snapshot = risks.delete_risk(self.workspace, self.current_id)
        except (ValueError, LookupError) as error:
            self.show_error(error)
            return
        state = {"id": self.current_id}

        def undo() -> None:
            state["id"] = risks.restore_risk(self.workspace, snapshot)
            self.current_id = state["id"]
            self._after_change()

        def redo() -> None:
            risks.delete_risk(self.workspace, state["id"])
            self.current_id = None
            self._after_change()

        self.current_id = None
        self.new_mode = False
        self.undo_stack.push(DoneCommand("Delete risk", undo, redo, self.show_error))
        self._after_change()

    def _after_change(self) -> None:
        self.refresh()
        self.changed.emit()
