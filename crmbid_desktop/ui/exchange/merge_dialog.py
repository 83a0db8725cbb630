"""Merging a partner's copy: what merges cleanly, and each conflict to keep, take, keep both or edit."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain.text_merge import Merged, merge_texts
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.exchange.bid_merge import Conflict, MergePlan, Resolution, apply_merge
from crmbid_desktop.ui.exchange.conflict_panel import CHOICE_WORDS, ConflictPanel
from crmbid_desktop.ui.widgets import name_widget


def _show_value(value: Any) -> str:
    return "(empty)" if value in (None, "") else str(value)


def _fields_text(conflict: Conflict, side: int) -> str:
    if list(conflict.fields) == ["body"]:
        return _show_value(conflict.fields["body"][side])
    return "\n\n".join(
        f"{name.replace('_', ' ').capitalize()}: {_show_value(values[side])}"
        for name, values in conflict.fields.items()
    )


def _count(number: int, noun: str) -> str:
    return f"{'no' if number == 0 else number} {noun}{'' if number == 1 else 's'}"


def _body_merge(conflict: Conflict) -> Merged | None:
    """The section text merged where the two sides do not overlap (None for other fields)."""
    if list(conflict.fields) != ["body"] or conflict.kind != "edit/edit":
        return None
    ours, theirs = conflict.fields["body"]
    return merge_texts(conflict.body_base, str(ours or ""), str(theirs or ""))


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
        #: How each conflict was settled, in the user's words ("keep both").
        self.settled_how: dict[tuple[str, str], str] = {}
        self.applied_lines: list[str] = []

        intro = QLabel(
            f"{_count(len(plan.clean), 'change').capitalize()} "
            f"{'merges' if len(plan.clean) == 1 else 'merge'} cleanly and "
            f"{_count(len(plan.conflicts), 'conflict')} "
            f"{'needs' if len(plan.conflicts) == 1 else 'need'} a decision. Conflicts you "
            "leave undecided stay as they are in this bid and are shown again next time you "
            "merge this copy."
        )
        intro.setWordWrap(True)
        name_widget(intro, "mergeSummary", "What the merge holds")
        self.partner = QLineEdit(plan.partner_name)
        name_widget(self.partner, "mergePartnerName", "Partner's name for the change log")

        self.clean = QListWidget()
        name_widget(self.clean, "cleanMerges", "Changes that merge cleanly")
        self.clean.addItems(plan.clean or ["Nothing."])
        self.conflicts = QListWidget()
        name_widget(self.conflicts, "mergeConflicts", "Conflicts")
        self.conflicts.currentRowChanged.connect(self._show)

        self.panel = ConflictPanel("Ours (this bid)", "Theirs (partner's copy)")
        self.panel.settled.connect(self._settled)
        # The panel's buttons, under the names the rest of the program and its tests use.
        self.ours, self.theirs, self.edited = self.panel.ours, self.panel.theirs, self.panel.edited
        self.keep_ours, self.take_theirs = self.panel.keep_ours, self.panel.take_theirs
        self.keep_both, self.edit, self.use_edited = (
            self.panel.keep_both,
            self.panel.edit,
            self.panel.use_edited,
        )

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Conflicts</b>"))
        left_layout.addWidget(self.conflicts, 2)
        left_layout.addWidget(QLabel("<b>Merges cleanly</b>"))
        left_layout.addWidget(self.clean, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.panel)
        splitter.setSizes([360, 740])

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
            key = (conflict.table, conflict.uuid)
            state = self.settled_how.get(key, "undecided")
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
        if conflict is None:
            self.panel.show_nothing("No conflicts: everything merges cleanly.")
            return
        if conflict.kind == "add/orphan":
            self.panel.show_values(
                f"(not here: {conflict.parent_label} was deleted in this bid)\n\n"
                "Keep ours leaves it out.",
                "(added in their copy)\n\nTake theirs adds it and puts back "
                f"{conflict.parent_label} from their copy.",
                header=conflict.describe(),
            )
            return
        if conflict.kind in ("edit/delete", "delete/edit"):
            ours = "(deleted)" if conflict.kind == "delete/edit" else "(edited; kept here)"
            theirs = "(deleted)" if conflict.kind == "edit/delete" else "(edited in their copy)"
            self.panel.show_values(ours, theirs, header=conflict.describe())
            return
        merged = _body_merge(conflict)
        if merged is not None:
            changes = _count(merged.changes, "change")
            clashes = _count(len(merged.conflicts), "conflict")
            self.panel.show_texts(
                _fields_text(conflict, 0),
                _fields_text(conflict, 1),
                merged,
                header=(
                    f"{conflict.label}: {changes} merge cleanly, {clashes} where both sides "
                    "changed the same words. Keep ours, take theirs or keep both settles the "
                    "conflicts; the clean changes are kept either way."
                ),
            )
        else:
            self.panel.show_values(
                _fields_text(conflict, 0), _fields_text(conflict, 1), header=conflict.describe()
            )

    def _settled(self, how: str, text: str) -> None:
        conflict = self._conflict()
        if conflict is None:
            return
        key = (conflict.table, conflict.uuid)
        if _body_merge(conflict) is not None:
            # Section text: every choice is a merged text (the clean changes of both sides kept).
            self.resolutions[key] = ("edited", text)
        elif how in ("ours", "theirs"):
            self.resolutions[key] = (how, "")  # type: ignore[assignment]
        else:
            return
        self.settled_how[key] = CHOICE_WORDS.get(how, how)
        self._fill_conflicts()
        row = self.conflicts.currentRow()
        if row + 1 < self.conflicts.count():
            self.conflicts.setCurrentRow(row + 1)

    def resolve(self, choice: Resolution) -> None:
        """Settle the current conflict as "ours", "theirs" or "edited" (the edit box's text)."""
        if choice == "edited":
            self._settled("edited", self.panel.edited.toPlainText())
        else:
            self._settled(choice, self.panel.text_for(choice))

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
