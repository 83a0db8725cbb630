"""Partners page: the councils in the bidding partnership."""

from __future__ import annotations

from crmbid_desktop.services import queries
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.store.models import Partner
from crmbid_desktop.ui.pages.base import Page
from crmbid_desktop.ui.table_model import Column, RowTableModel
from crmbid_desktop.ui.widgets import FilterableTable

PARTNER_COLUMNS: list[Column[Partner]] = [
    Column("Council", lambda p: p.name),
    Column("Type", lambda p: p.council_type),
    Column("Region", lambda p: p.region),
    Column("Role", lambda p: p.role),
    Column("Status", lambda p: p.status),
    Column(
        "Share of funding",
        lambda p: queries.format_bp(p.funding_share_bp),
        sort_value=lambda p: p.funding_share_bp,
        align_right=True,
    ),
    Column(
        "Contribution a year",
        lambda p: queries.format_pence(p.contribution_pence),
        sort_value=lambda p: p.contribution_pence,
        align_right=True,
    ),
    Column("Signed by", lambda p: p.signatory),
    Column(
        "Signed on",
        lambda p: queries.optional_date(p.signed_on),
        sort_value=lambda p: p.signed_on.isoformat() if p.signed_on else "",
    ),
    Column("Notes", lambda p: p.notes.replace("\n", " "), tooltip=lambda p: p.notes),
]


class PartnersPage(Page):
    title = "Partners"
    object_name = "partnersPage"

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.model: RowTableModel[Partner] = RowTableModel(PARTNER_COLUMNS)
        self.table = FilterableTable(self.model, "partners", "partner councils")
        self.page_layout.addWidget(self.table)
        self.refresh()

    def refresh(self) -> None:
        with self.workspace.reading() as session:
            self.model.set_rows(queries.partners(session))
        self.table.fit_columns()
