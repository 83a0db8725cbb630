"""Partners page: the register of councils, a form to edit one, live partnership totals."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, QModelIndex, QPersistentModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QHideEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain import partner_rules as rules
from crmbid_desktop.domain.dates import optional_date
from crmbid_desktop.domain.money import format_pence
from crmbid_desktop.domain.percentages import format_percent, format_percent_number
from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.errors import BidFileError
from crmbid_desktop.services.bid.rights import EVERYTHING, edit_rights
from crmbid_desktop.services.bid.versioned import Loaded, RowGoneError
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import partner_contacts as contact_saves
from crmbid_desktop.services.registers import partners as service
from crmbid_desktop.services.registers.partner_contacts import LoadedContacts
from crmbid_desktop.services.registers.partners import ContactFields, PartnerFields, PartnerRow
from crmbid_desktop.ui.colours import text_colour, text_style
from crmbid_desktop.ui.pages.base import Page
from crmbid_desktop.ui.pages.partner_form import PartnerForm
from crmbid_desktop.ui.save_conflicts import ask
from crmbid_desktop.ui.table_model import ROW_ROLE, Column, RowTableModel
from crmbid_desktop.ui.widgets import FilterableTable, FormScrollArea, name_widget, select_row_by_id

# The columns a bid officer checks most come first, so they stay in view on a 1024x768 screen
# beside the form; the rest scroll sideways (see ColumnFitter).
PARTNER_COLUMNS: list[Column[PartnerRow]] = [
    Column("Council", lambda p: p.fields.name, tooltip=lambda p: p.fields.name),
    Column("Role", lambda p: p.fields.role),
    Column("Status", lambda p: p.fields.status),
    Column(
        "Share",
        lambda p: format_percent(p.fields.funding_share_bp),
        sort_value=lambda p: p.fields.funding_share_bp,
        align_right=True,
    ),
    Column(
        "Contribution a year",
        lambda p: format_pence(p.fields.contribution_pence),
        sort_value=lambda p: p.fields.contribution_pence,
        align_right=True,
    ),
    Column(
        "Staff days",
        lambda p: str(p.fields.staff_days),
        sort_value=lambda p: p.fields.staff_days,
        align_right=True,
    ),
    Column("Signed by", lambda p: p.fields.signatory),
    Column(
        "Signed on",
        lambda p: optional_date(p.fields.signed_on),
        sort_value=lambda p: p.fields.signed_on.isoformat() if p.fields.signed_on else "",
    ),
    Column("Type", lambda p: p.fields.council_type),
    Column("Region", lambda p: p.fields.region),
    Column("Notes", lambda p: p.fields.notes.replace("\n", " "), tooltip=lambda p: p.fields.notes),
]
#: Council, role, status, share and contribution fit the table's width without scrolling.
PARTNER_KEY_COLUMNS = 5

AnyIndex = QModelIndex | QPersistentModelIndex


class PartnerTableModel(RowTableModel[PartnerRow]):
    """Display texts are worked out once per reload, so filtering 5,000 councils stays quick."""

    def __init__(self) -> None:
        super().__init__(PARTNER_COLUMNS)
        self._texts: list[tuple[str, ...]] = []

    def set_rows(self, rows: Any) -> None:
        rows = list(rows)
        self._texts = [tuple(column.display(row) for column in PARTNER_COLUMNS) for row in rows]
        super().set_rows(rows)

    def _texts_of(self, row: PartnerRow) -> tuple[str, ...]:
        return tuple(column.display(row) for column in PARTNER_COLUMNS)

    def _remove_at(self, number: int) -> None:
        super()._remove_at(number)
        del self._texts[number]

    def _insert_at(self, number: int, row: PartnerRow) -> None:
        super()._insert_at(number, row)
        self._texts.insert(number, self._texts_of(row))

    def _replace_at(self, number: int, row: PartnerRow) -> None:
        super()._replace_at(number, row)
        self._texts[number] = self._texts_of(row)

    def replace_row(self, updated: PartnerRow) -> None:
        """Show one council's saved values in place: no reset, so the selection stays put."""
        for number, row in enumerate(self._rows):
            if row.id == updated.id:
                self._rows[number] = updated
                self._texts[number] = tuple(column.display(updated) for column in PARTNER_COLUMNS)
                last = self.index(number, self.columnCount() - 1)
                self.dataChanged.emit(self.index(number, 0), last)
                return

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and index.isValid():
            if index.row() < len(self._texts):
                return self._texts[index.row()][index.column()]
            return None
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            row = self.row_at(index.row())
            return text_colour("muted") if not row.active else None
        return super().data(index, role)


