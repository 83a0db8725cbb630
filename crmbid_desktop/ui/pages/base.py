"""What every page of the main window offers: a title, a refresh from the bid, an object name."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QVBoxLayout, QWidget

from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.settings import Settings
from crmbid_desktop.ui.widgets import heading


class Page(QWidget):
    """A page shows one part of the open bid and reloads it on `refresh()`."""

    title = "Page"
    object_name = "page"

    #: (kind, key): ask the main window to show an item on its own page ("task", 12)...
    open_item_requested = Signal(str, object)

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

    def select_item(self, kind: str, key: object) -> bool:
        """Show and select an item of `kind` ("task", "section"...) on this page.

        True when the page holds that kind of item and found it; the main window's `open_item`
        switches to the page first. Pages that list nothing a search or the dashboard opens keep
        this default.
        """
        return False

    def apply_settings(self, settings: Settings) -> None:
        """Take up the user's settings (the Export page's default template); most pages need none."""
