"""Risks tab: the risk register by score, a clickable 5x5 heat map, a form that saves as you go."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QHideEvent, QUndoStack
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
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import risks
from crmbid_desktop.services.registers.risks import RiskFields, RiskRow
from crmbid_desktop.ui.sustainability import forms
from crmbid_desktop.ui.sustainability.heat_map import HeatMapWidget
from crmbid_desktop.ui.table_model import ROW_ROLE, Column
from crmbid_desktop.ui.widgets import FilterableTable, name_widget, show_from_start, tidy_form

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
    """The risk register; the detail form saves each field as it is finished (no Save button)."""

    changed = Signal()

    def __init__(self, workspace: Workspace, undo_stack: QUndoStack) -> None:
        super().__init__()
        self.setObjectName("risksTab")
        self.workspace = workspace
        self.undo_stack = undo_stack
        self.current_id: int | None = None
        #: The risk as saved, kept for any field still wrong in the form.
        self._saved: RiskFields | None = None
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

        self.model: forms.RegisterModel[RiskRow] = forms.RegisterModel(RISK_COLUMNS)
        self.table = FilterableTable(self.model, "risks", "risks")
        self.table.view.empty_text = "No risks yet: press New risk to add one."
        self.table.view.setProperty("keyColumns", 3)  # score, rating and the risk stay in view
        self.table.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.view.selectionModel().selectionChanged.connect(self._selection_changed)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filter_bar)
        left_layout.addWidget(self.table, 1)

        self.heat_map = HeatMapWidget()
        self.heat_map.cell_clicked.connect(self.show_cell)

        self.form_box = QGroupBox("Risk details (saved as you type)")
        self.form_box.setObjectName("riskForm")
        form = tidy_form(QFormLayout(self.form_box))  # the one form layout (ui/widgets.py)
        self.description_edit = forms.text_edit("riskDescription", "Risk description", 2)
        self.description_message = forms.field_message("riskDescriptionMessage")
        self.cause_edit = forms.text_edit("riskCause", "Cause", 2)
        self.likelihood_spin = self._level_spin("riskLikelihood", "Likelihood, 1 to 5")
        self.impact_spin = self._level_spin("riskImpact", "Impact, 1 to 5")
        self.score_label = QLabel()
        self.score_label.setObjectName("riskScore")
        self.owner_edit = forms.line_edit("riskOwner", "Risk owner")
        self.mitigation_edit = forms.text_edit("riskMitigation", "Mitigation", 2)
        self.status_box = forms.combo(
            "riskStatus", "Status", [(s, s) for s in risk_rules.RISK_STATUSES]
        )
        self.review_edit = forms.line_edit("riskReview", "Review date", "e.g. 31/10/2005")
        self.review_message = forms.field_message("riskReviewMessage")
        form.addRow("&Risk:", self.description_edit)
        form.addRow("", self.description_message)
        form.addRow("Cause:", self.cause_edit)
        # One row each, so the form stays as narrow as its fields in a laptop's pane.
        form.addRow("Likelihood:", self.likelihood_spin)
        form.addRow("Impact:", self.impact_spin)
        form.addRow("Score:", self.score_label)
        form.addRow("Owner:", self.owner_edit)
        form.addRow("Mitigation:", self.mitigation_edit)
        form.addRow("Status:", self.status_box)
        form.addRow("Review date:", self.review_edit)
        form.addRow("", self.review_message)
        #: Why the risk could not be saved at all (deleted elsewhere, read-only bid).
        self.error = forms.error_label("riskError")
        form.addRow(self.error)

        self.saver = forms.FieldSaver(self)
        for text in (self.description_edit, self.cause_edit, self.mitigation_edit):
            self.saver.watch_text(text)
        for spin in (self.likelihood_spin, self.impact_spin):
            self.saver.watch_spin(spin)
        for edit in (self.owner_edit, self.review_edit):
            self.saver.watch_line(edit)
        self.saver.watch_combo(self.status_box)
        self.saver.edited.connect(self._check_fields)
        self.saver.commit_requested.connect(self.save_current)

        right = QSplitter(Qt.Orientation.Vertical)
        right.setObjectName("riskRightSplitter")
        right.addWidget(self.heat_map)
        right.addWidget(forms.scrolling(self.form_box, "riskFormScroll"))
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
        spin.valueChanged.connect(self._update_score)  # live, before the pause saves it
        return spin

    def _update_score(self) -> None:
        value = risk_rules.score(self.likelihood_spin.value(), self.impact_spin.value())
        self.score_label.setText(f"{value} ({risk_rules.rating(value)}): likelihood × impact")

    # -- loading ---------------------------------------------------------------------------------
    def refresh(self, select_id: int | None = None) -> None:
        """Reload from the bid (after undo, another page's edit) and fill the form again."""
        keep = select_id if select_id is not None else self.current_id
        with self.workspace.reading() as session:
            self._all_rows = risks.risk_rows(session)
        self._update_summary()
        self.current_id = None  # so the form is filled again from what was just read
        self._apply_cell_filter(keep)

    def update_rows(self) -> None:
        """Risks changed somewhere: redraw the rows that differ, the heat map and the summary."""
        with self.workspace.reading() as session:
            self._all_rows = risks.risk_rows(session)
        self._update_summary()
        rows = self._all_rows
        if self.cell_filter is not None:
            rows = [row for row in rows if row.cell == self.cell_filter]
        self.model.merge_rows(rows, key=lambda row: row.id)
        self._update_filter_label()
        current = next((row for row in rows if row.id == self.current_id), None)
        if self.current_id is not None and current is None:
            self.current_id = None
            self._select(None)
        elif current is not None and current.fields != self._saved and not self.saver.dirty:
            self._show(current)

    def _update_summary(self) -> None:
        counts = risks.heat_map(self._all_rows)
        self.heat_map.set_counts(counts)
        live = sum(counts.values())
        worst = max((row.score for row in self._all_rows), default=0)
        self.summary.setText(
            f"{len(self._all_rows)} risks, {live} not closed"
            + (f"; highest score {worst} ({risk_rules.rating(worst)})" if worst else "")
        )

    def _apply_cell_filter(self, select_id: int | None = None) -> None:
        rows = self._all_rows
        if self.cell_filter is not None:
            rows = [row for row in rows if row.cell == self.cell_filter]
        keep = select_id if select_id is not None else self.current_id
        self.model.set_rows(rows)
        self.table.fit_columns()
        self._update_filter_label()
        self._select(keep)

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
        self.flush()
        self.cell_filter = (likelihood, impact)
        self.heat_map.set_selected(self.cell_filter)
        self.current_id = None
        self._apply_cell_filter()

    def show_all(self) -> None:
        self.flush()
        self.cell_filter = None
        self.heat_map.set_selected(None)
        self._apply_cell_filter()

    def _select(self, risk_id: int | None) -> None:
        for proxy_row in range(self.table.proxy.rowCount()):
            index = self.table.proxy.index(proxy_row, 0)
            row = index.data(ROW_ROLE)
            if row.id == risk_id:
                self.table.view.selectRow(proxy_row)
                self.table.view.scrollTo(index)
                if self.current_id != risk_id:
                    self._show(row)
                return
        if self.table.proxy.rowCount():
            self.table.view.selectRow(0)
            if self.current_id is None:
                self._show(self.table.proxy.index(0, 0).data(ROW_ROLE))
        else:
            self._show(None)

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        row = indexes[0].data(ROW_ROLE)
        if row is None or row.id == self.current_id:
            return
        self.flush()  # switching risk saves what is valid
        self._show(row)

    def _show(self, row: RiskRow | None) -> None:
        self.current_id = row.id if row else None
        self._saved = row.fields if row else None
        fields = row.fields if row else RiskFields("")
        with self.saver.loading():
            self.description_edit.setPlainText(fields.description)
            self.cause_edit.setPlainText(fields.cause)
            self.likelihood_spin.setValue(fields.likelihood)
            self.impact_spin.setValue(fields.impact)
            self.owner_edit.setText(fields.owner)
            self.mitigation_edit.setPlainText(fields.mitigation)
            forms.select_data(self.status_box, fields.status)
            self.review_edit.setText(forms.date_text(fields.review_on))
        show_from_start(self.form_box)
        self._update_score()
        for label in (self.description_message, self.review_message):
            forms.show_message(label, None)
        self.error.hide()
        self.form_box.setEnabled(row is not None)
        self.delete_button.setEnabled(row is not None)

    # -- editing ---------------------------------------------------------------------------------
    def new_risk(self) -> None:
        """Add a risk called “New risk” at once (in the heat-map cell shown, if any) and select it."""
        self.flush()
        likelihood, impact = self.cell_filter or (3, 3)
        with self.workspace.reading() as session:
            description = risks.new_risk_description(session)
        try:
            new_id = risks.add_risk(
                self.workspace, RiskFields(description, likelihood=likelihood, impact=impact)
            )
        except (ValueError, LookupError, OSError) as error:
            self.show_error(error)
            return
        self.table.filter_box.clear()
        self._select(new_id)  # the table shows it already, from the change set
        self.changed.emit()
        self.description_edit.setFocus()
        self.description_edit.selectAll()

    def savable(self, saved: RiskFields) -> RiskFields:
        """The form's values, keeping the saved value of each field that is not valid yet."""
        description = self.description_edit.toPlainText().strip()
        forms.show_message(
            self.description_message, None if description else "A risk needs a description."
        )
        return RiskFields(
            description=description or saved.description,
            cause=self.cause_edit.toPlainText().strip(),
            likelihood=self.likelihood_spin.value(),
            impact=self.impact_spin.value(),
            owner=self.owner_edit.text().strip(),
            mitigation=self.mitigation_edit.toPlainText().strip(),
            status=str(self.status_box.currentData()),
            review_on=forms.parsed_or(
                lambda: forms.optional_date(self.review_edit.text(), "Review date"),
                saved.review_on,
                self.review_message,
            ),
        )

    def _check_fields(self) -> None:
        if self._saved is not None:
            self.savable(self._saved)

    def form_valid(self) -> bool:
        return not (self.description_message.text() or self.review_message.text())

    def show_error(self, error: Exception) -> None:
        self.error.setText(str(error))
        self.error.show()

    def save_current(self) -> bool:
        """Save every valid field of the risk shown; False while something is still wrong."""
        if self.current_id is None or self._saved is None:
            return True
        fields = self.savable(self._saved)
        if fields != self._saved:
            try:
                risks.update_risk(self.workspace, self.current_id, fields)
            except (ValueError, LookupError, OSError) as error:
                self.show_error(error)
                self.saver.mark_saved()
                return False
            self._saved = fields.checked()
            self._show_saved_row()
            self.changed.emit()
        self.error.hide()
        self.saver.mark_saved()
        return self.form_valid()

    def _show_saved_row(self) -> None:
        """Row, heat map and summary follow the save; the form the user is in is left alone."""
        with self.workspace.reading() as session:
            self._all_rows = risks.risk_rows(session)
        self._update_summary()
        row = next((r for r in self._all_rows if r.id == self.current_id), None)
        if row is None:
            return
        if self.cell_filter is not None and self.cell_filter != row.cell:
            # The risk moved out of the cell shown: list every risk so it stays in sight.
            self.cell_filter = None
            self.heat_map.set_selected(None)
            self._apply_cell_filter()
        else:
            self.model.replace_row(row)  # the proxy re-sorts it by its new score
            self.table.view.scrollTo(self.table.view.currentIndex())

    def flush(self) -> bool:
        """Save pending valid edits now (switching risk, tab, page or closing the window).

        False while something is still wrong, so Edit > Undo waits rather than reloads.
        """
        return self.save_current() if self.saver.dirty else True

    def hideEvent(self, event: QHideEvent) -> None:  # switching tab or page, closing the window
        self.flush()
        super().hideEvent(event)

    def delete(self) -> None:
        """Delete the risk shown; Edit > Undo puts it back (the bid's history records it)."""
        if self.current_id is None:
            return
        self.saver.mark_saved()
        try:
            risks.delete_risk(self.workspace, self.current_id)
        except (ValueError, LookupError, OSError) as error:
            self.show_error(error)
            return
        self.current_id = None
        self._after_change()

    def _after_change(self) -> None:
        # The table already shows the change (its change set); the form follows the selection.
        self._select(self.current_id)
        self.changed.emit()