class PartnersPage(Page):
    title = "Partners"
    object_name = "partnersPage"
    shows_tables = frozenset({"partner", "contact", "attachment"})

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.model = PartnerTableModel()
        self.table = FilterableTable(self.model, "partners", "partner councils")
        self.table.view.empty_text = (
            "No councils yet: press Add council, or Import partners… to bring them in from a "
            "spreadsheet (CSV or Excel)."
        )
        self.table.view.setProperty("keyColumns", PARTNER_KEY_COLUMNS)
        self.current_id: int | None = None
        self._loaded: tuple[PartnerFields, list[ContactFields]] | None = None
        #: The council's row version and fields as the form loaded them: a save writes only
        #: what was changed since, merged with others' saves (services/bid/versioned.py).
        self._version: Loaded | None = None
        #: The council's contacts as the form loaded them (versions by uuid), for saving.
        self._contacts: LoadedContacts | None = None
        #: What this login may edit (on a server; a file: everything), read on each refresh.
        self.rights = EVERYTHING

        self.totals_label = QLabel()
        self.totals_label.setObjectName("partnershipTotals")
        self.totals_label.setWordWrap(True)

        self.add_button = QPushButton("&Add council")
        name_widget(self.add_button, "addPartnerButton", "Add a council")
        self.delete_button = QPushButton("&Delete council")
        name_widget(self.delete_button, "deletePartnerButton", "Delete the selected council")
        self.import_button = QPushButton("&Import partners…")
        name_widget(self.import_button, "importPartnersButton", "Import partners from CSV or XLSX")
        self.export_button = QPushButton("E&xport partners…")
        name_widget(self.export_button, "exportPartnersButton", "Export partners to XLSX or CSV")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch()
        for button in (self.import_button, self.export_button):
            buttons.addWidget(button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.totals_label)
        left_layout.addWidget(self.table)

        self.form = PartnerForm()
        scroll = FormScrollArea(self.form)
        scroll.setObjectName("partnerFormScroll")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("partnersSplitter")
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        # An explicit minimum lets the window shrink below the buttons' natural widths; the
        # form's pane is never narrower than the form (FormScrollArea).
        left.setMinimumWidth(220)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.page_layout.addWidget(splitter, 1)

        self.table.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.form.changed.connect(self._update_totals)
        self.form.commit_requested.connect(self.save_current)
        self.form.attach_requested.connect(self._attach)
        self.form.open_attachment_requested.connect(self._open_attachment)
        self.form.save_attachment_requested.connect(self._save_attachment)
        self.form.remove_attachment_requested.connect(self._remove_attachment)
        self.add_button.clicked.connect(self._add)
        self.delete_button.clicked.connect(self._delete)
        self.import_button.clicked.connect(self._import)
        self.export_button.clicked.connect(self._export)
        self.refresh()

    # -- loading ---------------------------------------------------------------------------------
    def refresh(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else self.current_id
        self.rights = edit_rights(self.workspace)
        # Adding, importing and deleting councils is the lead's (on a server).
        lead = self.rights.everything and not self.workspace.read_only
        self.add_button.setEnabled(lead)
        self.import_button.setEnabled(lead)
        self.model.set_rows(service.partner_rows(self.workspace))
        if self.model.rowCount() <= 200:
            self.table.fit_columns()  # measuring thousands of rows would stall the page
        self.current_id = None
        self._select(keep if keep is not None else self._first_id())
        self._update_totals()

    def update_rows(self, changes: ChangeSet) -> None:
        """Show the councils `changes` added, changed or removed; the rest are not read again.

        Contacts and letters changed elsewhere move their councils' counts, so those counts are
        read again (one grouped query); the council open in the form is reloaded only when its
        saved values are no longer what the form holds (an undo, a merge), never mid-typing.
        """
        partners = changes.added_to("partner") | changes.changed_in("partner")
        if changes.touches("contact", "attachment"):
            counts = service.partner_counts(self.workspace)
            partners |= {
                row.uuid
                for row in self.model.rows
                if counts.get(row.uuid, (0, 0)) != (row.contact_count, row.attachment_count)
            }
        removed = changes.removed_from("partner")
        self.model.update_rows(
            service.partner_rows(self.workspace, partners) if partners else [],
            removed,
            key=lambda row: row.uuid,
        )
        if self.current_id is not None and self.current_id not in {r.id for r in self.model.rows}:
            self.current_id = None
            self._select(self._first_id())
        elif self.current_id is not None and not self.form.dirty:
            detail = service.partner_detail(self.workspace, self.current_id)
            if self._loaded != (detail.row.fields, detail.contacts):
                self._loaded = (detail.row.fields, detail.contacts)
                self._version = service.load_partner(self.workspace, self.current_id)
                self._contacts = contact_saves.load_contacts(self.workspace, self.current_id)
                self.form.load(detail.row.fields, detail.contacts, detail.attachments)
            elif changes.touches("attachment"):
                self.form.load_attachments(detail.attachments)
        self._update_totals()

    def _first_id(self) -> int | None:
        proxy = self.table.proxy
        if proxy.rowCount() == 0:
            return None
        row = proxy.index(0, 0).data(ROW_ROLE)
        return row.id if row else None

    def _select(self, partner_id: int | None) -> None:
        proxy = self.table.proxy
        for source_row, row in enumerate(self.model.rows):
            if row.id == partner_id:
                index = proxy.mapFromSource(self.model.index(source_row, 0))
                if index.isValid():
                    self.table.view.selectRow(index.row())
                    self.table.view.scrollTo(index)
                    return
        self._load(partner_id if partner_id in {r.id for r in self.model.rows} else None)

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = self.table.view.selectionModel().selectedRows()
        row = indexes[0].data(ROW_ROLE) if indexes else None
        new_id = row.id if row else None
        if new_id == self.current_id:
            return
        # Switching council saves what is valid; a value still wrong is left behind (its
        # message said so) rather than holding the user on this council.
        self.flush()
        self._load(new_id)

    def _load(self, partner_id: int | None) -> None:
        self.current_id = partner_id
        self.form.setEnabled(partner_id is not None)
        self.delete_button.setEnabled(partner_id is not None)
        if partner_id is None:
            self.form.load(PartnerFields(""), [], [])
            self._loaded = None
            return
        detail = service.partner_detail(self.workspace, partner_id)
        self._loaded = (detail.row.fields, detail.contacts)
        self._version = service.load_partner(self.workspace, partner_id)
        self._contacts = contact_saves.load_contacts(self.workspace, partner_id)
        self.form.load(detail.row.fields, detail.contacts, detail.attachments)
        # On a server a partner council changes only its own council's details.
        mine = self.rights.may_edit(partner_id)
        what = f"{detail.row.fields.name}'s details"
        self.form.set_editable(
            "" if mine else self.rights.only_who_may(partner_id, what) + " You can read them."
        )
        self.delete_button.setEnabled(self.rights.everything and not self.workspace.read_only)

    # -- the partnership rules, live ------------------------------------------------------------
    def _update_totals(self) -> None:
        standings = [row.standing() for row in self.model.rows if row.id != self.current_id]
        live = self.form.live_standing() if self.current_id is not None else None
        if self.current_id is not None:
            if live is None:  # unreadable share: count the saved one
                saved = next((r for r in self.model.rows if r.id == self.current_id), None)
                if saved is not None:
                    standings.append(saved.standing())
            else:
                standings.append(live)
        check = rules.check_partnership(standings)
        text = (
            f"Shares of funding (councils not withdrawn): {format_percent_number(check.total_share_bp)}%"
            f" · Lead: {', '.join(check.leads) or 'none'}"
            f" · {check.active_count} active councils"
        )
        if check.problems:
            self.totals_label.setText(text + "\n⚠ " + "\n⚠ ".join(check.problems))
            self.totals_label.setStyleSheet(text_style("danger", self))
        else:
            self.totals_label.setText(text + " ✓")
            self.totals_label.setStyleSheet("")

    # -- edits ---------------------------------------------------------------------------------
    def save_current(self) -> bool:
        """Save every valid field of the council shown; False while something is still wrong.

        There is no Save button: the form asks for this as each field is finished. Invalid
        values keep their message beside the field and are not saved; the rest are.
        """
        if self.current_id is None or self._loaded is None:
            return True
        saved_fields, saved_contacts = self._loaded
        values = self.form.savable(saved_fields)
        complete = self._form_valid()
        try:
            contacts = service.validate_contacts(self.form.contacts())
        except ValueError as error:
            # Saved once every contact is right; until then the message beside them says why.
            contacts = saved_contacts
            self.form.show_contacts_problem(str(error))
            complete = False
        try:
            service.validate_fields(values)
        except ValueError as error:
            self.form.show_save_problem(str(error))
            return False
        if (values, contacts) != (saved_fields, saved_contacts):
            try:
                values = self._save_fields(values, saved_fields)
                if contacts != saved_contacts:
                    contacts = self._save_contacts(values.name, contacts)
            except RowGoneError as error:
                self.form.show_save_problem(str(error))
                return False
            except (ValueError, BidFileError) as error:
                self.form.show_save_problem(str(error))
                return False
            self._loaded = (values, contacts)
            self._version = service.load_partner(self.workspace, self.current_id)
            self._reload_rows()
        if complete:
            self.form.show_save_problem(None)
            self.form.mark_saved()
        return complete

    def _save_fields(self, values: PartnerFields, saved: PartnerFields) -> PartnerFields:
        """Save the council's fields the user changed; the fields as saved now.

        Another user's save since the form loaded is merged in (and shown); a field both
        changed differently opens the dialog to keep mine or theirs.
        """
        assert self.current_id is not None
        if values == saved:
            return values
        loaded = self._version or service.load_partner(self.workspace, self.current_id)
        result = service.save_partner_fields(self.workspace, self.current_id, loaded, values)
        while result.conflicts:
            from crmbid_desktop.ui.save_conflicts import SaveConflictDialog

            dialog = SaveConflictDialog(
                result.conflicts,
                {k: v.capitalize() for k, v in service.FIELD_LABELS.items()},
                what=f"the council {values.name}",
                texts=("notes",),
                parent=self,
            )
            chosen = dialog.to_save() if dialog.exec() == QDialog.DialogCode.Accepted else {}
            if not chosen:
                break  # theirs kept
            # Theirs everywhere but the fields kept as mine, saved over the version now.
            base = Loaded(result.now.version, {**result.now.values})
            theirs = replace(values, **result.now.values)  # type: ignore[arg-type]
            result = service.save_partner_fields(
                self.workspace,
                self.current_id,
                base,
                replace(theirs, **chosen),  # type: ignore[arg-type]
            )
        now = replace(values, **result.now.values)  # type: ignore[arg-type]
        if now != values:
            # Others' changes were merged in, or theirs kept: the form shows the council as saved.
            detail = service.partner_detail(self.workspace, self.current_id)
            self.form.load(detail.row.fields, detail.contacts, detail.attachments)
        return now

    def _save_contacts(self, council: str, contacts: list[ContactFields]) -> list[ContactFields]:
        """Save the contacts merged contact by contact with others' saves; the contacts now.

        A contact both changed differently (or one removed here and changed there) opens the
        dialog; "Keep mine" saves again over the contacts as they were then, so a third save
        made while the dialog was open is merged again, never overwritten.
        """
        assert self.current_id is not None
        loaded = self._contacts or contact_saves.load_contacts(self.workspace, self.current_id)
        result = contact_saves.save_contacts(self.workspace, self.current_id, loaded, contacts)
        while result.conflicts:
            chosen = ask(
                self,
                result.conflicts,
                result.labels,
                what=f"the contacts at {council}",
                shown=contact_saves.contact_words,
            )
            if not chosen:
                break  # theirs kept
            kept = contact_saves.kept_contacts(result, chosen)
            result = contact_saves.save_contacts(self.workspace, self.current_id, result.now, kept)
        self._contacts = result.now
        now = result.now.contacts()
        if [(c, c.uuid) for c in now] != [(c, c.uuid) for c in contacts]:
            self.form.show_contacts(now)  # others' merged in; new ones now carry their uuids
        return now

    def _form_valid(self) -> bool:
        try:
            self.form.values()
        except ValueError:
            return False
        return bool(self.form.name_edit.text().strip())

    def save_pending(self) -> bool:
        super().save_pending()
        return self.save_current() if self.form.dirty else True

    def flush(self) -> None:
        """Save pending valid edits now (switching council, page or closing the window)."""
        if self.form.dirty:
            self.save_current()
            self.form.mark_saved()

    def hideEvent(self, event: QHideEvent) -> None:  # switching page or closing the window
        self.flush()
        super().hideEvent(event)

    def _reload_rows(self) -> None:
        """Show saved values in the table without reloading the form the user is typing in."""
        if self.current_id is not None:
            self.model.replace_row(service.partner_detail(self.workspace, self.current_id).row)
        self._update_totals()

    def _add(self) -> None:
        self.flush()
        new_id = service.add_partner(self.workspace, PartnerFields("New council"))
        self.table.filter_box.clear()
        self.refresh(select_id=new_id)
        self.form.name_edit.setFocus()
        self.form.name_edit.selectAll()

    def _delete(self) -> None:
        if self.current_id is None or self._loaded is None:
            return
        name = self._loaded[0].name
        answer = QMessageBox.question(
            self,
            "Delete council",
            f"Delete {name} with its contacts and attachments?\n"
            "To keep it in the history, set its status to “withdrawn” instead. "
            "Edit > Undo puts a deleted council back.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.form.mark_saved()
        with self.undo_stack.gathering(f"Delete partner {name}"):
            service.delete_partner(self.workspace, self.current_id)

    # -- attachments ------------------------------------------------------------------------------
    def _attach(self) -> None:
        if self.current_id is None:
            return
        from crmbid_desktop.ui.dialog_folders import ask_open

        path = ask_open(
            self,
            self.workspace,
            "Attach a letter of support or agreement",
            "Letters and agreements (*.pdf *.doc *.docx *.rtf *.odt *.png *.jpg *.jpeg *.tif "
            "*.tiff);;All files (*)",
        )
        if not path:
            return
        from datetime import date

        from crmbid_desktop.ui.progress import CANCELLED, run_with_progress

        partner_id, source = self.current_id, Path(path)
        # Reading and storing up to 25 MB runs off the GUI thread; Cancel stores nothing.
        try:
            row = run_with_progress(
                self,
                "Attach a file",
                f"Attaching {source.name}…",
                lambda progress: service.add_attachment(
                    self.workspace, partner_id, source, received_on=date.today(), progress=progress
                ),
            )
        except service.PartnerError as error:
            QMessageBox.warning(self, "Cannot attach this file", str(error))
            return
        if row is CANCELLED:
            return
        self._reload_attachments()  # the change set may still be on its way from the worker

    def _reload_attachments(self) -> None:
        if self.current_id is not None:
            detail = service.partner_detail(self.workspace, self.current_id)
            self.form.load_attachments(detail.attachments)

    def _open_attachment(self, attachment_id: int) -> None:
        from crmbid_desktop.ui.progress import CANCELLED, run_with_progress

        try:
            name = service.attachment_name(self.workspace, attachment_id)
        except service.PartnerError as error:
            QMessageBox.warning(self, "Cannot open the attachment", str(error))
            return
        if not service.opens_as_document(name):
            # A file that could run code (perhaps from a partner's copy) is never opened.
            self._save_attachment_to_folder(attachment_id, name)
            return
        try:
            path = run_with_progress(
                self,
                "Open the attachment",
                "Reading the attachment from the bid…",
                lambda progress: service.attachment_for_opening(
                    self.workspace, attachment_id, progress
                ),
            )
        except (service.PartnerError, OSError) as error:
            QMessageBox.warning(self, "Cannot open the attachment", str(error))
            return
        if path is CANCELLED:
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            QMessageBox.information(
                self,
                "No program to open it",
                f"Windows has no program for {path.suffix} files. Use Save a copy… instead.",
            )

    def _save_attachment_to_folder(self, attachment_id: int, name: str) -> None:
        from crmbid_desktop.ui.progress import CANCELLED, run_with_progress

        QMessageBox.information(
            self,
            "Not opened",
            f"“{name}” is not a document, PDF, picture or spreadsheet, so it is not opened from "
            "the bid: a file like this could run a program. Choose a folder to save it in, and "
            "check it there before opening it.",
        )
        from crmbid_desktop.ui.dialog_folders import ask_folder

        folder = ask_folder(self, self.workspace, f"Save {name} in")
        if not folder:
            return
        target = Path(folder) / Path(name).name
        if target.exists():
            QMessageBox.warning(
                self,
                "Not saved",
                f"{target} already exists; nothing was overwritten. Choose another folder.",
            )
            return
        try:
            result = run_with_progress(
                self,
                "Save the attachment",
                f"Saving {target.name}…",
                lambda progress: service.save_attachment_copy(
                    self.workspace, attachment_id, target, progress
                ),
            )
        except (service.PartnerError, OSError) as error:
            QMessageBox.warning(self, "Cannot save the copy", str(error))
            return
        if result is not CANCELLED:
            QMessageBox.information(self, "Saved", f"Saved {target}.")

    def _save_attachment(self, attachment_id: int) -> None:
        from crmbid_desktop.ui.progress import run_with_progress

        try:
            name = service.attachment_name(self.workspace, attachment_id)
        except service.PartnerError as error:
            QMessageBox.warning(self, "Cannot save the copy", str(error))
            return
        from crmbid_desktop.ui.dialog_folders import ask_save

        target = ask_save(self, self.workspace, "Save a copy", Path(name).name, "All files (*)")
        if not target:
            return
        try:
            run_with_progress(
                self,
                "Save a copy",
                f"Saving {Path(target).name}…",
                lambda progress: service.save_attachment_copy(
                    self.workspace, attachment_id, Path(target), progress
                ),
            )
        except service.PartnerError as error:
            QMessageBox.warning(self, "Cannot save the copy", str(error))
        except OSError as error:
            QMessageBox.warning(self, "Cannot save the copy", f"{target}: {error.strerror}")

    def _remove_attachment(self, attachment_id: int) -> None:
        answer = QMessageBox.question(self, "Remove attachment", "Remove this attachment?")
        if answer == QMessageBox.StandardButton.Yes:
            service.remove_attachment(self.workspace, attachment_id)
            self._reload_attachments()

    # -- import and export ------------------------------------------------------------------------
    def _import(self) -> None:
        from crmbid_desktop.services.spreadsheets import partner_import
        from crmbid_desktop.services.spreadsheets.tabular import TabularError
        from crmbid_desktop.ui.pages.import_preview_dialog import ImportPreviewDialog

        self.flush()
        from crmbid_desktop.ui.dialog_folders import ask_open

        path = ask_open(
            self, self.workspace, "Import partners", "Spreadsheets (*.csv *.xlsx);;All files (*)"
        )
        if not path:
            return
        from crmbid_desktop.ui.progress import CANCELLED, run_with_progress

        # Reading and applying run off the GUI thread with a Cancel button: a big spreadsheet
        # must not freeze the window. A cancelled apply rolls back, leaving no council added.
        try:
            preview = run_with_progress(
                self,
                "Import partners",
                f"Reading {Path(path).name}…",
                lambda progress: partner_import.build_preview(self.workspace, Path(path), progress),
            )
        except TabularError as error:
            QMessageBox.warning(self, "Cannot import this file", str(error))
            return
        if preview is CANCELLED:
            return
        dialog = ImportPreviewDialog(preview, self)
        if dialog.exec() != ImportPreviewDialog.DialogCode.Accepted:
            return
        result = run_with_progress(
            self,
            "Import partners",
            "Adding the councils to the bid…",
            lambda progress: partner_import.apply_preview(self.workspace, preview, progress),
        )
        if result is CANCELLED:
            return
        added, updated = result  # the councils arrive as the import's change set
        QMessageBox.information(
            self, "Partners imported", f"{added} councils added, {updated} updated."
        )

    def _export(self) -> None:
        from crmbid_desktop.services.formats import ExportOptions
        from crmbid_desktop.services.spreadsheets import partner_export
        from crmbid_desktop.ui.dialog_folders import ask_save

        path = ask_save(
            self,
            self.workspace,
            "Export partners",
            "partners.xlsx",
            "Excel workbook (*.xlsx);;CSV, one row per contact (*.csv)",
        )
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in (".xlsx", ".csv"):
            target = target.with_suffix(".xlsx")
        try:
            result = partner_export.export_partners(self.workspace, target, ExportOptions())
        except OSError as error:
            QMessageBox.warning(self, "Cannot export", f"{target}: {error.strerror or error}")
            return
        QMessageBox.information(self, "Partners exported", result.summary)

    def select_item(self, kind: str, key: object) -> bool:
        if kind != "partner":
            return False
        self.table.filter_box.clear()
        return select_row_by_id(self.table.view, key)
