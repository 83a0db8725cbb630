"""The Sustainability page: products counter and form, risk heat map clicks, budget editing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLineEdit, QPushButton, QTableView, QWidget

from crmbid_desktop.domain.money import format_pence
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import budget, products, risks
from crmbid_desktop.ui.pages.sustainability_page import SustainabilityPage
from crmbid_desktop.ui.sustainability.budget_tab import BudgetModel
from crmbid_desktop.ui.sustainability.heat_map import (
    cell_at,
    cell_rect,
    grid_rect,
    render_heat_map_png,
)
from crmbid_desktop.ui.table_model import ROW_ROLE
from tests.helpers import partner_saves
from tests.helpers.qt import assert_controls_named, child


def _page(qtbot: object, workspace: Workspace) -> SustainabilityPage:
    page = SustainabilityPage(workspace)
    qtbot.addWidget(page)  # type: ignore[attr-defined]
    page.resize(1280, 800)
    page.show()
    return page


def test_page_is_named_and_shows_the_counter(qtbot: object, workspace: Workspace) -> None:
    page = _page(qtbot, workspace)
    assert page.objectName() == "sustainabilityPage"
    assert [page.tabs.tabText(i) for i in range(3)] == ["&Products", "&Risks", "&Budget"]
    assert page.products.counter.text() == "8 of 41 products recorded"
    for index in range(3):
        page.tabs.setCurrentIndex(index)
        assert_controls_named(page)


def test_risks_and_budget_are_built_when_first_shown_and_decorated_like_the_page(
    qtbot: object, workspace: Workspace, app_paths: Any
) -> None:
    from crmbid_desktop.ui.main_window import MainWindow
    from crmbid_desktop.ui.window_state import WindowState

    window = MainWindow(workspace, WindowState(app_paths.settings_file))
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    window._show_page_named("sustainabilityPage")
    page = window.current_page()
    assert isinstance(page, SustainabilityPage)
    # The first visit builds the Products tab only.
    assert page._risks is None and page._budget is None
    page.tabs.setCurrentIndex(1)
    assert page._risks is not None and page._budget is None
    risks_tab = page._risks
    assert risks_tab.isVisible() and risks_tab.table.view.model().rowCount() > 0
    # The main window's treatment of a page reaches the tab built later: icons on its buttons
    # and names for the clear buttons Qt adds to filter fields.
    new_risk = risks_tab.new_button
    assert not new_risk.icon().isNull()
    assert_controls_named(page)
    page.tabs.setCurrentIndex(2)
    assert page._budget is not None and page._budget.isVisible()
    assert_controls_named(page)


def test_a_tab_built_late_on_a_read_only_bid_has_its_edits_disabled(
    qtbot: object, bid_path: Path, app_paths: Any
) -> None:
    from crmbid_desktop.services.bid.bid_files import open_workspace
    from crmbid_desktop.ui.main_window import EDITS_BID_PROPERTY, MainWindow
    from crmbid_desktop.ui.window_state import WindowState

    read_only = open_workspace(bid_path, app_paths, read_only=True)
    try:
        window = MainWindow(read_only, WindowState(app_paths.settings_file))
        qtbot.addWidget(window)  # type: ignore[attr-defined]
        window._show_page_named("sustainabilityPage")
        page = window.current_page()
        assert isinstance(page, SustainabilityPage) and page._risks is None
        # What the window does to a page it builds, the page now does to a part built later.
        built_late = QWidget()
        marked = QPushButton("Edit", built_late)
        marked.setProperty(EDITS_BID_PROPERTY, True)
        page.decorate_late(built_late)
        assert not marked.isEnabled()
        page.tabs.setCurrentIndex(1)
        assert page._risks is not None and not page._risks.new_button.icon().isNull()
    finally:
        read_only.close()


def _product(workspace: Workspace, product_id: int) -> products.ProductFields:
    return next(r.fields for r in products.product_rows(workspace) if r.id == product_id)


def _type(qtbot: object, edit: QLineEdit, text: str) -> None:
    """Type into a line edit as a user would, then leave it (Tab)."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)  # type: ignore[attr-defined]
    edit.editingFinished.emit()  # offscreen focus changes are unreliable: leave explicitly


