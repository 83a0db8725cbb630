"""Starting the GUI: the QApplication, the crash path, the paint probes and the first window.

Opening bids into that window, and asking the user about them, is `ui/bid_controller.py`.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from crmbid_desktop import APP_NAME, __version__
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.errors import ReadOnlyBidError, RefusedEditError
from crmbid_desktop.settings import UserSettings
from crmbid_desktop.ui import crash, icons, style
from crmbid_desktop.ui.bid_controller import BidController
from crmbid_desktop.ui.main_window import MainWindow
from crmbid_desktop.ui.window_state import WindowState

if TYPE_CHECKING:
    from crmbid_desktop.ui.idle_collection import IdleCollector

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
    # Fractional Windows scaling (125%, 150%, 175%) as it is, not rounded to 100% or 200%:
    # Qt 6's default, said here because it must be set before the application exists.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(argv or [sys.argv[0]])
    style.apply_style(app)  # Windows 11's own look where Qt has it (ui/style.py)
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


class AfterFirstPaint(QObject):
    """Runs `callback` once, just after `window` has first painted: start-up work that can wait.

    If the window never paints (started minimised, say), it runs after `fallback_ms` anyway.
    """

    def __init__(
        self,
        app: QApplication,
        window: QWidget,
        callback: Callable[[], None],
        *,
        fallback_ms: int = 5000,
    ) -> None:
        super().__init__(app)
        self._app = app
        self._window = window
        self._callback: Callable[[], None] | None = callback
        app.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt names it
        if (
            event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.window() is self._window
        ):
            self._app.removeEventFilter(self)
            QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            self._app.removeEventFilter(self)
            callback()


def resume_garbage_collection(app: QObject) -> IdleCollector:
    """Switch the collector back on after start-up (app.main switches it off).

    What start-up made (modules, classes, the open bid's window) lives as long as the program, so
    it is frozen out of the collector's sight first: later collections, which run while the user
    types, then walk only what was made since. Full collections are run between actions from
    then on (ui/idle_collection.py), not in the middle of one.
    """
    from crmbid_desktop.ui.idle_collection import IdleCollector

    gc.freeze()
    gc.enable()
    return IdleCollector(app)


def read_only_excepthook(
    base: crash.ExceptHook, parent: Callable[[], QWidget | None]
) -> crash.ExceptHook:
    """An edit that slipped past a disabled control on a read-only bid, or that the server's
    councils' rights refused, gets a plain message."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if isinstance(value, ReadOnlyBidError) and QApplication.instance() is not None:
            log.info("Edit refused on a read-only bid: %s", value)
            box = QMessageBox(
                QMessageBox.Icon.Information,
                "This bid is read-only",
                f"“{value.path.name}” is open read-only, so this change was not made.\n\n"
                "To change the bid, close it where it is open for editing and open it again "
                "here, or save a copy (File > Save a Copy As…) and work on that.",
                parent=parent(),
            )
            box.setObjectName("readOnlyEditDialog")
            box.exec()
            return
        if isinstance(value, RefusedEditError) and QApplication.instance() is not None:
            # The server's councils' rights refused an edit a page did not catch itself.
            log.info("Edit refused by the server's rights: %s", value.reason)
            box = QMessageBox(
                QMessageBox.Icon.Information,
                "Not yours to change",
                value.user_message,
                parent=parent(),
            )
            box.setObjectName("refusedEditDialog")
            box.exec()
            return
        base(kind, value, tb)

    return hook


def run_gui(
    paths: AppPaths,
    path: Path | str | None,
    *,
    smoke_test: bool = False,
    crash_dialog: bool = True,
    crash_trace: Path | None = None,
) -> int:
    """Show the main window on a bid; with `smoke_test`, visit every page and exit.

    `crash_trace` is the file a native crash writes to (app.main arms it), named by the crash
    dialog.
    """
    app = make_application()
    crash.route_qt_messages()
    # What this computer remembers (window state, and the user's settings read once here) is
    # one object handed to the controller and through it to the window.
    remembered = WindowState(paths.settings_file, UserSettings(paths.config_dir))
    controller = BidController(paths, remembered, interactive=not smoke_test)
    sys.excepthook = read_only_excepthook(
        crash.make_excepthook(
            show_dialog=crash_dialog and not smoke_test,
            log_file=str(paths.log_file),
            crash_trace=str(crash_trace) if crash_trace else "",
        ),
        lambda: controller.window,
    )
    icons.hold()  # loading the icon fonts waits until the window has first painted
    window = controller.start(path)
    if window is None:
        return 1
    if os.environ.get(STARTUP_PROBE_ENV) == "1":
        FirstPaintProbe(app, window)
    AfterFirstPaint(app, window, lambda: _after_first_paint(app))
    window.show()
    if not smoke_test and os.environ.get(STARTUP_PROBE_ENV) != "1":
        # Once the window is up: the first start asks for the user's name and council.
        QTimer.singleShot(0, window.ask_name_on_first_start)
    if smoke_test:
        QTimer.singleShot(0, lambda: _visit_pages_and_quit(window))
    code = app.exec()
    controller.close()
    return code


def _after_first_paint(app: QApplication) -> None:
    icons.release()
    resume_garbage_collection(app)


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
    # The style is named so CI can see which one the built program chose under Windows.
    style_name = QApplication.style().name()
    print(
        f"smoke test: visited {len(window.pages)} pages of {window.workspace.path} (style {style_name})",
        flush=True,
    )
    window.close()
    QApplication.exit(0)
