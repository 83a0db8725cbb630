"""Choosing the sections to send to a partner as a Word file, for whom, and by when."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.exchange.section_exchange import suggested_return_date
from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.services.registers.partners import council_names
from crmbid_desktop.ui.widgets import name_widget, tidy_form


class SendSectionsDialog(QDialog):
    """Tick sections; a ticked section goes with its subsections."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sendSectionsDialog")
        self.setWindowTitle("Send sections to a partner")
        self.resize(600, 620)
        self.workspace = workspace
        rows = [row for row in section_service.outline_rows(workspace, text=False) if row.number]
        councils = [name for _partner_id, name in council_names(workspace)]
        intro = QLabel(
            "Tick the sections the partner should write or review. They get a Word file in the "
            "proposal's layout whose first page says which sections, who it is for, and to whom "
            "and by when to send it back; when it comes back, use File > Take back a returned "
            "Word file."
        )
        intro.setWordWrap(True)
        self.sections = QListWidget()
        name_widget(self.sections, "sectionsToSend", "Sections to send")
        for row in rows:
            item = QListWidgetItem(f"{'    ' * (row.depth - 1)}{row.number}  {row.title}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, row.number)
            self.sections.addItem(item)
        self.sections.itemChanged.connect(self._update)

        self.partner = QComboBox()
        self.partner.setEditable(True)
        self.partner.addItems(councils)
        self.partner.setCurrentIndex(-1)
        line = self.partner.lineEdit()
        if line is not None:
            line.setPlaceholderText("e.g. London Borough of Newham (Ann Smith)")
        name_widget(self.partner, "sendPartner", "Who the sections are for")
        self.return_by = QDateEdit()
        self.return_by.setCalendarPopup(True)
        self.return_by.setDisplayFormat("ddd d MMM yyyy")
        self.return_by.setDate(QDate.currentDate())  # until the sections' tasks say otherwise
        name_widget(self.return_by, "returnBy", "Date to send the file back by")
        self.no_date = QCheckBox("No date")
        name_widget(self.no_date, "noReturnDate", "No date to send it back by")
        self.no_date.toggled.connect(lambda off: self.return_by.setEnabled(not off))
        self.no_date.setChecked(True)
        self._date_touched = False
        self.return_by.dateChanged.connect(self._date_edited)
        date_row = QHBoxLayout()
        date_row.addWidget(self.return_by)
        date_row.addWidget(self.no_date)
        date_row.addStretch(1)
        form = tidy_form(QFormLayout())
        form.addRow("For:", self.partner)
        form.addRow("Send back by:", date_row)

        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("Save Word file…", QDialogButtonBox.ButtonRole.AcceptRole)
        name_widget(self.ok, "saveSections", "Save Word file")
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        name_widget(cancel, "cancelSend", "Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.sections, 1)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._update()

    def numbers(self) -> list[str]:
        chosen = [
            str(self.sections.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.sections.count())
            if self.sections.item(i).checkState() == Qt.CheckState.Checked
        ]
        # A subsection of a ticked section is sent with it anyway.
        return [n for n in chosen if not any(n.startswith(p + ".") for p in chosen)]

    def partner_name(self) -> str:
        return self.partner.currentText().strip()

    def return_date(self) -> date | None:
        if self.no_date.isChecked():
            return None
        chosen = self.return_by.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def _date_edited(self) -> None:
        self._date_touched = True

    def _update(self) -> None:
        numbers = self.numbers()
        self.ok.setEnabled(bool(numbers))
        if self._date_touched or not numbers:
            return
        # Until the user picks a date, follow the chosen sections' open tasks.
        due = suggested_return_date(self.workspace, numbers)
        if due is not None:
            self.return_by.blockSignals(True)
            self.return_by.setDate(QDate(due.year, due.month, due.day))
            self.return_by.blockSignals(False)
        self.no_date.setChecked(due is None)
