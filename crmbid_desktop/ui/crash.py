"""Crash path: unhandled exceptions are logged and shown with copyable details; Qt messages go to logging."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("crmbid_desktop")
qt_log = logging.getLogger("qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def _qt_message(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    where = f" ({context.category})" if context.category and context.category != "default" else ""
    qt_log.log(_QT_LEVELS.get(mode, logging.WARNING), "%s%s", message, where)


def route_qt_messages() -> None:
    qInstallMessageHandler(_qt_message)


def crash_details(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> str:
    from crmbid_desktop import __version__

    lines = traceback.format_exception(kind, value, tb)
    return f"CRM Bid Desktop {__version__}, Python {sys.version.split()[0]}\n\n" + "".join(lines)


def crash_message(log_file: str, crash_trace: str = "") -> str:
    """What the crash dialog says: work is safe, and which files hold the details for support."""
    text = (
        "Something went wrong that the program did not expect.\n\n"
        "Your saved work is safe: every change is saved as you make it. "
        f"The details below are also in the log file:\n{log_file}"
    )
    if crash_trace:
        text += (
            "\n\nIf the program ever closes by itself without a message, what it was doing is "
            f"written to:\n{crash_trace}\nSend both files to whoever supports the program."
        )
    return text


def lost_server_connection(value: BaseException) -> bool:
    """True for a bid on a server whose connection dropped mid-read (server stopped, network
    gone): the status bar already says "Reconnecting…" and the window waits read-only, so it
    is logged, not shown as a crash. Nothing is imported for it: a file bid never loads these."""
    kinds = []
    for name, attribute in (
        ("sqlalchemy.exc", "OperationalError"),
        ("sqlalchemy.exc", "InterfaceError"),
        ("sqlalchemy.exc", "InvalidatePoolError"),
        ("psycopg", "OperationalError"),
        ("psycopg", "InterfaceError"),
    ):
        module = sys.modules.get(name)
        kind = getattr(module, attribute, None) if module is not None else None
        if isinstance(kind, type):
            kinds.append(kind)
    if not kinds or "psycopg" not in sys.modules:
        return False
    seen: BaseException | None = value
    while seen is not None:
        if isinstance(seen, tuple(kinds)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def make_excepthook(*, show_dialog: bool, log_file: str, crash_trace: str = "") -> ExceptHook:
    """An excepthook that logs the traceback and, unless disabled, shows it in a dialog.

    The dialog names the log file and the native-crash file (`logs.trace_native_crashes`).
    """

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        if lost_server_connection(value):
            log.warning("The server could not be reached: %s", value)
            return
        log.critical("Unhandled error", exc_info=(kind, value, tb))
        if not show_dialog or QApplication.instance() is None:
            return
        box = QMessageBox(QMessageBox.Icon.Critical, "CRM Bid Desktop: unexpected error", "")
        box.setObjectName("crashDialog")
        box.setText(crash_message(log_file, crash_trace))
        box.setDetailedText(crash_details(kind, value, tb))
        box.setTextInteractionFlags(box.textInteractionFlags())
        box.exec()

    return hook
