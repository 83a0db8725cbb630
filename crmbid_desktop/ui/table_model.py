"""A read-mostly table model over plain rows, with named columns, sort values and a row role."""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Row = TypeVar("Row")

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column: its header, how to show a row, and (optionally) how to sort it."""

    header: str
    display: Callable[[Row], str]
    sort_value: Callable[[Row], Any] | None = None
    tooltip: Callable[[Row], str] | None = None
    align_right: bool = False


class RowTableModel(QAbstractTableModel, Generic[Row]):
    def __init__(self, columns: Sequence[Column[Row]], rows: Sequence[Row] = ()) -> None:
        super().__init__()
        self._columns = list(columns)
        self._rows = list(rows)

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def update_rows(
        self,
        changed: Sequence[Row],
        removed: Collection[Hashable],
        key: Callable[[Row], Hashable],
    ) -> None:
        """Show `changed` rows in place (new ones at the end) and drop the `removed` keys.

        Only those rows are touched: no reset, so selection, scrolling and filters stay put.
        """
        where = {key(row): number for number, row in enumerate(self._rows)}
        for number in sorted((where[k] for k in removed if k in where), reverse=True):
            self.beginRemoveRows(QModelIndex(), number, number)
            self._remove_at(number)
            self.endRemoveRows()
        if removed:
            where = {key(row): number for number, row in enumerate(self._rows)}
        for row in changed:
            found = where.get(key(row))
            if found is None:
                end = len(self._rows)
                self.beginInsertRows(QModelIndex(), end, end)
                self._insert_at(end, row)
                self.endInsertRows()
                where[key(row)] = end
            else:
                self._replace_at(found, row)
                last = self.index(found, self.columnCount() - 1)
                self.dataChanged.emit(self.index(found, 0), last)

    def merge_rows(self, fresh: Sequence[Row], key: Callable[[Row], Hashable]) -> int:
        """Show `fresh` (every row, as just read) touching only rows that differ; returns how many.

        For registers whose rows are cheap to read but costly to redraw: no reset, so the
        selection and scroll position stay, and unchanged rows are not repainted.
        """
        now = {key(row): row for row in self._rows}
        latest = {key(row) for row in fresh}
        changed = [row for row in fresh if now.get(key(row)) != row]
        removed = [k for k in now if k not in latest]
        if changed or removed:
            self.update_rows(changed, removed, key)
        return len(changed) + len(removed)

    # Hooks for models that keep something beside each row (display texts worked out once).
    def _remove_at(self, number: int) -> None:
        del self._rows[number]

    def _insert_at(self, number: int, row: Row) -> None:
        self._rows.insert(number, row)

    def _replace_at(self, number: int, row: Row) -> None:
        self._rows[number] = row

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    @property
    def rows(self) -> list[Row]:
        return list(self._rows)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(row)
        if role == SORT_ROLE:
            return column.sort_value(row) if column.sort_value else column.display(row)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section].header if 0 <= section < len(self._columns) else None
        return str(section + 1)
