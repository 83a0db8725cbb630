"""What every page of the main window offers: a title, a refresh from the bid, an object name.

Pages stay current through change sets (services/bid/changes.py): every write's change set, undo
and redo included, reaches every built page's `apply_changes` through the bid's change stream
(`BidUndoStack.changed`, ui/undo.py), and each page updates just the rows it shows that
changed. `refresh()` is the full reload, used when a page is built and by the few whole-bid
summaries, which recompute when next shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QVBoxLayout, QWidget

from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.settings import Settings
from crmbid_desktop.ui.undo import BidUndoStack, history_for
from crmbid_desktop.ui.widgets import heading

#: Every table of the bid whose rows a page can show (the change log is history, not the bid).
BID_TABLES = frozenset(
    {
        "bid", "partner", "contact", "attachment", "milestone", "task", "task_dependency",
        "section", "section_version", "comment", "criterion", "section_criterion",
        "clarification", "clarification_section", "product", "risk", "budget_line",
        "budget_amount",
    }
)  # fmt: skip


class Page(QWidget):
    """A page shows one part of the open bid and reloads it on `refresh()`."""

    title = "Page"
    object_name = "page"
    #: Tables whose rows this page shows: a change set touching none of them leaves it alone.
    shows_tables: frozenset[str] = frozenset()

    #: (kind, key): ask the main window to show an item on its own page ("task", 12)...
    open_item_requested = Signal(str, object)
    #: Ask the main window to show this page (an edit made here was just undone or redone).
    show_requested = Signal(str)

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.setObjectName(self.object_name)
        self.setAccessibleName(self.title)
        # What tells a page apart from a group box of the same name ("Sections" on the
        # dashboard) for a screen reader, and for the accessibility test.
        self.setAccessibleDescription(f"{self.title} page")
        # The bid's one undo history, shared by every page (see ui/undo.py): every saved edit is
        # on it already; `undo_stack.gathering(text)` makes several saves one step. Undo and redo
        # are writes like any other (their change sets update the pages); `applied` only shows
        # the page the edit was made on.
        self.undo_stack: BidUndoStack = history_for(workspace)
        #: What the main window does to a page it builds (icons, names, edits off when read-only),
        #: for the parts a page builds later itself (a tab first built when first shown).
        self.decorate_late: Callable[[QWidget], None] = lambda _widget: None
        self.undo_stack.applied.connect(self._after_undo_or_redo)
        self.undo_stack.failed.connect(self._undo_failed)
        self.undo_stack.changed.connect(self.apply_changes)
        self._stale = False
        self.page_layout = QVBoxLayout(self)
        self.page_layout.addWidget(heading(self.title, f"{self.object_name}Heading"))

    def refresh(self) -> None:
        """Reload what the page shows from the bid file."""
        raise NotImplementedError

    def apply_changes(self, changes: ChangeSet) -> None:
        """Bring what the page shows up to date with one write (called for every built page)."""
        if changes.touches(*self.shows_tables):
            self.update_rows(changes)

    def update_rows(self, changes: ChangeSet) -> None:
        """Update the rows `changes` names; pages that list rows override this.

        This default is for whole-bid summaries (the dashboard, the preflight): shown, they
        recompute now; hidden, they recompute when next shown, so they are never seen stale.
        """
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def save_pending(self) -> bool:
        """Save what the user has typed on this page but not yet saved; False if it cannot be.

        Called before Edit > Undo and Redo, which reload every page and would otherwise throw
        away a field still being typed in. Here: a field that saves when it is finished (on
        Enter or leaving it) is finished now. Pages whose forms save after a pause in typing add
        their own pending saves.
        """
        focused = QApplication.focusWidget()
        if isinstance(focused, QLineEdit) and focused.isModified() and self.isAncestorOf(focused):
            focused.editingFinished.emit()
            focused.setModified(False)
        return True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.undo_stack.current_page = self.object_name
        if self._stale:
            self._stale = False
            self.refresh()

    def _after_undo_or_redo(self, page_name: str, entity: str, entity_uuid: str) -> None:
        if page_name == self.object_name:
            self.show_requested.emit(page_name)
            row_id = self.workspace.row_id(entity, entity_uuid)
            if row_id is not None:
                self.select_item(entity, row_id)

    def _undo_failed(self, message: str) -> None:
        if self.isVisible():
            QMessageBox.warning(self, "Undo", message)

    def select_item(self, kind: str, key: object) -> bool:
        """Show and select an item of `kind` ("task", "section"...) on this page.

        True when the page holds that kind of item and found it; the main window's `open_item`
        switches to the page first. Pages that list nothing a search or the dashboard opens keep
        this default.
        """
        return False

    def apply_settings(self, settings: Settings) -> None:
        """Take up the user's settings (the Export page's default template); most pages need none."""