def test_no_save_buttons_and_new_product_is_a_row_at_once(
    qtbot: object, workspace: Workspace
) -> None:
    page = _page(qtbot, workspace)
    assert page.findChild(QPushButton, "saveProductButton") is None
    assert page.findChild(QPushButton, "saveRiskButton") is None
    tab = page.products
    tab.new_button.click()
    assert tab.counter.text() == "9 of 41 products recorded"
    assert tab.name_edit.text() == "New product"
    assert page.focusWidget() is tab.name_edit
    assert tab.name_edit.selectedText() == "New product"
    selected = tab.table.view.selectionModel().selectedRows()
    assert selected and selected[0].data() == "New product"
    tab.new_button.click()
    assert tab.name_edit.text() == "New product 2"
    assert page.undo_stack.undoText() == "Added product “New product 2”"


def test_typing_a_field_and_leaving_it_saves_to_the_bid(
    qtbot: object, workspace: Workspace, bid_path: Path
) -> None:
    page = _page(qtbot, workspace)
    tab = page.products
    product_id = tab.current_id
    assert product_id is not None
    _type(qtbot, tab.state_edit, "Live on the portal")
    assert not tab.saver.dirty
    model_index = tab.table.view.selectionModel().selectedRows()[0]
    assert model_index.data(ROW_ROLE).fields.current_state == "Live on the portal"
    # Reopen the bid from disk: the edit is there without any Save.
    from crmbid_desktop.store.bidfile import open_bid

    backups = bid_path.parent / "reopen-backups"
    reopened = Workspace(open_bid(bid_path, backups_dir=backups, read_only=True))
    try:
        assert _product(reopened, product_id).current_state == "Live on the portal"
    finally:
        reopened.close()


def test_bad_yearly_cost_says_why_and_is_not_saved_while_the_name_is(
    qtbot: object, workspace: Workspace
) -> None:
    page = _page(qtbot, workspace)
    # The budget tab is built the first time it is shown; look at it, then go back to products.
    page.tabs.setCurrentIndex(2)
    shown_budget = page.budget
    page.tabs.setCurrentIndex(0)
    tab = page.products
    product_id = tab.current_id
    assert product_id is not None
    before = _product(workspace, product_id)
    _type(qtbot, tab.cost_edit, "£1,2.00")
    assert tab.cost_message.isVisibleTo(tab)
    assert "Yearly cost “£1,2.00” has commas in the wrong places" in tab.cost_message.text()
    _type(qtbot, tab.name_edit, "Channel shift toolkit")
    saved = _product(workspace, product_id)
    assert saved.name == "Channel shift toolkit"
    assert saved.yearly_cost_pence == before.yearly_cost_pence
    assert tab.cost_message.isVisibleTo(tab)  # still wrong, still said
    _type(qtbot, tab.cost_edit, "£1,250.50")
    assert not tab.cost_message.isVisibleTo(tab)
    assert _product(workspace, product_id).yearly_cost_pence == 1_250_50
    # The budget's maintenance line follows the product's cost.
    with workspace.reading() as session:
        maintenance = budget.product_maintenance_pence(session)
    assert page.budget is shown_budget  # the tab already built followed the change set
    assert _budget_cell(shown_budget.model, "Product maintenance", 1).data() == format_pence(
        maintenance
    )
    # A blank name keeps its message and the saved name.
    tab.name_edit.selectAll()
    qtbot.keyClick(tab.name_edit, Qt.Key.Key_Backspace)  # type: ignore[attr-defined]
    tab.name_edit.editingFinished.emit()
    assert tab.name_message.text() == "A product needs a name."
    assert _product(workspace, product_id).name == "Channel shift toolkit"


