"""Export page: what the Word proposal will contain, in order."""

from __future__ import annotations

from crmbid_desktop.services import queries
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.ui.pages.base import Page
from crmbid_desktop.ui.table_model import Column, RowTableModel
from crmbid_desktop.ui.widgets import FilterableTable

CONTENT_COLUMNS: list[Column[queries.SectionRow]] = [
    Column("Number", lambda r: r.number),
    Column("Section", lambda r: r.title),
    Column("Status", lambda r: r.status),
    Column(
        "Word limit",
        lambda r: str(r.word_limit) if r.word_limit else "",
        sort_value=lambda r: r.word_limit or 0,
        align_right=True,
    ),
]


class ExportPage(Page):
    title = "Export"
    object_name = "exportPage"

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.model: RowTableModel[queries.SectionRow] = RowTableModel(CONTENT_COLUMNS)
        self.contents = FilterableTable(self.model, "exportContents", "sections to export")
        self.page_layout.addWidget(self.contents, 1)
        self.refresh()

    def refresh(self) -> None:
        with self.workspace.reading() as session:
            self.model.set_rows(queries.section_rows(session))
        self.contents.fit_columns()
