"""Checks on widget trees that several GUI tests share."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject
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

Found = TypeVar("Found", bound=QObject)


def child(parent: QObject, kind: type[Found], name: str) -> Found:
    """The child `name` of type `kind`, which the test needs: a plain failure when it is missing."""
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r} in {parent.objectName()!r}"
    return found


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
