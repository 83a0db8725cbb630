"""Helpers for the register detail forms: named inputs, field messages, saving as the user goes."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain.dates import format_date, parse_date
from crmbid_desktop.ui.colours import text_style
from crmbid_desktop.ui.table_model import Column, RowTableModel
from crmbid_desktop.ui.widgets import FormScrollArea, name_widget

#: Text areas and spin boxes save this long after the last key press or arrow click.
SAVE_PAUSE_MS = 600


def line_edit(name: str, label: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    name_widget(edit, name, label)
    edit.setPlaceholderText(placeholder)
    return edit


def text_edit(name: str, label: str, lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    name_widget(edit, name, label)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    return edit


def combo(name: str, label: str, items: list[tuple[str, object]]) -> QComboBox:
    box = QComboBox()
    name_widget(box, name, label)
    for text, data in items:
        box.addItem(text, data)
    return box


def select_data(box: QComboBox, data: object) -> None:
    index = box.findData(data)
    box.setCurrentIndex(max(index, 0))


def error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(text_style("danger", label, bold=True))
    label.hide()
    return label


def optional_whole_number(text: str, what: str) -> int | None:
    cleaned = text.strip().replace(",", "")
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise ValueError(
            f"{what} “{text.strip()}” is not a whole number (leave it empty if unknown)."
        )
    return int(cleaned)


def optional_date(text: str, what: str) -> date | None:
    if not text.strip():
        return None
    try:
        return parse_date(text)
    except ValueError as error:
        raise ValueError(f"{what}: {error}") from None


def date_text(day: date | None) -> str:
    return format_date(day) if day else ""


def set_fields_enabled(widgets: list[QWidget], enabled: bool) -> None:
    for widget in widgets:
        widget.setEnabled(enabled)


def scrolling(widget: QWidget, name: str) -> QScrollArea:
    """A form in a scroll area, so a small laptop window can still shrink the page."""
    # The form keeps its natural height at the top: a tall window must not spread its rows
    # (and a field's message) apart.
    holder = QWidget()
    holder.setObjectName(f"{name}Holder")
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(widget)
    column.addStretch(1)
    # Up and down only, never narrower than the form: no field is cut at the pane's edge.
    area = FormScrollArea(holder)
    area.setObjectName(name)
    area.setAccessibleName(widget.accessibleName() or name)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area


def field_message(name: str) -> QLabel:
    """The message kept under one field while its value is wrong (that field is not saved)."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(text_style("danger", label))
    label.hide()
    return label


def show_message(label: QLabel, message: str | None) -> None:
    label.setText(message or "")
    label.setVisible(bool(message))


T = TypeVar("T")


def parsed_or(parse: Callable[[], T], fallback: T, label: QLabel) -> T:
    """The parsed value, or `fallback` (the saved value) with the reason shown in `label`."""
    try:
        value = parse()
    except ValueError as error:
        show_message(label, str(error))
        return fallback
    show_message(label, None)
    return value


class FieldSaver(QObject):
    """Asks for a save as each field is finished: there is no Save button.

    Line edits save when left (editingFinished), combo boxes when picked, text areas and spin
    boxes after a pause in typing or clicking (and at once when left). `dirty` says something
    was typed and not yet saved; `flush()` saves it now (switching row, tab, page, closing).
    """

    #: Something was finished: save what is valid.
    commit_requested = Signal()
    #: The user changed something (saved or not yet): live displays follow it.
    edited = Signal()

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.dirty = False
        self._loading = False
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(SAVE_PAUSE_MS)
        self._pause.timeout.connect(self.commit)

    def watch_line(self, edit: QLineEdit) -> None:
        edit.textEdited.connect(self._on_edited)
        edit.editingFinished.connect(self.commit)

    def watch_combo(self, box: QComboBox) -> None:
        box.currentIndexChanged.connect(self._on_edited)
        box.currentIndexChanged.connect(self._commit_unless_loading)

    def watch_text(self, edit: QPlainTextEdit) -> None:
        edit.textChanged.connect(self._on_edited)
        edit.textChanged.connect(self._commit_after_pause)
        edit.installEventFilter(self)  # leaving the area saves at once

    def watch_spin(self, spin: QAbstractSpinBox) -> None:
        spin.valueChanged.connect(self._on_edited)  # type: ignore[attr-defined]
        spin.valueChanged.connect(self._commit_after_pause)  # type: ignore[attr-defined]
        spin.editingFinished.connect(self.commit)

    def eventFilter(self, watched: QObject, event: Any) -> bool:
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.FocusOut:
            self.commit()
        return False

    @contextlib.contextmanager
    def loading(self) -> Iterator[None]:
        """Filling the form from the bid is not an edit."""
        self._loading = True
        try:
            yield
        finally:
            self._loading = False
        self.mark_saved()

    def commit(self) -> None:
        self._pause.stop()
        if not self._loading and self.dirty:
            self.commit_requested.emit()

    def flush(self) -> None:
        self.commit()

    def mark_saved(self) -> None:
        self.dirty = False
        self._pause.stop()

    def _on_edited(self, *_args: object) -> None:
        if self._loading:
            return
        self.dirty = True
        self.edited.emit()

    def _commit_unless_loading(self, *_args: object) -> None:
        if not self._loading:
            self.commit()

    def _commit_after_pause(self, *_args: object) -> None:
        if not self._loading:
            self._pause.start()


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=_HasId)


class RegisterModel(RowTableModel[R]):
    """A register's rows; one saved row is shown in place, so selection and scroll stay put."""

    def __init__(self, columns: Sequence[Column[R]]) -> None:
        super().__init__(columns)

    def replace_row(self, updated: R) -> bool:
        for number, row in enumerate(self._rows):
            if row.id == updated.id:
                self._rows[number] = updated
                last = self.index(number, self.columnCount() - 1)
                self.dataChanged.emit(self.index(number, 0), last)
                return True
        return False
