"""Products tab: the CRM Academy's products register, a counter, and a form that saves as you go."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
)

from crmbid_desktop.domain import product_rules
from crmbid_desktop.domain.money import format_pence, parse_money
from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.formats import ExportOptions, ImportReport
from crmbid_desktop.services.registers import partners, products
from crmbid_desktop.services.registers.products import ProductFields, ProductRow
from crmbid_desktop.ui.register_tab import RegisterTab
from crmbid_desktop.ui.sustainability import forms
from crmbid_desktop.ui.table_model import Column

SPREADSHEET_FILTER = "Spreadsheets (*.xlsx *.csv);;Excel workbook (*.xlsx);;CSV (*.csv)"


def _optional_int(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


PRODUCT_COLUMNS: list[Column[ProductRow]] = [
    Column("Product", lambda r: r.name),
    Column("Category", lambda r: r.fields.category),
    Column("Decision", lambda r: r.decision_text),
    Column("Owner council", lambda r: r.owner_name),
    Column(
        "Yearly cost",
        lambda r: format_pence(r.fields.yearly_cost_pence),
        sort_value=lambda r: r.fields.yearly_cost_pence,
        align_right=True,
    ),
    Column(
        "Downloads",
        lambda r: _optional_int(r.fields.downloads),
        sort_value=lambda r: -1 if r.fields.downloads is None else r.fields.downloads,
        align_right=True,
    ),
    Column(
        "Councils using",
        lambda r: _optional_int(r.fields.councils_using),
        sort_value=lambda r: -1 if r.fields.councils_using is None else r.fields.councils_using,
        align_right=True,
    ),
    Column(
        "Next review",
        lambda r: forms.date_text(r.fields.next_review_on),
        sort_value=lambda r: r.fields.next_review_on.isoformat() if r.fields.next_review_on else "",
    ),
    Column(
        "Description",
        lambda r: r.fields.description.replace("\n", " "),
        tooltip=lambda r: r.fields.description,
    ),
]


class ProductsTab(RegisterTab[ProductFields, ProductRow]):
    """The products register; its costs feed the budget's maintenance line (through `changed`)."""

    register = products.PRODUCTS
    noun = "product"
    columns = PRODUCT_COLUMNS
    empty_text = (
        "No products yet: press New product for each of the 41, or Import… them from a spreadsheet."
    )

    def __init__(self, workspace: Workspace, undo_stack: QUndoStack) -> None:
        super().__init__(workspace, undo_stack)
        self.counter = self.summary
        self.counter.setObjectName("productsCounter")
        font = self.counter.font()
        font.setBold(True)
        self.counter.setFont(font)
        self.import_button = self._button("Import…", "importProductsButton", self.ask_import)
        self.export_button = self._button("Export…", "exportProductsButton", self.ask_export)
        self.toolbar.addWidget(self.import_button)
        self.toolbar.addWidget(self.export_button)

        self.name_edit = forms.line_edit("productName", "Product name")
        self.name_message = forms.field_message("productNameMessage")
        self.category_box = forms.combo(
            "productCategory", "Category", [(c, c) for c in product_rules.CATEGORIES]
        )
        self.description_edit = forms.text_edit("productDescription", "Short description")
        self.state_edit = forms.line_edit("productState", "Current state")
        self.decision_box = forms.combo(
            "productDecision",
            "Decision",
            [(wording, stored) for stored, wording in product_rules.DECISIONS.items()],
        )
        self.reason_edit = forms.text_edit("productReason", "Reason for the decision", 2)
        self.owner_box = forms.combo("productOwner", "Owner council", [])
        self.cost_edit = forms.line_edit("productYearlyCost", "Yearly cost to maintain", "£0.00")
        self.cost_message = forms.field_message("productYearlyCostMessage")
        self.downloads_edit = forms.line_edit("productDownloads", "Downloads", "unknown")
        self.downloads_message = forms.field_message("productDownloadsMessage")
        self.councils_edit = forms.line_edit("productCouncils", "Councils using it", "unknown")
        self.councils_message = forms.field_message("productCouncilsMessage")
        self.review_edit = forms.line_edit(
            "productNextReview", "Next review date", "e.g. 31/03/2006"
        )
        self.review_message = forms.field_message("productNextReviewMessage")
        form = self.form
        form.addRow("&Name:", self.name_edit)
        form.addRow("", self.name_message)
        form.addRow("&Category:", self.category_box)
        form.addRow("Description:", self.description_edit)
        form.addRow("Current state:", self.state_edit)
        form.addRow("&Decision:", self.decision_box)
        form.addRow("Reason:", self.reason_edit)
        form.addRow("Owner council:", self.owner_box)
        form.addRow("Yearly cost:", self.cost_edit)
        form.addRow("", self.cost_message)
        form.addRow("Downloads:", self.downloads_edit)
        form.addRow("", self.downloads_message)
        form.addRow("Councils using it:", self.councils_edit)
        form.addRow("", self.councils_message)
        form.addRow("Next review:", self.review_edit)
        form.addRow("", self.review_message)
        self.finish_form()

        for edit in (
            self.name_edit,
            self.state_edit,
            self.cost_edit,
            self.downloads_edit,
            self.councils_edit,
            self.review_edit,
        ):
            self.saver.watch_line(edit)
        for box in (self.category_box, self.decision_box, self.owner_box):
            self.saver.watch_combo(box)
        for text in (self.description_edit, self.reason_edit):
            self.saver.watch_text(text)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("productsSplitter")
        splitter.addWidget(self.table)
        splitter.addWidget(forms.scrolling(self.form_box, "productFormScroll"))
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(self.toolbar)
        layout.addWidget(splitter, 1)

    # -- the declaration -------------------------------------------------------------------------
    def rows_read(self) -> None:
        self.counter.setText(products.product_count_text(self.workspace))

    def follow_changes(self, changes: ChangeSet | None) -> None:
        """The owner council list follows the partners (renamed, added, removed elsewhere)."""
        if changes is not None and not changes.touches("partner"):
            return
        names = partners.council_names(self.workspace)
        shown = [
            (self.owner_box.itemData(i), self.owner_box.itemText(i))
            for i in range(1, self.owner_box.count())
        ]
        if changes is not None and names == shown:
            return
        with self.saver.loading():
            current_owner = self.owner_box.currentData()
            self.owner_box.clear()
            self.owner_box.addItem("(none)", None)
            for partner_id, name in names:
                self.owner_box.addItem(name, partner_id)
            forms.select_data(self.owner_box, current_owner)

    def reads_every_row(self, changes: ChangeSet) -> bool:
        # A council removed takes its products' owner with it (rare: read them all).
        return changes.touches("bid") or bool(changes.removed_from("partner"))

    def rows_showing(self, changes: ChangeSet) -> frozenset[str]:
        # A council renamed changes the owner shown on its own products, and no others.
        if not changes.changed_in("partner"):
            return frozenset()
        return products.PRODUCTS.owned_by(self.workspace, changes.changed_in("partner"))

    def why_not(self, row: ProductRow) -> str:
        owner = row.fields.owner_partner_id
        if self.rights.may_edit(owner):
            return ""
        return self.rights.only_who_may(owner, f"the product '{row.name}'")

    def title_edit(self) -> QLineEdit:
        return self.name_edit

    def new_fields(self, title: str) -> ProductFields:
        return ProductFields(title)

    def fill_form(self, fields: ProductFields) -> None:
        self.name_edit.setText(fields.name)
        forms.select_data(self.category_box, fields.category)
        self.description_edit.setPlainText(fields.description)
        self.state_edit.setText(fields.current_state)
        forms.select_data(self.decision_box, fields.decision)
        self.reason_edit.setPlainText(fields.decision_reason)
        forms.select_data(self.owner_box, fields.owner_partner_id)
        self.cost_edit.setText(format_pence(fields.yearly_cost_pence))
        self.downloads_edit.setText(_optional_int(fields.downloads))
        self.councils_edit.setText(_optional_int(fields.councils_using))
        self.review_edit.setText(forms.date_text(fields.next_review_on))

    def messages(self) -> tuple[QLabel, ...]:
        return (
            self.name_message,
            self.cost_message,
            self.downloads_message,
            self.councils_message,
            self.review_message,
        )

    def _parse_cost(self) -> int:
        text = self.cost_edit.text().strip()
        pence = parse_money(text, "Yearly cost") if text else 0
        if pence < 0:
            raise ValueError("Yearly cost cannot be negative.")
        return pence

    def savable(self, saved: ProductFields) -> ProductFields:
        name = self.name_edit.text().strip()
        forms.show_message(self.name_message, None if name else "A product needs a name.")
        return ProductFields(
            name=name or saved.name,
            category=str(self.category_box.currentData()),
            description=self.description_edit.toPlainText().strip(),
            current_state=self.state_edit.text().strip(),
            decision=str(self.decision_box.currentData()),
            decision_reason=self.reason_edit.toPlainText().strip(),
            owner_partner_id=self.owner_box.currentData(),
            yearly_cost_pence=forms.parsed_or(
                self._parse_cost, saved.yearly_cost_pence, self.cost_message
            ),
            downloads=forms.parsed_or(
                lambda: forms.optional_whole_number(self.downloads_edit.text(), "Downloads"),
                saved.downloads,
                self.downloads_message,
            ),
            councils_using=forms.parsed_or(
                lambda: forms.optional_whole_number(self.councils_edit.text(), "Councils using it"),
                saved.councils_using,
                self.councils_message,
            ),
            next_review_on=forms.parsed_or(
                lambda: forms.optional_date(self.review_edit.text(), "Next review date"),
                saved.next_review_on,
                self.review_message,
            ),
        )

    # -- files -----------------------------------------------------------------------------------
    def ask_import(self) -> None:
        self.flush()
        from crmbid_desktop.ui.dialog_folders import ask_open

        source = ask_open(self, self.workspace, "Import products", SPREADSHEET_FILTER)
        if source:
            self.import_from(Path(source))

    def import_from(self, source: Path) -> ImportReport | None:
        """Read a products file off the GUI thread, confirm what it will do, then apply it.

        Both steps show a progress window with Cancel; a cancelled apply rolls back, so the
        bid is left exactly as it was. Rows with problems are listed in the report, not lost.
        """
        from crmbid_desktop.services.spreadsheets import products_io
        from crmbid_desktop.ui.progress import CANCELLED, run_with_progress

        self.flush()
        try:
            plan = run_with_progress(
                self,
                "Import products",
                f"Reading {source.name}…",
                lambda progress: products_io.read_products_file(self.workspace, source, progress),
            )
        except (ValueError, OSError) as error:
            QMessageBox.warning(self, "Products not imported", str(error))
            return None
        if plan is CANCELLED:
            return None
        if not plan.has_changes:
            lines = [*plan.lines, products_io.plan_summary(plan, dry_run=True)]
            QMessageBox.warning(self, "Products not imported", "\n".join(lines))
            return None
        question = "\n".join(
            [*plan.lines[:12], products_io.plan_summary(plan, dry_run=True), "", "Import them?"]
        )
        answer = QMessageBox.question(self, "Import products", question)
        if answer != QMessageBox.StandardButton.Yes:
            return None
        try:
            report = run_with_progress(
                self,
                "Import products",
                f"Adding the products from {source.name}…",
                lambda progress: products_io.apply_products_import(self.workspace, plan, progress),
            )
        except (ValueError, OSError) as error:
            QMessageBox.warning(self, "Products not imported", str(error))
            return None
        if report is CANCELLED:
            return None
        self.current_id = None
        self._after_change()
        box = QMessageBox.warning if report.rejected else QMessageBox.information
        box(self, "Products imported", "\n".join(report.lines))
        assert isinstance(report, ImportReport)
        return report

    def ask_export(self) -> None:
        self.flush()
        from crmbid_desktop.ui.dialog_folders import ask_save

        target = ask_save(
            self, self.workspace, "Export products", "products.xlsx", SPREADSHEET_FILTER
        )
        if target:
            self.export_to(Path(target))

    def export_to(self, target: Path) -> None:
        from crmbid_desktop.services.spreadsheets import products_io

        if target.suffix.lower() not in (".csv", ".xlsx"):
            target = target.with_suffix(".xlsx")
        exporter = (
            products_io.export_products_csv
            if target.suffix.lower() == ".csv"
            else products_io.export_products_xlsx
        )
        try:
            result = exporter(self.workspace, target, ExportOptions(document="products"))
        except (ValueError, OSError) as error:
            QMessageBox.warning(self, "Products not exported", f"Could not write {target}: {error}")
            return
        QMessageBox.information(self, "Products exported", result.summary)
