"""Merging a partner's copy: what merges cleanly, and each conflict to keep, take or edit."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.services.bid_merge import Conflict, MergePlan, Resolution, apply_merge
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.ui.widgets import name_widget

_CHOICE_TEXT = {"ours": "keep ours", "theirs": "take theirs", "edited": "edited text"}


def _show_value(value: Any) -> str:
    return "(empty)" if value in (None, "") else str(value)


def _fields_text(conflict: Conflict, side: int) -> str:
    if list(conflict.fields) == ["body"]:
        return _show_value(conflict.fields["body"][side])
    return "\n\n".join(
        f"{name.replace('_', ' ').capitalize()}: {_show_value(values[side])}"
        for name, values in conflict.fields.items()
    )


class MergeDialog(QDialog):
    """Apply merges what merges cleanly plus every conflict the user resolved."""

    def __init__(self, workspace: Workspace, plan: MergePlan, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.setWindowTitle("Merge a partner's copy")
        self.resize(1100, 720)
        self.workspace = workspace
        self.plan = plan
        self.resolutions: dict[tuple[str, str], tuple[Resolution, str]] = {}
        self.applied_lines: list[str] = []

        intro = QLabel(
            f"{len(plan.clean)} change(s) merge cleanly and {len(plan.conflicts)} conflict(s) "
            "need a decision. Conflicts you leave undecided stay as they are in this bid and "
            "are shown again next time you merge this copy."
        )
        intro.setWordWrap(True)
        self.partner = QLineEdit(plan.partner_name)
        name_widget(self.partner, "mergePartnerName", "Partner's name for the change log")

        self.clean = QListWidget()
        name_widget(self.clean, "cleanMerges", "Changes that merge cleanly")
        self.clean.addItems(plan.clean or ["Nothing."])
        self.conflicts = QListWidget()
        name_widget(self.conflicts, "mergeConflicts", "Conflicts")
        self.conflicts.currentRowChanged.connect(self._show)

        self.ours = QPlainTextEdit()
        self.ours.setReadOnly(True)
        name_widget(self.ours, "oursText", "This bid's version")
        self.theirs = QPlainTextEdit()
        self.theirs.setReadOnly(True)
        name_widget(self.theirs, "theirsText", "Partner's version")
        self.edited = QPlainTextEdit()
        name_widget(self.edited, "editedText", "Merged text to edit")
        self.keep_ours = QPushButton("&Keep ours")
        name_widget(self.keep_ours, "keepOurs", "Keep this bid's version")
        self.take_theirs = QPushButton("&Take theirs")
        name_widget(self.take_theirs, "takeTheirs", "Take the partner's version")
        self.use_edited = QPushButton("Use &edited text")
        name_widget(self.use_edited, "useEdited", "Use the edited text")
        self.keep_ours.clicked.connect(lambda: self.resolve("ours"))
        self.take_theirs.clicked.connect(lambda: self.resolve("theirs"))
        self.use_edited.clicked.connect(lambda: self.resolve("edited"))

        detail = QWidget()
        grid = QGridLayout(detail)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel("<b>Ours (this bid)</b>"), 0, 0)
        grid.addWidget(QLabel("<b>Theirs (partner's copy)</b>"), 0, 1)
        grid.addWidget(self.ours, 1, 0)
        grid.addWidget(self.theirs, 1, 1)
        self.edited_label = QLabel(
            "<b>Edit the text</b> (then remove the &lt;&lt;&lt;&lt;&lt;&lt;&lt;, ======= and "
            "&gt;&gt;&gt;&gt;&gt;&gt;&gt; marker lines)"
        )
        grid.addWidget(self.edited_label, 2, 0, 1, 2)
        grid.addWidget(self.edited, 3, 0, 1, 2)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.keep_ours)
        row.addWidget(self.take_theirs)
        row.addWidget(self.use_edited)
        grid.addLayout(row, 4, 0, 1, 2)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Conflicts</b>"))
        left_layout.addWidget(self.conflicts, 2)
        left_layout.addWidget(QLabel("<b>Merges cleanly</b>"))
        left_layout.addWidget(self.clean, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(detail)
        splitter.setSizes([380, 720])

        buttons = QDialogButtonBox()
        self.apply_button = buttons.addButton("Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        name_widget(self.apply_button, "applyMerge", "Merge")
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        name_widget(cancel, "cancelMerge", "Cancel")
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        self.apply_button.setEnabled(not plan.nothing_to_do)

        partner_row = QHBoxLayout()
        partner_row.addWidget(QLabel("Partner:"))
        partner_row.addWidget(self.partner, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(partner_row)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self._fill_conflicts()
        if plan.conflicts:
            self.conflicts.setCurrentRow(0)
        else:
            self._show(-1)

    def _fill_conflicts(self) -> None:
        current = self.conflicts.currentRow()
        self.conflicts.blockSignals(True)
        self.conflicts.clear()
        for conflict in self.plan.conflicts:
            decided = self.resolutions.get((conflict.table, conflict.uuid))
            state = _CHOICE_TEXT[decided[0]] if decided else "undecided"
            self.conflicts.addItem(f"{conflict.describe()}\n    → {state}")
            # A long description is cut off by the list's width; the tooltip shows it whole.
            self.conflicts.item(self.conflicts.count() - 1).setToolTip(conflict.describe())
        self.conflicts.blockSignals(False)
        if current >= 0:
            self.conflicts.setCurrentRow(current)

    def _conflict(self) -> Conflict | None:
        row = self.conflicts.currentRow()
        return self.plan.conflicts[row] if 0 <= row < len(self.plan.conflicts) else None

    def _show(self, _row: int) -> None:
        conflict = self._conflict()
        for widget in (self.keep_ours, self.take_theirs):
            widget.setEnabled(conflict is not None)
        is_text = conflict is not None and "body" in conflict.fields
        self.use_edited.setEnabled(is_text)
        self.edited.setEnabled(is_text)
        if conflict is None:
            self.ours.clear()
            self.theirs.clear()
            self.edited.clear()
            return
        if conflict.kind == "add/orphan":
            self.ours.setPlainText(
                f"(not here: {conflict.parent_label} was deleted in this bid)\n\n"
                "Keep ours leaves it out."
            )
            self.theirs.setPlainText(
                "(added in their copy)\n\nTake theirs adds it and puts back "
                f"{conflict.parent_label} from their copy."
            )
        elif conflict.kind in ("edit/delete", "delete/edit"):
            ours = "(deleted)" if conflict.kind == "delete/edit" else "(edited; kept here)"
            theirs = "(deleted)" if conflict.kind == "edit/delete" else "(edited in their copy)"
            self.ours.setPlainText(ours)
            self.theirs.setPlainText(theirs)
        else:
            self.ours.setPlainText(_fields_text(conflict, 0))
            self.theirs.setPlainText(_fields_text(conflict, 1))
        decided = self.resolutions.get((conflict.table, conflict.uuid))
        if decided and decided[0] == "edited":
            self.edited.setPlainText(decided[1])
        else:
            self.edited.setPlainText(conflict.body_with_markers if is_text else "")

    def resolve(self, choice: Resolution) -> None:
        conflict = self._conflict()
        if conflict is None:
            return
        text = self.edited.toPlainText() if choice == "edited" else ""
        self.resolutions[(conflict.table, conflict.uuid)] = (choice, text)
        self._fill_conflicts()
        row = self.conflicts.currentRow()
        if row + 1 < self.conflicts.count():
            self.conflicts.setCurrentRow(row + 1)

    def apply(self) -> None:
        """Merge off the GUI thread in one edit; Cancel rolls it all back."""
        from crmbid_desktop.ui.progress import CANCELLED, run_with_progress

        resolutions, partner = dict(self.resolutions), self.partner.text().strip()
        try:
            lines = run_with_progress(
                self,
                "Merge a partner's copy",
                "Merging the partner's changes into this bid…",
                lambda progress: apply_merge(
                    self.workspace, self.plan, resolutions, partner_name=partner, progress=progress
                ),
            )
        except (OSError, ValueError) as error:
            QMessageBox.warning(self, "Copy not merged", str(error))
            return
        if lines is CANCELLED:
            return  # rolled back; the decisions stay so the user can try again
        self.applied_lines = lines
        self.accept()
