"""Starting the GUI: the QApplication, the crash path, and opening bids into the main window."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from crmbid_desktop import APP_NAME, __version__
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services import bid_files
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.store.errors import BidFileError
from crmbid_desktop.ui import crash
from crmbid_desktop.ui.main_window import MainWindow
from crmbid_desktop.ui.window_state import WindowState

log = logging.getLogger(__name__)

#: Set to 1 to make the program print ``painted <seconds since the epoch>`` when the main window
#: first paints, then quit: how tests/benchmarks/bench_startup.py times the built program, and a
#: way for support to time a slow start on a user's laptop. Nothing else changes.
STARTUP_PROBE_ENV = "CRMBID_STARTUP_PROBE"

APP_ICON_SIZES = (16, 32, 48, 64, 128, 256)


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setWindowIcon(app_icon())
    return app


def app_icon() -> QIcon:
    """The program's icon at every size drawn (title bar, task bar, Alt+Tab, Linux docks)."""
    from crmbid_desktop.resources import resources_root

    icons = resources_root() / "icons"
    icon = QIcon()
    for size in APP_ICON_SIZES:
        file = icons / f"app-{size}.png"
        if file.exists():
            icon.addFile(str(file), QSize(size, size))
    if icon.isNull() and (icons / "app.png").exists():
        icon = QIcon(str(icons / "app.png"))
    return icon


class FirstPaintProbe(QObject):
    """Prints the time of the main window's first paint and quits (see STARTUP_PROBE_ENV)."""

    def __init__(self, app: QApplication, window: QWidget) -> None:
        super().__init__(app)
        self._app = app
        self._window = window
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt names it
        if (
            event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.window() is self._window
        ):
            print(f"painted {time.time():.6f}", flush=True)
            self._app.removeEventFilter(self)
            QTimer.singleShot(0, lambda: QApplication.exit(0))
        return False


class BidController:
    """Opens, creates and copies bids for one main window, telling the user when a file is refused."""

    def __init__(
        self, paths: AppPaths, window_state: WindowState, *, interactive: bool = True
    ) -> None:
        self.paths = paths
        self.window_state = window_state
        #: False for unattended runs (--smoke-test): problems go to stderr, never a modal dialog.
        self.interactive = interactive
        self.window: MainWindow | None = None

    def show_error(self, parent: QWidget | None, title: str, message: str) -> None:
        log.warning("%s: %s", title, message)
        if not self.interactive:
            print(f"{title}: {message}", file=sys.stderr)
            return
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=parent)
        box.setObjectName("bidErrorDialog")
        box.exec()

    def start(self, path: Path | None) -> MainWindow | None:
        try:
            if path is None:
                workspace = bid_files.open_default_bid(self.paths)
            else:
                workspace = bid_files.open_workspace(path, self.paths)
        except BidFileError as error:
            self.show_error(None, "Cannot open the bid", error.user_message)
            return None
        return self._show(workspace)

    def _show(self, workspace: Workspace) -> MainWindow:
        if self.window is None:
            self.window = MainWindow(workspace, self.window_state)
            self.window.open_requested.connect(self.open)
            self.window.new_requested.connect(self.create)
            self.window.copy_requested.connect(self.copy)
            self.window.destroyed.connect(lambda: None)
        else:
            previous = self.window.workspace
            self.window.set_workspace(workspace)
            previous.close()
        return self.window

    def open(self, path: Path) -> None:
        if self.window is not None and Path(path).resolve() == self.window.workspace.path:
            return
        try:
            workspace = bid_files.open_workspace(path, self.paths)
        except BidFileError as error:
            self.show_error(self.window, "Cannot open the bid", error.user_message)
            if self.window is not None and not Path(path).exists():
                self.window_state.remove_recent_file(Path(path))
            return
        self._show(workspace)

    def create(self, template: str, path: Path) -> None:
        try:
            workspace = bid_files.new_workspace(path, template)
        except BidFileError as error:
            self.show_error(self.window, "Cannot create the bid", error.user_message)
            return
        self._show(workspace)

    def copy(self, target: Path) -> None:
        if self.window is None:
            return
        try:
            bid_files.save_copy(self.window.workspace, target)
        except (BidFileError, OSError) as error:
            self.show_error(self.window, "Cannot save the copy", str(error))
            return
        self.window.statusBar().showMessage(f"Copy saved as {target}", 8000)

    def close(self) -> None:
        if self.window is not None:
            self.window.workspace.close()


def run_gui(
    paths: AppPaths, path: Path | None, *, smoke_test: bool = False, crash_dialog: bool = True
) -> int:
    """Show the main window on a bid; with `smoke_test`, visit every page and exit."""
    app = make_application()
    crash.route_qt_messages()
    sys.excepthook = crash.make_excepthook(
        show_dialog=crash_dialog and not smoke_test, log_file=str(paths.log_file)
    )
    controller = BidController(paths, WindowState(paths.settings_file), interactive=not smoke_test)
    window = controller.start(path)
    if window is None:
        return 1
    if os.environ.get(STARTUP_PROBE_ENV) == "1":
        FirstPaintProbe(app, window)
    window.show()
    if smoke_test:
        QTimer.singleShot(0, lambda: _visit_pages_and_quit(window))
    code = app.exec()
    controller.close()
    return code


def _visit_pages_and_quit(window: MainWindow) -> None:
    try:
        for index in range(len(window.pages)):
            window.go_to(index)
            window.current_page().refresh()
            QApplication.processEvents()
    except Exception:
        log.exception("Smoke test failed")
        print("smoke test: FAILED (see the log)", file=sys.stderr)
        window.close()
        QApplication.exit(1)
        return
    print(f"smoke test: visited {len(window.pages)} pages of {window.workspace.path}", flush=True)
    window.close()
    QApplication.exit(0)
