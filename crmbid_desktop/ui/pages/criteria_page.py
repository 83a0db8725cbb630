"""Criteria page: evaluation criteria with weights that must total 100%, and the coverage matrix."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain.coverage import FULL_WEIGHT_BP, parse_weight
from crmbid_desktop.domain.percentages import format_percent
from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.versioned import Loaded, RowGoneError, SaveResult
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import criteria as criteria_service
from crmbid_desktop.services.views.checklist import checklist_for, written_sections
from crmbid_desktop.ui.colours import background_colour, text_colour, text_style
from crmbid_desktop.ui.pages.base import Page
from crmbid_desktop.ui.pages.word_counting import words_counted
from crmbid_desktop.ui.save_conflicts import settle
from crmbid_desktop.ui.widgets import name_widget

AnyIndex = QModelIndex | QPersistentModelIndex
# colours roles for a gap; the ⚠ and the tooltip say it in words too.
GAP_BACKGROUND = "danger"
GAP_TEXT = "danger"
TITLE, WEIGHT, DESCRIPTION = range(3)
#: The criterion's field each column of the table edits.
COLUMN_FIELDS = ("title", "weight_bp", "description")


class CriteriaModel(QAbstractTableModel):
    """The criteria, editable in place: title, weight (%) and description."""

    problem = Signal(str)
    HEADERS = ("Criterion", "Weight", "Description")

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.rows: list[criteria_service.CriterionInfo] = []
        #: (criterion id, column) -> what the cell showed when its editor opened.
        self._began: dict[tuple[int, int], Loaded] = {}
        #: The window a conflict's dialog opens over (the page).
        self.dialog_parent: QWidget | None = None

    def set_rows(self, rows: list[criteria_service.CriterionInfo]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def merge_rows(self, fresh: list[criteria_service.CriterionInfo], key: Any = None) -> int:
        """Redraw only the criteria that changed; a criterion added, removed or moved resets.

        (Their order gives the short names C1, C2... the matrix uses, so that rare case is a
        reset.) Returns how many rows changed.
        """
        if [row.id for row in fresh] != [row.id for row in self.rows]:
            self.set_rows(fresh)
            return len(fresh)
        changed = 0
        for number, row in enumerate(fresh):
            if row != self.rows[number]:
                self.rows[number] = row
                self.dataChanged.emit(self.index(number, 0), self.index(number, 2))
                changed += 1
        return changed

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == TITLE:
                return row.title
            if column == WEIGHT:
                return (
                    format_percent(row.weight_bp).removesuffix("%")
                    if role == Qt.ItemDataRole.EditRole
                    else format_percent(row.weight_bp)
                )
            return row.description
        if role == Qt.ItemDataRole.ToolTipRole and column == DESCRIPTION:
            return row.description
        if role == Qt.ItemDataRole.TextAlignmentRole and column == WEIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return f"C{section + 1}"  # the matrix's column headings use the same short names

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.workspace.read_only:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def begin_edit(self, index: AnyIndex) -> None:
        """A cell's editor opens: note what it shows (and the row's version) for its save."""
        row = self.rows[index.row()]
        self._began[(row.id, index.column())] = row.loaded(COLUMN_FIELDS[index.column()])

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        row = self.rows[index.row()]
        column = COLUMN_FIELDS[index.column()]
        # Saved over what the cell showed when editing began: another user's save since to
        # another cell of the row stands; to this one, the user chooses whose to keep.
        loaded = self._began.pop((row.id, index.column()), None) or row.loaded(column)
        try:
            wanted = parse_weight(str(value)) if index.column() == WEIGHT else str(value)
            saved = [
                criteria_service.save_criterion_field(
                    self.workspace, row.id, loaded, column, wanted
                )
            ]

            def save_again(base: Loaded, chosen: dict[str, object]) -> SaveResult:
                saved.append(
                    criteria_service.save_criterion_field(
                        self.workspace, row.id, base, column, chosen[column]
                    )
                )
                return saved[-1].result

            settle(
                self.dialog_parent,
                saved[0].result,
                save_again,
                labels=criteria_service.CRITERION_LABELS,
                what=f"the criterion '{row.title}'",
                texts=("description",),
                shown={"weight_bp": lambda value: format_percent(int(str(value)))},
            )
        except (ValueError, RowGoneError) as error:
            self.problem.emit(f"Criterion '{row.title}': {error}")
            return False
        # The one criterion saved, as saved: no other row is read or redrawn.
        self.rows[index.row()] = saved[-1].row
        self.dataChanged.emit(self.index(index.row(), TITLE), self.index(index.row(), DESCRIPTION))
        return True


class CellEditStart(QStyledItemDelegate):
    """Tells the criteria table when a cell's editor opens, so its save merges from there."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        model = index.model()
        if isinstance(model, CriteriaModel):
            model.begin_edit(index)
        return super().createEditor(parent, option, index)


