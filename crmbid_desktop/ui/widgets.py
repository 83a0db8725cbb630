"""Small widgets shared by the pages: page heading and a filterable, sortable table."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QLocale,
    QObject,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.ui.table_model import ROW_ROLE, SORT_ROLE, RowTableModel

#: The one spacing scale of every page and dialog, in pixels: between a form's rows and between
#: related controls (ROW), between a label and its field (LABEL_GAP), between groups (GROUP).
ROW_SPACING = 6
LABEL_GAP = 8
GROUP_SPACING = 12

_Shown = TypeVar("_Shown")


def tidy_form(form: QFormLayout) -> QFormLayout:
    """Lay `form` out the same way everywhere: labels left and level with their fields.

    A field never drops under its label (narrow panes scroll instead), every field but a
    fixed-size one fills the field column so the right edges line up, and the spacing is the
    scale above. Returns `form`.
    """
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    form.setFormAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    form.setHorizontalSpacing(LABEL_GAP)
    form.setVerticalSpacing(ROW_SPACING)
    return form


def narrow_combo(combo: QComboBox, characters: int = 12) -> QComboBox:
    """Let a combo box be narrower than its longest choice (the form column decides its width).

    A combo box asks for its longest item's width, which in a laptop's narrow form pane pushes
    it under its label or out of view; the full text stays in its list and its tooltip.
    """
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    return combo


class FormScrollArea(QScrollArea):
    """Scrolls a form up and down, never sideways: it is never narrower than the form itself.

    A plain scroll area may be squeezed narrower than its form, cutting every field's right
    edge off (and a splitter beside it happily does so); this one asks for the form's minimum
    width, kept up to date as the form changes (icons arrive after the first paint).
    """

    def __init__(self, form: QWidget) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Not a Tab stop of its own: Tab goes from field to field, and the area still scrolls
        # to show the field that has the focus.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWidget(form)
        form.installEventFilter(self)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        form = self.widget()
        if form is None:
            return hint
        width = (
            form.minimumSizeHint().width()
            + self.verticalScrollBar().sizeHint().width()
            + 2 * self.frameWidth()
        )
        return QSize(max(hint.width(), width), hint.height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)


def show_from_start(form: QWidget) -> None:
    """Show each loaded field's text from its first letter, as Windows does.

    QLineEdit.setText leaves the cursor at the end, so a long value that does not fit showed
    only its tail ("kshire and the Humber"). A field being typed in is left alone.
    """
    for edit in form.findChildren(QLineEdit):
        if not edit.hasFocus():
            edit.setCursorPosition(0)


def heading(text: str, object_name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(object_name)
    label.setAccessibleName(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.4)
    font.setBold(True)
    label.setFont(font)
    return label


def name_helper_buttons(root: QWidget) -> None:
    """Name the buttons Qt adds by itself, which a screen reader would otherwise read as nothing:
    the clear button inside a filter field and a toolbar's » button."""
    from PySide6.QtWidgets import QAbstractButton, QToolBar

    for edit in root.findChildren(QLineEdit):
        if edit.isClearButtonEnabled():
            for button in edit.findChildren(QAbstractButton):
                if not button.accessibleName():
                    button.setAccessibleName(f"Clear {edit.accessibleName() or 'the field'}")
    for toolbar in root.findChildren(QToolBar):
        more = toolbar.findChild(QAbstractButton, "qt_toolbar_ext_button")
        if more is not None and not more.accessibleName():
            more.setAccessibleName(f"More {toolbar.windowTitle().lower()} buttons")


#: How a date field shows its date: as domain/dates.format_date prints it ("Fri 26 Aug 2005").
DATE_EDIT_FORMAT = "ddd d MMM yyyy"
# English names whatever the PC's locale, as format_date's (a Welsh PC would show "Gwe").
_UK = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


def show_dates_as_the_bid_does(edit: QDateEdit) -> None:
    """Make a date field read like every other date in the program: "Fri 26 Aug 2005"."""
    edit.setLocale(_UK)
    edit.setDisplayFormat(DATE_EDIT_FORMAT)


