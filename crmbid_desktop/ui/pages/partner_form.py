"""The form beside the partners table: one council's fields, contacts and letters of support."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from PySide6.QtCore import Qt, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain import partner_rules as rules
from crmbid_desktop.domain.dates import format_date, optional_date, parse_date
from crmbid_desktop.domain.money import format_pounds_for_field
from crmbid_desktop.domain.percentages import format_percent_number
from crmbid_desktop.services.registers.partners import AttachmentRow, ContactFields, PartnerFields
from crmbid_desktop.ui.colours import text_style
from crmbid_desktop.ui.widgets import (
    GROUP_SPACING,
    LABEL_GAP,
    name_widget,
    narrow_combo,
    show_from_start,
    tidy_form,
)

CONTACT_HEADERS = ("Name", "Job title", "Email", "Phone")
ATTACHMENT_HEADERS = ("File", "Kind", "Received", "Size")
#: Notes and staff days are saved this long after the last key press or arrow click.
SAVE_PAUSE_MS = 600
T = TypeVar("T")


def _message_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(text_style("danger", label))
    label.setWordWrap(True)
    label.hide()
    return label


def _with_unit(field: QWidget, unit: str) -> QWidget:
    """`field` with its unit written after it ("£ a year"), as one row of the form."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(LABEL_GAP)
    layout.addWidget(field, 1)
    layout.addWidget(QLabel(unit))
    return row


def _show_message(label: QLabel, message: str | None) -> None:
    label.setText(message or "")
    label.setVisible(bool(message))


