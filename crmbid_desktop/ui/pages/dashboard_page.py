"""Dashboard page: the bid at a glance — deadlines, counts, sections by status, partners' sign-off."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel

from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.services import queries
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.ui.pages.base import Page
from crmbid_desktop.ui.table_model import Column, RowTableModel
from crmbid_desktop.ui.widgets import FilterableTable


def _days(row: queries.DeadlineRow) -> str:
    if row.days_away == 0:
        return "today"
    if row.days_away > 0:
        return f"in {row.days_away} days"
    return f"{-row.days_away} days ago"


DEADLINE_COLUMNS: list[Column[queries.DeadlineRow]] = [
    Column("Date", lambda r: format_date(r.due_on), sort_value=lambda r: r.due_on.isoformat()),
    Column("External deadline or event", lambda r: r.title),
    Column("When", _days, sort_value=lambda r: r.days_away),
    Column("Flag", lambda r: ("⚠ " + r.flag) if r.flag else "", tooltip=lambda r: r.flag),
]


class DashboardPage(Page):
    title = "Dashboard"
    object_name = "dashboardPage"

    def __init__(self, workspace: Workspace, today: date | None = None) -> None:
        super().__init__(workspace)
        self.today = today or date.today()
        self.bid_title = QLabel()
        self.bid_title.setObjectName("dashboardBidTitle")
        self.bid_title.setWordWrap(True)
        self.page_layout.addWidget(self.bid_title)

        summary = QGroupBox("This bid")
        summary.setObjectName("dashboardSummary")
        self.summary_form = QFormLayout(summary)
        self.page_layout.addWidget(summary)

        self.deadline_model: RowTableModel[queries.DeadlineRow] = RowTableModel(DEADLINE_COLUMNS)
        self.deadlines = FilterableTable(self.deadline_model, "deadlines", "deadlines")
        self.page_layout.addWidget(self.deadlines, 1)
        self.refresh()

    def refresh(self) -> None:
        counts = self.workspace.bid.counts()
        with self.workspace.reading() as session:
            summary = queries.bid_summary(session)
            deadlines = queries.external_deadlines(session, self.today)
            by_status = queries.sections_by_status(session)
            partners = queries.partners(session)
        self.bid_title.setText(f"<b>{summary.title}</b><br>{summary.funding_body}")
        while self.summary_form.rowCount():
            self.summary_form.removeRow(0)
        signed = sum(1 for partner in partners if partner.status == "signed off")
        facts = [
            ("Partner councils", f"{counts.partners} ({signed} signed off)"),
            ("Milestones", str(counts.milestones)),
            ("Tasks", str(counts.tasks)),
            (
                "Sections",
                f"{counts.sections}: "
                + ", ".join(f"{n} {status}" for status, n in sorted(by_status.items())),
            ),
            ("Evaluation criteria", str(counts.criteria)),
        ]
        for label, value in facts:
            value_label = QLabel(value)
            value_label.setObjectName(f"dashboard{label.title().replace(' ', '')}")
            self.summary_form.addRow(label + ":", value_label)
        self.deadline_model.set_rows(deadlines)
        self.deadlines.fit_columns()