class MatrixModel(QAbstractTableModel):
    """Sections (rows) against criteria (columns); ticked where a section addresses a criterion."""

    problem = Signal(str)

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.matrix: criteria_service.Matrix | None = None
        #: The window a conflict's dialog opens over (the page).
        self.dialog_parent: QWidget | None = None

    def set_matrix(self, matrix: criteria_service.Matrix) -> None:
        self.beginResetModel()
        self.matrix = matrix
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.matrix is None else len(self.matrix.sections)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.matrix is None else len(self.matrix.criteria)

    def _key(self, index: AnyIndex) -> tuple[int, int]:
        assert self.matrix is not None
        return (
            self.matrix.sections[index.row()].id,
            self.matrix.criteria[index.column()].id,
        )

    def _gap(self, index: AnyIndex) -> bool:
        assert self.matrix is not None
        section_id, criterion_id = self._key(index)
        return (
            criterion_id in self.matrix.gaps.uncovered_criteria
            or section_id in self.matrix.gaps.idle_sections
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.matrix is None or not index.isValid():
            return None
        if index.row() >= len(self.matrix.sections) or index.column() >= len(self.matrix.criteria):
            return None
        key = self._key(index)
        linked = key in self.matrix.links
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if linked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if not linked else (self.matrix.links[key] or "")
        if role == Qt.ItemDataRole.ToolTipRole:
            section = self.matrix.sections[index.row()]
            criterion = self.matrix.criteria[index.column()]
            where = self.matrix.links.get(key)
            state = f"addressed: {where}" if where else ("addressed" if linked else "not addressed")
            return f"{section.number} {section.title} — {criterion.title}: {state}"
        if role == Qt.ItemDataRole.BackgroundRole and self._gap(index):
            return QBrush(background_colour(GAP_BACKGROUND))
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self.matrix is None:
            return None
        horizontal = orientation == Qt.Orientation.Horizontal
        items = self.matrix.criteria if horizontal else self.matrix.sections
        if not 0 <= section < len(items):
            return None
        if horizontal:
            criterion = self.matrix.criteria[section]
            gap = criterion.id in self.matrix.gaps.uncovered_criteria
            label = f"C{section + 1}"
            tip = f"{criterion.title} ({format_percent(criterion.weight_bp)})"
            if criterion.id in self.matrix.gaps.linked_only:
                tip += " — linked only to sections with no text yet"
            elif gap:
                tip += " — addressed by no section"
        else:
            row = self.matrix.sections[section]
            gap = row.id in self.matrix.gaps.idle_sections
            label = f"{row.number} {row.title}"
            tip = label + (" — serves no criterion" if gap else "")
        if role == Qt.ItemDataRole.DisplayRole:
            return ("⚠ " if gap else "") + label
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip
        if role == Qt.ItemDataRole.ForegroundRole and gap:
            return QBrush(text_colour(GAP_TEXT))
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.workspace.read_only:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if self.matrix is None or not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        linked = Qt.CheckState(value) == Qt.CheckState.Checked
        shown = self.shown(index)
        self._save_link(index, shown, linked, str(shown.values["note"]))
        return True

    def shown(self, index: AnyIndex) -> Loaded:
        """What the cell shows (tick, note, the tick's version), for a save over it."""
        assert self.matrix is not None
        return self.matrix.shown(*self._key(index))

    def set_note(self, index: AnyIndex, note: str, shown: Loaded) -> None:
        """Save the note typed for the cell over the note it showed when the typing began."""
        if self.matrix is None or not index.isValid():
            return
        self._save_link(index, shown, True, note)

    def _save_link(self, index: AnyIndex, shown: Loaded, linked: bool, note: str) -> None:
        assert self.matrix is not None
        section_id, criterion_id = self._key(index)
        section = self.matrix.sections[index.row()]
        criterion = self.matrix.criteria[index.column()]

        def save(base: Loaded, linked: bool, note: str) -> SaveResult:
            return criteria_service.save_link(
                self.workspace, section_id, criterion_id, base, linked, note
            )

        def save_again(base: Loaded, chosen: dict[str, object]) -> SaveResult:
            # Kept as mine: my tick (with my note) or my untick, or the note as settled.
            keep = bool(chosen.get("linked", base.values["linked"]))
            return save(base, keep, str(chosen.get("note", note if keep else "")))

        try:
            settle(
                self.dialog_parent,
                save(shown, linked, note),
                save_again,
                labels=criteria_service.LINK_LABELS,
                what=f"the tick of {section.number} {section.title} against '{criterion.title}'",
                texts=("note",),
            )
        except (ValueError, RowGoneError) as error:
            self.problem.emit(str(error))
        self.reload()

    def reload(self, matrix: criteria_service.Matrix | None = None) -> None:
        if matrix is None:
            matrix = criteria_service.matrix(self.workspace, written_sections(self.workspace))
        # Same shape: repaint in place so the view keeps its current cell and scroll position.
        if (
            self.matrix is not None
            and len(matrix.sections) == len(self.matrix.sections)
            and len(matrix.criteria) == len(self.matrix.criteria)
        ):
            self.matrix = matrix
            if self.rowCount() and self.columnCount():
                self.dataChanged.emit(
                    self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
                )
            self.headerDataChanged.emit(
                Qt.Orientation.Horizontal, 0, max(self.columnCount() - 1, 0)
            )
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, max(self.rowCount() - 1, 0))
        else:
            self.set_matrix(matrix)