def test_switching_rows_saves_pending_edits(qtbot: object, workspace: Workspace) -> None:
    page = _page(qtbot, workspace)
    tab = page.products
    first = tab.current_id
    assert first is not None
    tab.reason_edit.setPlainText("Still used by 120 councils")  # no pause, not left
    assert tab.saver.dirty
    tab.table.view.selectRow(1)
    assert tab.current_id != first
    assert _product(workspace, first).decision_reason == "Still used by 120 councils"
    assert tab.model.rowCount() == 8  # the row was updated in place, not reloaded


def test_text_areas_save_after_a_pause(qtbot: object, workspace: Workspace) -> None:
    page = _page(qtbot, workspace)
    tab = page.products
    product_id = tab.current_id
    assert product_id is not None
    tab.description_edit.setPlainText("A toolkit for councils")
    qtbot.waitUntil(  # type: ignore[attr-defined]
        lambda: _product(workspace, product_id).description == "A toolkit for councils"
    )


def test_one_field_save_is_one_readable_undo_step(qtbot: object, workspace: Workspace) -> None:
    page = _page(qtbot, workspace)
    tab = page.products
    product_id = tab.current_id
    assert product_id is not None
    name = tab.name_edit.text()
    before = _product(workspace, product_id).decision
    steps = page.undo_stack.count()
    tab.decision_box.setCurrentIndex(
        tab.decision_box.findData("keep" if before != "keep" else "retire")
    )
    wanted = "keep" if before != "keep" else "retire"
    assert _product(workspace, product_id).decision == wanted
    assert page.undo_stack.count() == steps + 1
    assert page.undo_stack.undoText() == f"Changed the decision of “{name}” to {wanted}"
    page.undo_stack.undo()
    assert _product(workspace, product_id).decision == before
    assert tab.decision_box.currentData() == before  # the form shows the undone value
    page.undo_stack.redo()
    assert _product(workspace, product_id).decision == wanted


def test_risk_score_updates_live_and_saves(qtbot: object, workspace: Workspace) -> None:
    page = _page(qtbot, workspace)
    page.tabs.setCurrentIndex(1)
    tab = page.risks
    risk_id = tab.current_id
    assert risk_id is not None
    tab.likelihood_spin.setValue(5)
    qtbot.waitUntil(lambda: not tab.saver.dirty)  # type: ignore[attr-defined]
    tab.impact_spin.setValue(5)
    assert (
        tab.score_label.text() == "25 (very high): likelihood × impact"
    )  # live, before the pause saves it
    qtbot.waitUntil(lambda: not tab.saver.dirty)  # type: ignore[attr-defined]
    row = next(r for r in risks.RISKS.rows(workspace) if r.id == risk_id)
    assert (row.fields.likelihood, row.fields.impact) == (5, 5)
    assert "highest score 25" in tab.summary.text()
    assert tab.table.view.model().index(0, 0).data() == "25"
    assert page.undo_stack.undoText().startswith("Changed the impact of risk “")
    # A bad review date is said and not saved; the new risk is a row at once.
    _type(qtbot, tab.review_edit, "31/02/2006")
    assert tab.review_message.isVisibleTo(tab)
    tab.new_button.click()
    assert tab.description_edit.toPlainText() == "New risk"
    assert tab.model.rowCount() == 4


def test_deleting_a_product_can_be_undone(qtbot: object, workspace: Workspace) -> None:
    page = _page(qtbot, workspace)
    tab = page.products
    tab.table.view.selectRow(0)
    name = tab.name_edit.text()
    tab.delete()
    assert tab.counter.text() == "7 of 41 products recorded"
    page.undo_stack.undo()
    assert tab.counter.text() == "8 of 41 products recorded"
    assert name in [row.name for row in products.product_rows(workspace)]
    page.undo_stack.redo()
    assert tab.counter.text() == "7 of 41 products recorded"


