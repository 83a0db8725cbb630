"""Choosing the sections to send to a partner as a Word file."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.services.queries import section_rows
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.ui.widgets import name_widget


class SendSectionsDialog(QDialog):
    """Tick sections; a ticked section goes with its subsections."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sendSectionsDialog")
        self.setWindowTitle("Send sections to a partner")
        self.resize(560, 560)
        with workspace.reading() as session:
            rows = [row for row in section_rows(session) if row.number]
        intro = QLabel(
            "Tick the sections the partner should write or review. They get a Word file in the "
            "proposal's layout with a note saying what to edit; when they send it back, use "
            "File > Take back a returned Word file."
        )
        intro.setWordWrap(True)
        self.sections = QListWidget()
        name_widget(self.sections, "sectionsToSend", "Sections to send")
        for row in rows:
            item = QListWidgetItem(f"{'    ' * (row.depth - 1)}{row.number}  {row.title}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, row.number)
            self.sections.addItem(item)
        self.sections.itemChanged.connect(self._update)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("Save Word file…", QDialogButtonBox.ButtonRole.AcceptRole)
        name_widget(self.ok, "saveSections", "Save Word file")
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        name_widget(cancel, "cancelSend", "Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.sections, 1)
        layout.addWidget(buttons)
        self._update()

    def numbers(self) -> list[str]:
        chosen = [
            str(self.sections.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.sections.count())
            if self.sections.item(i).checkState() == Qt.CheckState.Checked
        ]
        # A subsection of a ticked section is sent with it anyway.
        return [n for n in chosen if not any(n.startswith(p + ".") for p in chosen)]

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.numbers()))
