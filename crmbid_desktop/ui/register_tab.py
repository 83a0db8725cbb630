"""A register tab: a filterable table of rows beside a form that saves each field as it is finished.

Products and risks (and any later register) declare their columns, form and service; this base
does the rest the same way for each: selecting, saving what is valid, New and Delete, and
redrawing only the rows a change set touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from PySide6.QtCore import QItemSelection, Signal
from PySide6.QtGui import QHideEvent, QUndoStack
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.errors import RefusedEditError
from crmbid_desktop.services.bid.rights import EVERYTHING, EditRights, edit_rights
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers.register import Register, RegisterFields
from crmbid_desktop.ui.sustainability import forms
from crmbid_desktop.ui.table_model import ROW_ROLE, Column
from crmbid_desktop.ui.widgets import FilterableTable, name_widget, show_from_start, tidy_form


class _RegisterRow(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def uuid(self) -> str: ...

    @property
    def fields(self) -> Any: ...


F = TypeVar("F", bound=RegisterFields)
R = TypeVar("R", bound=_RegisterRow)


class RegisterTab(QWidget, Generic[F, R]):
    """A register's page; emits `changed` after every saved edit.

    There is no Save button: each field saves as it is finished (see `forms.FieldSaver`). A
    value that is wrong keeps its message under the field and is not saved; the rest are.
    """

    changed = Signal()

    #: The service that reads and writes the rows.
    register: ClassVar[Register[Any, Any]]
    #: One row in words ("product"); names the buttons, widgets and form.
    noun: ClassVar[str]
    columns: ClassVar[Sequence[Column[Any]]]
    #: What an empty table says to do.
    empty_text: ClassVar[str]

    def __init__(self, workspace: Workspace, undo_stack: QUndoStack) -> None:
        super().__init__()
        noun, title = self.noun, self.noun.capitalize()
        self.setObjectName(f"{noun}sTab")
        self.workspace = workspace
        self.undo_stack = undo_stack
        self.current_id: int | None = None
        #: The row as saved, kept for any field still wrong in the form.
        self._saved: F | None = None
        self._version: Any = None  # the row version and fields the form loaded (Loaded)
        #: Every row as last read; the table may show fewer (risks filtered by heat-map cell).
        self._all_rows: list[R] = []
        #: What this login may edit (on a server; a file: everything), read on each refresh.
        self.rights: EditRights = EVERYTHING

        self.summary = QLabel()
        self.summary.setObjectName(f"{noun}sSummary")
        self.new_button = self._button(f"New {noun}", f"new{title}Button", self.new_row)
        self.delete_button = self._button(f"Delete {noun}", f"delete{title}Button", self.delete)
        self.toolbar = QHBoxLayout()
        self.toolbar.addWidget(self.summary, 1)
        self.toolbar.addWidget(self.new_button)
        self.toolbar.addWidget(self.delete_button)

        self.model: forms.RegisterModel[R] = forms.RegisterModel(self.columns)
        self.table = FilterableTable(self.model, f"{noun}s", f"{noun}s")
        self.table.view.empty_text = self.empty_text
        self.table.view.setProperty("keyColumns", 3)  # the columns that name a row stay in view
        self.table.view.selectionModel().selectionChanged.connect(self._selection_changed)

        self.form_box = QGroupBox(f"{title} details (saved as you type)")
        self.form_box.setObjectName(f"{noun}Form")
        self.form = tidy_form(QFormLayout(self.form_box))  # the one form layout (ui/widgets.py)
        #: Why the row could not be saved at all (deleted elsewhere, read-only bid).
        self.error = forms.error_label(f"{noun}Error")
        self.saver = forms.FieldSaver(self)
        self.saver.edited.connect(self._check_fields)
        self.saver.commit_requested.connect(self.save_current)

    def finish_form(self) -> None:
        """After the declaration's fields: the error line goes last in the form."""
        self.form.addRow(self.error)

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        name_widget(button, name, text)
        button.clicked.connect(slot)
        return button

    # -- what a register declares -----------------------------------------------------------------
    def title_edit(self) -> QLineEdit | QPlainTextEdit:
        """The field that names a row: a new row puts the cursor there."""
        raise NotImplementedError

    def new_fields(self, title: str) -> F:
        """The fields of a row added with New, named `title`."""
        raise NotImplementedError

    def fill_form(self, fields: F) -> None:
        """Show `fields` in the form (called while the saver is loading)."""
        raise NotImplementedError

    def savable(self, saved: F) -> F:
        """The form's values, keeping the saved value of each field that is not valid yet.

        Each bad field shows its message under it and is not saved; the others still are.
        """
        raise NotImplementedError

    def messages(self) -> tuple[QLabel, ...]:
        """The message labels under the fields; any text in them means the form is not valid."""
        raise NotImplementedError

    def rows_read(self) -> None:
        """The rows were just read (`self._all_rows`): summaries follow them."""

    def shown(self, rows: list[R]) -> list[R]:
        """Which of the rows the table shows."""
        return rows

    def rows_shown(self) -> None:
        """The table was just filled or merged."""

    def follow_changes(self, changes: ChangeSet | None) -> None:
        """Another table the form draws on may have changed (None: reload whatever it draws on)."""

    def reads_every_row(self, changes: ChangeSet) -> bool:
        """Whether `changes` needs every row read again, not just the rows it names (a row
        shows something of another table, or a bid setting)."""
        return changes.touches("bid")

    def rows_showing(self, changes: ChangeSet) -> frozenset[str]:
        """The uuids of this register's rows that show something of another table's rows that
        `changes` names (a product's owner renamed): read again with the rows it names."""
        return frozenset()

    def show_saved_row(self, row: R) -> None:
        """The saved row is shown in place, without reloading the form."""
        self.model.replace_row(row)

    # -- loading ---------------------------------------------------------------------------------
    def refresh(self, select_id: int | None = None) -> None:
        """Reload from the bid (after undo, import, another page's edit) and reload the form.

        Callers save pending edits first where they can (`flush`); an undo arrives with the
        fields already saved, since leaving a field to reach Edit > Undo saved it.
        """
        keep = select_id if select_id is not None else self.current_id
        self.rights = edit_rights(self.workspace)
        # A new row starts as nobody's (the lead's); a partner council is told so up front.
        self.new_button.setEnabled(self.rights.everything)
        self.follow_changes(None)
        self._all_rows = self.register.rows(self.workspace)
        self.rows_read()
        self.current_id = None  # so the form is filled again from what was just read
        self.show_rows(keep)

    def show_rows(self, select_id: int | None = None) -> None:
        """Fill the table from the rows read, then select `select_id` (or keep the current row)."""
        keep = select_id if select_id is not None else self.current_id
        self.model.set_rows(self.shown(self._all_rows))
        self.table.fit_columns()
        self.rows_shown()
        self._select(keep)

    def update_rows(self, changes: ChangeSet) -> None:
        """Redraw just the rows that changed; the form follows only a change made elsewhere
        (an undo, an import), never while the user is typing in it."""
        self.follow_changes(changes)
        entity = self.register.entity
        every = self.reads_every_row(changes)
        showing = frozenset() if every else self.rows_showing(changes)
        if not changes.touches(entity) and not every and not showing:
            return
        if every:
            self._all_rows = self.register.rows(self.workspace)
            self.rows_read()
            rows = self.shown(self._all_rows)
            self.model.merge_rows(rows, key=lambda row: row.id)
        else:
            # Only the rows the change set names are read: a large register stays quick.
            fresh = self.register.rows(self.workspace, changes.rows(entity) | showing)
            gone = changes.removed_from(entity)
            removed = {row.id for row in self._all_rows if row.uuid in gone}
            by_id = {row.id: row for row in self._all_rows if row.id not in removed}
            by_id.update((row.id, row) for row in fresh)
            self._all_rows = sorted(by_id.values(), key=lambda row: row.id)
            self.rows_read()
            rows = self.shown(self._all_rows)
            self.model.update_rows(self.shown(fresh), removed, key=lambda row: row.id)
        self.rows_shown()
        current = next((row for row in rows if row.id == self.current_id), None)
        if self.current_id is not None and current is None:
            self.current_id = None
            self._select(None)
        elif current is not None and current.fields != self._saved and not self.saver.dirty:
            self._show(current)

    def _select(self, row_id: int | None) -> None:
        view = self.table.view
        for proxy_row in range(self.table.proxy.rowCount()):
            index = self.table.proxy.index(proxy_row, 0)
            row = index.data(ROW_ROLE)
            if row is not None and row.id == row_id:
                view.selectRow(proxy_row)
                view.scrollTo(index)
                if self.current_id != row_id:
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
        # Switching row saves what is valid; a value still wrong is left behind (its message
        # said so) rather than holding the user on this row.
        self.flush()
        self._show(row)

    def _show(self, row: R | None) -> None:
        self.current_id = row.id if row else None
        self._saved = row.fields if row else None
        # The row version the form loaded: its saves merge from it (services/bid/versioned.py).
        self._version = self.register.load(self.workspace, row.id) if row else None
        with self.saver.loading():
            # No row: an empty form (disabled) with each field's default.
            self.fill_form(row.fields if row else self.register.fields_type(""))
        show_from_start(self.form_box)
        for label in self.messages():
            forms.show_message(label, None)
        self.error.hide()
        # On a server a partner council changes only its own rows: the rest read-only, saying
        # who may change them.
        why = self.why_not(row) if row is not None else ""
        self.form_box.setEnabled(row is not None and not why)
        self.form_box.setToolTip(why)
        self.delete_button.setEnabled(row is not None and not why)
        self.delete_button.setToolTip(why)
        if why:
            self.error.setText(why)
            self.error.show()

    def why_not(self, row: R) -> str:
        """Why this login may not change `row` ("" when it may); tabs ask the server's rights."""
        return ""

    # -- editing ---------------------------------------------------------------------------------
    def new_row(self) -> None:
        """Add a row named “New …” at once, select it and put the cursor in its name."""
        self.flush()
        try:
            title = self.register.new_title_for(self.workspace)
            new_id = self.register.add(self.workspace, self.new_fields(title))
        except (ValueError, LookupError, OSError, RefusedEditError) as error:
            self.show_error(error)
            return
        self.table.filter_box.clear()
        self._select(new_id)  # the table shows it already, from the change set
        self.changed.emit()
        edit = self.title_edit()
        edit.setFocus()
        edit.selectAll()

    def _check_fields(self) -> None:
        """Live messages as the user types (nothing is saved here)."""
        if self._saved is not None:
            self.savable(self._saved)

    def form_valid(self) -> bool:
        return not any(label.text() for label in self.messages())

    def show_error(self, error: Exception) -> None:
        self.error.setText(str(error))
        self.error.show()

    def save_current(self) -> bool:
        """Save every valid field of the row shown; False while something is still wrong."""
        if self.current_id is None or self._saved is None:
            return True
        fields = self.savable(self._saved)
        if fields != self._saved:
            try:
                now = self._save_fields(self.current_id, fields)
            except (ValueError, LookupError, OSError, RefusedEditError) as error:
                self.show_error(error)
                self.saver.mark_saved()  # said why; do not try again on every key
                return False
            self._saved = now
            self._show_saved_row()
            if now != fields.checked():
                # Another user's changes were merged in (or theirs kept): show the row as saved.
                row = next((r for r in self._all_rows if r.id == self.current_id), None)
                if row is not None:
                    self._show(row)
            self.changed.emit()
        self.error.hide()
        self.saver.mark_saved()
        return self.form_valid()

    def _save_fields(self, row_id: int, fields: F) -> F:
        """Save what the user changed since the row was shown, merged with others' saves since;
        a field both changed differently asks keep mine or theirs. The fields as saved now."""
        import dataclasses

        from crmbid_desktop.ui.save_conflicts import settle

        loaded = self._version or self.register.load(self.workspace, row_id)
        result = self.register.save(self.workspace, row_id, loaded, fields)

        def save_again(base: Any, chosen: dict[str, object]) -> Any:
            theirs = dataclasses.replace(fields, **base.values)
            return self.register.save(
                self.workspace, row_id, base, dataclasses.replace(theirs, **chosen)
            )

        result = settle(
            self,
            result,
            save_again,
            labels={name: name.replace("_", " ").capitalize() for name in result.now.values},
            what=f"this {self.register.entity}",
            texts=self.register.text_fields,
        )
        self._version = result.now
        now: F = dataclasses.replace(fields, **result.now.values)
        return now

    def _show_saved_row(self) -> None:
        """The table (and summaries) follow the save; the form the user is in is left alone."""
        self._all_rows = self.register.rows(self.workspace)
        self.rows_read()
        row = next((r for r in self._all_rows if r.id == self.current_id), None)
        if row is not None:
            self.show_saved_row(row)

    def flush(self) -> bool:
        """Save pending valid edits now (switching row, tab, page or closing the window).

        False while something is still wrong, so Edit > Undo waits rather than reloads.
        """
        return self.save_current() if self.saver.dirty else True

    def hideEvent(self, event: QHideEvent) -> None:  # switching tab or page, closing the window
        self.flush()
        super().hideEvent(event)

    def delete(self) -> None:
        """Delete the row shown; Edit > Undo puts it back (the bid's history records it)."""
        if self.current_id is None:
            return
        self.saver.mark_saved()
        try:
            self.register.delete(self.workspace, self.current_id)
        except (ValueError, LookupError, OSError, RefusedEditError) as error:
            self.show_error(error)
            return
        self.current_id = None
        self._after_change()

    def _after_change(self) -> None:
        # The table already shows the change (its change set); the form follows the selection.
        self._select(self.current_id)
        self.changed.emit()
