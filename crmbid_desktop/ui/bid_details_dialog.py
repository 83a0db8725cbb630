"""File > Bid details…: the title, reference and contact the documents print, and bid settings."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.services.bid import bid_details
from crmbid_desktop.services.bid.bid_details import BidDetails, BidDetailsError
from crmbid_desktop.services.bid.errors import RefusedEditError
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.ui.colours import text_style
from crmbid_desktop.ui.save_conflicts import settle
from crmbid_desktop.ui.widgets import name_widget, show_dates_as_the_bid_does, tidy_form

#: The details as the conflict dialog names them, in the form's words.
LABELS = {
    "title": "Title",
    "funding_body": "Funding body",
    "reference": "Reference",
    "protective_marking": "Protective marking",
    "contact_name": "Contact name",
    "contact_title": "Contact job title",
    "contact_email": "Contact email",
    "contact_phone": "Contact phone",
    "version_label": "Version",
    "count_table_words": "Words in tables count",
    "expected_products": "Products expected",
    "letter_recipient_name": "Letter's recipient",
    "letter_recipient_title": "Recipient's title",
    "letter_recipient_address": "Letter's address",
    "letter_date": "Letter's date",
    "money_whole_pounds": "Money in whole pounds",
    "use_template_header_footer": "Our header and footer in council templates",
}


class BidDetailsDialog(QDialog):
    """OK saves every change as one edit (Edit > Undo takes it back); Cancel changes nothing."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bidDetailsDialog")
        self.setWindowTitle("Bid details")
        self.workspace = workspace
        self.changed: list[str] = []
        #: The details as the dialog showed them: OK saves only what the user changed from these,
        #: merged with anyone else's save since.
        self.loaded = bid_details.load(workspace)
        details = bid_details.details_of(self.loaded.values)

        def line(name: str, label: str, value: str, hint: str = "") -> QLineEdit:
            edit = QLineEdit(value)
            name_widget(edit, name, label)
            if hint:
                edit.setPlaceholderText(hint)
            form.addRow(f"{label}:", edit)
            return edit

        form = tidy_form(QFormLayout())
        self.title_edit = line("bidTitle", "Title", details.title)
        self.funding_body = line("bidFundingBody", "Funding body", details.funding_body)
        self.reference = line("bidReference", "Reference", details.reference)
        self.version = line("bidVersion", "Version", details.version_label, "e.g. 0.3")
        self.marking = line(
            "bidMarking", "Protective marking", details.protective_marking, "e.g. RESTRICTED"
        )
        self.contact_name = line("bidContactName", "Contact name", details.contact_name)
        self.contact_title = line("bidContactTitle", "Contact job title", details.contact_title)
        self.contact_email = line(
            "bidContactEmail", "Contact email", details.contact_email, "j.smith@leeds.gov.uk"
        )
        self.contact_phone = line("bidContactPhone", "Contact phone", details.contact_phone)
        self.count_tables = QCheckBox("Words in tables count towards word limits")
        name_widget(self.count_tables, "bidCountTableWords", "Words in tables count")
        self.count_tables.setChecked(details.count_table_words)
        form.addRow("Word counts:", self.count_tables)
        self.expected_products = QSpinBox()
        name_widget(self.expected_products, "bidExpectedProducts", "Products expected")
        self.expected_products.setRange(0, 10_000)
        self.expected_products.setValue(details.expected_products)
        self.expected_products.setSuffix(" products")
        form.addRow("Products expected:", self.expected_products)
        self.whole_pounds = QCheckBox("Print money in whole pounds (£12,000, not £12,000.00)")
        name_widget(self.whole_pounds, "bidWholePounds", "Money in whole pounds")
        self.whole_pounds.setChecked(details.money_whole_pounds)
        form.addRow("Word tables:", self.whole_pounds)
        self.template_header = QCheckBox(
            "Put our title, marking and page numbers in a council template's own header and footer"
        )
        name_widget(self.template_header, "bidTemplateHeader", "Use the template's header")
        self.template_header.setChecked(details.use_template_header_footer)
        form.addRow("Council templates:", self.template_header)

        # -- the expression-of-interest letter -------------------------------------------
        letter = QGroupBox("Expression-of-interest letter")
        letter_form = tidy_form(QFormLayout(letter))
        self.recipient_name = QLineEdit(details.letter_recipient_name)
        name_widget(self.recipient_name, "bidRecipientName", "Recipient's name")
        self.recipient_name.setPlaceholderText("e.g. Mr Julian Bowrey (Mr/Ms/Dr gives “Dear …”)")
        letter_form.addRow("Recipient:", self.recipient_name)
        self.recipient_title = QLineEdit(details.letter_recipient_title)
        name_widget(self.recipient_title, "bidRecipientTitle", "Recipient's job title")
        letter_form.addRow("Recipient's title:", self.recipient_title)
        self.recipient_address = QPlainTextEdit(details.letter_recipient_address)
        name_widget(self.recipient_address, "bidRecipientAddress", "Recipient's address")
        self.recipient_address.setTabChangesFocus(True)  # Tab moves on, never types a tab
        self.recipient_address.setPlaceholderText("One line per line of the address")
        self.recipient_address.setFixedHeight(self.fontMetrics().lineSpacing() * 5)
        letter_form.addRow("Address:", self.recipient_address)
        self.letter_date_set = QCheckBox("Date the letter")
        name_widget(self.letter_date_set, "bidLetterDateSet", "Choose the letter's date")
        self.letter_date = QDateEdit()
        name_widget(self.letter_date, "bidLetterDate", "Letter date")
        show_dates_as_the_bid_does(self.letter_date)
        self.letter_date.setCalendarPopup(True)
        chosen = details.letter_date
        self.letter_date.setDate(
            QDate(chosen.year, chosen.month, chosen.day) if chosen else QDate(2005, 8, 5)
        )
        self.letter_date_set.setChecked(chosen is not None)
        self.letter_date.setEnabled(chosen is not None)
        self.letter_date_set.toggled.connect(self.letter_date.setEnabled)
        date_row = QWidget()
        date_layout = QHBoxLayout(date_row)
        date_layout.setContentsMargins(0, 0, 0, 0)
        date_layout.addWidget(self.letter_date_set)
        date_layout.addWidget(self.letter_date, 1)
        letter_form.addRow("Date:", date_row)
        hint = QLabel(
            "Left unticked, the letter is dated the last working day before expressions of "
            "interest are due while that is still ahead, otherwise the day it is exported."
        )
        hint.setWordWrap(True)
        letter_form.addRow(hint)

        self.message = QLabel()
        self.message.setObjectName("bidDetailsMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(text_style("danger", self.message))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.setObjectName("bidDetailsButtons")
        for button in buttons.buttons():
            name_widget(button, f"bidDetails{button.text().replace('&', '')}", button.text())
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        note = QLabel(
            "The title, contact and marking appear on the proposal and the expression of interest."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(letter)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def details(self) -> BidDetails:
        return BidDetails(
            title=self.title_edit.text(),
            funding_body=self.funding_body.text(),
            reference=self.reference.text(),
            version_label=self.version.text(),
            protective_marking=self.marking.text(),
            contact_name=self.contact_name.text(),
            contact_title=self.contact_title.text(),
            contact_email=self.contact_email.text(),
            contact_phone=self.contact_phone.text(),
            count_table_words=self.count_tables.isChecked(),
            expected_products=self.expected_products.value(),
            letter_recipient_name=self.recipient_name.text(),
            letter_recipient_title=self.recipient_title.text(),
            letter_recipient_address=self.recipient_address.toPlainText(),
            letter_date=self._letter_date(),
            money_whole_pounds=self.whole_pounds.isChecked(),
            use_template_header_footer=self.template_header.isChecked(),
        )

    def _letter_date(self) -> date | None:
        if not self.letter_date_set.isChecked():
            return None
        chosen = self.letter_date.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def accept(self) -> None:
        try:
            result = bid_details.save(self.workspace, self.details(), self.loaded)
            written = list(result.written)
            if result.conflicts:
                result = settle(
                    self,
                    result,
                    # Only the kept fields over the details as saved now: the rest stand.
                    lambda now, chosen: bid_details.save(
                        self.workspace, bid_details.details_of({**now.values, **chosen}), now
                    ),
                    labels=LABELS,
                    what="the bid's details",
                    texts=("letter_recipient_address",),
                )
                written += [name for name in result.written if name not in written]
        except (BidDetailsError, RefusedEditError) as error:
            # The dialog stays open with what was typed (a refusal: "not yours to change").
            self.message.setText(str(error))
            return
        self.changed = written
        super().accept()
