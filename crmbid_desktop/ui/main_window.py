"""The main window: page navigation on the left, the chosen page on the right, File and Go menus."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QThread, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPalette, QUndoGroup
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop import APP_NAME, __version__
from crmbid_desktop import settings as user_settings
from crmbid_desktop.paths import BID_SUFFIX
from crmbid_desktop.services.workspace import Workspace, default_user_name
from crmbid_desktop.settings import Settings
from crmbid_desktop.ui.colours import background_colour
from crmbid_desktop.ui.pages.base import Page
from crmbid_desktop.ui.widgets import name_widget
from crmbid_desktop.ui.window_state import WindowState

BID_FILTER = f"CRM bids (*{BID_SUFFIX});;All files (*)"

#: Widgets and actions that change the bid set this dynamic property to True; a read-only bid
#: disables them. Anything missed is still refused by the store with a clear message.
EDITS_BID_PROPERTY = "editsBid"


@dataclass(frozen=True)
class PageSpec:
    """A page named without importing it: start-up loads only the module of the page it shows."""

    title: str
    object_name: str
    module: str  # under crmbid_desktop.ui.pages
    class_name: str

    def load(self) -> type[Page]:
        module = importlib.import_module(f"crmbid_desktop.ui.pages.{self.module}")
        page_type: object = getattr(module, self.class_name)
        assert isinstance(page_type, type) and issubclass(page_type, Page)
        return page_type


#: The pages in navigation order; each is built with the open workspace on its first visit.
PAGES: list[PageSpec] = [
    PageSpec("Dashboard", "dashboardPage", "dashboard_page", "DashboardPage"),
    PageSpec("Partners", "partnersPage", "partners_page", "PartnersPage"),
    PageSpec("Timetable & Tasks", "timetablePage", "timetable_page", "TimetablePage"),
    PageSpec("Sections", "sectionsPage", "sections_page", "SectionsPage"),
    PageSpec("Criteria", "criteriaPage", "criteria_page", "CriteriaPage"),
    PageSpec("Clarifications", "clarificationsPage", "clarifications_page", "ClarificationsPage"),
    PageSpec("Sustainability", "sustainabilityPage", "sustainability_page", "SustainabilityPage"),
    PageSpec("Export", "exportPage", "export_page", "ExportPage"),
]

#: Which page shows each kind of item that the dashboard and search open.
ITEM_PAGES: dict[str, str] = {
    "partner": "partnersPage",
    "task": "timetablePage",
    "milestone": "timetablePage",
    "section": "sectionsPage",
    "criterion": "criteriaPage",
    "product": "sustainabilityPage",
    "risk": "sustainabilityPage",
    "clarification": "clarificationsPage",
}


def read_only_banner_text(reason: str) -> str:
    """The banner over a read-only bid, saying why it is read-only when that is known."""
    why = reason or "this bid is open elsewhere or was opened read-only"
    return (
        f"Read-only: {why}. You can read and export it, but changes cannot be saved. To work on "
        "it, save a copy (File > Save a Copy As…) and open that."
    )


class MainWindow(QMainWindow):
    """One open bid. Requests to open or create another bid go out as signals."""

    open_requested = Signal(Path)
    new_requested = Signal(str, Path)  # template name, target file
    copy_requested = Signal(Path)
    backups_requested = Signal()
    settings_changed = Signal(object)  # Settings, after the user saved them
    #: An edit saved by a worker thread (import, merge): shown once it reaches the GUI thread.
    _saved_elsewhere = Signal(str)

    def __init__(self, workspace: Workspace, window_state: WindowState) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.workspace = workspace
        self.window_state = window_state
        self._built: dict[int, Page] = {}
        self.undo_group = QUndoGroup(self)
        self._saved_elsewhere.connect(self._on_saved, Qt.ConnectionType.QueuedConnection)
        self.settings: Settings = user_settings.load(window_state.config_dir)
        self._search_dialog: QWidget | None = None

        self.navigation = QListWidget()
        name_widget(self.navigation, "pageNavigation", "Pages")
        self.navigation.setSpacing(3)
        nav_font = self.navigation.font()
        nav_font.setPointSizeF(nav_font.pointSizeF() * 1.15)
        self.navigation.setFont(nav_font)
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        self.stack.setObjectName("pageStack")
        self.read_only_banner = QLabel(read_only_banner_text(""))
        self.read_only_banner.setObjectName("readOnlyBanner")
        self.read_only_banner.setAccessibleName("Read-only notice")
        self.read_only_banner.setWordWrap(True)
        self._style_banner()
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(6, 6, 6, 0)
        outer.addWidget(self.read_only_banner)
        layout = QHBoxLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        outer.addLayout(layout, 1)
        self.setCentralWidget(central)
        self.navigation.currentRowChanged.connect(self._show_page)

        self.save_state_label = QLabel()
        self.save_state_label.setObjectName("saveState")
        self.statusBar().addPermanentWidget(self.save_state_label)

        self._build_menus()
        self.set_workspace(workspace)
        geometry = window_state.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 780)

    # -- bid ---------------------------------------------------------------------------------
    def set_workspace(self, workspace: Workspace) -> None:
        """Show another open bid (File > Open): pages are rebuilt over it."""
        previous = getattr(self, "_listening_to", None)
        if previous is not None:
            previous.remove_saved_listener(self._on_saved)
        self.workspace = workspace
        workspace.on_saved(self._on_saved)
        self._listening_to: Workspace | None = workspace
        current = self.navigation.currentRow()
        for page in self._built.values():
            self.undo_group.removeStack(page.undo_stack)
            self.stack.removeWidget(page)
            page.deleteLater()
        self._built = {}
        self.navigation.blockSignals(True)
        self.navigation.clear()
        for page_type in PAGES:
            self.navigation.addItem(page_type.title)
        self._fit_navigation()
        self.navigation.blockSignals(False)
        workspace.user = self.settings.author or default_user_name()
        self._update_go_menu()
        start = current if current >= 0 else self.window_state.last_page()
        self.navigation.setCurrentRow(min(max(start, 0), len(PAGES) - 1))
        mode = " (read-only)" if workspace.read_only else ""
        self.setWindowTitle(f"{self._bid_title()}{mode} — {workspace.path} — {APP_NAME}")
        self.save_state_label.setText(
            "Read-only: changes cannot be saved" if workspace.read_only else "All changes saved"
        )
        self._apply_read_only(workspace.read_only)
        self.window_state.add_recent_file(workspace.path)
        self._update_recent_menu()

    def _fit_navigation(self) -> None:
        """As wide as the longest page name in the navigation's font, at any display scale."""
        metrics = self.navigation.fontMetrics()
        widest = max(metrics.horizontalAdvance(spec.title) for spec in PAGES)
        padding = 2 * self.navigation.frameWidth() + 2 * self.navigation.spacing()
        self.navigation.setFixedWidth(widest + padding + metrics.averageCharWidth() * 4)

    def _style_banner(self) -> None:
        background = background_colour("notice", self)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        self.read_only_banner.setStyleSheet(
            f"QLabel {{ background: {background.name()}; color: {text.name()};"
            " border: 1px solid #c8a431; padding: 6px 10px; font-weight: bold; }"
        )

    def _apply_read_only(self, read_only: bool) -> None:
        """Show the banner and disable what edits the bid when it is open read-only."""
        self.read_only_banner.setText(read_only_banner_text(self.workspace.bid.read_only_reason))
        self.read_only_banner.setVisible(read_only)
        _enable_edits(self, not read_only)
        for action in (self.undo_action, self.redo_action):
            action.setVisible(not read_only)

    def _bid_title(self) -> str:
        return self.workspace.bid_title()

    def _on_saved(self, summary: str) -> None:
        try:
            if QThread.currentThread() is not self.thread():
                self._saved_elsewhere.emit(summary)  # widgets are touched on the GUI thread only
                return
            self.save_state_label.setText("All changes saved")
            self.statusBar().showMessage(summary, 5000)
        except RuntimeError:
            # The window's C++ side is gone (a page saved while the program shut down); the edit
            # itself is committed, there is just nothing left to tell.
            self.workspace.remove_saved_listener(self._on_saved)

    # -- pages -------------------------------------------------------------------------------
    def page(self, index: int) -> Page:
        """The page at `index`, built on first use: start-up only pays for the page it shows."""
        page = self._built.get(index)
        if page is None:
            page = PAGES[index].load()(self.workspace)
            if self.workspace.read_only:  # pages are built late, so disable their edits here too
                _enable_edits(page, False)
            self._built[index] = page
            self.stack.addWidget(page)
            self.undo_group.addStack(page.undo_stack)
            page.open_item_requested.connect(self.open_item)
            page.show_requested.connect(self._show_page_named)
            page.apply_settings(self.settings)
        return page

    @property
    def pages(self) -> list[Page]:
        """Every page, building those not visited yet."""
        return [self.page(index) for index in range(len(PAGES))]

    def _show_page(self, index: int) -> None:
        if 0 <= index < len(PAGES):
            page = self.page(index)
            if self.stack.currentWidget() is not page:
                self.stack.setCurrentWidget(page)
            self.undo_group.setActiveStack(page.undo_stack)
            self.window_state.save_last_page(index)

    def _step_through_history(self, step: Callable[[], None]) -> None:
        """Edit > Undo or Redo: save what is being typed on the page shown, then take the step."""
        if not self.current_page().save_pending():
            self.statusBar().showMessage(
                "Nothing was undone: correct the field marked on this page first. Undo and redo "
                "reload the page and would lose what you typed.",
                10_000,
            )
            return
        step()

    def _show_page_named(self, object_name: str) -> None:
        """Go to the page an undone or redone edit was made on."""
        for index, spec in enumerate(PAGES):
            if spec.object_name == object_name:
                self.go_to(index)

    def current_page(self) -> Page:
        page = self.stack.currentWidget()
        assert isinstance(page, Page)
        return page

    def go_to(self, index: int) -> None:
        self.navigation.setCurrentRow(index)

    def open_item(self, kind: str, key: object) -> bool:
        """Show an item on its own page ("task", 12): what the dashboard and search open."""
        if kind == "bid":  # the bid's own details (contact, letter) live in a dialog
            self.edit_bid_details()
            return True
        name = ITEM_PAGES.get(kind)
        index = next((i for i, spec in enumerate(PAGES) if spec.object_name == name), None)
        if index is None:
            return False
        self.go_to(index)
        found = self.page(index).select_item(kind, key)
        if not found:
            self.statusBar().showMessage(f"That {kind} is no longer in the bid.", 5000)
        return found

    # -- find, settings, shortcuts -----------------------------------------------------------
    def search_dialog(self) -> QWidget:
        from crmbid_desktop.ui.search_dialog import SearchDialog  # only once Ctrl+F is pressed

        dialog = self._search_dialog
        if not isinstance(dialog, SearchDialog):
            dialog = SearchDialog(self.workspace, self)
            dialog.open_requested.connect(self.open_item)
            self._search_dialog = dialog
        elif dialog.workspace is not self.workspace:
            dialog.set_workspace(self.workspace)
        return dialog

    def open_find(self) -> None:
        from crmbid_desktop.ui.search_dialog import SearchDialog

        dialog = self.search_dialog()
        assert isinstance(dialog, SearchDialog)
        dialog.start()

    def settings_dialog(self) -> QWidget:
        from crmbid_desktop.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.settings()))
        return dialog

    def bid_details_dialog(self) -> QDialog:
        from crmbid_desktop.ui.bid_details_dialog import BidDetailsDialog

        return BidDetailsDialog(self.workspace, self)

    def edit_bid_details(self) -> None:
        """File > Bid details…: title, reference, contact and bid settings (one undoable edit)."""
        dialog = self.bid_details_dialog()
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.show_bid_changed()
        dialog.deleteLater()

    def show_bid_changed(self) -> None:
        """Bid-wide details changed: the title bar and every page built so far show them anew."""
        mode = " (read-only)" if self.workspace.read_only else ""
        self.setWindowTitle(f"{self._bid_title()}{mode} — {self.workspace.path} — {APP_NAME}")
        for page in self._built.values():
            page.refresh()

    def edit_settings(self) -> None:
        dialog = self.settings_dialog()
        assert isinstance(dialog, QDialog)
        dialog.exec()
        dialog.deleteLater()

    def apply_settings(self, new: Settings) -> None:
        """Keep the user's new settings, and use them from now on."""
        try:
            user_settings.save(self.window_state.config_dir, new)
        except OSError as error:
            QMessageBox.warning(
                self, "Cannot save the settings", f"The settings could not be saved: {error}"
            )
            return
        self.settings = new
        self.workspace.user = new.author or default_user_name()
        for page in self._built.values():
            page.apply_settings(new)
        self.settings_changed.emit(new)
        self.statusBar().showMessage("Settings saved", 5000)

    def shortcut_rows(self) -> list[object]:
        """Every shortcut, from the menus and from every page (building the pages not seen)."""
        from crmbid_desktop.ui.shortcuts_dialog import menu_shortcuts, widget_shortcuts

        rows: list[object] = list(menu_shortcuts(self.menuBar()))
        for page in self.pages:
            rows.extend(widget_shortcuts(page, f"{page.title} page"))
        return rows

    def show_shortcuts(self) -> None:
        from crmbid_desktop.ui.shortcuts_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(self.shortcut_rows(), self)  # type: ignore[arg-type]
        dialog.exec()
        dialog.deleteLater()

    # -- menus -------------------------------------------------------------------------------
    def _action(
        self, text: str, name: str, slot: Callable[[], object], shortcut: str = ""
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.setObjectName("fileMenu")
        new_menu = file_menu.addMenu("&New bid")
        new_menu.addAction(
            self._action(
                "From the ODPM CRM 2005 template…",
                "newFromTemplateAction",
                lambda: self._ask_new("odpm-crm-2005"),
                "Ctrl+N",
            )
        )
        new_menu.addAction(self._action("Blank…", "newBlankAction", lambda: self._ask_new("blank")))
        file_menu.addAction(self._action("&Open…", "openAction", self._ask_open, "Ctrl+O"))
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.setObjectName("recentMenu")
        file_menu.addAction(
            self._action("Save a &Copy As…", "saveCopyAction", self._ask_copy, "Ctrl+Shift+S")
        )
        details = self._action("Bid &details…", "bidDetailsAction", self.edit_bid_details)
        details.setProperty(EDITS_BID_PROPERTY, True)
        file_menu.addAction(details)
        file_menu.addAction(self._action("&Backups…", "backupsAction", self.backups_requested.emit))
        file_menu.addAction(
            self._action("Se&ttings…", "settingsAction", self.edit_settings, "Ctrl+,")
        )
        file_menu.addSeparator()
        self._add_partner_actions(file_menu)
        file_menu.addSeparator()
        file_menu.addAction(self._action("E&xit", "exitAction", self.close, "Ctrl+Q"))

        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.setObjectName("editMenu")
        undo = self.undo_group.createUndoAction(self, "&Undo")
        undo.setObjectName("undoAction")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_group.createRedoAction(self, "&Redo")
        redo.setObjectName("redoAction")
        redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        # Undo and redo reload every page, so what is being typed is saved first (and so becomes
        # the step that Undo takes back) rather than lost: the group's own trigger is replaced.
        for action, step in ((undo, self.undo_group.undo), (redo, self.undo_group.redo)):
            action.triggered.disconnect()
            action.triggered.connect(
                lambda _checked=False, step=step: self._step_through_history(step)
            )
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        edit_menu.addSeparator()
        edit_menu.addAction(self._action("&Find…", "findAction", self.open_find, "Ctrl+F"))
        self.undo_action, self.redo_action = undo, redo
        self.edit_menu = edit_menu

        self.go_menu = self.menuBar().addMenu("&Go")
        self.go_menu.setObjectName("goMenu")

        help_menu = self.menuBar().addMenu("&Help")
        help_menu.setObjectName("helpMenu")
        help_menu.addAction(
            self._action("&Keyboard shortcuts…", "shortcutsAction", self.show_shortcuts, "F1")
        )
        help_menu.addAction(self._action("&About CRM Bid Desktop", "aboutAction", self._about))

    def _add_partner_actions(self, menu: QMenu) -> None:
        """Working offline with partners (issue 10); dialogs load only when used."""
        specs = [
            ("Send sections to a partner…", "sendSectionsAction", "send_sections", False),
            ("Take back a returned Word file…", "takeBackAction", "take_back", True),
            ("Save a copy for a partner…", "partnerCopyAction", "save_copy_for_partner", True),
            ("Merge a partner's copy…", "mergeCopyAction", "merge_copy", True),
        ]
        for text, name, function, edits in specs:
            action = QAction(text, self)
            action.setObjectName(name)
            action.triggered.connect(lambda _checked=False, f=function: self._partner_command(f))
            if edits:
                action.setProperty(EDITS_BID_PROPERTY, True)
            menu.addAction(action)

    def _partner_command(self, function: str) -> None:
        from crmbid_desktop.ui.exchange import actions

        result = getattr(actions, function)(self, self.workspace)
        if result:
            self.current_page().refresh()

    def _update_go_menu(self) -> None:
        self.go_menu.clear()
        for index, page in enumerate(PAGES):
            self.go_menu.addAction(
                self._action(
                    page.title,
                    f"goTo{page.object_name[0].upper()}{page.object_name[1:]}",
                    lambda _checked=False, index=index: self.go_to(index),  # type: ignore[misc]
                    f"Ctrl+{index + 1}",
                )
            )

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.window_state.recent_files()
        for path in recent:
            action = QAction(str(path), self)
            action.triggered.connect(lambda _checked=False, p=path: self.open_requested.emit(p))
            self.recent_menu.addAction(action)
        self.recent_menu.setEnabled(bool(recent))

    def _ask_new(self, template: str) -> None:
        start = str(self.workspace.path.parent / f"New bid{BID_SUFFIX}")
        target, _ = QFileDialog.getSaveFileName(self, "Create a new bid", start, BID_FILTER)
        if target:
            path = Path(target)
            if path.suffix.lower() != BID_SUFFIX:
                path = path.with_name(path.name + BID_SUFFIX)
            self.new_requested.emit(template, path)

    def _ask_open(self) -> None:
        target, _ = QFileDialog.getOpenFileName(
            self, "Open a bid", str(self.workspace.path.parent), BID_FILTER
        )
        if target:
            self.open_requested.emit(Path(target))

    def _ask_copy(self) -> None:
        start = str(self.workspace.path.with_name(f"{self.workspace.path.stem} copy{BID_SUFFIX}"))
        target, _ = QFileDialog.getSaveFileName(self, "Save a copy of this bid", start, BID_FILTER)
        if target:
            path = Path(target)
            if path.suffix.lower() != BID_SUFFIX:
                path = path.with_name(path.name + BID_SUFFIX)
            self.copy_requested.emit(path)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<b>{APP_NAME}</b> {__version__}<br>"
            "Plans, writes and exports a joint council bid for the ODPM's CRM National Project.",
        )

    # -- closing -----------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.window_state.save_geometry(self.saveGeometry())
        self.window_state.sync()
        super().closeEvent(event)
        if event.isAccepted():
            # Pages save what is pending as they hide, which happens after this returns; let
            # those saves reach the status bar, then stop listening once the events are done.
            QTimer.singleShot(0, lambda: self.workspace.remove_saved_listener(self._on_saved))


def _enable_edits(root: QWidget, enabled: bool) -> None:
    """Enable or disable every widget and action under `root` marked as editing the bid."""
    for widget in root.findChildren(QWidget):
        if widget.property(EDITS_BID_PROPERTY) is True:
            widget.setEnabled(enabled)
    for action in root.findChildren(QAction):
        if action.property(EDITS_BID_PROPERTY) is True:
            action.setEnabled(enabled)
