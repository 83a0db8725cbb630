"""Edit > Cut, Copy, Paste and Select All, for whichever text field or table has the focus.

Text fields (line edits, the section editor, notes, spin boxes, editable combo boxes) do what
they do for Ctrl+X/C/V/A. Tables copy their selected cells as tab-separated lines (Excel and
Word paste them as a table) and paste one value into the current cell when it can be edited;
a table's cells cannot be cut.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

CUT, COPY, PASTE, SELECT_ALL = "cut", "copy", "paste", "select all"


def _text_target(widget: QWidget | None) -> QLineEdit | QTextEdit | QPlainTextEdit | None:
    """The text control behind the focused widget (a spin box's or combo box's line edit)."""
    if isinstance(widget, (QLineEdit, QTextEdit, QPlainTextEdit)):
        return widget
    if isinstance(widget, QAbstractSpinBox):
        return widget.findChild(QLineEdit)
    if isinstance(widget, QComboBox) and widget.isEditable():
        return widget.lineEdit()
    return None


def _read_only(target: QLineEdit | QTextEdit | QPlainTextEdit) -> bool:
    return target.isReadOnly() or not target.isEnabled()


def _has_selection(target: QLineEdit | QTextEdit | QPlainTextEdit) -> bool:
    if isinstance(target, QLineEdit):
        return target.hasSelectedText()
    return target.textCursor().hasSelection()


def can(command: str, widget: QWidget | None = None) -> bool:
    """Whether `command` does something for `widget` (the focused widget by default)."""
    widget = widget if widget is not None else QApplication.focusWidget()
    target = _text_target(widget)
    if target is not None:
        if command == CUT:
            return _has_selection(target) and not _read_only(target)
        if command == COPY:
            return _has_selection(target)
        if command == PASTE:
            return not _read_only(target) and bool(QGuiApplication.clipboard().text())
        return True
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        if command == COPY:
            return bool(widget.selectionModel() and widget.selectionModel().selectedIndexes())
        if command == PASTE:
            index = widget.currentIndex()
            editable = index.isValid() and bool(index.flags() & Qt.ItemFlag.ItemIsEditable)
            return editable and bool(QGuiApplication.clipboard().text())
        # A table that holds one selected row at a time cannot select them all.
        multiple = widget.selectionMode() in (
            QAbstractItemView.SelectionMode.ExtendedSelection,
            QAbstractItemView.SelectionMode.MultiSelection,
            QAbstractItemView.SelectionMode.ContiguousSelection,
        )
        return command == SELECT_ALL and multiple
    return False


def run(command: str, widget: QWidget | None = None) -> bool:
    """Do `command` on `widget` (the focused one by default); False when it does not apply."""
    widget = widget if widget is not None else QApplication.focusWidget()
    if not can(command, widget):
        return False
    target = _text_target(widget)
    if target is not None:
        {CUT: target.cut, COPY: target.copy, PASTE: target.paste, SELECT_ALL: target.selectAll}[
            command
        ]()
        return True
    assert isinstance(widget, QAbstractItemView)
    if command == SELECT_ALL:
        widget.selectAll()
    elif command == COPY:
        QGuiApplication.clipboard().setText(selected_cells_text(widget))
    elif command == PASTE:
        first_cell = QGuiApplication.clipboard().text().splitlines()[0].split("\t")[0]
        model = widget.model()
        return bool(model.setData(widget.currentIndex(), first_cell.strip()))
    return True


def selected_cells_text(view: QAbstractItemView) -> str:
    """The selected cells as tab-separated lines, in the order they are shown."""
    indexes: list[QModelIndex] = sorted(
        view.selectionModel().selectedIndexes(), key=lambda i: (i.row(), i.column())
    )
    lines: dict[int, list[str]] = {}
    for index in indexes:
        value = index.data(Qt.ItemDataRole.DisplayRole)
        lines.setdefault(index.row(), []).append("" if value is None else str(value))
    return "\n".join("\t".join(cells) for cells in lines.values())
