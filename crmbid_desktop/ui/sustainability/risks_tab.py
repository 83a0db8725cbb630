"""Risks tab: the risk register by score, a clickable 5x5 heat map, a form that saves as you go."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain import risk_rules
from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import risks
from crmbid_desktop.services.registers.risks import RiskFields, RiskRow
from crmbid_desktop.ui.register_tab import RegisterTab
from crmbid_desktop.ui.sustainability import forms
from crmbid_desktop.ui.sustainability.heat_map import HeatMapWidget
from crmbid_desktop.ui.table_model import Column
from crmbid_desktop.ui.widgets import name_widget

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


class RisksTab(RegisterTab[RiskFields, RiskRow]):
    """The risk register by score; clicking the heat map lists the risks of one cell."""

    register = risks.RISKS
    noun = "risk"
    columns = RISK_COLUMNS
    empty_text = "No risks yet: press New risk to add one."

    def why_not(self, row: RiskRow) -> str:
        # A risk's owner is free text, so nothing ties it to a council: the lead keeps it.
        return "" if self.rights.everything else self.rights.only_who_may(None, "the risk register")

    def __init__(self, workspace: Workspace, undo_stack: QUndoStack) -> None:
        #: The heat-map cell (likelihood, impact) the table is limited to, if any.
        self.cell_filter: tuple[int, int] | None = None
        super().__init__(workspace, undo_stack)
        self.table.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)

        self.filter_label = QLabel()
        self.filter_label.setObjectName("riskCellFilter")
        self.show_all_button = self._button("Show all risks", "showAllRisksButton", self.show_all)
        filter_bar = QHBoxLayout()
        filter_bar.addWidget(self.filter_label, 1)
        filter_bar.addWidget(self.show_all_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filter_bar)
        left_layout.addWidget(self.table, 1)

        self.heat_map = HeatMapWidget()
        self.heat_map.cell_clicked.connect(self.show_cell)

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
        form = self.form
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
        self.finish_form()

        for text in (self.description_edit, self.cause_edit, self.mitigation_edit):
            self.saver.watch_text(text)
        for spin in (self.likelihood_spin, self.impact_spin):
            self.saver.watch_spin(spin)
        for edit in (self.owner_edit, self.review_edit):
            self.saver.watch_line(edit)
        self.saver.watch_combo(self.status_box)

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
        layout.addLayout(self.toolbar)
        layout.addWidget(splitter, 1)
        self._update_filter_label()

    def _level_spin(self, name: str, label: str) -> QSpinBox:
        spin = QSpinBox()
        name_widget(spin, name, label)
        spin.setRange(1, 5)
        spin.valueChanged.connect(self._update_score)  # live, before the pause saves it
        return spin

    def _update_score(self) -> None:
        value = risk_rules.score(self.likelihood_spin.value(), self.impact_spin.value())
        self.score_label.setText(f"{value} ({risk_rules.rating(value)}): likelihood × impact")

    # -- the heat map ----------------------------------------------------------------------------
    def rows_read(self) -> None:
        counts = risks.heat_map(self._all_rows)
        self.heat_map.set_counts(counts)
        live = sum(counts.values())
        worst = max((row.score for row in self._all_rows), default=0)
        self.summary.setText(
            f"{len(self._all_rows)} risks, {live} not closed"
            + (f"; highest score {worst} ({risk_rules.rating(worst)})" if worst else "")
        )

    def shown(self, rows: list[RiskRow]) -> list[RiskRow]:
        if self.cell_filter is None:
            return rows
        return [row for row in rows if row.cell == self.cell_filter]

    def reads_every_row(self, changes: ChangeSet) -> bool:
        # The heat map, the summary and the order by score are worked out from every risk.
        return changes.touches("risk", "bid")

    def rows_shown(self) -> None:
        self._update_filter_label()

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
        self.show_rows()

    def show_all(self) -> None:
        self.flush()
        self.cell_filter = None
        self.heat_map.set_selected(None)
        self.show_rows()

    def show_saved_row(self, row: RiskRow) -> None:
        if self.cell_filter is not None and self.cell_filter != row.cell:
            # The risk moved out of the cell shown: list every risk so it stays in sight.
            self.cell_filter = None
            self.heat_map.set_selected(None)
            self.show_rows()
        else:
            self.model.replace_row(row)  # the proxy re-sorts it by its new score
            self.table.view.scrollTo(self.table.view.currentIndex())

    # -- the form --------------------------------------------------------------------------------
    def title_edit(self) -> QPlainTextEdit:
        return self.description_edit

    def new_fields(self, title: str) -> RiskFields:
        """A new risk goes in the heat-map cell shown, if any."""
        likelihood, impact = self.cell_filter or (3, 3)
        return RiskFields(title, likelihood=likelihood, impact=impact)

    def fill_form(self, fields: RiskFields) -> None:
        self.description_edit.setPlainText(fields.description)
        self.cause_edit.setPlainText(fields.cause)
        self.likelihood_spin.setValue(fields.likelihood)
        self.impact_spin.setValue(fields.impact)
        self.owner_edit.setText(fields.owner)
        self.mitigation_edit.setPlainText(fields.mitigation)
        forms.select_data(self.status_box, fields.status)
        self.review_edit.setText(forms.date_text(fields.review_on))
        self._update_score()

    def messages(self) -> tuple[QLabel, ...]:
        return (self.description_message, self.review_message)

    def savable(self, saved: RiskFields) -> RiskFields:
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
