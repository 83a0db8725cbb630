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


def make_excepthook(*, show_dialog: bool, log_file: str) -> ExceptHook:
    """An excepthook that logs the traceback and, unless disabled, shows it in a dialog."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        log.critical("Unhandled error", exc_info=(kind, value, tb))
        if not show_dialog or QApplication.instance() is None:
            return
        box = QMessageBox(QMessageBox.Icon.Critical, "CRM Bid Desktop: unexpected error", "")
        box.setObjectName("crashDialog")
        box.setText(
            "Something went wrong that the program did not expect.\n\n"
            "Your saved work is safe: every change is saved as you make it. "
            f"The details below are also in the log file:\n{log_file}"
        )
        box.setDetailedText(crash_details(kind, value, tb))
        box.setTextInteractionFlags(box.textInteractionFlags())
        box.exec()

    return hook