class CriteriaPage(Page):
    title = "Criteria"
    object_name = "criteriaPage"
    shows_tables = frozenset({"criterion", "section_criterion", "section"})

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.model = CriteriaModel(workspace)
        self.model.problem.connect(lambda text: self._tell(text))
        self.model.dialog_parent = self
        self.model.dataChanged.connect(self._criteria_edited)
        self.table = QTableView()
        name_widget(self.table, "criteriaTable", "Evaluation criteria and their weights")
        self.table.setTabKeyNavigation(False)  # arrows move between cells; Tab leaves
        self.table.setModel(self.model)
        self.table.setItemDelegate(CellEditStart(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setWordWrap(False)

        self.total_label = QLabel()
        self.total_label.setObjectName("criteriaWeightTotal")
        self.total_label.setWordWrap(True)
        add = QPushButton("Add criterion…")
        name_widget(add, "addCriterion", "Add a criterion")
        add.clicked.connect(self.add_criterion)
        add.setProperty("editsBid", True)  # disabled by the main window on a read-only bid
        remove = QPushButton("Delete criterion")
        name_widget(remove, "deleteCriterion", "Delete the chosen criterion")
        remove.clicked.connect(self.delete_current)
        remove.setProperty("editsBid", True)
        row = QHBoxLayout()
        row.addWidget(self.total_label, 1)
        row.addWidget(add)
        row.addWidget(remove)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        hint = QLabel("Double-click a title, weight (%) or description to change it.")
        hint.setObjectName("criteriaHint")
        upper_layout.addWidget(hint)
        upper_layout.addWidget(self.table, 1)
        upper_layout.addLayout(row)

        self.matrix_model = MatrixModel(workspace)
        self.matrix_model.dialog_parent = self
        self.matrix_model.problem.connect(lambda text: self._tell_matrix(text))
        #: What the note's cell showed when it was chosen: the note's save merges from it.
        self._note_shown: Loaded | None = None
        self.matrix_view = QTableView()
        name_widget(self.matrix_view, "criteriaMatrix", "Matrix of sections against criteria")
        self.matrix_view.setTabKeyNavigation(False)  # arrows move between cells; Tab leaves
        self.matrix_view.setModel(self.matrix_model)
        self.matrix_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.matrix_view.horizontalHeader().setDefaultSectionSize(70)
        self.matrix_view.setWordWrap(False)
        self.matrix_view.selectionModel().currentChanged.connect(self._matrix_cell_changed)
        self.gap_label = QLabel()
        self.gap_label.setObjectName("coverageGaps")
        self.gap_label.setWordWrap(True)
        self.note_edit = QLineEdit()
        name_widget(self.note_edit, "matrixNote", "Where the section addresses the criterion")
        self.note_edit.setPlaceholderText(
            "Tick a cell, then say where the criterion is addressed (e.g. 'second paragraph')"
        )
        self.note_edit.editingFinished.connect(self._note_edited)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        legend = QLabel(
            "Which sections address which criteria: tick a cell to link them; ⚠ marks a gap."
        )
        legend.setWordWrap(True)
        lower_layout.addWidget(legend)
        lower_layout.addWidget(self.matrix_view, 1)
        #: The criteria's names under the matrix, whose columns are too narrow for them.
        self.criteria_legend = QLabel()
        self.criteria_legend.setObjectName("criteriaLegend")
        self.criteria_legend.setWordWrap(True)
        self.criteria_legend.setMinimumWidth(200)  # wraps, rather than widen the window
        lower_layout.addWidget(self.criteria_legend)
        note_row = QHBoxLayout()
        note_row.addWidget(QLabel("Note:"))
        note_row.addWidget(self.note_edit, 1)
        lower_layout.addLayout(note_row)
        lower_layout.addWidget(self.gap_label)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setSizes([300, 460])
        self.page_layout.addWidget(splitter, 1)
        self.matrix_model.modelReset.connect(self._update_gaps)
        self.matrix_model.dataChanged.connect(self._update_gaps)
        self.refresh()

    def refresh(self) -> None:
        # A big bid's sections are counted off the GUI thread first; meanwhile the gaps wait.
        counted = words_counted(self.workspace, self._words_counted)
        view = criteria_service.criteria_view(
            self.workspace, written=written_sections(self.workspace) if counted else None
        )
        rows, matrix = view.criteria, view.matrix
        self._heads = view.heads
        self._written = view.written
        self.model.set_rows(rows)
        self.table.resizeColumnToContents(TITLE)
        self.table.setColumnWidth(TITLE, min(self.table.columnWidth(TITLE), 420))
        self.table.resizeColumnToContents(WEIGHT)
        self.matrix_model.set_matrix(matrix)
        # Section titles are cut short (their full text is a tooltip) so that all the criteria
        # columns fit beside them on a 1024x768 screen.
        vertical = self.matrix_view.verticalHeader()
        vertical.setMaximumWidth(vertical.fontMetrics().averageCharWidth() * 30)
        metrics = self.matrix_view.horizontalHeader().fontMetrics()
        for column in range(self.matrix_model.columnCount()):
            label = str(self.matrix_model.headerData(column, Qt.Orientation.Horizontal) or "")
            self.matrix_view.setColumnWidth(column, max(44, metrics.horizontalAdvance(label) + 16))
        self.criteria_legend.setText(
            " · ".join(f"<b>C{n}</b> {escape(row.title)}" for n, row in enumerate(rows, 1))
        )
        self._update_total()

    def update_rows(self, changes: ChangeSet) -> None:
        """Criteria rows that changed are redrawn in place; the matrix repaints its cells.

        Saving a section's text changes nothing this page shows, so it is skipped: only the
        sections' titles and places (`section_heads`) matter here.
        """
        if self._written is None:  # still counting: `_words_counted` shows it all
            return
        checklist_for(self.workspace).apply_changes(changes)  # before reading from it
        heads = criteria_service.section_heads(self.workspace)
        # A section's first words (or its last removed) change which criteria are covered.
        written = written_sections(self.workspace)
        if (
            not changes.touches("criterion", "section_criterion")
            and heads == self._heads
            and written == self._written
        ):
            return
        self._heads = heads
        self._written = written
        view = criteria_service.criteria_view(self.workspace, written=written)
        self.model.merge_rows(view.criteria, key=lambda row: row.id)
        self.matrix_model.reload(view.matrix)
        self._update_total()

    def _words_counted(self, _result: object = None) -> None:
        self.refresh()

    def _criteria_edited(self) -> None:
        self._update_total()
        self.matrix_model.reload()

    def _update_total(self) -> None:
        total = sum(row.weight_bp for row in self.model.rows)
        matrix = self.matrix_model.matrix
        message = matrix.weight_message if matrix else ""
        weights = {row.weight_bp for row in self.model.rows}
        if message and len(weights) == 1 and len(self.model.rows) > 1:
            # The department published no weights: equal ones are the team's assumption.
            message += " (equal weights: assumed until ODPM says otherwise)"
        self.total_label.setText(message)
        colour = "" if total == FULL_WEIGHT_BP else text_style("danger", self, bold=True)
        self.total_label.setStyleSheet(colour)

    def _update_gaps(self) -> None:
        matrix = self.matrix_model.matrix
        if matrix is None:
            return
        self._update_total()
        if self._written is None:
            self.gap_label.setText("Counting the words of every section to find the gaps…")
            self.gap_label.setStyleSheet("")
            return
        gaps = matrix.gaps
        # Same rule as the dashboard (domain.coverage): only a section with text addresses.
        uncovered = [
            c.title
            for c in matrix.criteria
            if c.id in gaps.uncovered_criteria and c.id not in gaps.linked_only
        ]
        unwritten = [c.title for c in matrix.criteria if c.id in gaps.linked_only]
        idle = [
            f"{s.number} {s.title}" for s in matrix.sections if s.id in matrix.gaps.idle_sections
        ]
        parts = []
        if uncovered:
            parts.append("⚠ Criteria addressed by no section: " + "; ".join(uncovered) + ".")
        if unwritten:
            parts.append(
                "⚠ Criteria linked only to sections with no text yet: " + "; ".join(unwritten) + "."
            )
        if idle:
            parts.append("⚠ Sections serving no criterion: " + "; ".join(idle) + ".")
        self.gap_label.setText(
            " ".join(parts)
            or "Every criterion is addressed by a section with text, and every section serves one."
        )
        self.gap_label.setStyleSheet(text_style(GAP_TEXT, self) if parts else "")

    def _matrix_cell_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        ticked = current.isValid() and (
            self.matrix_model.data(current, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        )
        self.note_edit.setEnabled(bool(ticked) and not self.workspace.read_only)
        self.note_edit.setText(self.matrix_model.data(current) or "" if ticked else "")
        self._note_shown = self.matrix_model.shown(current) if ticked else None

    def _note_edited(self) -> None:
        current = self.matrix_view.currentIndex()
        changed = (self.matrix_model.data(current) or "") != self.note_edit.text().strip()
        if current.isValid() and self.note_edit.isEnabled() and changed:
            shown = self._note_shown or self.matrix_model.shown(current)
            self.matrix_model.set_note(current, self.note_edit.text(), shown)
            self._note_shown = self.matrix_model.shown(current)

    def _tell(self, text: str) -> None:
        QMessageBox.warning(self, "Criterion not changed", text)

    def _tell_matrix(self, text: str) -> None:
        QMessageBox.warning(self, "Matrix not changed", text)

    def _confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def add_criterion(self) -> None:
        title, ok = QInputDialog.getText(self, "New criterion", "Title of the criterion:")
        if ok and title.strip():
            criteria_service.add_criterion(self.workspace, title)  # shown from its change set

    def delete_current(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        row = self.model.rows[index.row()]
        if self._confirm(
            "Delete criterion",
            f"Delete criterion '{row.title}' and its ticks in the matrix?\n\n"
            "Edit > Undo (Ctrl+Z) brings it back.",
        ):
            with self.undo_stack.gathering(f"Delete criterion '{row.title}'"):
                criteria_service.delete_criterion(self.workspace, row.id)

    def select_item(self, kind: str, key: object) -> bool:
        if kind != "criterion":
            return False
        for row, criterion in enumerate(self.model.rows):
            if criterion.id == key:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
                self.table.setFocus()
                return True
        return False