def test_clicking_a_heat_map_cell_lists_its_risks(qtbot: object, workspace: Workspace) -> None:
    page = _page(qtbot, workspace)
    page.tabs.setCurrentIndex(1)
    tab = page.risks
    view = tab.table.view
    assert view.model().index(0, 0).data() == "12"  # sorted by score, highest first
    heat_map = tab.heat_map
    centre = cell_rect(grid_rect(heat_map.size()), 2, 4).center()
    assert cell_at(heat_map.size(), centre) == (2, 4)
    qtbot.mouseClick(heat_map, Qt.MouseButton.LeftButton, pos=centre)  # type: ignore[attr-defined]
    assert view.model().rowCount() == 1
    assert tab.description_edit.toPlainText() == "Handover from Newham is late or incomplete"
    assert "likelihood 2 and impact 4" in tab.filter_label.text()
    empty = cell_rect(grid_rect(heat_map.size()), 1, 1).center()
    qtbot.mouseClick(heat_map, Qt.MouseButton.LeftButton, pos=empty)  # type: ignore[attr-defined]
    assert view.model().rowCount() == 0
    tab.show_all()
    assert view.model().rowCount() == 3
    assert cell_at(heat_map.size(), QPoint(1, 1)) is None


def test_risk_deletion_undo_and_heat_map_png(qtbot: object, workspace: Workspace) -> None:
    page = _page(qtbot, workspace)
    tab = page.risks
    tab.table.view.selectRow(0)
    tab.delete()
    assert tab.model.rowCount() == 2
    page.undo_stack.undo()
    assert tab.model.rowCount() == 3

    counts = risks.heat_map(risks.RISKS.rows(workspace))
    png = render_heat_map_png(counts, 400, 320)
    assert png.startswith(b"\x89PNG")
    image = QImage.fromData(png)
    assert (image.width(), image.height()) == (400, 320)
    # The very-high corner (likelihood 5, impact 5) is painted red.
    top_right = cell_rect(grid_rect(image.size()), 5, 5).center()
    assert image.pixelColor(top_right).red() > 200 and image.pixelColor(top_right).green() < 130


def _budget_cell(model: BudgetModel, label: str, column: int) -> QModelIndex:
    for row in range(model.rowCount()):
        if model.index(row, 0).data().startswith(label):
            return model.index(row, column)
    raise AssertionError(f"no budget row {label}")


def test_budget_edits_totals_and_refusals(qtbot: object, workspace: Workspace) -> None:
    page = _page(qtbot, workspace)
    page.tabs.setCurrentIndex(2)
    model = page.budget.model
    view = child(page, QTableView, "budgetTable")
    assert view.model() is model
    assert model.headerData(1, Qt.Orientation.Horizontal) == "2005/06"
    assert model.headerData(5, Qt.Orientation.Horizontal) == "2009/10"

    staff = _budget_cell(model, "Staff", 1)
    assert model.flags(staff) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(staff, "£12,500.50")
    qtbot.waitUntil(lambda: _budget_cell(model, "Total costs", 1).data() == "£12,500.50")  # type: ignore[attr-defined]
    balance = _budget_cell(model, "Surplus or gap", 1)
    assert balance.data() == "£12,500.50 gap"
    assert balance.data(Qt.ItemDataRole.BackgroundRole).color().red() > 200
    assert "gap £12,500.50" in page.budget.balance_summary.text()

    with qtbot.waitSignal(model.edit_refused) as refused:  # type: ignore[attr-defined]
        assert not model.setData(_budget_cell(model, "Hosting", 2), "12.345")
    assert "Hosting 2006/07 “12.345” has more than two decimal places" in refused.args[0]
    drawn = _budget_cell(model, "Partner contributions", 1)
    assert not model.flags(drawn) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(drawn, "5")

    page.undo_stack.undo()
    qtbot.waitUntil(lambda: _budget_cell(model, "Total costs", 1).data() == "£0.00")  # type: ignore[attr-defined]

    page.budget.year_count_spin.setValue(3)
    assert model.columnCount() == 4
    with workspace.reading() as session:
        assert budget.budget_settings(session) == (2005, 3)


