"""Sections page: the proposal's outline and the text of the chosen section."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QTextBrowser, QTreeWidget, QTreeWidgetItem

from crmbid_desktop.services import queries
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.ui.pages.base import Page
from crmbid_desktop.ui.widgets import name_widget


class SectionsPage(Page):
    title = "Sections"
    object_name = "sectionsPage"

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.outline = QTreeWidget()
        name_widget(self.outline, "sectionsOutline", "Outline of the proposal")
        self.outline.setHeaderLabels(["Section", "Status", "Word limit"])
        self.outline.setRootIsDecorated(True)
        self.outline.currentItemChanged.connect(self._show_current)
        self.body = QTextBrowser()
        name_widget(self.body, "sectionBody", "Section text")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.outline)
        splitter.addWidget(self.body)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([420, 800])
        self.page_layout.addWidget(splitter, 1)
        self._rows: dict[int, queries.SectionRow] = {}
        self.refresh()

    def refresh(self) -> None:
        with self.workspace.reading() as session:
            rows = queries.section_rows(session)
        self._rows = {row.id: row for row in rows}
        self.outline.clear()
        parents: list[QTreeWidgetItem] = []
        for row in rows:
            label = f"{row.number} {row.title}".strip()
            limit = f"{row.word_limit} words" if row.word_limit else ""
            item = QTreeWidgetItem([label, row.status, limit])
            item.setData(0, Qt.ItemDataRole.UserRole, row.id)
            del parents[row.depth - 1 :]
            if parents:
                parents[-1].addChild(item)
            else:
                self.outline.addTopLevelItem(item)
            parents.append(item)
        self.outline.expandAll()
        self.outline.resizeColumnToContents(0)
        first = self.outline.topLevelItem(0)
        if first is not None:
            self.outline.setCurrentItem(first)

    def _show_current(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is None:
            self.body.clear()
            return
        row = self._rows[int(current.data(0, Qt.ItemDataRole.UserRole))]
        with self.workspace.reading() as session:
            guidance = queries.section_guidance(session, row.id)
        text = f"# {row.number} {row.title}\n\n"
        if guidance:
            text += f"*Guidance for writers: {guidance}*\n\n"
        text += row.body or "*(No text written yet.)*"
        self.body.setMarkdown(text)
