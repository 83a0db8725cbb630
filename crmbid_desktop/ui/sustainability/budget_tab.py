"""Budget tab: years as columns, income and cost lines, totals and the surplus or gap per year.

Typed lines are edited in the table; lines drawn from the partner and products registers are shown
read-only so the budget can never disagree with them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QFont, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain.budget_rules import MAX_YEARS, balance_words, financial_year_label
from crmbid_desktop.domain.money import format_pence, format_pence_plain, parse_money
from crmbid_desktop.services.bid.errors import RefusedEditError
from crmbid_desktop.services.bid.versioned import Loaded, SaveResult
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import budget
from crmbid_desktop.services.registers.budget import BudgetRow, BudgetTable
from crmbid_desktop.ui.colours import background_colour, text_colour
from crmbid_desktop.ui.save_conflicts import settle
from crmbid_desktop.ui.sustainability import forms
from crmbid_desktop.ui.widgets import name_widget

#: The bid settings the years choice saves, as the conflict dialog names them.
YEAR_LABELS = {"budget_first_year": "First financial year", "budget_year_count": "Number of years"}


def _year_words(value: object) -> str:
    """A first year as its financial year ("2005/06"); a count of years as it is."""
    number = cast(int, value)
    return financial_year_label(number) if number > MAX_YEARS else f"{number} years"


AnyIndex = QModelIndex | QPersistentModelIndex
# colours.background_colour roles; the balance row's words ("surplus", "gap") say it too.
SURPLUS = "ok"
GAP = "danger"
HEADING = "heading"
DRAWN = "drawn"

#: (line, year, amount the cell showed, pence typed) -> None; raises ValueError with a message
#: for the user.
AmountSetter = Callable[[BudgetRow, int, int, int], None]


@dataclass(frozen=True)
class DisplayRow:
    style: str  # "heading", "line", "total", "balance"
    label: str
    values: list[int]  # pence per year (empty for headings)
    line: BudgetRow | None = None


def display_rows(table: BudgetTable) -> list[DisplayRow]:
    rows: list[DisplayRow] = []
    for heading, lines, totals, total_label in (
        ("Income", table.income, [t.income_pence for t in table.totals], "Total income"),
        ("Costs", table.costs, [t.cost_pence for t in table.totals], "Total costs"),
    ):
        rows.append(DisplayRow("heading", heading, []))
        for line in lines:
            label = f"{line.label} (from the {line.drawn_from})" if line.drawn_from else line.label
            rows.append(DisplayRow("line", label, [line.amount(y) for y in table.years], line))
        rows.append(DisplayRow("total", total_label, totals))
    rows.append(DisplayRow("balance", "Surplus or gap", [t.balance_pence for t in table.totals]))
    return rows


class BudgetModel(QAbstractTableModel):
    """Rows: Income heading, income lines, total; Costs likewise; surplus or gap. Columns: years."""

    edit_refused = Signal(str)

    def __init__(self, set_amount: AmountSetter) -> None:
        super().__init__()
        self.empty = True  # no figures at all: the balance row shows none
        self._set_amount = set_amount
        self._years: list[int] = []
        self._rows: list[DisplayRow] = []

    def set_table(self, table: BudgetTable) -> None:
        self.beginResetModel()
        self._years = list(table.years)
        self._rows = display_rows(table)
        self.empty = table.is_empty
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1 + len(self._years)

    def row(self, number: int) -> DisplayRow:
        return self._rows[number]

    def _editable(self, index: AnyIndex) -> bool:
        row = self._rows[index.row()]
        return (
            index.column() > 0
            and row.style == "line"
            and row.line is not None
            and not row.line.drawn_from
        )

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable(index):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        value = row.values[column - 1] if column > 0 and row.values else None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.label
            if value is None:
                return ""
            if row.style == "balance":
                # An empty budget does not "break even": there is nothing in it yet.
                return "—" if self.empty else budget.balance_cell(value)
            return format_pence(value)
        if role == Qt.ItemDataRole.EditRole:
            return format_pence_plain(value) if value is not None else row.label
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(row.style in ("heading", "total", "balance"))
            font.setItalic(bool(row.line and row.line.drawn_from))
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.style == "balance" and value is not None and not self.empty:
                role_name = SURPLUS if value > 0 else GAP if value < 0 else HEADING
                return QBrush(background_colour(role_name))
            if row.style == "heading":
                return QBrush(background_colour(HEADING))
            if row.line is not None and row.line.drawn_from:
                return QBrush(background_colour(DRAWN))
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.line is not None and row.line.drawn_from:
                return (
                    f"Drawn from the {row.line.drawn_from}: change it there; it cannot be typed in."
                )
            if self._editable(index):
                return "Type an amount in pounds, e.g. 12,500.50"
            if row.style == "balance" and value is not None:
                return balance_words(value)
        if role == Qt.ItemDataRole.AccessibleTextRole and column > 0 and value is not None:
            if row.style == "balance":
                return f"{self._year_label(column)}: {balance_words(value)}"
            return f"{row.label}, {self._year_label(column)}: {format_pence(value)}"
        return None

    def _year_label(self, column: int) -> str:
        return financial_year_label(self._years[column - 1])

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self._editable(index):
            return False
        row = self._rows[index.row()]
        assert row.line is not None
        year = self._years[index.column() - 1]
        what = f"{row.line.label} {financial_year_label(year)}"
        try:
            pence = parse_money(str(value), what)
            shown = row.values[index.column() - 1]
            if pence == shown:
                return True
            self._set_amount(row.line, year, shown, pence)
        except (ValueError, RefusedEditError) as error:  # refused: the server's rights
            self.edit_refused.emit(str(error))
            return False
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section == 0:
            return "Budget line"
        if 0 < section <= len(self._years):
            return self._year_label(section)
        return None


class BudgetTab(QWidget):
    changed = Signal()

    def __init__(self, workspace: Workspace, undo_stack: QUndoStack) -> None:
        super().__init__()
        self.setObjectName("budgetTab")
        self.workspace = workspace
        self._inputs: tuple[int, int, tuple[int, int]] | None = None
        #: The budget's years as the tab showed them (with the bid row's version), for saving.
        self._years_loaded: Loaded | None = None
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)
        self.undo_stack = undo_stack

        self.first_year_box = QComboBox()
        name_widget(self.first_year_box, "budgetFirstYear", "First financial year")
        for year in range(2000, 2021):
            self.first_year_box.addItem(financial_year_label(year), year)
        self.year_count_spin = QSpinBox()
        name_widget(self.year_count_spin, "budgetYearCount", "Number of years")
        self.year_count_spin.setRange(1, MAX_YEARS)
        self.year_count_spin.setSuffix(" years")
        settings = QHBoxLayout()
        settings.addWidget(QLabel("Budget from"))
        settings.addWidget(self.first_year_box)
        settings.addWidget(QLabel("for"))
        settings.addWidget(self.year_count_spin)
        settings.addStretch(1)
        self.first_year_box.activated.connect(self._years_changed)
        self.year_count_spin.editingFinished.connect(self._years_changed)
        self.year_count_spin.valueChanged.connect(self._years_changed)

        self.model = BudgetModel(self._set_amount)
        self.model.edit_refused.connect(self.show_error)
        self.view = QTableView()
        name_widget(self.view, "budgetTable", "Budget: lines by financial year")
        self.view.setTabKeyNavigation(False)  # arrows move between cells; Tab leaves
        self.view.setModel(self.model)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(False)

        self.hint = QLabel(
            "Double-click or start typing in a year's cell to enter pounds and pence. Lines in "
            "italics are drawn from the partner and products registers."
        )
        self.hint.setObjectName("budgetHint")
        self.hint.setWordWrap(True)
        self.balance_summary = QLabel()
        self.balance_summary.setObjectName("budgetBalanceSummary")
        self.balance_summary.setWordWrap(True)
        self.error = forms.error_label("budgetError")

        layout = QVBoxLayout(self)
        layout.addLayout(settings)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.balance_summary)
        layout.addWidget(self.error)
        self._loading = False

    def refresh(self) -> None:
        view = budget.read_budget(self.workspace)
        table = view.table
        self._years_loaded = budget.load_budget_years(self.workspace)
        self._inputs = view.inputs
        self._loading = True
        forms.select_data(self.first_year_box, table.years[0])
        self.year_count_spin.setValue(len(table.years))
        self._loading = False
        self.model.set_table(table)
        self.view.resizeColumnsToContents()
        header = self.view.horizontalHeader()
        # Five years beside the line names fit a 1024x768 window without scrolling sideways.
        header.resizeSection(0, min(max(header.sectionSize(0), 180), 240))
        for column in range(1, self.model.columnCount()):
            header.resizeSection(column, max(header.sectionSize(column), 90))
        parts = [
            f"<span style='color:{text_colour('ok' if t.balance_pence >= 0 else 'danger', self).name()}'>"
            f"<b>{t.label}</b>: {balance_words(t.balance_pence)}</span>"
            for t in table.totals
        ]
        if table.is_empty:
            parts = [
                "No figures yet: double-click a year's cell (or select it and start typing) to "
                "enter income and costs; partners' contributions and product costs come from "
                "their registers."
            ]
        self.balance_summary.setText(" · ".join(parts))

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _set_amount(self, line: BudgetRow, year: int, shown: int, pence: int) -> None:
        # One saved edit; the bid's history makes it undoable like every other. Written only if
        # the cell still holds what it showed: someone else's amount since is a conflict.
        result = budget.set_amount(self.workspace, line.kind, line.source, year, pence, shown=shown)
        self.error.hide()
        if result.conflicts:
            # Asked once Qt has finished the edit: a modal dialog inside setData would let the
            # grid be reset under the editor.
            QTimer.singleShot(0, lambda: self._settle_amount(line, year, result))
        # The grid is worked out again from the edit's change set (`schedule_refresh`), after Qt
        # finishes the edit: resetting the model inside setData confuses the view.
        self.changed.emit()

    def _settle_amount(self, line: BudgetRow, year: int, result: SaveResult) -> None:
        """Someone else saved a different amount in the cell: keep mine or theirs."""
        where = f"{line.label} {financial_year_label(year)}"

        def save_again(loaded: Loaded, chosen: dict[str, object]) -> SaveResult:
            shown = cast(int, loaded.values[budget.AMOUNT])
            pence = cast(int, chosen[budget.AMOUNT])
            return budget.set_amount(
                self.workspace, line.kind, line.source, year, pence, shown=shown
            )

        try:
            settle(
                self,
                result,
                save_again,
                labels={budget.AMOUNT: where},
                what=f"the budget's {where}",
                shown=lambda pence: format_pence(cast(int, pence)),
            )
        except (ValueError, RefusedEditError) as error:
            self.show_error(str(error))
        self.refresh()

    def follow_sources(self) -> None:
        """Partners, products or the bid changed: work the grid out again only if what it draws
        from them (contributions, maintenance, years) moved."""
        if budget.read_drawn_inputs(self.workspace) != self._inputs:
            self.refresh()

    def schedule_refresh(self) -> None:
        """Work the grid out again once control returns to the event loop (several changes in a
        row cost one refresh; never inside the model's own setData)."""
        self._refresh_timer.start()

    def _years_changed(self) -> None:
        if self._loading:
            return
        first = self.first_year_box.currentData()
        count = self.year_count_spin.value()
        loaded = self._years_loaded
        if loaded is None or (first, count) == tuple(loaded.values[f] for f in budget.YEAR_FIELDS):
            return
        try:
            result = budget.set_budget_years(self.workspace, first, count, loaded)
            if result.conflicts:
                settle(
                    self,
                    result,
                    lambda now, chosen: budget.set_budget_years(
                        self.workspace,
                        cast(int, chosen.get("budget_first_year", first)),
                        cast(int, chosen.get("budget_year_count", count)),
                        now,
                    ),
                    labels=YEAR_LABELS,
                    what="the budget's years",
                    shown=_year_words,
                )
        except (ValueError, RefusedEditError) as error:
            self.show_error(str(error))
            self.refresh()  # the years as saved, not as chosen
            return
        self.refresh()
