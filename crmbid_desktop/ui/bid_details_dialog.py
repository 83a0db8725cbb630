"""File > Bid details…: the title, reference and contact the documents print, and bid settings."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.services import bid_details
from crmbid_desktop.services.bid_details import BidDetails, BidDetailsError
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.ui.colours import text_style
from crmbid_desktop.ui.widgets import name_widget


class BidDetailsDialog(QDialog):
    """OK saves every change as one edit (Edit > Undo takes it back); Cancel changes nothing."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bidDetailsDialog")
        self.setWindowTitle("Bid details")
        self.workspace = workspace
        self.changed: list[str] = []
        details = bid_details.read(workspace)

        def line(name: str, label: str, value: str, hint: str = "") -> QLineEdit:
            edit = QLineEdit(value)
            name_widget(edit, name, label)
            if hint:
                edit.setPlaceholderText(hint)
            form.addRow(f"{label}:", edit)
            return edit

        form = QFormLayout()
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
        )

    def accept(self) -> None:
        try:
            self.changed = bid_details.save(self.workspace, self.details())
        except BidDetailsError as error:
            self.message.setText(str(error))  # the dialog stays open with what was typed
            return
        super().accept()
