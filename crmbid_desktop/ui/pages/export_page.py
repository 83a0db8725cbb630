"""Export page: choose the Word document, file and template, check the bid, export, open the result."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QProcess, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain.preflight import PreflightItem
from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.views.checklist import checklist_for, document_checklist
from crmbid_desktop.services.word import proposal_export as service
from crmbid_desktop.settings import Settings
from crmbid_desktop.ui.colours import text_style
from crmbid_desktop.ui.dialog_folders import remember, start_folder
from crmbid_desktop.ui.pages.base import BID_TABLES, Page
from crmbid_desktop.ui.pages.word_counting import words_counted
from crmbid_desktop.ui.sustainability.heat_map import render_heat_map_png
from crmbid_desktop.ui.widgets import name_widget, rewrite_list, tidy_form
from crmbid_desktop.ui.worker import Job

WORD_FILTER = "Word documents (*.docx)"
TEMPLATE_FILTER = "Word documents and templates (*.docx *.dotx);;All files (*)"
DEFAULT_TEMPLATE_TEXT = "CRM Bid Desktop default template"


def _button(text: str, name: str, accessible: str | None = None) -> QPushButton:
    button = QPushButton(text)
    name_widget(button, name, accessible or text.replace("…", ""))
    return button


class ExportPage(Page):
    title = "Export"
    object_name = "exportPage"
    # A whole-bid summary: every table can change what it shows (see `update_rows`).
    shows_tables = BID_TABLES

    #: Emitted on the GUI thread once a document is saved (its path) or an export fails.
    export_finished = Signal(Path)
    export_failed = Signal(object)
    export_cancelled = Signal()

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.target: Path | None = None
        self.target_chosen = False  # once the user picks a file, the document no longer renames it
        self.template: Path | None = None
        self.exported: Path | None = None
        self.job: Job | None = None
        self._pending: service.PreparedExport | None = None
        self.problems: list[PreflightItem] = []
        self.rows_rewritten = 0  # rows of the checklist written: for tests
        self._changes_waiting = False

        # -- what to export ---------------------------------------------------------------
        what = QGroupBox("Document")
        form = tidy_form(QFormLayout(what))  # the one form layout (ui/widgets.py)
        self.document_box = QComboBox()
        name_widget(self.document_box, "exportDocument", "Document to export")
        for key, label in service.DOCUMENTS.items():
            self.document_box.addItem(label, key)
        self.document_box.currentIndexChanged.connect(self._document_changed)
        form.addRow("&Document:", self.document_box)

        # Typed or pasted as well as chosen: a keyboard user saves where they type, with the
        # file dialog's checks (services/word/export_target.py) and a message under the field.
        self.target_edit = QLineEdit()
        name_widget(self.target_edit, "exportTarget", "Output file")
        self.target_edit.setPlaceholderText("Where to save the Word document (.docx)")
        self.target_edit.editingFinished.connect(self._target_typed)
        self.choose_target_button = _button("Choose…", "exportChooseTarget", "Choose output file")
        self.choose_target_button.clicked.connect(self._choose_target)
        form.addRow("&Save as:", self._row(self.target_edit, self.choose_target_button))
        self.target_message = QLabel()
        self.target_message.setObjectName("exportTargetMessage")
        self.target_message.setWordWrap(True)
        self.target_message.setStyleSheet(text_style("danger", self.target_message))
        self.target_message.hide()
        form.addRow("", self.target_message)

        self.template_edit = QLineEdit()
        self.template_edit.setReadOnly(True)
        self.template_edit.setText(DEFAULT_TEMPLATE_TEXT)
        name_widget(self.template_edit, "exportTemplate", "Council template")
        self.choose_template_button = _button(
            "Choose…", "exportChooseTemplate", "Choose council template"
        )
        self.choose_template_button.clicked.connect(self._choose_template)
        self.default_template_button = _button(
            "Use default", "exportDefaultTemplate", "Use the default template"
        )
        self.default_template_button.clicked.connect(self._use_default_template)
        form.addRow(
            "Council &template:",
            self._row(
                self.template_edit, self.choose_template_button, self.default_template_button
            ),
        )
        self.page_layout.addWidget(what)

        # -- preflight --------------------------------------------------------------------
        checks = QGroupBox("Preflight checklist")
        checks_layout = QVBoxLayout(checks)
        self.preflight_summary = QLabel()
        self.preflight_summary.setObjectName("preflightSummary")
        self.preflight_summary.setWordWrap(True)
        self.check_again_button = _button("Check again", "preflightCheckAgain")
        self.check_again_button.clicked.connect(self.refresh)
        summary_row = QHBoxLayout()
        summary_row.addWidget(self.preflight_summary, 1)
        summary_row.addWidget(self.check_again_button)
        checks_layout.addLayout(summary_row)
        self.preflight_list = QListWidget()
        self.preflight_list.setWordWrap(True)
        self.preflight_list.setAlternatingRowColors(True)
        name_widget(self.preflight_list, "preflightList", "Preflight problems")
        self.preflight_list.setToolTip("Double-click a problem, or press Enter, to go and fix it")
        # itemActivated is double-click and Enter (and a single click where the style says so).
        self.preflight_list.itemActivated.connect(self._open_problem)
        checks_layout.addWidget(self.preflight_list)
        self.page_layout.addWidget(checks, 1)

        # -- export and result ------------------------------------------------------------
        self.export_button = _button("Export", "exportButton", "Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(lambda: self.start_export(draft=False))
        self.draft_button = _button("Export as draft", "exportDraftButton")
        self.draft_button.setToolTip("Every page is marked DRAFT")
        self.draft_button.clicked.connect(lambda: self.start_export(draft=True))
        self.cancel_button = _button("Cancel", "exportCancelButton", "Cancel the export")
        self.cancel_button.setToolTip("Stop the export; any earlier exported file is kept")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.progress_bar = QProgressBar()
        name_widget(self.progress_bar, "exportProgress", "Export progress")
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setVisible(False)  # shown only while an export runs
        actions = QHBoxLayout()
        actions.addWidget(self.export_button)
        actions.addWidget(self.draft_button)
        actions.addWidget(self.progress_bar, 1)
        # Buttons keep their own width (as on every other page); the gap takes the rest while
        # the progress bar is hidden.
        actions.addStretch(0)
        actions.addWidget(self.cancel_button)
        self.page_layout.addLayout(actions)

        self.status_label = QLabel("Not exported yet.")
        self.status_label.setObjectName("exportStatus")
        self.status_label.setWordWrap(True)
        self.open_button = _button("Open document", "exportOpenDocument")
        self.open_button.clicked.connect(self.open_document)
        self.show_folder_button = _button("Show in folder", "exportShowInFolder")
        self.show_folder_button.clicked.connect(self.show_in_folder)
        done = QHBoxLayout()
        done.addWidget(self.status_label, 1)
        done.addWidget(self.open_button)
        done.addWidget(self.show_folder_button)
        self.page_layout.addLayout(done)
        self._set_done_buttons(False)

        self._set_target(self._default_target(), chosen=False)
        self.refresh()

    @staticmethod
    def _row(*widgets: QWidget) -> QWidget:
        holder = QWidget()
        layout = QHBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        for index, widget in enumerate(widgets):
            layout.addWidget(widget, 1 if index == 0 else 0)
        return holder

    # -- choices ------------------------------------------------------------------------------
    @property
    def document(self) -> str:
        return str(self.document_box.currentData())

    def _bid_title(self) -> str:
        return self.workspace.bid_title()

    def _default_target(self) -> Path:
        folder = start_folder(self.workspace)
        if not os.access(folder, os.W_OK):
            documents = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation
            )
            folder = Path(documents) if documents else Path.home()
        return folder / service.default_file_name(self._bid_title(), self.document)

    def _set_target(self, target: Path, *, chosen: bool) -> None:
        self.target = target
        self.target_chosen = chosen
        self.target_edit.setText(str(target))
        self.target_edit.setToolTip(f"{target}\nType or paste another path here, or press Choose…")
        self.target_message.hide()

    def _document_changed(self) -> None:
        if not self.target_chosen:
            self._set_target(self._default_target(), chosen=False)
        self.refresh()

    def _target_typed(self) -> bool:
        """Take the path typed in Save as; False (and a message under it) when it cannot be used.

        What was typed stays in the field until it is put right, never replaced behind the
        user's back.
        """
        from crmbid_desktop.services.word.export_target import ExportTargetError, checked_target

        typed = self.target_edit.text()
        if self.target is not None and typed == str(self.target):
            self.target_message.hide()
            return True
        try:
            path = checked_target(typed, start_folder(self.workspace))
        except ExportTargetError as error:
            self.target_message.setText(str(error))
            self.target_message.show()
            return False
        self.target_message.hide()
        self._set_target(path, chosen=True)
        return True

    def _choose_target(self) -> None:
        start = str(self.target or self._default_target())
        chosen, _ = QFileDialog.getSaveFileName(self, "Export to Word", start, WORD_FILTER)
        remember(chosen)
        if chosen:
            path = Path(chosen)
            if path.suffix.lower() != ".docx":
                path = path.with_name(path.name + ".docx")
            self._set_target(path, chosen=True)

    @property
    def _template_chosen(self) -> bool:
        """True once the user picked a template on this page (Settings no longer replace it)."""
        return bool(getattr(self, "_picked_template", False))

    def _choose_template(self) -> None:
        start = str(self.template.parent if self.template else start_folder(self.workspace))
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Choose the council's Word template", start, TEMPLATE_FILTER
        )
        remember(chosen)
        if not chosen:
            return
        path = Path(chosen)
        try:
            service.check_template(path)
        except service.TemplateError as error:
            QMessageBox.warning(self, "Template cannot be used", str(error))
            return
        self.template = path
        self._picked_template = True
        self.template_edit.setText(str(path))

    def _use_default_template(self) -> None:
        self.template = None
        self.template_edit.setText(DEFAULT_TEMPLATE_TEXT)

    # -- preflight ----------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The bid may have changed on other pages since the checklist was made: it is brought
        # up to date when a change set arrived meanwhile (`update_rows` noted it), and only then.
        if self._changes_waiting:
            self._changes_waiting = False
            self._check_when_counted()

    def update_rows(self, changes: ChangeSet) -> None:
        """Bring the checklist up to date with one write, without a full reload.

        The problems come from the bid's checklist (services/views/checklist.py), which reads
        again only the sections `changes` names and the small tables it touched; only the rows
        of the list that differ are rewritten. Hidden, the page does it when next shown.
        """
        checklist_for(self.workspace).apply_changes(changes)  # before reading from it
        if self.isVisible():
            self._check_when_counted()
        else:
            self._changes_waiting = True

    def refresh(self) -> None:
        """Check the bid again; a big bid's first check waits for its words to be counted."""
        self._check_when_counted()

    def _check_when_counted(self) -> None:
        if self.document != service.EOI and not words_counted(self.workspace, self._words_counted):
            self.preflight_summary.setText("Checking the bid: counting the words of every section…")
            return
        self._check()

    def _words_counted(self, _result: object = None) -> None:
        if self.isVisible():
            self._check()
        else:
            self._stale = True

    def _check(self) -> None:
        problems = document_checklist(self.workspace, self.document)
        shown, self.problems = self.problems, problems
        self.rows_rewritten += rewrite_list(
            self.preflight_list, shown, problems, self._fill_problem
        )
        count = len(self.problems)
        what = "the letter" if self.document == service.EOI else "a final export"
        if count:
            self.preflight_summary.setText(
                f"{count} problem{'s' if count != 1 else ''} to fix before {what}. "
                "Double-click one (or press Enter) to go to it. You can still export a draft: "
                "every page is then marked DRAFT."
            )
        else:
            self.preflight_summary.setText("No problems found: ready for a final export.")
        self.preflight_list.setEnabled(bool(count))

    @staticmethod
    def _fill_problem(item: QListWidgetItem, problem: PreflightItem) -> None:
        where = f" — fix in {problem.place}" if problem.place else ""
        item.setText(f"{problem.kind.capitalize()}: {problem.message}{where}")
        item.setToolTip(f"{problem.message}\nDouble-click or press Enter to open it.")
        item.setData(Qt.ItemDataRole.UserRole, problem)

    def _open_problem(self, item: QListWidgetItem) -> None:
        """Go to the place that fixes this problem (a section, partner, Bid details…)."""
        problem = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(problem, PreflightItem) and problem.item_kind:
            self.open_item_requested.emit(problem.item_kind, problem.item_key)

    # -- export -------------------------------------------------------------------------------
    def start_export(self, *, draft: bool, target: Path | None = None) -> None:
        if self.job is not None and self.job.running:
            return
        if target is None and not self._target_typed():
            self.target_edit.setFocus()  # the message under Save as says what to change
            return
        self._check()  # now, whatever it costs: the export must know the problems
        if not draft and self.problems:
            count = len(self.problems)
            answer = QMessageBox.question(
                self,
                "Export with problems",
                f"The preflight checklist lists {count} problem{'s' if count != 1 else ''}.\n\n"
                "Export as a draft instead? Every page will be marked DRAFT.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Yes,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            draft = True
        self._prepare_and_launch(target or self.target or self._default_target(), draft)

    def _prepare_and_launch(self, destination: Path, draft: bool) -> None:
        try:
            prepared = service.prepare_export(
                self.workspace,
                destination,
                document=self.document,
                template=self.template,
                draft=draft,
                heat_map_renderer=render_heat_map_png,
                problems=self.problems,  # just checked: the bid is not counted a second time
            )
        except (service.TemplateError, service.ExportError) as error:
            QMessageBox.warning(self, "Cannot export", str(error))
            return
        self._pending = prepared
        self._set_done_buttons(False)
        self._set_busy(True)
        self.status_label.setText(f"Exporting to {destination.name}…")
        self.progress_bar.setRange(0, 0)  # busy until the first section is written
        self.job = Job(prepared.write, self)
        self.job.progress.connect(self._on_progress)
        self.job.finished.connect(self._on_finished)
        self.job.failed.connect(self._on_failed)
        self.job.cancelled.connect(self._on_cancelled)
        self.job.start()

    def cancel_export(self) -> None:
        """Stop the running export at its next section; the file written so far is thrown away."""
        if self.job is not None and self.job.running:
            self.cancel_button.setEnabled(False)
            self.status_label.setText("Cancelling…")
            self.job.cancel()

    def _on_cancelled(self) -> None:
        # The writer only replaces the target once the new file is complete, so a cancelled
        # export leaves no temporary file and any earlier export as it was.
        self._set_busy(False)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self._pending = None
        self.status_label.setText("Export cancelled; nothing was written.")
        self.export_cancelled.emit()

    def _set_busy(self, busy: bool) -> None:
        for widget in (
            self.export_button,
            self.draft_button,
            self.document_box,
            self.target_edit,
            self.choose_target_button,
            self.choose_template_button,
            self.default_template_button,
        ):
            widget.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.progress_bar.setVisible(busy)

    def _set_done_buttons(self, enabled: bool) -> None:
        self.open_button.setEnabled(enabled)
        self.show_folder_button.setEnabled(enabled)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    def _on_finished(self, result: Any) -> None:
        self._set_busy(False)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        self.exported = Path(result.target)
        self._set_done_buttons(True)
        self.status_label.setText(f"Saved {self.exported}")
        self._pending = None
        self.export_finished.emit(self.exported)

    def _on_failed(self, error: object) -> None:
        from crmbid_desktop.services.word.docx_package import ExportTargetLockedError

        self._set_busy(False)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        pending = self._pending
        self._pending = None
        self.export_failed.emit(error)
        if isinstance(error, ExportTargetLockedError) and pending is not None:
            other = service.alternative_name(error.target)
            self.status_label.setText(f"Not saved: {error.target.name} is open in another program.")
            answer = QMessageBox.question(
                self,
                "File is open in Word",
                f"“{error.target.name}” is open in another program, perhaps Word, so it cannot "
                f"be replaced.\n\nSave as “{other.name}” instead?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer == QMessageBox.StandardButton.Save:
                self._set_target(other, chosen=True)
                # Draft or final was already decided for this export: do not ask again.
                self._prepare_and_launch(other, pending.content.draft)
            return
        self.status_label.setText("Export failed.")
        QMessageBox.critical(self, "Export failed", f"The document was not saved.\n\n{error}")

    # -- after export -------------------------------------------------------------------------
    def open_document(self) -> None:
        if self.exported is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.exported)))

    def show_in_folder(self) -> None:
        if self.exported is None:
            return
        if sys.platform == "win32":
            # Explorer opens the folder with the document selected.
            QProcess.startDetached("explorer.exe", [f"/select,{self.exported}"])
        else:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.exported.parent)))

    def apply_settings(self, settings: Settings) -> None:
        """The user's default template (Settings) is used until another is chosen here."""
        template = settings.template_path
        if template is not None and template.is_file() and not self._template_chosen:
            self.template = template
            self.template_edit.setText(str(template))
