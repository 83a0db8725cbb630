"""File > Plan as if today is…: a rehearsal, training, or a look back at a finished bid."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain.dates import format_date, parse_date
from crmbid_desktop.ui.colours import text_style
from crmbid_desktop.ui.widgets import name_widget


class PlanTodayDialog(QDialog):
    """Off by default; on, the dashboard and timetable count from the day typed."""

    def __init__(self, current: date | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planTodayDialog")
        self.setWindowTitle("Plan as if today is…")
        self.setAccessibleName("Plan as if today is")
        intro = QLabel(
            "To rehearse, train, or look back at a finished bid, the dashboard and the timetable "
            "can count from another day than the computer's date. The status bar says so while "
            "it is on. The day is the bid's own: it is saved in the bid, so everyone who opens "
            "it, and every partner's copy, plans from the same day; Edit > Undo takes it back."
        )
        intro.setWordWrap(True)
        self.enabled = QCheckBox("&Plan as if today is:")
        name_widget(self.enabled, "planTodayEnabled", "Plan as if today is another day")
        self.enabled.setChecked(current is not None)
        self.day_edit = QLineEdit(format_date(current) if current else "")
        name_widget(self.day_edit, "planTodayDate", "The day to plan from")
        self.day_edit.setPlaceholderText("e.g. 22/08/2005")
        self.day_edit.setEnabled(current is not None)
        self.enabled.toggled.connect(self.day_edit.setEnabled)
        self.message = QLabel()
        self.message.setObjectName("planTodayMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(text_style("danger", self))
        row = QHBoxLayout()
        row.addWidget(self.enabled)
        row.addWidget(self.day_edit, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        for button in buttons.buttons():
            name_widget(button, f"planToday{button.text().replace('&', '')}", button.text())
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        # As wide as 70 characters and as tall as the wrapped text then needs (not the
        # height the text would need at its own preferred width, which cut the last line).
        width = self.fontMetrics().averageCharWidth() * 70
        self.resize(width, layout.heightForWidth(width) if layout.hasHeightForWidth() else 0)
        self._day: date | None = current

    def day(self) -> date | None:
        """The day chosen (None: plan from the computer's date), once the dialog is accepted."""
        return self._day

    def accept(self) -> None:
        if not self.enabled.isChecked():
            self._day = None
            super().accept()
            return
        text = self.day_edit.text().strip()
        try:
            self._day = parse_date(text)
        except ValueError as error:
            self.message.setText(f"Plan as if today is “{text}”: {error}")
            return  # the dialog stays open with what was typed
        super().accept()
