"""The Sustainability page: products counter and form, risk heat map clicks, budget editing."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QTableView

from crmbid_desktop.services import budget, products, risks
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.ui.pages.sustainability_page import SustainabilityPage
from crmbid_desktop.ui.sustainability.budget_tab import BudgetModel
from crmbid_desktop.ui.sustainability.heat_map import (
    cell_at,
    cell_rect,
    grid_rect,
    render_heat_map_png,
)
from tests.helpers.qt import assert_controls_named


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


def test_product_form_adds_and_refuses_bad_money(qtbot: object, workspace: Workspace) -> None:
    page = _page(qtbot, workspace)
    tab = page.products
    tab.new_product()
    tab.name_edit.setText("Channel shift toolkit")
    tab.cost_edit.setText("£1,2.00")
    tab.save()
    assert tab.error.isVisibleTo(tab)
    assert "Yearly cost “£1,2.00” has commas in the wrong places" in tab.error.text()
    tab.cost_edit.setText("£1,250.50")
    tab.downloads_edit.setText("1,200")
    tab.review_edit.setText("31/03/2006")
    tab.save()
    assert not tab.error.isVisibleTo(tab)
    assert tab.counter.text() == "9 of 41 products recorded"
    # The budget's maintenance line follows the new product's cost.
    with workspace.reading() as session:
        assert budget.product_maintenance_pence(session) == 1_250_50
    maintenance = _budget_cell(page.budget.model, "Product maintenance", 1)
    assert maintenance.data() == "£1,250.50"


def test_deleting_a_product_can_be_undone(qtbot: object, workspace: Workspace) -> None:
    page = _page(qtbot, workspace)
    tab = page.products
    tab.table.view.selectRow(0)
    name = tab.name_edit.text()
    tab.delete()
    assert tab.counter.text() == "7 of 41 products recorded"
    page.undo_stack.undo()
    assert tab.counter.text() == "8 of 41 products recorded"
    with workspace.reading() as session:
        assert name in [row.name for row in products.product_rows(session)]
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

    with workspace.reading() as session:
        counts = risks.heat_map(risks.risk_rows(session))
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
    view = page.findChild(QTableView, "budgetTable")
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
    from pathlib import Path

    from PySide6.QtWidgets import QFileDialog, QMessageBox

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(  # type: ignore[attr-defined]
        QMessageBox, "information", lambda _p, title, text: shown.append((title, text))
    )
    monkeypatch.setattr(  # type: ignore[attr-defined]
        QMessageBox, "warning", lambda _p, title, text: shown.append((title, text))
    )
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
    title, text = shown[-1]
    assert title == "Products imported"
    assert "Row 11: skipped: Category “leaflet”" in text
    assert page.products.counter.text() == "9 of 41 products recorded"