def test_budget_model_passes_qtmodeltester(qtmodeltester: object, workspace: Workspace) -> None:
    model = BudgetModel(lambda *args: None)
    with workspace.reading() as session:
        model.set_table(budget.budget_table(session))
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_products_export_and_import_from_the_tab(
    qtbot: object, workspace: Workspace, tmp_path: object, monkeypatch: object
) -> None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from crmbid_desktop.ui import progress

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(  # type: ignore[attr-defined]
        QMessageBox, "information", lambda _p, title, text: shown.append((title, text))
    )
    monkeypatch.setattr(  # type: ignore[attr-defined]
        QMessageBox, "warning", lambda _p, title, text: shown.append((title, text))
    )
    asked: list[str] = []

    def yes(_parent: object, _title: str, text: str) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)  # type: ignore[attr-defined]
    runs: list[str] = []
    real_run = progress.run_with_progress

    def counted(*args: object) -> object:
        runs.append(str(args[2]))
        return real_run(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(progress, "run_with_progress", counted)  # type: ignore[attr-defined]
    target = Path(str(tmp_path)) / "products.csv"
    monkeypatch.setattr(  # type: ignore[attr-defined]
        QFileDialog, "getSaveFileName", lambda *args: (str(target), "")
    )
    page = _page(qtbot, workspace)
    page.products.export_button.click()
    assert shown[-1][0] == "Products exported" and target.exists()

    target.write_text(
        target.read_text(encoding="utf-8-sig") + "New guide,guide,,,,,,,,,\nBad,leaflet,,,,,,,,,\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(  # type: ignore[attr-defined]
        QFileDialog, "getOpenFileName", lambda *args: (str(target), "")
    )
    page.products.import_button.click()
    assert runs == ["Reading products.csv…", "Adding the products from products.csv…"]
    assert "Would add 1 products, would update 0, 8 unchanged; 1 rows skipped." in asked[0]
    title, text = shown[-1]
    assert title == "Products imported"
    assert "Row 11: skipped: Category “leaflet”" in text
    assert page.products.counter.text() == "9 of 41 products recorded"


def test_cancelling_a_products_import_changes_nothing(
    qtbot: object, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from PySide6.QtWidgets import QMessageBox

    from crmbid_desktop.services.spreadsheets import products_io
    from crmbid_desktop.ui.progress import ProgressDialog

    source = tmp_path / "many.csv"
    source.write_text(
        "Product,Category\n" + "".join(f"Guide {n},guide\n" for n in range(400)), encoding="utf-8"
    )
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[1]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[1]))
    reached = threading.Event()
    gate = threading.Event()
    real_apply = products_io.apply_products_import

    def held(workspace: Workspace, plan: object, report: object) -> object:
        def hold(done: int, total: int) -> None:
            if done >= 200:  # half the rows are in the transaction: wait for Cancel
                reached.set()
                gate.wait(10)
            report(done, total)  # type: ignore[operator]

        return real_apply(workspace, plan, hold)  # type: ignore[arg-type]

    monkeypatch.setattr(products_io, "apply_products_import", held)
    dialogs: list[ProgressDialog] = []
    real_init = ProgressDialog.__init__

    def remember(self: ProgressDialog, *args: object) -> None:
        real_init(self, *args)  # type: ignore[arg-type]
        dialogs.append(self)
        if len(dialogs) == 2:  # the apply step: press Cancel once the work is half way

            def press() -> None:
                if reached.is_set():
                    self.canceled.emit()  # what the Cancel button sends
                    gate.set()
                else:
                    QTimer.singleShot(10, press)

            QTimer.singleShot(10, press)

    monkeypatch.setattr(ProgressDialog, "__init__", remember)
    page = _page(qtbot, workspace)
    steps = page.undo_stack.count()
    assert page.products.import_from(source) is None
    assert len(dialogs) == 2  # reading, then applying: both with Cancel
    assert shown == []  # no “imported” message
    assert page.products.counter.text() == "8 of 41 products recorded"
    assert products.product_count(workspace)[0] == 8
    assert page.undo_stack.count() == steps


