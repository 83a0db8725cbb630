"""Sustainability page: the products register, the risk register with its heat map, the budget.

Only the Products tab is built with the page; Risks and Budget are built (modules imported, rows
read) the first time they are shown or asked for, so the page's first visit pays for one tab.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.ui.pages.base import Page
from crmbid_desktop.ui.sustainability.products_tab import ProductsTab
from crmbid_desktop.ui.widgets import name_widget, select_row_by_id

if TYPE_CHECKING:
    from crmbid_desktop.ui.sustainability.budget_tab import BudgetTab
    from crmbid_desktop.ui.sustainability.risks_tab import RisksTab


def _holder(name: str) -> tuple[QWidget, QVBoxLayout]:
    """The empty tab a lazily built register goes into, and its layout."""
    holder = QWidget()
    holder.setObjectName(name)
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    return holder, layout


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
        self._risks: RisksTab | None = None
        self._budget: BudgetTab | None = None
        self._risks_holder, self._risks_layout = _holder("risksTabHolder")
        self._budget_holder, self._budget_layout = _holder("budgetTabHolder")
        self.tabs.addTab(self.products, "&Products")
        self.tabs.addTab(self._risks_holder, "&Risks")
        self.tabs.addTab(self._budget_holder, "&Budget")
        self.tabs.currentChanged.connect(self._build_shown_tab)
        # Product costs feed the budget's maintenance line: that arrives as the change set.
        self.page_layout.addWidget(self.tabs, 1)
        self.refresh()

    @property
    def risks(self) -> RisksTab:
        """The risk register, built (and filled) on first use."""
        if self._risks is None:
            from crmbid_desktop.ui.sustainability.risks_tab import RisksTab

            self._risks = RisksTab(self.workspace, self.undo_stack)
            self._mount(self._risks, self._risks_layout)
        return self._risks

    @property
    def budget(self) -> BudgetTab:
        """The budget, built (and filled) on first use."""
        if self._budget is None:
            from crmbid_desktop.ui.sustainability.budget_tab import BudgetTab

            self._budget = BudgetTab(self.workspace, self.undo_stack)
            self._mount(self._budget, self._budget_layout)
        return self._budget

    def _mount(self, tab: RisksTab | BudgetTab, layout: QVBoxLayout) -> None:
        """Put a tab built late into its holder, filled and dressed like the rest of the page."""
        layout.addWidget(tab)
        tab.show()  # a child added to a shown tab would otherwise appear a beat later
        tab.refresh()
        self.decorate_late(tab)

    def _build_shown_tab(self, index: int) -> None:
        shown = self.tabs.widget(index)
        if shown is self._risks_holder:
            self.risks  # noqa: B018 - built on first use
        elif shown is self._budget_holder:
            self.budget  # noqa: B018 - built on first use

    def save_pending(self) -> bool:
        super().save_pending()
        products_saved = self.products.flush()
        risks_saved = self._risks is None or self._risks.flush()
        return risks_saved and products_saved

    def refresh(self) -> None:
        # A tab not built yet reads the bid when it is built: nothing to reload there.
        self.products.refresh()
        if self._risks is not None:
            self._risks.refresh()
        if self._budget is not None:
            self._budget.refresh()

    def update_rows(self, changes: ChangeSet) -> None:
        """Each register updates the rows `changes` touched; the budget grid follows its sources.

        Partners edited on their page change product owners and the budget's contributions
        line; product costs feed its maintenance line. A tab not built yet has nothing to update.
        """
        if changes.touches("product", "partner", "bid"):
            self.products.update_rows(changes)
        if self._risks is not None and changes.touches("risk"):
            self._risks.update_rows(changes)
        # The budget is a small grid of lines by years, worked out as a whole. Its own cell edits
        # arrive while its model is still inside setData, so those wait for the event loop.
        if self._budget is None:
            return
        if changes.touches("budget_line", "budget_amount"):
            self._budget.schedule_refresh()
        elif changes.touches("product", "partner", "bid"):
            self._budget.follow_sources()

    def select_item(self, kind: str, key: object) -> bool:
        if kind == "product":
            self.tabs.setCurrentWidget(self.products)
            self.products.table.filter_box.clear()
            return select_row_by_id(self.products.table.view, key)
        if kind == "risk":
            self.tabs.setCurrentWidget(self._risks_holder)
            risks = self.risks
            risks.table.filter_box.clear()
            if risks.cell_filter is not None:
                risks.cell_filter = None  # a heat-map cell filter could hide the risk
                risks.show_rows()
            return select_row_by_id(risks.table.view, key)
        return False
