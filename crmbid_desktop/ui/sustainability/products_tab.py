"""Products tab: the register of the CRM Academy's products, with a counter and a detail form."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain import product_rules
from crmbid_desktop.domain.money import format_pence, parse_money
from crmbid_desktop.services import products, queries
from crmbid_desktop.services.file_formats import ExportOptions, ImportOptions, ImportReport
from crmbid_desktop.services.products import ProductFields, ProductRow
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.ui.sustainability import forms
from crmbid_desktop.ui.sustainability.commands import DoneCommand
from crmbid_desktop.ui.table_model import ROW_ROLE, Column, RowTableModel
from crmbid_desktop.ui.widgets import FilterableTable, name_widget

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


class ProductsTab(QWidget):
    """Emits `changed` after every saved edit (the budget's maintenance line follows it)."""

    changed = Signal()

    def __init__(self, workspace: Workspace, undo_stack: QUndoStack) -> None:
        super().__init__()
        self.setObjectName("productsTab")
        self.workspace = workspace
        self.undo_stack = undo_stack
        self.current_id: int | None = None
        self.new_mode = False

        self.counter = QLabel()
        self.counter.setObjectName("productsCounter")
        font = self.counter.font()
        font.setBold(True)
        self.counter.setFont(font)
        self.new_button = self._button("New product", "newProductButton", self.new_product)
        self.delete_button = self._button("Delete product", "deleteProductButton", self.delete)
        self.toolbar = QHBoxLayout()
        self.toolbar.addWidget(self.counter, 1)
        self.toolbar.addWidget(self.new_button)
        self.toolbar.addWidget(self.delete_button)
        self.import_button = self._button("Import…", "importProductsButton", self.ask_import)
        self.export_button = self._button("Export…", "exportProductsButton", self.ask_export)
        self.toolbar.addWidget(self.import_button)
        self.toolbar.addWidget(self.export_button)

        self.model: RowTableModel[ProductRow] = RowTableModel(PRODUCT_COLUMNS)
        self.table = FilterableTable(self.model, "products", "products")
        self.table.view.selectionModel().selectionChanged.connect(self._selection_changed)

        form_box = QGroupBox("Product details")
        form_box.setObjectName("productForm")
        form = QFormLayout(form_box)
        self.name_edit = forms.line_edit("productName", "Product name")
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
        self.downloads_edit = forms.line_edit("productDownloads", "Downloads", "unknown")
        self.councils_edit = forms.line_edit("productCouncils", "Councils using it", "unknown")
        self.review_edit = forms.line_edit(
            "productNextReview", "Next review date", "e.g. 31/03/2006"
        )
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Category:", self.category_box)
        form.addRow("Description:", self.description_edit)
        form.addRow("Current state:", self.state_edit)
        form.addRow("&Decision:", self.decision_box)
        form.addRow("Reason:", self.reason_edit)
        form.addRow("Owner council:", self.owner_box)
        form.addRow("Yearly cost:", self.cost_edit)
        form.addRow("Downloads:", self.downloads_edit)
        form.addRow("Councils using it:", self.councils_edit)
        form.addRow("Next review:", self.review_edit)
        self.error = forms.error_label("productError")
        form.addRow(self.error)
        self.save_button = self._button("Save product", "saveProductButton", self.save)
        self.save_button.setDefault(True)
        form.addRow(self.save_button)
        self.name_edit.returnPressed.connect(self.save)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("productsSplitter")
        splitter.addWidget(self.table)
        splitter.addWidget(forms.scrolling(form_box, "productFormScroll"))
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(self.toolbar)
        layout.addWidget(splitter, 1)

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        name_widget(button, name, text)
        button.clicked.connect(slot)
        return button

    # -- loading ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        with self.workspace.reading() as session:
            rows = products.product_rows(session)
            counter = products.product_count_text(session)
            partners = [(partner.name, partner.id) for partner in queries.partners(session)]
        self.counter.setText(counter)
        current_owner = self.owner_box.currentData()
        self.owner_box.clear()
        self.owner_box.addItem("(none)", None)
        for name, partner_id in partners:
            self.owner_box.addItem(name, partner_id)
        forms.select_data(self.owner_box, current_owner)
        self.model.set_rows(rows)
        self.table.fit_columns()
        self._select(self.current_id)

    def _select(self, product_id: int | None) -> None:
        view = self.table.view
        for proxy_row in range(self.table.proxy.rowCount()):
            index = self.table.proxy.index(proxy_row, 0)
            row = index.data(ROW_ROLE)
            if row is not None and row.id == product_id:
                view.selectRow(proxy_row)
                view.scrollTo(index)
                return
        # A half-typed new product is never replaced by a refresh.
        if self.new_mode:
            return
        if self.table.proxy.rowCount():
            view.selectRow(0)
        else:
            self.new_product()

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self._show(indexes[0].data(ROW_ROLE))

    def _show(self, row: ProductRow) -> None:
        self.current_id = row.id
        self.new_mode = False
        fields = row.fields
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
        self.error.hide()
        self.delete_button.setEnabled(True)

    # -- editing ---------------------------------------------------------------------------------
    def new_product(self) -> None:
        self.table.view.clearSelection()
        self.current_id = None
        self.new_mode = True
        for edit in (self.name_edit, self.state_edit, self.downloads_edit, self.councils_edit):
            edit.clear()
        self.review_edit.clear()
        self.description_edit.clear()
        self.reason_edit.clear()
        forms.select_data(self.category_box, "other")
        forms.select_data(self.decision_box, "")
        forms.select_data(self.owner_box, None)
        self.cost_edit.setText(format_pence(0))
        self.error.hide()
        self.delete_button.setEnabled(False)
        self.name_edit.setFocus()

    def form_fields(self) -> ProductFields:
        """What the form says, or ValueError naming the field that is wrong."""
        cost_text = self.cost_edit.text().strip()
        return ProductFields(
            name=self.name_edit.text(),
            category=str(self.category_box.currentData()),
            description=self.description_edit.toPlainText().strip(),
            current_state=self.state_edit.text().strip(),
            decision=str(self.decision_box.currentData()),
            decision_reason=self.reason_edit.toPlainText().strip(),
            owner_partner_id=self.owner_box.currentData(),
            yearly_cost_pence=parse_money(cost_text, "Yearly cost") if cost_text else 0,
            downloads=forms.optional_whole_number(self.downloads_edit.text(), "Downloads"),
            councils_using=forms.optional_whole_number(
                self.councils_edit.text(), "Councils using it"
            ),
            next_review_on=forms.optional_date(self.review_edit.text(), "Next review date"),
        ).checked()

    def show_error(self, error: Exception) -> None:
        self.error.setText(str(error))
        self.error.show()

    def save(self) -> None:
        try:
            fields = self.form_fields()
            if self.current_id is None:
                self.current_id = products.add_product(self.workspace, fields)
                self.new_mode = False
            else:
                products.update_product(self.workspace, self.current_id, fields)
        except (ValueError, LookupError) as error:
            self.show_error(error)
            return
        self.error.hide()
        self._after_change()

    def delete(self) -> None:
        if self.current_id is None:
            return
        try:
            snapshot = products.delete_product(self.workspace, self.current_id)
        except (ValueError, LookupError) as error:
            self.show_error(error)
            return
        state = {"id": self.current_id}

        def undo() -> None:
            state["id"] = products.restore_product(self.workspace, snapshot)
            self.current_id = state["id"]
            self._after_change()

        def redo() -> None:
            products.delete_product(self.workspace, state["id"])
            self.current_id = None
            self._after_change()

        self.new_mode = False
        self.undo_stack.push(
            DoneCommand(f"Delete product “{snapshot['name']}”", undo, redo, self.show_error)
        )
        self.current_id = None
        self._after_change()

    # -- files -----------------------------------------------------------------------------------
    def ask_import(self) -> None:
        source, _ = QFileDialog.getOpenFileName(
            self, "Import products", str(self.workspace.path.parent), SPREADSHEET_FILTER
        )
        if source:
            self.import_from(Path(source))

    def import_from(self, source: Path) -> ImportReport | None:
        """Read a products file and show the report; rows with problems are listed, not lost."""
        from crmbid_desktop.services import products_io

        try:
            report = products_io.import_products(self.workspace, source, ImportOptions())
        except (ValueError, OSError) as error:
            QMessageBox.warning(self, "Products not imported", str(error))
            return None
        self.current_id = None
        self.new_mode = False
        self._after_change()
        box = QMessageBox.warning if report.rejected else QMessageBox.information
        box(self, "Products imported", "\n".join(report.lines))
        return report

    def ask_export(self) -> None:
        start = str(self.workspace.path.with_name("products.xlsx"))
        target, _ = QFileDialog.getSaveFileName(self, "Export products", start, SPREADSHEET_FILTER)
        if target:
            self.export_to(Path(target))

    def export_to(self, target: Path) -> None:
        from crmbid_desktop.services import products_io

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

    def _after_change(self) -> None:
        self.refresh()
        self.changed.emit()
