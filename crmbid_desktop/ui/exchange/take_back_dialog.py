"""Taking back a returned Word file: per section, current and returned text side by side."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain.text_merge import plain_counts
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.exchange.section_exchange import (
    SectionChange,
    TakeBackPreview,
    apply_returned,
)
from crmbid_desktop.services.exchange.section_matching import BY_MARKER
from crmbid_desktop.services.word.docx_reader import TrackedChoice
from crmbid_desktop.ui.background_diffs import COMPARING, BackgroundDiffs
from crmbid_desktop.ui.colours import PaletteSource
from crmbid_desktop.ui.exchange import conflict_panel
from crmbid_desktop.ui.exchange.conflict_panel import CHOICE_WORDS, ConflictPanel
from crmbid_desktop.ui.widgets import name_widget


def diff_html(old: str, new: str, side: str, source: PaletteSource = None) -> str:
    """The "current" side (removed words struck through) or the "returned" side (added words
    underlined) of a take-back comparison."""
    return conflict_panel.diff_html(old, new, "old" if side == "current" else "new", source)


class TakeBackDialog(QDialog):
    """Accept or reject each returned section; nothing reaches the bid until Apply."""

    def __init__(
        self, workspace: Workspace, preview: TakeBackPreview, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("takeBackDialog")
        self.setWindowTitle(f"Take back {preview.source.name}")
        self.resize(1100, 700)
        self.workspace = workspace
        self.preview = preview
        self.applied_lines: list[str] = []

        intro = QLabel(
            "Tick the sections whose returned text you want to keep. The left side shows the "
            "bid's text with removed words struck through; the right side shows the returned "
            "text with added words underlined in green. Sections that came back empty or much "
            "shorter are not ticked. Nothing changes until you press Apply."
        )
        intro.setWordWrap(True)
        notes = list(preview.notes)
        if preview.missing:
            notes.append(
                "Not found in the file (heading and text deleted?): " + "; ".join(preview.missing)
            )
        self.notes = QLabel("\n".join(notes))
        name_widget(self.notes, "takeBackNotes", "What to check in this file")
        self.notes.setVisible(bool(notes))
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("font-weight: bold;")

        self.partner = QLineEdit(preview.partner_name)
        name_widget(self.partner, "partnerName", "Partner's name for the change log")
        self.partner.setPlaceholderText("e.g. Ann Smith, Leeds City Council")

        self.accept_tracked = QRadioButton("Accept all tracked changes")
        name_widget(self.accept_tracked, "acceptTrackedChanges", "Accept all tracked changes")
        self.reject_tracked = QRadioButton("Reject all tracked changes")
        name_widget(self.reject_tracked, "rejectTrackedChanges", "Reject all tracked changes")
        self.accept_tracked.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.accept_tracked)
        group.addButton(self.reject_tracked)
        tracked_row = QHBoxLayout()
        self.tracked_label = QLabel(_tracked_summary(preview))
        tracked_row.addWidget(self.tracked_label)
        tracked_row.addWidget(self.accept_tracked)
        tracked_row.addWidget(self.reject_tracked)
        tracked_row.addStretch(1)
        for button in (self.accept_tracked, self.reject_tracked):
            button.setEnabled(preview.has_tracked_changes)
            button.toggled.connect(self._refresh)

        self._shown: tuple[str, str] | None = None
        self.diffs = BackgroundDiffs(self)
        self.diffs.ready.connect(self._compared)
        self.diffs.failed.connect(self._not_compared)

        self.sections = QListWidget()
        name_widget(self.sections, "returnedSections", "Returned sections")
        for change in preview.changes:
            item = QListWidgetItem()
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setData(Qt.ItemDataRole.UserRole, change.section_uuid)
            self.sections.addItem(item)
        self.sections.currentRowChanged.connect(self._show)

        self.current = QTextBrowser()
        name_widget(self.current, "currentText", "Current text in the bid")
        self.returned = QTextBrowser()
        name_widget(self.returned, "returnedText", "Returned text")
        self.note = QLabel()
        self.note.setWordWrap(True)
        name_widget(self.note, "sectionNote", "About this section")
        self.accept_button = QPushButton("&Accept section")
        name_widget(self.accept_button, "acceptSection", "Accept this section")
        self.reject_button = QPushButton("&Reject section")
        name_widget(self.reject_button, "rejectSection", "Reject this section")
        self.accept_button.clicked.connect(lambda: self._decide(True))
        self.reject_button.clicked.connect(lambda: self._decide(False))

        self.compare = QWidget()
        grid = QGridLayout(self.compare)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel("<b>Current text in the bid</b>"), 0, 0)
        grid.addWidget(QLabel("<b>Returned text</b>"), 0, 1)
        grid.addWidget(self.current, 1, 0)
        grid.addWidget(self.returned, 1, 1)
        # A section changed in the bid since it was sent and also by the partner, in the same
        # places: the two versions side by side and a choice, never a silent overwrite.
        self.conflict = ConflictPanel("The bid's text now", "The partner's returned text")
        self.conflict.settled.connect(self._settle)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.compare, 1)
        right_layout.addWidget(self.conflict, 1)
        right_layout.addWidget(self.note)
        decide = QHBoxLayout()
        decide.addStretch(1)
        decide.addWidget(self.reject_button)
        decide.addWidget(self.accept_button)
        right_layout.addLayout(decide)
        splitter = QSplitter()
        splitter.addWidget(self.sections)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([280, 820])

        buttons = QDialogButtonBox()
        self.apply_button = buttons.addButton(
            "Apply accepted sections", QDialogButtonBox.ButtonRole.AcceptRole
        )
        name_widget(self.apply_button, "applyTakeBack", "Apply accepted sections")
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        name_widget(cancel, "cancelTakeBack", "Cancel")
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)

        partner_row = QHBoxLayout()
        partner_row.addWidget(QLabel("Partner:"))
        partner_row.addWidget(self.partner, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.notes)
        layout.addLayout(partner_row)
        layout.addLayout(tracked_row)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

        self._refresh()
        if preview.changes:
            self.sections.setCurrentRow(0)

    @property
    def choice(self) -> TrackedChoice:
        return "reject" if self.reject_tracked.isChecked() else "accept"

    def _refresh(self) -> None:
        """Labels and default ticks follow the tracked-changes choice."""
        for row, change in enumerate(self.preview.changes):
            item = self.sections.item(row)
            item.setText(f"{change.number} {change.title}\n    {_state(change, self.choice)}")
            item.setToolTip(_notes(change, self.choice))
            if item.data(Qt.ItemDataRole.UserRole + 1) is None:
                ticked = change.ticked_by_default(self.choice)
                item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        self._show(self.sections.currentRow())

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.preview.changes):
            self.current.clear()
            self.returned.clear()
            self.conflict.setVisible(False)
            self._shown = None
            return
        change = self.preview.changes[row]
        merged = change.merged(self.choice)
        conflicted = merged is not None and bool(merged.conflicts)
        self.compare.setVisible(not conflicted)
        self.conflict.setVisible(conflicted)
        old = change.current
        new = change.returned_text(self.choice) if conflicted else change.text(self.choice)
        # Keyed by the two texts: each pair is compared once, whichever way the user came back
        # to it, and a changed choice or settled text is a new pair.
        key = (old, new)
        self._shown = key
        pieces = self.diffs.get(key, lambda: conflict_panel.diff_pieces(old, new))
        if conflicted and merged is not None:
            settled = (
                f" Settled: {CHOICE_WORDS.get(change.settled_how, change.settled_how)}."
                if change.settled is not None
                else " Choose how to settle them."
            )
            self.conflict.show_texts(
                old,
                new,
                merged,
                header=(
                    "This section changed in the bid after it was sent, and the partner changed "
                    f"the same places: {plain_counts(merged)}.{settled}"
                ),
                pieces=pieces,
                comparing=pieces is None,
            )
        elif pieces is None:
            self.current.setPlainText(COMPARING)
            self.returned.setPlainText(COMPARING)
        else:
            self._show_pieces(pieces)
        self.note.setText(_notes(change, self.choice))

    def _show_pieces(self, pieces: conflict_panel.Pieces) -> None:
        if self.conflict.isVisibleTo(self):
            self.conflict.show_pieces(pieces)
        else:
            self.current.setHtml(conflict_panel.pieces_html(pieces, "old", self))
            self.returned.setHtml(conflict_panel.pieces_html(pieces, "new", self))

    def _compared(self, key: object, pieces: conflict_panel.Pieces) -> None:
        """A comparison finished on the worker: show it if its section is still the one shown."""
        if key == self._shown:
            self._show_pieces(pieces)

    def _not_compared(self, key: object, error: BaseException) -> None:
        if key == self._shown:
            message = f"These texts could not be compared ({error}); the text is kept as it is."
            for view in (self.current, self.returned, self.conflict.ours, self.conflict.theirs):
                view.setPlainText(message)

    def done(self, result: int) -> None:
        # A comparison still running must not call back into a closed window.
        self.diffs.wait_idle()
        super().done(result)

    def _settle(self, how: str, text: str) -> None:
        row = self.sections.currentRow()
        if not 0 <= row < len(self.preview.changes):
            return
        change = self.preview.changes[row]
        change.settled = text
        change.settled_how = how
        item = self.sections.item(row)
        item.setData(Qt.ItemDataRole.UserRole + 1, True)
        item.setCheckState(Qt.CheckState.Checked)
        self._refresh()

    def _decide(self, accept: bool) -> None:
        row = self.sections.currentRow()
        if row < 0:
            return
        item = self.sections.item(row)
        item.setData(Qt.ItemDataRole.UserRole + 1, True)  # the user decided: keep it
        item.setCheckState(Qt.CheckState.Checked if accept else Qt.CheckState.Unchecked)
        if row + 1 < self.sections.count():
            self.sections.setCurrentRow(row + 1)

    def accepted_uuids(self) -> list[str]:
        return [
            str(self.sections.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.sections.count())
            if self.sections.item(row).checkState() == Qt.CheckState.Checked
        ]

    def apply(self) -> None:
        """Write the accepted sections off the GUI thread; Cancel leaves the bid as it was."""
        from crmbid_desktop.ui.progress import CANCELLED, run_with_progress

        accepted, choice = self.accepted_uuids(), self.choice
        unsettled = [
            change.number
            for change in self.preview.changes
            if change.section_uuid in accepted
            and change.conflicts(choice)
            and change.settled is None
        ]
        if unsettled:
            QMessageBox.information(
                self,
                "Conflicts to settle",
                f"Section {', '.join(unsettled)} changed in the bid and in the returned file in "
                "the same places. Choose keep ours, take theirs, keep both or edit for it first, "
                "or untick it.",
            )
            return
        partner = self.partner.text().strip()
        try:
            lines = run_with_progress(
                self,
                "Take back a returned Word file",
                "Writing the accepted sections into the bid…",
                lambda progress: apply_returned(
                    self.workspace,
                    self.preview,
                    accepted,
                    choice=choice,
                    partner_name=partner,
                    progress=progress,
                ),
            )
        except (OSError, ValueError) as error:
            QMessageBox.warning(self, "File not taken back", str(error))
            return
        if lines is CANCELLED:
            return  # nothing was written; the user can choose again or close the window
        self.applied_lines = lines
        self.accept()


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _tracked_summary(preview: TakeBackPreview) -> str:
    ins = sum(c.returned.insertions for c in preview.changes)
    dels = sum(c.returned.deletions for c in preview.changes)
    if not (ins or dels):
        return "No tracked changes in this file."
    return (
        f"Tracked changes in this file: {_plural(ins, 'insertion')}, {_plural(dels, 'deletion')}."
    )


def _state(change: SectionChange, choice: TrackedChoice) -> str:
    """The line under a section's name in the list."""
    if change.conflicts(choice) and change.settled is None:
        return "conflicts with later changes: choose"
    if change.shrinkage(choice):
        return change.shrinkage(choice) + ": check"
    words = ["changed" if change.changed(choice) else "unchanged"]
    if change.matched_by and change.matched_by != BY_MARKER:
        words.append(f"found by {change.matched_by}")  # the marker was lost: worth a look
    if change.returned.lost:
        words.append("content not taken in")
    if change.comments:
        words.append(_plural(len(change.comments), "comment"))
    return ", ".join(words)


def _notes(change: SectionChange, choice: TrackedChoice) -> str:
    notes = []
    if change.matched_by:
        notes.append(f"Found in the file by its {change.matched_by}.")
    for warning in change.warnings(choice):
        notes.append(f"This section {warning}.")
    merged = change.merged(choice)
    if merged is not None and not merged.conflicts:
        notes.append(
            "This section changed in the bid after it was sent; the partner's edits are merged "
            f"with those later changes ({plain_counts(merged)}), so nothing the team wrote is lost."
        )
    for comment in change.comments:
        notes.append(f"Comment from {comment.author}: {comment.text}")
    return "\n".join(notes)
