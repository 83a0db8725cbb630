"""Taking back a returned Word file: per section, current and returned text side by side."""

from __future__ import annotations

from html import escape

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

from crmbid_desktop.services.docx_reader import TrackedChoice
from crmbid_desktop.services.section_exchange import (
    SectionChange,
    TakeBackPreview,
    apply_returned,
    word_diff,
)
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.ui.colours import PaletteSource, background_colour, text_colour
from crmbid_desktop.ui.widgets import name_widget
from crmbid_desktop.ui.worker import Job


def _mark(kind: str, line: str, source: PaletteSource) -> str:
    return (
        f"background:{background_colour(kind, source).name()};"
        f" color:{text_colour(kind, source).name()}; text-decoration:{line};"
    )


#: Sections shorter than this (about 3,000 words a side) are compared on the GUI thread, which
#: takes milliseconds; longer or hostile ones are compared by a worker while "Comparing…" shows.
SYNC_DIFF_CHARS = 40_000


def diff_html(old: str, new: str, side: str, source: PaletteSource = None) -> str:
    """One side of the comparison: deletions marked on the current side, insertions on the other.

    Deletions are struck through and insertions underlined, in colours suiting `source`'s palette.
    """
    return pieces_html(word_diff(old, new), side, source)


def pieces_html(pieces: list[tuple[str, str]], side: str, source: PaletteSource = None) -> str:
    """`diff_html` from pieces `word_diff` already computed (once per section and choice)."""
    deleted = _mark("removed", "line-through", source)
    inserted = _mark("added", "underline", source)
    parts: list[str] = []
    for op, text in pieces:
        safe = escape(text).replace("\n", "<br>")
        if op == "equal":
            parts.append(safe)
        elif op == "delete" and side == "current":
            parts.append(f'<span style="{deleted}">{safe}</span>')
        elif op == "insert" and side == "returned":
            parts.append(f'<span style="{inserted}">{safe}</span>')
    return (
        f'<div style="font-family:Consolas,monospace; white-space:pre-wrap;">{"".join(parts)}</div>'
    )


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
        # Word differences per (row, tracked choice): computed once, reused on every selection.
        self._diffs: dict[tuple[int, str], list[tuple[str, str]]] = {}
        self._comparing: set[tuple[int, str]] = set()
        self._jobs: list[Job] = []

        intro = QLabel(
            "Tick the sections whose returned text you want to keep. The left side shows the "
            "bid's text with removed words struck through; the right side shows the returned "
            "text with added words underlined in green. Nothing changes until you press Apply."
        )
        intro.setWordWrap(True)
        missing = QLabel(
            "Not found in the file (heading deleted?): " + "; ".join(preview.missing)
            if preview.missing
            else ""
        )
        missing.setVisible(bool(preview.missing))
        missing.setWordWrap(True)

        self.partner = QLineEdit(preview.partner_name)
        name_widget(self.partner, "partnerName", "Partner's name for the change log")
        self.partner.setPlaceholderText("e.g. Ann Smith, York")

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
        self.accept_button = QPushButton("&Accept section")
        name_widget(self.accept_button, "acceptSection", "Accept this section")
        self.reject_button = QPushButton("&Reject section")
        name_widget(self.reject_button, "rejectSection", "Reject this section")
        self.accept_button.clicked.connect(lambda: self._decide(True))
        self.reject_button.clicked.connect(lambda: self._decide(False))

        compare = QWidget()
        grid = QGridLayout(compare)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel("<b>Current text in the bid</b>"), 0, 0)
        grid.addWidget(QLabel("<b>Returned text</b>"), 0, 1)
        grid.addWidget(self.current, 1, 0)
        grid.addWidget(self.returned, 1, 1)
        grid.addWidget(self.note, 2, 0, 1, 2)
        decide = QHBoxLayout()
        decide.addStretch(1)
        decide.addWidget(self.reject_button)
        decide.addWidget(self.accept_button)
        grid.addLayout(decide, 3, 0, 1, 2)
        splitter = QSplitter()
        splitter.addWidget(self.sections)
        splitter.addWidget(compare)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([260, 840])

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
        layout.addWidget(missing)
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
            changed = change.changed(self.choice)
            state = "changed" if changed else "unchanged"
            extra = f", {len(change.comments)} comment(s)" if change.comments else ""
            item.setText(f"{change.number} {change.title}\n    {state}{extra}")
            if item.data(Qt.ItemDataRole.UserRole + 1) is None:
                item.setCheckState(Qt.CheckState.Checked if changed else Qt.CheckState.Unchecked)
        self._show(self.sections.currentRow())

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.preview.changes):
            self.current.clear()
            self.returned.clear()
            return
        change = self.preview.changes[row]
        self.note.setText(_notes(change))
        key = (row, self.choice)
        pieces = self._diffs.get(key)
        if pieces is None:
            old, new = change.current, change.text(self.choice)
            if len(old) + len(new) > SYNC_DIFF_CHARS:
                self.current.setPlainText("Comparing…")
                self.returned.setPlainText("Comparing…")
                self._compare_in_background(key, old, new)
                return
            pieces = self._diffs[key] = word_diff(old, new)
        self.current.setHtml(pieces_html(pieces, "current", self))
        self.returned.setHtml(pieces_html(pieces, "returned", self))

    def _compare_in_background(self, key: tuple[int, str], old: str, new: str) -> None:
        if key in self._comparing:
            return
        self._comparing.add(key)
        job = Job(lambda _progress: (key, word_diff(old, new)))
        job.finished.connect(self._compared)
        self._jobs.append(job)
        job.start()

    def _compared(self, result: tuple[tuple[int, str], list[tuple[str, str]]]) -> None:
        key, pieces = result
        self._diffs[key] = pieces
        self._comparing.discard(key)
        self._jobs = [job for job in self._jobs if job.running]
        if key == (self.sections.currentRow(), self.choice):
            self._show(key[0])

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


def _tracked_summary(preview: TakeBackPreview) -> str:
    ins = sum(c.returned.insertions for c in preview.changes)
    dels = sum(c.returned.deletions for c in preview.changes)
    if not (ins or dels):
        return "No tracked changes in this file."
    return f"Tracked changes in this file: {ins} insertion(s), {dels} deletion(s)."


def _notes(change: SectionChange) -> str:
    notes = []
    if change.changed_in_bid_since_sent:
        notes.append(
            "Careful: this section was changed in the bid after the file was sent; accepting "
            "replaces those changes too (the old text is kept as a version)."
        )
    for comment in change.comments:
        notes.append(f"Comment from {comment.author}: {comment.text}")
    return "\n".join(notes)
