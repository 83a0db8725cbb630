"""What every page of the main window offers: a title, a refresh from the bid, an object name."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QVBoxLayout, QWidget

from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.ui.widgets import heading


class Page(QWidget):
    """A page shows one part of the open bid and reloads it on `refresh()`."""

    title = "Page"
    object_name = "page"

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.setObjectName(self.object_name)
        self.setAccessibleName(self.title)
        # Edits made on this page are pushed here as QUndoCommands; the main window's Edit menu
        # undoes and redoes on the stack of the page being shown.
        self.undo_stack = QUndoStack(self)
        self.page_layout = QVBoxLayout(self)
        self.page_layout.addWidget(heading(self.title, f"{self.object_name}Heading"))

    def refresh(self) -> None:
        """Reload what the page shows from the bid file."""
        raise NotImplementedError
