"""Find and replace across the text of every section (Ctrl+H on the Sections page)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.ui.widgets import name_widget, tidy_form


class FindReplaceDialog(QDialog):
    """Lists the sections holding the text, then replaces it in all of them at once."""

    def __init__(
        self,
        workspace: Workspace,
        before_change: Callable[[], None],
        after_change: Callable[[], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("findReplaceDialog")
        self.setWindowTitle("Find and replace in all sections")
        self.workspace = workspace
        self._before = before_change
        self._after = after_change
        self.find_box = QLineEdit()
        name_widget(self.find_box, "findText", "Find")
        self.replace_box = QLineEdit()
        name_widget(self.replace_box, "replaceText", "Replace with")
        self.match_case = QCheckBox("Match case")
        name_widget(self.match_case, "findMatchCase", "Match case")
        self.whole_words = QCheckBox("Whole words only")
        name_widget(self.whole_words, "findWholeWords", "Whole words only")
        self.hits = QListWidget()
        name_widget(self.hits, "findHits", "Sections holding the text")
        self.status = QLabel("Type the text to find.")
        self.status.setObjectName("findStatus")
        self.find_button = QPushButton("Find")
        name_widget(self.find_button, "findButton", "Find in all sections")
        self.replace_button = QPushButton("Replace all")
        name_widget(self.replace_button, "replaceAllButton", "Replace in all sections")
        close = QPushButton("Close")
        name_widget(close, "closeFindReplace", "Close")
        self.find_button.clicked.connect(self.find_text)
        self.replace_button.clicked.connect(self.replace_all)
        close.clicked.connect(self.accept)
        self.find_box.returnPressed.connect(self.find_text)
        form = tidy_form(QFormLayout())
        form.addRow("Find:", self.find_box)
        form.addRow("Replace with:", self.replace_box)
        options = QHBoxLayout()
        options.addWidget(self.match_case)
        options.addWidget(self.whole_words)
        options.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.find_button)
        buttons.addWidget(self.replace_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(options)
        layout.addWidget(self.hits, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(640, 460)

    def find_text(self) -> list[section_service.FindHit]:
        self.hits.clear()
        if not self.find_box.text():
            self.status.setText("Type the text to find.")
            return []
        self._before()  # the text being typed is saved first, so it is searched too
        hits = section_service.find_in_sections(
            self.workspace,
            self.find_box.text(),
            match_case=self.match_case.isChecked(),
            whole_words=self.whole_words.isChecked(),
        )
        for hit in hits:
            item = QListWidgetItem(f"{hit.label} {hit.title} — {hit.count}×: …{hit.excerpt}…")
            item.setData(Qt.ItemDataRole.UserRole, hit.section_id)
            self.hits.addItem(item)
        total = sum(hit.count for hit in hits)
        self.status.setText(f"Found {total} times in {len(hits)} sections.")
        return hits

    def replace_all(self) -> int:
        if not self.find_box.text():
            self.status.setText("Type the text to find.")
            return 0
        self._before()
        count = section_service.replace_in_sections(
            self.workspace,
            self.find_box.text(),
            self.replace_box.text(),
            match_case=self.match_case.isChecked(),
            whole_words=self.whole_words.isChecked(),
        )
        self._after()
        self.find_text()
        self.status.setText(f"Replaced {count} times. {self.status.text()}")
        return count