class PartnerForm(QWidget):
    """Edits one council; emits `changed` as the user types so the page updates live totals."""

    changed = Signal()
    #: A field was finished (left, picked, or a pause in typing notes): save what is valid.
    commit_requested = Signal()
    attach_requested = Signal()
    open_attachment_requested = Signal(int)
    save_attachment_requested = Signal(int)
    remove_attachment_requested = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self._loading = False
        self.dirty = False
        # Notes and staff days save after a pause rather than on every key or arrow click.
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(SAVE_PAUSE_MS)
        self._pause.timeout.connect(self.commit_requested)

        self.name_edit = QLineEdit()
        name_widget(self.name_edit, "partnerName", "Council name")
        self.name_message = _message_label("partnerNameMessage")
        self.type_combo = QComboBox()
        self.type_combo.addItems(["", *rules.COUNCIL_TYPES])
        name_widget(self.type_combo, "partnerType", "Council type")
        self.region_edit = QLineEdit()
        name_widget(self.region_edit, "partnerRegion", "Region")
        self.role_combo = QComboBox()
        self.role_combo.addItems(list(rules.ROLES))
        name_widget(self.role_combo, "partnerRole", "Role in the bid")
        self.status_combo = QComboBox()
        self.status_combo.addItems(list(rules.STATUSES))
        name_widget(self.status_combo, "partnerStatus", "Status")
        self.signatory_edit = QLineEdit()
        name_widget(self.signatory_edit, "partnerSignatory", "Named signatory")
        self.signed_edit = QLineEdit()
        self.signed_edit.setPlaceholderText("e.g. 24/08/2005")
        name_widget(self.signed_edit, "partnerSignedOn", "Date signed")
        self.signed_message = _message_label("partnerSignedOnMessage")
        self.contribution_edit = QLineEdit()
        self.contribution_edit.setPlaceholderText("£ a year, e.g. 12,500.00")
        name_widget(self.contribution_edit, "partnerContribution", "Contribution in pounds a year")
        self.contribution_message = _message_label("partnerContributionMessage")
        self.staff_days_spin = QSpinBox()
        self.staff_days_spin.setRange(0, 100_000)
        self.staff_days_spin.setSuffix(" days")
        name_widget(self.staff_days_spin, "partnerStaffDays", "Staff days a year")
        self.share_edit = QLineEdit()
        self.share_edit.setPlaceholderText("% of funding, e.g. 33.33")
        name_widget(self.share_edit, "partnerShare", "Share of funding in percent")
        self.share_message = _message_label("partnerShareMessage")
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setMaximumHeight(70)
        name_widget(self.notes_edit, "partnerNotes", "Notes")
        # Tab moves on (it typed a tab into the notes and trapped a keyboard user there).
        self.notes_edit.setTabChangesFocus(True)

        for combo in (self.type_combo, self.role_combo, self.status_combo):
            narrow_combo(combo)
        # Short labels with the unit after the field (as Windows forms do): the label column
        # stays narrow, so every field keeps its row beside its label in a laptop's pane.
        form = tidy_form(QFormLayout())
        form.addRow("&Council:", self.name_edit)
        form.addRow("", self.name_message)
        form.addRow("&Type:", self.type_combo)
        form.addRow("Re&gion:", self.region_edit)
        form.addRow("&Role:", self.role_combo)
        form.addRow("&Status:", self.status_combo)
        form.addRow("Signatory:", self.signatory_edit)
        form.addRow("Date signed:", self.signed_edit)
        form.addRow("", self.signed_message)
        money_row = _with_unit(self.contribution_edit, "£ a year")
        share_row = _with_unit(self.share_edit, "% of funding")
        units = [row.findChild(QLabel) for row in (money_row, share_row)]
        widest = max(unit.sizeHint().width() for unit in units if unit is not None)
        for unit in units:  # the same width, so the two fields end level
            if unit is not None:
                unit.setMinimumWidth(widest)
        form.addRow("Contri&bution:", money_row)
        form.addRow("", self.contribution_message)
        form.addRow("Staff days:", self.staff_days_spin)
        form.addRow("Share:", share_row)
        form.addRow("", self.share_message)
        form.addRow("&Notes:", self.notes_edit)

        self.contacts_table = QTableWidget(0, len(CONTACT_HEADERS))
        self.contacts_table.setHorizontalHeaderLabels(list(CONTACT_HEADERS))
        self.contacts_table.verticalHeader().setVisible(False)
        self.contacts_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.contacts_table.setMinimumHeight(90)
        name_widget(self.contacts_table, "partnerContacts", "Contacts at this council")
        self.contacts_table.setTabKeyNavigation(False)  # arrows move between cells; Tab leaves
        self.contacts_message = _message_label("partnerContactsMessage")
        self.add_contact_button = QPushButton("Add contact")
        name_widget(self.add_contact_button, "addContactButton", "Add contact")
        self.remove_contact_button = QPushButton("Remove contact")
        name_widget(self.remove_contact_button, "removeContactButton", "Remove selected contact")
        contacts_box = QGroupBox("Contacts")
        contacts_layout = QVBoxLayout(contacts_box)
        contacts_layout.addWidget(self.contacts_table)
        contacts_layout.addWidget(self.contacts_message)
        contact_buttons = QHBoxLayout()
        contact_buttons.addWidget(self.add_contact_button)
        contact_buttons.addWidget(self.remove_contact_button)
        contact_buttons.addStretch()
        contacts_layout.addLayout(contact_buttons)

        self.attachments_table = QTableWidget(0, len(ATTACHMENT_HEADERS))
        self.attachments_table.setHorizontalHeaderLabels(list(ATTACHMENT_HEADERS))
        self.attachments_table.verticalHeader().setVisible(False)
        self.attachments_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.attachments_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.attachments_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch
        )
        self.attachments_table.setMinimumHeight(80)
        name_widget(self.attachments_table, "partnerAttachments", "Letters and agreements")
        self.attachments_table.setTabKeyNavigation(False)
        self.attach_button = QPushButton("Attach…")
        name_widget(self.attach_button, "attachButton", "Attach a letter or agreement")
        self.open_button = QPushButton("Open")
        name_widget(self.open_button, "openAttachmentButton", "Open the selected attachment")
        self.save_copy_button = QPushButton("Save a copy…")
        name_widget(self.save_copy_button, "saveAttachmentButton", "Save a copy of the attachment")
        self.remove_attachment_button = QPushButton("Remove")
        name_widget(self.remove_attachment_button, "removeAttachmentButton", "Remove attachment")
        attachments_box = QGroupBox("Letters of support and agreements")
        attachments_layout = QVBoxLayout(attachments_box)
        attachments_layout.addWidget(self.attachments_table)
        # Two buttons a row: the four side by side are wider than the form's pane on a laptop.
        attachment_buttons = QGridLayout()
        for number, button in enumerate(
            (
                self.attach_button,
                self.open_button,
                self.save_copy_button,
                self.remove_attachment_button,
            )
        ):
            attachment_buttons.addWidget(button, number // 2, number % 2)
        attachment_buttons.setColumnStretch(2, 1)
        attachments_layout.addLayout(attachment_buttons)

        # On a server, another council's details are read-only: this says who may edit them.
        self.rights_note = QLabel()
        self.rights_note.setObjectName("partnerRightsNote")
        self.rights_note.setWordWrap(True)
        self.rights_note.setVisible(False)
        self._editable = True

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, LABEL_GAP, 0)  # fields stop short of the scroll bar
        layout.setSpacing(GROUP_SPACING)
        layout.addWidget(self.rights_note)
        layout.addLayout(form)
        layout.addWidget(contacts_box)
        layout.addWidget(attachments_box)

        for edit in (
            self.name_edit,
            self.region_edit,
            self.signatory_edit,
            self.signed_edit,
            self.contribution_edit,
            self.share_edit,
        ):
            edit.textEdited.connect(self._on_edited)
            edit.editingFinished.connect(self.commit)
        for combo in (self.type_combo, self.role_combo, self.status_combo):
            combo.currentIndexChanged.connect(self._on_edited)
            combo.currentIndexChanged.connect(self._commit_unless_loading)
        self.staff_days_spin.valueChanged.connect(self._on_edited)
        self.staff_days_spin.valueChanged.connect(self._commit_after_pause)
        self.staff_days_spin.editingFinished.connect(self.commit)
        self.notes_edit.textChanged.connect(self._on_edited)
        self.notes_edit.textChanged.connect(self._commit_after_pause)
        self.contacts_table.itemChanged.connect(self._on_edited)
        self.contacts_table.itemChanged.connect(self._commit_unless_loading)
        self.add_contact_button.clicked.connect(self._add_contact_row)
        self.remove_contact_button.clicked.connect(self._remove_contact_row)
        self.attach_button.clicked.connect(self.attach_requested)
        self.open_button.clicked.connect(
            lambda: self._emit_attachment(self.open_attachment_requested)
        )
        self.save_copy_button.clicked.connect(
            lambda: self._emit_attachment(self.save_attachment_requested)
        )
        self.remove_attachment_button.clicked.connect(
            lambda: self._emit_attachment(self.remove_attachment_requested)
        )
        self.attachments_table.doubleClicked.connect(
            lambda _index: self._emit_attachment(self.open_attachment_requested)
        )
        self._set_dirty(False)
        self._own_tips = {widget: widget.toolTip() for widget in self._edit_widgets()}
        self._edit_triggers = self.contacts_table.editTriggers()

    def _edit_widgets(self) -> tuple[QWidget, ...]:
        """What changes the council; reading it (and opening its letters) stays possible."""
        return (
            self.name_edit,
            self.type_combo,
            self.region_edit,
            self.role_combo,
            self.status_combo,
            self.signatory_edit,
            self.signed_edit,
            self.contribution_edit,
            self.staff_days_spin,
            self.share_edit,
            self.notes_edit,
            self.add_contact_button,
            self.remove_contact_button,
            self.attach_button,
        )

    def set_editable(self, why_not: str) -> None:
        """Let the council be changed ("") or show it read-only, saying `why_not` (who may)."""
        self._editable = not why_not
        for widget in self._edit_widgets():
            widget.setEnabled(self._editable)
            widget.setToolTip(why_not or self._own_tips.get(widget, ""))
        self.contacts_table.setEditTriggers(
            self._edit_triggers if self._editable else QAbstractItemView.EditTrigger.NoEditTriggers
        )
        self.rights_note.setText(why_not)
        self.rights_note.setVisible(bool(why_not))
        self._update_attachment_buttons()

    # -- loading -----------------------------------------------------------------------------
    def load(
        self,
        values: PartnerFields,
        contacts: list[ContactFields],
        attachments: list[AttachmentRow],
    ) -> None:
        self._loading = True
        try:
            self.name_edit.setText(values.name)
            self.type_combo.setCurrentIndex(max(0, self.type_combo.findText(values.council_type)))
            self.region_edit.setText(values.region)
            self.role_combo.setCurrentIndex(max(0, self.role_combo.findText(values.role)))
            self.status_combo.setCurrentIndex(max(0, self.status_combo.findText(values.status)))
            self.signatory_edit.setText(values.signatory)
            self.signed_edit.setText(optional_date(values.signed_on))
            self.contribution_edit.setText(format_pounds_for_field(values.contribution_pence))
            self.staff_days_spin.setValue(values.staff_days)
            self.share_edit.setText(format_percent_number(values.funding_share_bp))
            self.notes_edit.setPlainText(values.notes)
            self.contacts_table.setRowCount(0)
            for contact in contacts:
                self._append_contact(contact)
            self.load_attachments(attachments)
        finally:
            self._loading = False
        show_from_start(self)
        self._validate()
        self._set_dirty(False)

    def load_attachments(self, attachments: list[AttachmentRow]) -> None:
        self.attachments_table.setRowCount(0)
        for attachment in attachments:
            row = self.attachments_table.rowCount()
            self.attachments_table.insertRow(row)
            cells = (
                attachment.filename,
                attachment.kind,
                optional_date(attachment.received_on),
                attachment.size_text,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, attachment.id)
                self.attachments_table.setItem(row, column, item)
        self.attachments_table.resizeColumnsToContents()
        self._update_attachment_buttons()

    def _append_contact(self, contact: ContactFields) -> None:
        row = self.contacts_table.rowCount()
        self.contacts_table.insertRow(row)
        self._show_contact(row, contact)

    def _show_contact(self, row: int, contact: ContactFields) -> None:
        for column, text in enumerate(
            (contact.name, contact.job_title, contact.email, contact.phone)
        ):
            item = self.contacts_table.item(row, column)
            if item is None:
                self.contacts_table.setItem(row, column, QTableWidgetItem(text))
            elif item.text() != text:
                item.setText(text)
        # The name's cell carries which saved contact the row is: saves merge contact by contact.
        name = self.contacts_table.item(row, 0)
        if name is not None:
            name.setData(Qt.ItemDataRole.UserRole, contact.uuid)

    def show_contacts(self, contacts: list[ContactFields]) -> None:
        """Show the contacts as saved now (others' merged in, new ones with their uuids).

        Updated in place, not rebuilt: this runs inside the signal of the cell just edited, so
        that cell must not be deleted; blank rows the user added at the end stay for typing in.
        """
        table = self.contacts_table
        self._loading = True
        try:
            for row, contact in enumerate(contacts):
                if row >= table.rowCount():
                    table.insertRow(row)
                self._show_contact(row, contact)
            for row in reversed(range(len(contacts), table.rowCount())):
                if any(self._cell(row, column) for column in range(table.columnCount())):
                    table.removeRow(row)
        finally:
            self._loading = False

    def _add_contact_row(self) -> None:
        self._append_contact(ContactFields(""))
        row = self.contacts_table.rowCount() - 1
        self.contacts_table.setCurrentCell(row, 0)
        item = self.contacts_table.item(row, 0)
        if item is not None:
            self.contacts_table.editItem(item)
        self._on_edited()

    def _remove_contact_row(self) -> None:
        row = self.contacts_table.currentRow()
        if row >= 0:
            self.contacts_table.removeRow(row)
            self._on_edited()
            self.commit()

    # -- reading what the user typed ----------------------------------------------------------
    def _cell(self, row: int, column: int) -> str:
        item = self.contacts_table.item(row, column)
        return item.text().strip() if item else ""

    def contacts(self) -> list[ContactFields]:
        """The contacts typed, each with the uuid of the saved contact it is ("" for a new one)."""
        text = self._cell
        return [
            ContactFields(text(row, 0), text(row, 1), text(row, 2), text(row, 3), self._uuid(row))
            for row in range(self.contacts_table.rowCount())
        ]

    def _uuid(self, row: int) -> str:
        item = self.contacts_table.item(row, 0)
        uuid = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return str(uuid) if uuid else ""

    def values(self) -> PartnerFields:
        """What the form holds; raises rules.RuleError (ValueError) naming the bad field."""
        signed_text = self.signed_edit.text().strip()
        signed: date | None = parse_date(signed_text) if signed_text else None
        return PartnerFields(
            name=self.name_edit.text(),
            council_type=self.type_combo.currentText(),
            region=self.region_edit.text(),
            role=self.role_combo.currentText(),
            status=self.status_combo.currentText(),
            signatory=self.signatory_edit.text(),
            signed_on=signed,
            contribution_pence=rules.parse_pence(self.contribution_edit.text()),
            staff_days=self.staff_days_spin.value(),
            funding_share_bp=rules.parse_share_bp(self.share_edit.text()),
            notes=self.notes_edit.toPlainText(),
        )

    def savable(self, saved: PartnerFields) -> PartnerFields:
        """The form's values, keeping the saved value of each field that is not valid yet.

        Each bad field shows its message beside it and is not saved; the others still are.
        """

        def parsed(parse: Callable[[str], T], edit: QLineEdit, fallback: T) -> T:
            try:
                return parse(edit.text())
            except ValueError:
                return fallback

        def signed(text: str) -> date | None:
            return parse_date(text) if text.strip() else None

        name = self.name_edit.text().strip()
        return PartnerFields(
            name=name or saved.name,
            council_type=self.type_combo.currentText(),
            region=self.region_edit.text(),
            role=self.role_combo.currentText(),
            status=self.status_combo.currentText(),
            signatory=self.signatory_edit.text(),
            signed_on=parsed(signed, self.signed_edit, saved.signed_on),
            contribution_pence=parsed(
                rules.parse_pence, self.contribution_edit, saved.contribution_pence
            ),
            staff_days=self.staff_days_spin.value(),
            funding_share_bp=parsed(rules.parse_share_bp, self.share_edit, saved.funding_share_bp),
            notes=self.notes_edit.toPlainText(),
        )

    def commit(self) -> None:
        """Ask for what the form holds to be saved now (pending pauses included)."""
        self._pause.stop()
        if not self._loading and self.dirty:
            self.commit_requested.emit()

    def _commit_unless_loading(self, *_args: object) -> None:
        if not self._loading:
            self.commit()

    def _commit_after_pause(self, *_args: object) -> None:
        if not self._loading:
            self._pause.start()

    def show_contacts_problem(self, problem: str) -> None:
        """Why the contacts are not saved yet (a blank name, say), added to the email checks."""
        current = self.contacts_message.text()
        if problem not in current:
            _show_message(self.contacts_message, "\n".join(p for p in (current, problem) if p))

    def show_save_problem(self, problem: str | None) -> None:
        """A reason the council could not be saved, shown under its name."""
        _show_message(self.name_message, problem)

    def live_standing(self) -> rules.PartnerStanding | None:
        """The council as typed so far, for the live totals (None while the share is unreadable)."""
        try:
            share = rules.parse_share_bp(self.share_edit.text())
        except ValueError:
            return None
        return rules.PartnerStanding(
            self.name_edit.text(),
            self.role_combo.currentText(),
            self.status_combo.currentText(),
            share,
        )

    # -- live checks ----------------------------------------------------------------------------
    def _on_edited(self, *_args: object) -> None:
        if self._loading:
            return
        self._validate()
        self._set_dirty(True)
        self.changed.emit()

    def _validate(self) -> bool:
        ok = True
        checks: tuple[tuple[QLabel, Callable[[], str | None]], ...] = (
            (self.name_message, self._name_problem),
            (self.signed_message, self._signed_problem),
            (
                self.contribution_message,
                lambda: _problem(rules.parse_pence, self.contribution_edit),
            ),
            (self.share_message, lambda: _problem(rules.parse_share_bp, self.share_edit)),
        )
        for label, check in checks:
            problem = check()
            _show_message(label, problem)
            ok = ok and problem is None
        contact_problems = []
        for number, contact in enumerate(self.contacts(), start=1):
            who = contact.name or f"Contact {number}"
            for problem in (rules.email_problem(contact.email), rules.phone_problem(contact.phone)):
                if problem:
                    contact_problems.append(f"{who}: {problem}")
        _show_message(self.contacts_message, "\n".join(contact_problems))
        return ok and not contact_problems

    def _name_problem(self) -> str | None:
        return None if self.name_edit.text().strip() else "A council needs a name."

    def _signed_problem(self) -> str | None:
        text = self.signed_edit.text().strip()
        if not text:
            return None
        try:
            day = parse_date(text)
        except ValueError as error:
            return str(error)
        self.signed_edit.setToolTip(format_date(day))
        return None

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty
        if not dirty:
            self._pause.stop()

    def mark_saved(self) -> None:
        self._set_dirty(False)

    # -- attachments ------------------------------------------------------------------------------
    def selected_attachment(self) -> int | None:
        row = self.attachments_table.currentRow()
        item = self.attachments_table.item(row, 0) if row >= 0 else None
        return int(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _emit_attachment(self, signal: SignalInstance) -> None:
        attachment_id = self.selected_attachment()
        if attachment_id is not None:
            signal.emit(attachment_id)

    def _update_attachment_buttons(self) -> None:
        has = self.attachments_table.rowCount() > 0
        for button in (self.open_button, self.save_copy_button):
            button.setEnabled(has)
        self.remove_attachment_button.setEnabled(has and self._editable)
        if has and self.attachments_table.currentRow() < 0:
            self.attachments_table.selectRow(0)


def _problem(parse: object, edit: QLineEdit) -> str | None:
    try:
        parse(edit.text())  # type: ignore[operator]
    except ValueError as error:
        return str(error)
    return None
