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


def _mark(kind: str, line: str, source: PaletteSource) -> str:
    return (
        f"background:{background_colour(kind, source).name()};"
        f" color:{text_colour(kind, source).name()}; text-decoration:{line};"
    )


def diff_html(old: str, new: str, side: str, source: PaletteSource = None) -> str:
    """One side of the comparison: deletions marked on the current side, insertions on the other.

    Deletions are struck through and insertions underlined, in colours suiting `source`'s palette.
    """
    deleted = _mark("removed", "line-through", source)
    inserted = _mark("added", "underline", source)
    parts: list[str] = []
    for op, text in word_diff(old, new):
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
        new = change.text(self.choice)
        self.current.setHtml(diff_html(change.current, new, "current", self))
        self.returned.setHtml(diff_html(change.current, new, "returned", self))
        self.note.setText(_notes(change))

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
        self.applied_lines = apply_returned(
            self.workspace,
            self.preview,
            self.accepted_uuids(),
            choice=self.choice,
            partner_name=self.partner.text().strip(),
        )
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
