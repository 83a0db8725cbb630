"""Small widgets shared by the pages: page heading and a filterable, sortable table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.ui.table_model import ROW_ROLE, SORT_ROLE, RowTableModel


def heading(text: str, object_name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(object_name)
    label.setAccessibleName(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.4)
    font.setBold(True)
    label.setFont(font)
    return label


def name_widget(widget: QWidget, object_name: str, accessible_name: str) -> None:
    """Every interactive widget gets an objectName (tests) and an accessible name (screen readers)."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)


class FilterableTable(QWidget):
    """A filter box over a sortable table view of a `RowTableModel`."""

    def __init__(self, model: RowTableModel[Any], name: str, noun: str) -> None:
        super().__init__()
        self.model = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)

        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText(f"Filter {noun}…")
        self.filter_box.setClearButtonEnabled(True)
        name_widget(self.filter_box, f"{name}Filter", f"Filter {noun}")
        self.filter_box.textChanged.connect(self.proxy.setFilterFixedString)

        self.view = QTableView()
        name_widget(self.view, f"{name}Table", f"Table of {noun}")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.setWordWrap(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.view)

    def fit_columns(self) -> None:
        self.view.resizeColumnsToContents()
        header = self.view.horizontalHeader()
        for column in range(self.model.columnCount()):
            header.resizeSection(column, min(header.sectionSize(column), 420))


def select_row_by_id(view: QAbstractItemView, row_id: object) -> bool:
    """Select and show the row whose ROW_ROLE object (or its model's row_at) has `id` == row_id.

    Rows hidden by a filter are not found: callers clear their filter first.
    """
    model = view.model()
    if model is None:
        return False
    source = model.sourceModel() if isinstance(model, QSortFilterProxyModel) else None
    row_at = getattr(source, "row_at", None)
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        item = index.data(ROW_ROLE)
        if item is None and callable(row_at) and isinstance(model, QSortFilterProxyModel):
            item = row_at(model.mapToSource(index).row())
        if item is not None and getattr(item, "id", None) == row_id:
            view.setCurrentIndex(index)
            view.selectionModel().select(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            view.scrollTo(index)
            view.setFocus()
            return True
    return False