def test_register_model_updates_a_row_in_place(qtmodeltester: object, workspace: Workspace) -> None:
    from dataclasses import replace

    from crmbid_desktop.ui.sustainability.forms import RegisterModel
    from crmbid_desktop.ui.sustainability.products_tab import PRODUCT_COLUMNS

    model: RegisterModel[products.ProductRow] = RegisterModel(PRODUCT_COLUMNS)
    model.set_rows(products.product_rows(workspace))
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    first = model.row_at(0)
    renamed = replace(first, fields=replace(first.fields, name="Renamed"))
    assert model.replace_row(renamed)
    assert model.index(0, 0).data() == "Renamed"
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_an_edit_elsewhere_reads_only_the_products_it_names(
    qtbot: object, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _page(qtbot, workspace)
    tab = page.products
    asked: list[object] = []
    read_rows = products.PRODUCTS.rows

    def spy(ws: Workspace, uuids: object = None) -> list[products.ProductRow]:
        asked.append(None if uuids is None else set(uuids))  # type: ignore[call-overload]
        return read_rows(ws, uuids)  # type: ignore[arg-type]

    monkeypatch.setattr(products.PRODUCTS, "rows", spy)
    second = tab.model.rows[1]
    changed = replace(second.fields, decision="retire")
    products.PRODUCTS.update(workspace, second.id, changed)  # another page, or an import
    assert asked == [{second.uuid}]
    row = next(r for r in tab.model.rows if r.id == second.id)
    assert row.decision_text == "retire"
    assert tab.current_id == tab.model.rows[0].id  # the product being read stays selected

    products.PRODUCTS.delete(workspace, second.id)
    assert asked[-1] == {second.uuid}
    assert second.id not in [r.id for r in tab.model.rows]
    assert tab.counter.text() == "7 of 41 products recorded"


def test_a_council_renamed_elsewhere_renames_the_owner_of_its_products(
    qtbot: object, workspace: Workspace
) -> None:
    from crmbid_desktop.services.registers import partners

    page = _page(qtbot, workspace)
    tab = page.products
    leeds = partners.partner_rows(workspace)[0]
    first = tab.model.rows[0]
    products.PRODUCTS.update(workspace, first.id, replace(first.fields, owner_partner_id=leeds.id))
    assert tab.model.rows[0].owner_name == leeds.fields.name
    partner_saves.save_partner(workspace, leeds.id, replace(leeds.fields, name="Leeds CC"))
    assert tab.model.rows[0].owner_name == "Leeds CC"
    assert tab.owner_box.findText("Leeds CC") > 0
    assert tab.owner_box.currentText() == "Leeds CC"  # the product shown keeps its owner


def test_budget_follows_the_one_money_grammar(qtbot: object, workspace: Workspace) -> None:
    """ "1e3" is refused and "(100)" is minus £100, as the domain's grammar (and the README) say;
    the Partners form refuses both for a contribution (tests/ui/test_partners_page.py)."""
    page = _page(qtbot, workspace)
    page.tabs.setCurrentIndex(2)
    model = page.budget.model
    hosting = _budget_cell(model, "Hosting", 1)
    with qtbot.waitSignal(model.edit_refused) as refused:  # type: ignore[attr-defined]
        assert not model.setData(hosting, "1e3")
    assert "Hosting 2005/06 “1e3” is not an amount in pounds" in refused.args[0]
    assert hosting.data() in ("", "£0.00", None)
    assert model.setData(_budget_cell(model, "Hosting", 1), "(100)")
    qtbot.waitUntil(lambda: _budget_cell(model, "Hosting", 1).data() == "-£100.00")  # type: ignore[attr-defined]
