"""Edit > Find… (Ctrl+F): search the whole bid and open what was found on its own page."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.views import search as service
from crmbid_desktop.ui.widgets import name_widget

#: Wait this long after the last key before searching, so typing a word runs one search.
SEARCH_DELAY_MS = 200
HIT_ROLE = Qt.ItemDataRole.UserRole


class SearchDialog(QDialog):
    """A search box over a results list; Enter or a double-click opens the chosen result."""

    open_requested = Signal(str, object)  # kind, key

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setObjectName("searchDialog")
        self.setWindowTitle("Find in the bid")
        self.setAccessibleName("Find in the bid")
        self.hits: list[service.SearchHit] = []

        self.box = QLineEdit()
        name_widget(self.box, "searchBox", "Text to find")
        self.box.setPlaceholderText("Find partners, tasks, sections, criteria, products, risks…")
        self.box.setClearButtonEnabled(True)
        self.box.installEventFilter(self)
        self.status = QLabel("Type at least two letters.")
        self.status.setObjectName("searchStatus")
        self.status.setWordWrap(True)
        self.results = QTreeWidget()
        name_widget(self.results, "searchResults", "Search results")
        self.results.setColumnCount(3)
        self.results.setHeaderLabels(["Kind", "Name", "Where the text is"])
        self.results.setRootIsDecorated(False)
        self.results.setUniformRowHeights(True)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.results.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.results.itemActivated.connect(lambda item, _column: self._open(item))

        label = QLabel("&Find:")
        label.setBuddy(self.box)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.box)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.run_search)
        self.box.textChanged.connect(lambda _text: self.timer.start())
        self.box.returnPressed.connect(self._open_current)
        width = self.fontMetrics().averageCharWidth() * 90
        self.resize(width, self.fontMetrics().height() * 28)

    def set_workspace(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.run_search()

    def start(self) -> None:
        """Show the dialog with the box ready for typing (what Ctrl+F does)."""
        self.show()
        if QGuiApplication.platformName() != "offscreen":  # tests: offscreen cannot raise
            self.raise_()
        self.activateWindow()
        self.box.setFocus()
        self.box.selectAll()

    def run_search(self) -> None:
        self.timer.stop()
        text = self.box.text().strip()
        self.results.clear()
        if len(text) < 2:
            self.hits = []
            self.status.setText("Type at least two letters.")
            return
        self.hits = service.search_bid(self.workspace, text)
        for hit in self.hits:
            item = QTreeWidgetItem([hit.kind_label, hit.title, hit.snippet])
            item.setData(0, HIT_ROLE, (hit.kind, hit.key))
            item.setToolTip(1, hit.title)
            item.setToolTip(2, hit.snippet)
            self.results.addTopLevelItem(item)
        self.results.resizeColumnToContents(1)
        self.results.setColumnWidth(1, min(self.results.columnWidth(1), self.width() // 3))
        first = self.results.topLevelItem(0)
        if first is not None:
            self.results.setCurrentItem(first)
            many = "" if len(self.hits) < 200 else " (the first 200)"
            self.status.setText(
                f"{len(self.hits)} found{many}. Enter opens the highlighted one; "
                "Up and Down choose."
            )
        else:
            self.status.setText(f"Nothing in the bid contains “{text}”.")

    def _open_current(self) -> None:
        if self.timer.isActive():  # Enter straight after typing: search first
            self.run_search()
        item = self.results.currentItem()
        if item is not None:
            self._open(item)

    def _open(self, item: QTreeWidgetItem) -> None:
        kind, key = item.data(0, HIT_ROLE)
        self.hide()
        self.open_requested.emit(kind, key)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt names it
        # Up and Down in the box move through the results, so the hands stay on the keys.
        if (
            watched is self.box
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up)
            and self.results.topLevelItemCount()
        ):
            current = self.results.currentItem()
            row = self.results.indexOfTopLevelItem(current) if current is not None else -1
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = max(0, min(row + step, self.results.topLevelItemCount() - 1))
            target = self.results.topLevelItem(row)
            if target is not None:
                self.results.setCurrentItem(target)
            return True
        return super().eventFilter(watched, event)
