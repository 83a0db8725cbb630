"""Small helpers for the register detail forms: named inputs and optional numbers and dates."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QWidget,
)

from crmbid_desktop.domain.dates import format_date, parse_date
from crmbid_desktop.ui.colours import text_style
from crmbid_desktop.ui.widgets import name_widget


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
    area = QScrollArea()
    area.setObjectName(name)
    area.setAccessibleName(widget.accessibleName() or name)
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setMinimumWidth(260)
    return area
