"""The main window: page navigation on the left, the chosen page on the right, File and Go menus."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QThread, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPalette, QUndoGroup
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop import APP_NAME, __version__
from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.paths import BID_SUFFIX
from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.settings import Settings
from crmbid_desktop.ui import edit_commands, icons
from crmbid_desktop.ui.colours import background_colour, text_style
from crmbid_desktop.ui.pages.base import Page
from crmbid_desktop.ui.undo import history_for
from crmbid_desktop.ui.widgets import name_helper_buttons, name_widget
from crmbid_desktop.ui.window_state import WindowState

if TYPE_CHECKING:
    from crmbid_desktop.ui.live_status import LiveStatus

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
    icon: str = ""  # a name in ui/icons.py

    @property
    def menu_text(self) -> str:
        """The title as a menu item: "&" doubled, or Qt takes it for an accelerator."""
        return self.title.replace("&", "&&")

    def load(self) -> type[Page]:
        module = importlib.import_module(f"crmbid_desktop.ui.pages.{self.module}")
        page_type: object = getattr(module, self.class_name)
        assert isinstance(page_type, type) and issubclass(page_type, Page)
        return page_type


#: The pages in navigation order; each is built with the open workspace on its first visit.
PAGES: list[PageSpec] = [
    PageSpec("Dashboard", "dashboardPage", "dashboard_page", "DashboardPage", "dashboard"),
    PageSpec("Partners", "partnersPage", "partners_page", "PartnersPage", "partners"),
    PageSpec("Timetable & Tasks", "timetablePage", "timetable_page", "TimetablePage", "timetable"),
    PageSpec("Sections", "sectionsPage", "sections_page", "SectionsPage", "sections"),
    PageSpec("Criteria", "criteriaPage", "criteria_page", "CriteriaPage", "criteria"),
    PageSpec(
        "Clarifications",
        "clarificationsPage",
        "clarifications_page",
        "ClarificationsPage",
        "clarifications",
    ),
    PageSpec(
        "Sustainability",
        "sustainabilityPage",
        "sustainability_page",
        "SustainabilityPage",
        "sustainability",
    ),
    PageSpec("Export", "exportPage", "export_page", "ExportPage", "export"),
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


def read_only_banner_text(reason: str, *, on_server: bool = False) -> str:
    """The banner over a read-only bid, saying why it is read-only when that is known.

    A bid on a server is never "open elsewhere" (a team shares it), and its copy is a file.
    """
    if on_server:
        why = reason or "this bid on the server was opened read-only"
        copy = "save a copy as a file (File > Save a Copy as a File…)"
    else:
        why = reason or "this bid is open elsewhere or was opened read-only"
        copy = "save a copy (File > Save a Copy As…)"
    return (
        f"Read-only: {why}. You can read and export it, but changes cannot be saved. To work on "
        f"it, {copy} and open that."
    )


#: File menu commands that differ for a bid on a server: (action, text for a file, text on a
#: server, enabled on a server, why, shown on a server as its tooltip and status tip).
PLACE_ACTIONS = (
    (
        "saveCopyAction",
        "Save a &Copy As…",
        "Save a &Copy as a File…",
        True,
        "Make a bid file of this bid as it is now on the server: your own snapshot, to keep or "
        "to email.",
    ),
    (
        "moveToServerAction",
        "&Move to a server…",
        "&Move to a server…",
        False,
        "This bid is already on a server.",
    ),
    (
        "backupsAction",
        "&Backups…",
        "&Backups…",
        False,
        "A bid on a server is backed up by your IT team (pg_dump), not by this program. File > "
        "Save a Copy as a File… keeps a snapshot of your own.",
    ),
)


class MainWindow(QMainWindow):
    """One open bid. Requests to open or create another bid go out as signals."""

    open_requested = Signal(object)  # a file's Path, or a bid on a server's postgresql:// address
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
        self.settings: Settings = window_state.user.current
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
        # A screen reader selects a page through the accessibility interface, which changes the
        # selection but not the current row: follow the selection too.
        self.navigation.itemSelectionChanged.connect(self._follow_selection)

        self.save_state_label = QLabel()
        self.save_state_label.setObjectName("saveState")
        #: Shown while the bid is planned as if today were another day (a rehearsal).
        self.plan_today_label = QLabel()
        self.plan_today_label.setObjectName("planTodayState")
        self.plan_today_label.hide()
        self._shown_plan_today: date | None = None
        self.statusBar().addPermanentWidget(self.plan_today_label)
        self.statusBar().addPermanentWidget(self.save_state_label)
        #: A bid on a shared server: the connection, who is where, the lost-connection banner.
        self.live_status: LiveStatus | None = None

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
            history_for(previous).changed.disconnect(self._on_changed)
        self.workspace = workspace
        workspace.on_saved(self._on_saved)
        # The bid's change stream (ui/undo.py): every built page is connected to it as well,
        # so each page hears of every write, undo and redo included, and updates its rows.
        history_for(workspace).changed.connect(self._on_changed)
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
            item = self.navigation.item(self.navigation.count() - 1)
            if page_type.icon:
                icons.set_icon(item, page_type.icon)
        self._fit_navigation()
        self.navigation.blockSignals(False)
        workspace.user = self.settings.signature
        self._follow_server(workspace)
        self._adopt_computer_plan_today()
        self._show_plan_today()
        self._update_go_menu()
        start = current if current >= 0 else self.window_state.last_page()
        self.navigation.setCurrentRow(min(max(start, 0), len(PAGES) - 1))
        self._show_title()
        self.save_state_label.setText(
            "Read-only: changes cannot be saved" if workspace.read_only else "All changes saved"
        )
        self._apply_read_only(workspace.read_only)
        self._show_place_actions()
        self.window_state.add_recent_file(workspace.place)
        self._update_recent_menu()

    def _follow_server(self, workspace: Workspace) -> None:
        """Other users' writes, presence and the connection, for a bid on a server only."""
        if self.live_status is None and not workspace.bid.on_server:
            return  # a bid file: nothing to listen to (and nothing more to import at start-up)
        if self.live_status is None:
            from crmbid_desktop.ui.live_status import LiveStatus

            self.live_status = LiveStatus(self)
        self.live_status.follow(workspace)

    def set_editing_allowed(self, allowed: bool) -> None:
        """The connection to the server was lost (False) or is back (True): read-only meanwhile."""
        from crmbid_desktop.ui.live_status import pages_editing_allowed

        self._apply_read_only(not allowed)
        pages_editing_allowed(self._built.values(), allowed)

    def _fit_navigation(self) -> None:
        """As wide as the longest page name in the navigation's font, at any display scale."""
        metrics = self.navigation.fontMetrics()
        widest = max(metrics.horizontalAdvance(spec.title) for spec in PAGES)
        icon = self.navigation.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        widest += max(self.navigation.iconSize().width(), icon) + 8  # each page's icon, its gap
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
        self.read_only_banner.setText(
            read_only_banner_text(
                self.workspace.read_only_reason, on_server=self.workspace.bid.on_server
            )
        )
        self.read_only_banner.setVisible(read_only)
        _enable_edits(self, not read_only)
        for action in (self.undo_action, self.redo_action):
            action.setVisible(not read_only)

    def _show_place_actions(self) -> None:
        """The File menu as it fits where the bid lives: on a server, what only a file can do is
        greyed out with its reason (the menu shows tooltips) and Save a Copy makes a file."""
        on_server = self.workspace.bid.on_server
        for name, text_for_file, text_for_server, enabled_on_server, why in PLACE_ACTIONS:
            action = self.findChild(QAction, name)
            assert action is not None
            action.setText(text_for_server if on_server else text_for_file)
            action.setEnabled(enabled_on_server or not on_server)
            action.setToolTip(why if on_server else "")  # "": Qt's own, the text
            action.setStatusTip(why if on_server else "")

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

    def _on_changed(self, changes: ChangeSet) -> None:
        """The window's own part of a write: the bid's title and planning day.

        Pages update their own rows; a new "plan as if today is" day (set, undone, merged)
        changes every date sum, so every built page plans again.
        """
        if changes.touches("bid"):
            self._show_title()
            if self.workspace.plan_today != self._shown_plan_today:
                self._show_plan_today()
                for page in self._built.values():
                    page.refresh()

    # -- pages -------------------------------------------------------------------------------
    def page(self, index: int) -> Page:
        """The page at `index`, built on first use: start-up only pays for the page it shows."""
        page = self._built.get(index)
        if page is None:
            page = PAGES[index].load()(self.workspace)
            self._decorate(page)
            # Tabs a page builds only when first shown get the same treatment then.
            page.decorate_late = self._decorate
            self._built[index] = page
            self.stack.addWidget(page)
            self.undo_group.addStack(page.undo_stack)
            page.open_item_requested.connect(self.open_item)
            page.show_requested.connect(self._show_page_named)
            page.apply_settings(self.settings)
        return page

    def _decorate(self, widget: QWidget) -> None:
        """Icons and screen-reader names for a newly built page (or a part of one built later),
        its edits disabled when the bid is read-only (built late, it missed `_apply_read_only`)."""
        if self.workspace.read_only:
            _enable_edits(widget, False)
        icons.decorate_buttons(widget)
        name_helper_buttons(widget)

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

    def _follow_selection(self) -> None:
        selected = self.navigation.selectedItems()
        if selected:
            row = self.navigation.row(selected[0])
            if row != self.navigation.currentRow():
                self.navigation.setCurrentRow(row)

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
        """Bid-wide details changed: the title bar shows them (pages update from the change set)."""
        self._show_title()

    def _show_title(self) -> None:
        mode = " (read-only)" if self.workspace.read_only else ""
        self.setWindowTitle(f"{self._bid_title()}{mode} — {self.workspace.path} — {APP_NAME}")

    def welcome_dialog(self) -> QDialog:
        from crmbid_desktop.ui.welcome_dialog import WelcomeDialog

        return WelcomeDialog(self.settings, self._partner_names(), self)

    def ask_name_on_first_start(self) -> None:
        """First start: ask once for the user's name and council (skippable; Settings later)."""
        if self.settings.name_asked or self.settings.user_name:
            return
        from crmbid_desktop.ui.welcome_dialog import WelcomeDialog

        dialog = self.welcome_dialog()
        assert isinstance(dialog, WelcomeDialog)
        dialog.exec()
        self.apply_settings(dialog.settings())
        dialog.deleteLater()

    def _partner_names(self) -> list[str]:
        from crmbid_desktop.services.registers.partners import council_names

        return [name for _partner_id, name in council_names(self.workspace)]

    def plan_today_dialog(self) -> QDialog:
        from crmbid_desktop.ui.plan_today_dialog import PlanTodayDialog

        return PlanTodayDialog(self.workspace.plan_today, self)

    def ask_plan_today(self) -> None:
        """File > Plan as if today is…: rehearse, train or look back with another "today"."""
        from crmbid_desktop.ui.plan_today_dialog import PlanTodayDialog

        dialog = self.plan_today_dialog()
        assert isinstance(dialog, PlanTodayDialog)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_plan_today(dialog.day())
        dialog.deleteLater()

    def set_plan_today(self, day: date | None) -> None:
        """Plan the open bid as if today were `day` (None: the computer's date).

        Saved in the bid as one undoable edit; `_on_changed` then shows it and re-plans pages.
        """
        from crmbid_desktop.services.bid import planning_date
        from crmbid_desktop.services.bid.errors import BidFileError

        try:
            planning_date.set_day(self.workspace, day)
        except (BidFileError, OSError) as error:  # a locked or vanished file: say so
            QMessageBox.warning(
                self,
                "Cannot change the planning day",
                f"“Plan as if today is” could not be saved in the bid: {error}",
            )

    def _adopt_computer_plan_today(self) -> None:
        """Move a day an earlier version kept on this computer into the bid, once."""
        from crmbid_desktop.services.bid import planning_date
        from crmbid_desktop.services.bid.errors import BidFileError

        if self.workspace.bid.on_server:
            return  # earlier versions kept the day for bid files only
        path = self.workspace.path
        kept = self.window_state.plan_today(path)
        if kept is None or self.workspace.read_only:
            return  # read-only: it stays here until the bid is opened for editing
        try:
            planning_date.adopt_computer_day(self.workspace, kept)
        except (BidFileError, OSError):
            return  # kept here to try again next time; the bid's own day (or none) is used
        self.window_state.save_plan_today(path, None)

    def _show_plan_today(self) -> None:
        day = self.workspace.plan_today
        self._shown_plan_today = day
        self.plan_today_label.setVisible(day is not None)
        if day is not None:
            self.plan_today_label.setText(f"This bid plans as if today is {format_date(day)}")
            self.plan_today_label.setToolTip(
                "Kept in the bid, so everyone with this bid or a partner's copy of it plans from "
                "the same day. File > Plan as if today is… changes it."
            )
            self.plan_today_label.setStyleSheet(text_style("warning", self, bold=True))

    def edit_settings(self) -> None:
        dialog = self.settings_dialog()
        assert isinstance(dialog, QDialog)
        dialog.exec()
        dialog.deleteLater()

    def apply_settings(self, new: Settings) -> None:
        """Keep the user's new settings, and use them from now on."""
        try:
            self.window_state.user.save(new)
        except OSError as error:
            QMessageBox.warning(
                self, "Cannot save the settings", f"The settings could not be saved: {error}"
            )
            return
        self.settings = new
        self.workspace.user = new.signature
        for page in self._built.values():
            page.apply_settings(new)
        self.settings_changed.emit(new)
        self.statusBar().showMessage("Settings saved", 5000)

    def shortcut_rows(self) -> list[object]:
        """Every shortcut, from the menus and from every page (building the pages not seen)."""
        from crmbid_desktop.ui.shortcuts_dialog import (
            MOVING_AROUND,
            menu_shortcuts,
            widget_shortcuts,
        )

        rows: list[object] = list(menu_shortcuts(self.menuBar()))
        for page in self.pages:
            rows.extend(widget_shortcuts(page, f"{page.title} page"))
        rows.extend(MOVING_AROUND)
        return rows

    def show_shortcuts(self) -> None:
        from crmbid_desktop.ui.shortcuts_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(self.shortcut_rows(), self)  # type: ignore[arg-type]
        dialog.exec()
        dialog.deleteLater()

    # -- menus -------------------------------------------------------------------------------
    def _action(
        self,
        text: str,
        name: str,
        slot: Callable[[], object],
        shortcut: str = "",
        icon: str = "",
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if icon:
            icons.set_icon(action, icon)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.setObjectName("fileMenu")
        file_menu.setToolTipsVisible(True)  # why a command is greyed out on a server
        new_menu = file_menu.addMenu("&New bid")
        new_menu.addAction(
            self._action(
                "From the ODPM CRM 2005 template…",
                "newFromTemplateAction",
                lambda: self._ask_new("odpm-crm-2005"),
                "Ctrl+N",
                "new",
            )
        )
        new_menu.addAction(self._action("Blank…", "newBlankAction", lambda: self._ask_new("blank")))
        file_menu.addAction(
            self._action("&Open…", "openAction", self._ask_open, "Ctrl+O", "open-file")
        )
        file_menu.addAction(
            self._action("Open from ser&ver…", "openFromServerAction", self._ask_open_from_server)
        )
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.setObjectName("recentMenu")
        # Every change is saved as it is made; Ctrl+S, pressed out of habit, saves what is still
        # being typed and says so.
        file_menu.addAction(self._action("&Save", "saveAction", self.save_now, "Ctrl+S", "save"))
        file_menu.addAction(
            self._action("Save a &Copy As…", "saveCopyAction", self._ask_copy, "Ctrl+Shift+S")
        )
        file_menu.addAction(
            self._action("&Move to a server…", "moveToServerAction", self._ask_move_to_server)
        )
        details = self._action(
            "Bid &details…", "bidDetailsAction", self.edit_bid_details, "", "details"
        )
        details.setProperty(EDITS_BID_PROPERTY, True)
        file_menu.addAction(details)
        file_menu.addAction(
            self._action("&Plan as if today is…", "planTodayAction", self.ask_plan_today)
        )
        file_menu.addAction(
            self._action("&Backups…", "backupsAction", self.backups_requested.emit, "", "backups")
        )
        file_menu.addAction(
            self._action("Se&ttings…", "settingsAction", self.edit_settings, "Ctrl+,", "settings")
        )
        file_menu.addSeparator()
        self._add_partner_actions(file_menu)
        file_menu.addSeparator()
        file_menu.addAction(self._action("E&xit", "exitAction", self.close, "Ctrl+Q", "exit"))

        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.setObjectName("editMenu")
        undo = self.undo_group.createUndoAction(self, "&Undo")
        undo.setObjectName("undoAction")
        undo.setProperty("commandName", "Undo")  # its text names the last edit
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        icons.set_icon(undo, "undo")
        redo = self.undo_group.createRedoAction(self, "&Redo")
        redo.setObjectName("redoAction")
        redo.setProperty("commandName", "Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        icons.set_icon(redo, "redo")
        # Undo and redo rewrite rows that may be open in a form, so what is being typed is saved
        # first (and so becomes the step Undo takes back) rather than lost: the group's own
        # trigger is replaced.
        for action, step in ((undo, self.undo_group.undo), (redo, self.undo_group.redo)):
            action.triggered.disconnect()
            action.triggered.connect(
                lambda _checked=False, step=step: self._step_through_history(step)
            )
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        edit_menu.addSeparator()
        self.clipboard_actions: dict[str, QAction] = {}
        for text, name, command, key, icon in (
            ("Cu&t", "cutAction", edit_commands.CUT, QKeySequence.StandardKey.Cut, "cut"),
            ("&Copy", "copyAction", edit_commands.COPY, QKeySequence.StandardKey.Copy, "copy"),
            ("&Paste", "pasteAction", edit_commands.PASTE, QKeySequence.StandardKey.Paste, "paste"),
            (
                "Select &All",
                "selectAllAction",
                edit_commands.SELECT_ALL,
                QKeySequence.StandardKey.SelectAll,
                "select-all",
            ),
        ):
            action = self._action(
                text,
                name,
                lambda _checked=False, c=command: edit_commands.run(c),  # type: ignore[misc]
                icon=icon,
            )
            action.setShortcut(QKeySequence(key))
            edit_menu.addAction(action)
            self.clipboard_actions[command] = action
        # Greyed out when they would do nothing for the field or table that has the focus.
        edit_menu.aboutToShow.connect(self._update_clipboard_actions)
        edit_menu.aboutToHide.connect(self._enable_clipboard_actions)
        edit_menu.addSeparator()
        edit_menu.addAction(self._action("&Find…", "findAction", self.open_find, "Ctrl+F", "find"))
        self.undo_action, self.redo_action = undo, redo
        self.edit_menu = edit_menu

        self.go_menu = self.menuBar().addMenu("&Go")
        self.go_menu.setObjectName("goMenu")

        help_menu = self.menuBar().addMenu("&Help")
        help_menu.setObjectName("helpMenu")
        help_menu.addAction(
            self._action(
                "&Keyboard shortcuts…", "shortcutsAction", self.show_shortcuts, "F1", "keyboard"
            )
        )
        help_menu.addAction(self._action("&About CRM Bid Desktop", "aboutAction", self._about))

    def _update_clipboard_actions(self) -> None:
        focused = QApplication.focusWidget()
        for command, action in self.clipboard_actions.items():
            action.setEnabled(edit_commands.can(command, focused))

    def _enable_clipboard_actions(self) -> None:
        # The shortcuts must keep working once the menu closes; run() checks again.
        for action in self.clipboard_actions.values():
            action.setEnabled(True)

    def save_now(self) -> bool:
        """File > Save (Ctrl+S): save what is still being typed, then say all is saved."""
        if self.workspace.read_only:
            self.statusBar().showMessage("This bid is open read-only: nothing can be saved.", 8000)
            return False
        if not self.current_page().save_pending():
            self.statusBar().showMessage(
                "Not saved: correct the field marked on this page, then press Ctrl+S again.",
                10_000,
            )
            return False
        self.save_state_label.setText("All changes saved")
        self.statusBar().showMessage(
            "All changes saved. Every change is saved as you make it: Ctrl+S is never needed.",
            8000,
        )
        return True

    def _add_partner_actions(self, menu: QMenu) -> None:
        """Working offline with partners (issue 10); dialogs load only when used."""
        specs = [
            ("Send sections to a partner…", "sendSectionsAction", "send_sections", False, "send"),
            ("Take back a returned Word file…", "takeBackAction", "take_back", True, "take-back"),
            (
                "Save a copy for a partner…",
                "partnerCopyAction",
                "save_copy_for_partner",
                True,
                "save-copy",
            ),
            ("Merge a partner's copy…", "mergeCopyAction", "merge_copy", True, "merge"),
        ]
        for text, name, function, edits, icon in specs:
            action = QAction(text, self)
            action.setObjectName(name)
            icons.set_icon(action, icon)
            action.triggered.connect(lambda _checked=False, f=function: self._partner_command(f))
            if edits:
                action.setProperty(EDITS_BID_PROPERTY, True)
            menu.addAction(action)

    def _partner_command(self, function: str) -> None:
        from crmbid_desktop.ui.exchange import actions

        # What the command changed reaches every page as a change set, like any other write.
        getattr(actions, function)(self, self.workspace)

    def _update_go_menu(self) -> None:
        self.go_menu.clear()
        for index, page in enumerate(PAGES):
            self.go_menu.addAction(
                self._action(
                    page.menu_text,
                    f"goTo{page.object_name[0].upper()}{page.object_name[1:]}",
                    lambda _checked=False, index=index: self.go_to(index),  # type: ignore[misc]
                    f"Ctrl+{index + 1}",
                    page.icon,
                )
            )

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.window_state.recent_files()
        for path in recent:
            action = QAction(str(path).replace("&", "&&"), self)  # "R&D bid" is no accelerator
            action.triggered.connect(lambda _checked=False, p=path: self.open_requested.emit(p))
            self.recent_menu.addAction(action)
        self.recent_menu.setEnabled(bool(recent))

    def _ask_new(self, template: str) -> None:
        from crmbid_desktop.ui.dialog_folders import ask_save

        target = ask_save(
            self, self.workspace, "Create a new bid", f"New bid{BID_SUFFIX}", BID_FILTER
        )
        if target:
            path = Path(target)
            if path.suffix.lower() != BID_SUFFIX:
                path = path.with_name(path.name + BID_SUFFIX)
            self.new_requested.emit(template, path)

    def _ask_open(self) -> None:
        from crmbid_desktop.ui.dialog_folders import ask_open

        target = ask_open(self, self.workspace, "Open a bid", BID_FILTER)
        if target:
            self.open_requested.emit(Path(target))

    def _ask_open_from_server(self) -> None:
        from crmbid_desktop.ui.server_dialog import ask_server_address

        start = str(self.workspace.place) if self.workspace.bid.on_server else ""
        url = ask_server_address(
            self,
            "Open a bid from a server",
            "Open a bid that your team shares on a PostgreSQL server.",
            start,
        )
        if url:
            self.open_requested.emit(url)

    def _ask_move_to_server(self) -> None:
        """Copy this bid file, history, versions and letters included, into an empty database."""
        from crmbid_desktop.services.bid import bid_files
        from crmbid_desktop.services.bid.errors import BidFileError
        from crmbid_desktop.ui.progress import CANCELLED, run_with_progress
        from crmbid_desktop.ui.server_dialog import ask_server_address

        if self.workspace.bid.on_server:
            QMessageBox.information(
                self,
                "Already on a server",
                "This bid is already on a server. File > Save a Copy as a File… makes a file of it.",
            )
            return
        url = ask_server_address(
            self,
            "Move this bid to a server",
            f"Copy “{self.workspace.path.name}” (its history, versions and letters included) "
            "into an empty database on a PostgreSQL server, so your team can work on it at once. "
            "The file itself is not changed.",
        )
        if not url:
            return
        self.save_now()
        try:
            copied = run_with_progress(
                self,
                "Moving the bid to a server",
                f"Copying “{self.workspace.path.name}” to the server…",
                lambda _progress: bid_files.move_to_server(
                    self.workspace.path, url, user=self.workspace.user
                ),
            )
        except (BidFileError, ValueError, OSError) as error:
            message = error.user_message if isinstance(error, BidFileError) else str(error)
            QMessageBox.warning(self, "The bid was not moved", message)
            return
        if copied is CANCELLED:
            return
        answer = QMessageBox.question(
            self,
            "The bid is on the server",
            f"The bid was copied to {url}. Open it there now? From then on, work on the server "
            "copy: edits made to the file are not seen by the team.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.open_requested.emit(url)

    def _ask_copy(self) -> None:
        from crmbid_desktop.ui.dialog_folders import ask_save, bid_stem

        name = f"{bid_stem(self.workspace)} copy{BID_SUFFIX}"
        target = ask_save(self, self.workspace, "Save a copy of this bid", name, BID_FILTER)
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
            QTimer.singleShot(0, self._stop_listening)

    def _stop_listening(self) -> None:
        self.workspace.remove_saved_listener(self._on_saved)
        if self.live_status is not None:
            self.live_status.stop()


def _enable_edits(root: QWidget, enabled: bool) -> None:
    """Enable or disable every widget and action under `root` marked as editing the bid."""
    for widget in root.findChildren(QWidget):
        if widget.property(EDITS_BID_PROPERTY) is True:
            widget.setEnabled(enabled)
    for action in root.findChildren(QAction):
        if action.property(EDITS_BID_PROPERTY) is True:
            action.setEnabled(enabled)
