"""Checks on widget trees that several GUI tests share."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

INTERACTIVE = (
    QLineEdit,
    QAbstractItemView,
    QAbstractButton,
    QComboBox,
    QAbstractSpinBox,
    QTextEdit,
    QPlainTextEdit,
    QTabBar,
)


def _is_qt_internal(widget: QWidget) -> bool:
    """Parts Qt builds inside composite widgets (headers, corner buttons, spin-box editors)."""
    if widget.objectName().startswith("qt_") or isinstance(widget, QHeaderView):
        return True
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QAbstractItemView, QComboBox, QAbstractSpinBox, QLineEdit, QTabBar)):
            return True
        parent = parent.parentWidget()
    return False


def assert_controls_named(root: QWidget) -> None:
    """Every interactive widget under `root` has an objectName and an accessible name."""
    for kind in INTERACTIVE:
        for widget in root.findChildren(kind):
            if _is_qt_internal(widget):
                continue
            assert widget.objectName(), f"{widget!r} has no objectName"
            assert widget.accessibleName(), f"{widget.objectName()} has no accessible name"