def name_widget(widget: QWidget, object_name: str, accessible_name: str) -> None:
    """Every interactive widget gets an objectName (tests) and an accessible name (screen readers)."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)


class EmptyStateTableView(QTableView):
    """A table that, while it has no rows, says what to do (``empty_text``) in its empty space.

    With rows hidden by a filter it says so instead, so an empty view never looks broken.
    """

    def __init__(self, empty_text: str = "") -> None:
        super().__init__()
        self.empty_text = empty_text
        # Arrows move between cells; Tab leaves the table (cell-by-cell Tab kept a keyboard
        # user in any table with rows).
        self.setTabKeyNavigation(False)

    def message(self) -> str:
        """What the empty table says now ("" while it shows rows)."""
        model = self.model()
        if model is None or model.rowCount() > 0:
            return ""
        source = model.sourceModel() if isinstance(model, QSortFilterProxyModel) else None
        if source is not None and source.rowCount() > 0:
            return "No rows match the filter: clear it to see them all."
        return self.empty_text

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt names it
        super().paintEvent(event)
        text = self.message()
        if text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            area = self.viewport().rect().adjusted(16, 16, -16, -16)
            flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
            painter.drawText(area, int(flags) | int(Qt.TextFlag.TextWordWrap), text)
            painter.end()


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

        self.view = EmptyStateTableView()
        name_widget(self.view, f"{name}Table", f"Table of {noun}")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Whole rows are chosen with the arrows; Tab leaves the table for the form beside it
        # (cell-by-cell Tab trapped keyboard users in any table with rows).
        self.view.setTabKeyNavigation(False)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setWordWrap(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.view)

        self.fitter = ColumnFitter(self.view)

    def fit_columns(self) -> None:
        self.fitter.fit()


#: Dynamic property on a table: how many leading columns must fit the width without scrolling
#: (the render test checks it). Columns after these may scroll sideways.
KEY_COLUMNS_PROPERTY = "keyColumns"


class ColumnFitter(QObject):
    """Sizes a table's columns to their text and to the table's width, until the user resizes one.

    Each column gets the width of its header and (in tables of up to 200 rows) its widest cell,
    capped so no column takes over. When the key columns (`keyColumns`, default: all but the last)
    do not fit the width, the widest of them gives way down to its header's width: on a 1024x768
    screen the figures stay in view and long names are cut short (their full text is a tooltip).
    Fitting is redone as the table is resized; once the user drags a column edge, their widths
    are kept.
    """

    CAP = 360

    def __init__(self, view: QAbstractItemView, key_columns: int | None = None) -> None:
        super().__init__(view)
        self.view = view
        self.user_sized = False
        self._fitting = False
        if key_columns is not None:
            view.setProperty(KEY_COLUMNS_PROPERTY, key_columns)
        header = self._header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.sectionResized.connect(self._resized_by_user)
        view.viewport().installEventFilter(self)
        # What the text needs (each column's widest and least width) is measured once per change
        # of the rows or fonts, not on every resize: a page being shown is resized several times,
        # and measuring 200 rows of every column each time was most of a table page's first visit.
        self._measured: tuple[list[int], list[int]] | None = None
        self._measured_for: tuple[object, str, str] | None = None
        self._watched: QAbstractItemModel | None = None

    def _header(self) -> QHeaderView:
        header = getattr(self.view, "horizontalHeader", None) or self.view.header  # type: ignore[attr-defined]
        found = header()
        assert isinstance(found, QHeaderView)
        return found

    def _resized_by_user(self, *_args: object) -> None:
        if not self._fitting and self._header().underMouse():
            self.user_sized = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt names it
        if event.type() == QEvent.Type.Resize and not self.user_sized:
            self.fit()
        return False

    def key_columns(self) -> int:
        model = self.view.model()
        count = model.columnCount() if model is not None else 0
        wanted = self.view.property(KEY_COLUMNS_PROPERTY)
        return min(int(wanted), count) if wanted is not None else max(count - 1, 1)

    def forget_widths(self, *_args: object) -> None:
        """The rows or headers changed: measure their text again at the next fit."""
        self._measured = None

    def _watch(self, model: QAbstractItemModel) -> None:
        if self._watched is model:
            return
        if self._watched is not None:
            with contextlib.suppress(RuntimeError, TypeError):  # the old model may be gone
                for signal in self._signals(self._watched):
                    signal.disconnect(self.forget_widths)
        self._watched = model
        for signal in self._signals(model):
            signal.connect(self.forget_widths)

    @staticmethod
    def _signals(model: QAbstractItemModel) -> tuple[Any, ...]:
        return (
            model.modelReset,
            model.layoutChanged,
            model.rowsInserted,
            model.rowsRemoved,
            model.rowsMoved,
            model.columnsInserted,
            model.columnsRemoved,
            model.dataChanged,
            model.headerDataChanged,
        )

    def _text_widths(self, model: QAbstractItemModel) -> tuple[list[int], list[int]]:
        """Each column's width for its text (capped) and its header's width (its least)."""
        header = self._header()
        key = (model, self.view.font().key(), header.font().key())
        self._watch(model)
        if self._measured is not None and self._measured_for == key:
            return self._measured
        metrics = self.view.fontMetrics()
        header_metrics = header.fontMetrics()
        rows = min(model.rowCount(), 200)
        widths: list[int] = []
        minimums: list[int] = []
        for column in range(model.columnCount()):
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            least = header_metrics.horizontalAdvance(title) + 30  # room for the sort arrow
            widest = least
            for row in range(rows):
                text = model.index(row, column).data()
                if text:
                    widest = max(widest, metrics.horizontalAdvance(str(text)) + 16)
            widths.append(min(widest, max(self.CAP, least)))
            minimums.append(least)
        self._measured, self._measured_for = (widths, minimums), key
        return self._measured

    def fit(self) -> None:
        model = self.view.model()
        if model is None:
            return
        header = self._header()
        measured, minimums = self._text_widths(model)
        widths = list(measured)
        keys = self.key_columns()
        room = self.view.viewport().width()
        excess = sum(widths[:keys]) - room
        while excess > 0:
            # The widest key column that can still give way gives way first.
            candidates = [c for c in range(keys) if widths[c] > minimums[c]]
            if not candidates:
                break
            widest_column = max(candidates, key=lambda c: widths[c])
            give = min(excess, widths[widest_column] - minimums[widest_column])
            widths[widest_column] -= give
            excess -= give
        self._fitting = True
        try:
            for column, width in enumerate(widths):
                header.resizeSection(column, width)
        finally:
            self._fitting = False


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


def rewrite_list(
    view: QListWidget,
    shown: Sequence[_Shown],
    wanted: Sequence[_Shown],
    fill: Callable[[QListWidgetItem, _Shown], None],
    tooltip: str = "",
) -> int:
    """Make a list that shows `shown` show `wanted`; returns how many rows were written.

    With as many rows as before (the usual edit) only the rows that differ are rewritten, so a
    long list does not flicker or lose its place; otherwise it is filled again.
    """
    written = 0
    if len(shown) == len(wanted):
        for row, (before, now) in enumerate(zip(shown, wanted, strict=True)):
            item = view.item(row)
            if before != now and item is not None:
                fill(item, now)
                written += 1
        return written
    view.clear()
    for now in wanted:
        item = QListWidgetItem()
        if tooltip:
            item.setToolTip(tooltip)
        fill(item, now)
        view.addItem(item)
        written += 1
    return written
