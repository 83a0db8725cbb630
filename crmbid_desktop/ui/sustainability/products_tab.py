"""Products tab: the CRM Academy's products register, a counter, and a form that saves as you go."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QHideEvent, QUndoStack
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
from crmbid_desktop.services.bid import queries
from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.formats import ExportOptions, ImportReport
from crmbid_desktop.services.registers import products
from crmbid_desktop.services.registers.products import ProductFields, ProductRow
from crmbid_desktop.ui.sustainability import forms
from crmbid_desktop.ui.table_model import ROW_ROLE, Column
from crmbid_desktop.ui.widgets import FilterableTable, name_widget, show_from_start, tidy_form

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
    """Emits `changed` after every saved edit (the budget's maintenance line follows it).

    There is no Save button: each field saves as it is finished (see `forms.FieldSaver`). A
    value that is wrong keeps its message under the field and is not saved; the rest are.
    """

    changed = Signal()

    def __init__(self, workspace: Workspace, undo_stack: QUndoStack) -> None:
        super().__init__()
        self.setObjectName("productsTab")
        self.workspace = workspace
        self.undo_stack = undo_stack
        self.current_id: int | None = None
        #: The product as saved, to keep for any field still wrong in the form.
        self._saved: ProductFields | None = None

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

        self.model: forms.RegisterModel[ProductRow] = forms.RegisterModel(PRODUCT_COLUMNS)
        self.table = FilterableTable(self.model, "products", "products")
        self.table.view.empty_text = (
            "No products yet: press New product for each of the 41, or Import… them from a "
            "spreadsheet."
        )
        self.table.view.setProperty("keyColumns", 3)  # product, category and decision in view
        self.table.view.selectionModel().selectionChanged.connect(self._selection_changed)

        self.form_box = QGroupBox("Product details (saved as you type)")
        self.form_box.setObjectName("productForm")
        form = tidy_form(QFormLayout(self.form_box))  # the one form layout (ui/widgets.py)
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
        #: Why the product could not be saved at all (deleted elsewhere, read-only bid).
        self.error = forms.error_label("productError")
        form.addRow(self.error)

        self.saver = forms.FieldSaver(self)
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
        self.saver.edited.connect(self._check_fields)
        self.saver.commit_requested.connect(self.save_current)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("productsSplitter")
        splitter.addWidget(self.table)
        splitter.addWidget(forms.scrolling(self.form_box, "productFormScroll"))
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
    def refresh(self, select_id: int | None = None) -> None:
        """Reload from the bid (after undo, import, another page's edit) and reload the form.

        Callers save pending edits first where they can (`flush`); an undo arrives with the
        fields already saved, since leaving a field to reach Edit > Undo saved it.
        """
        keep = select_id if select_id is not None else self.current_id
        with self.workspace.reading() as session:
            rows = products.product_rows(session)
            counter = products.product_count_text(session)
            partners = [(partner.name, partner.id) for partner in queries.partners(session)]
        self.counter.setText(counter)
        with self.saver.loading():
            current_owner = self.owner_box.currentData()
            self.owner_box.clear()
            self.owner_box.addItem("(none)", None)
            for name, partner_id in partners:
                self.owner_box.addItem(name, partner_id)
            forms.select_data(self.owner_box, current_owner)
        self.model.set_rows(rows)
        self.table.fit_columns()
        self.current_id = None  # so the form is filled again from what was just read
        self._select(keep)

    def update_rows(self, changes: ChangeSet) -> None:
        """Redraw just the products that changed; the form follows only a change made elsewhere
        (an undo, an import), never while the user is typing in it."""
        with self.workspace.reading() as session:
            names = queries.partner_names(session) if changes.touches("partner") else None
            shown = [
                (self.owner_box.itemData(i), self.owner_box.itemText(i))
                for i in range(1, self.owner_box.count())
            ]
            if names is not None and names != shown:
                partners = [(name, partner_id) for partner_id, name in names]
                with self.saver.loading():
                    current_owner = self.owner_box.currentData()
                    self.owner_box.clear()
                    self.owner_box.addItem("(none)", None)
                    for name, partner_id in partners:
                        self.owner_box.addItem(name, partner_id)
                    forms.select_data(self.owner_box, current_owner)
            if not changes.touches("product", "bid"):
                return
            rows = products.product_rows(session)
            self.counter.setText(products.product_count_text(session))
        self.model.merge_rows(rows, key=lambda row: row.id)
        current = next((row for row in rows if row.id == self.current_id), None)
        if self.current_id is not None and current is None:
            self.current_id = None
            self._select(None)
        elif current is not None and current.fields != self._saved and not self.saver.dirty:
            self._show(current)

    def _select(self, product_id: int | None) -> None:
        view = self.table.view
        for proxy_row in range(self.table.proxy.rowCount()):
            index = self.table.proxy.index(proxy_row, 0)
            row = index.data(ROW_ROLE)
            if row is not None and row.id == product_id:
                view.selectRow(proxy_row)
                view.scrollTo(index)
                if self.current_id != product_id:
                    self._show(row)
                return
        if self.table.proxy.rowCount():
            view.selectRow(0)
            if self.current_id is None:
                self._show(self.table.proxy.index(0, 0).data(ROW_ROLE))
        else:
            self._show(None)

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        row = indexes[0].data(ROW_ROLE)
        if row is None or row.id == self.current_id:
            return
        # Switching product saves what is valid; a value still wrong is left behind (its
        # message said so) rather than holding the user on this product.
        self.flush()
        self._show(row)

    def _show(self, row: ProductRow | None) -> None:
        self.current_id = row.id if row else None
        self._saved = row.fields if row else None
        fields = row.fields if row else ProductFields("")
        with self.saver.loading():
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
        show_from_start(self.form_box)
        for label in self._messages():
            forms.show_message(label, None)
        self.error.hide()
        self.form_box.setEnabled(row is not None)
        self.delete_button.setEnabled(row is not None)

    def _messages(self) -> tuple[QLabel, ...]:
        return (
            self.name_message,
            self.cost_message,
            self.downloads_message,
            self.councils_message,
            self.review_message,
        )

    # -- editing ---------------------------------------------------------------------------------
    def new_product(self) -> None:
        """Add a product named “New product” at once, select it and put the cursor in its name."""
        self.flush()
        with self.workspace.reading() as session:
            name = products.new_product_name(session)
        try:
            new_id = products.add_product(self.workspace, ProductFields(name))
        except (ValueError, LookupError, OSError) as error:
            self.show_error(error)
            return
        self.table.filter_box.clear()
        self._select(new_id)  # the table shows it already, from the change set
        self.changed.emit()
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def _parse_cost(self) -> int:
        text = self.cost_edit.text().strip()
        pence = parse_money(text, "Yearly cost") if text else 0
        if pence < 0:
            raise ValueError("Yearly cost cannot be negative.")
        return pence

    def savable(self, saved: ProductFields) -> ProductFields:
        """The form's values, keeping the saved value of each field that is not valid yet.

        Each bad field shows its message under it and is not saved; the others still are.
        """
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

    def _check_fields(self) -> None:
        """Live messages as the user types (nothing is saved here)."""
        if self._saved is not None:
            self.savable(self._saved)

    def form_valid(self) -> bool:
        return not any(label.text() for label in self._messages())

    def show_error(self, error: Exception) -> None:
        self.error.setText(str(error))
        self.error.show()

    def save_current(self) -> bool:
        """Save every valid field of the product shown; False while something is still wrong."""
        if self.current_id is None or self._saved is None:
            return True
        fields = self.savable(self._saved)
        if fields != self._saved:
            try:
                products.update_product(self.workspace, self.current_id, fields)
            except (ValueError, LookupError, OSError) as error:
                self.show_error(error)
                self.saver.mark_saved()  # said why; do not try again on every key
                return False
            self._saved = fields.checked()
            self._show_saved_row()
            self.changed.emit()
        self.error.hide()
        self.saver.mark_saved()
        return self.form_valid()

    def _show_saved_row(self) -> None:
        """The table row shows the saved values in place, without reloading the form."""
        if self.current_id is None:
            return
        with self.workspace.reading() as session:
            row = next((r for r in products.product_rows(session) if r.id == self.current_id), None)
        if row is not None:
            self.model.replace_row(row)

    def flush(self) -> bool:
        """Save pending valid edits now (switching product, tab, page or closing the window).

        False while something is still wrong, so Edit > Undo waits rather than reloads.
        """
        return self.save_current() if self.saver.dirty else True

    def hideEvent(self, event: QHideEvent) -> None:  # switching tab or page, closing the window
        self.flush()
        super().hideEvent(event)

    def delete(self) -> None:
        """Delete the product shown; Edit > Undo puts it back (the bid's history records it)."""
        if self.current_id is None:
            return
        self.saver.mark_saved()
        try:
            products.delete_product(self.workspace, self.current_id)
        except (ValueError, LookupError, OSError) as error:
            self.show_error(error)
            return
        self.current_id = None
        self._after_change()

    # -- files -----------------------------------------------------------------------------------
    def ask_import(self) -> None:
        self.flush()
        source, _ = QFileDialog.getOpenFileName(
            self, "Import products", str(self.workspace.path.parent), SPREADSHEET_FILTER
        )
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
        start = str(self.workspace.path.with_name("products.xlsx"))
        target, _ = QFileDialog.getSaveFileName(self, "Export products", start, SPREADSHEET_FILTER)
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

    def _after_change(self) -> None:
        # The table already shows the change (its change set); the form follows the selection.
        self._select(self.current_id)
        self.changed.emit()
