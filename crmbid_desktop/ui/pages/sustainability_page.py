"""Sustainability page: the products register, the risk register with its heat map, the budget."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget

from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.ui.pages.base import Page
from crmbid_desktop.ui.sustainability.budget_tab import BudgetTab
from crmbid_desktop.ui.sustainability.products_tab import ProductsTab
from crmbid_desktop.ui.sustainability.risks_tab import RisksTab
from crmbid_desktop.ui.widgets import name_widget, select_row_by_id


class SustainabilityPage(Page):
    title = "Sustainability"
    shows_tables = frozenset({"product", "risk", "budget_line", "budget_amount", "partner", "bid"})
    object_name = "sustainabilityPage"

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.tabs = QTabWidget()
        name_widget(self.tabs, "sustainabilityTabs", "Sustainability registers")
        name_widget(self.tabs.tabBar(), "sustainabilityTabBar", "Products, risks or budget")
        self.products = ProductsTab(workspace, self.undo_stack)
        self.risks = RisksTab(workspace, self.undo_stack)
        self.budget = BudgetTab(workspace, self.undo_stack)
        self.tabs.addTab(self.products, "&Products")
        self.tabs.addTab(self.risks, "&Risks")
        self.tabs.addTab(self.budget, "&Budget")
        # Product costs feed the budget's maintenance line: that arrives as the change set.
        self.page_layout.addWidget(self.tabs, 1)
        self.refresh()

    def save_pending(self) -> bool:
        super().save_pending()
        products_saved = self.products.flush()
        return self.risks.flush() and products_saved

    def refresh(self) -> None:
        self.products.refresh()
        self.risks.refresh()
        self.budget.refresh()

    def update_rows(self, changes: ChangeSet) -> None:
        """Each register updates the rows `changes` touched; the budget grid follows its sources.

        Partners edited on their page change product owners and the budget's contributions
        line; product costs feed its maintenance line.
        """
        if changes.touches("product", "partner", "bid"):
            self.products.update_rows(changes)
        if changes.touches("risk"):
            self.risks.update_rows(changes)
        # The budget is a small grid of lines by years, worked out as a whole. Its own cell edits
        # arrive while its model is still inside setData, so those wait for the event loop.
        if changes.touches("budget_line", "budget_amount"):
            self.budget.schedule_refresh()
        elif changes.touches("product", "partner", "bid"):
            self.budget.follow_sources()

    def select_item(self, kind: str, key: object) -> bool:
        if kind == "product":
            self.tabs.setCurrentWidget(self.products)
            self.products.table.filter_box.clear()
            return select_row_by_id(self.products.table.view, key)
        if kind == "risk":
            self.tabs.setCurrentWidget(self.risks)
            self.risks.table.filter_box.clear()
            if self.risks.cell_filter is not None:
                self.risks.cell_filter = None  # a heat-map cell filter could hide the risk
                self.risks.show_rows()
            return select_row_by_id(self.risks.table.view, key)
        return False
