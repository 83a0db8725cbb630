"""Someone else saved the same field since this form was loaded: keep mine or keep theirs, per field.

Shown by a page when a versioned save (services/bid/versioned.py) comes back with conflicts.
Everything that did not conflict is already saved; each conflict shows both values side by side
(the existing ConflictPanel, changed words highlighted) and who made the other change. Nothing is
written until the user settles every conflict and presses Save; Cancel keeps theirs everywhere,
after copying my text to the clipboard so no typing is ever lost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain.text_merge import merge_texts
from crmbid_desktop.services.bid.versioned import Conflict, Loaded, SaveResult
from crmbid_desktop.ui.widgets import name_widget

#: The user's words for each choice, shown in the list beside the field.
SETTLED_WORDS = {
    "ours": "keep mine",
    "theirs": "keep theirs",
    "both": "keep both",
    "edited": "edited",
}


def _shown(value: object) -> str:
    if isinstance(value, bool):  # a tick
        return "yes" if value else "no"
    return "(empty)" if value in (None, "") else str(value)


#: How stored values read: one function for every field, or one per field (by name).
Shown = Callable[[object], str] | Mapping[str, Callable[[object], str]]


class SaveConflictDialog(QDialog):
    """One row per conflicting field; each settled by Keep mine / Keep theirs (text: also both)."""

    def __init__(
        self,
        conflicts: Sequence[Conflict],
        labels: Mapping[str, str],
        *,
        what: str,
        texts: Sequence[str] = (),
        parent: QWidget | None = None,
        shown: Shown | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("saveConflictDialog")
        self.setWindowTitle("Someone else changed this too")
        self.resize(900, 560)
        self.conflicts = list(conflicts)
        self.labels = dict(labels)
        self.texts = set(texts)
        #: How a value that is not text reads (money in pounds, not pence; a weight stored in
        #: hundredths of a percent as "12.5%"): one way for every field, or one per field.
        self._shown = shown if shown is not None else _shown
        #: field -> (choice, value to save); a field settled "theirs" is left as saved.
        self.settled: dict[str, tuple[str, object]] = {}
        people = sorted({c.who for c in self.conflicts})
        intro = QLabel(
            f"{' and '.join(people)} changed {what} while you were editing it. Everything else you "
            "changed is saved. For each field below, keep your value or theirs."
        )
        intro.setWordWrap(True)
        name_widget(intro, "conflictIntro", "What happened")
        self.fields = QListWidget()
        name_widget(self.fields, "conflictFields", "Fields both of you changed")
        # Imported here: the panel draws on the partner-exchange code (word diffs), which the
        # forms that may open this dialog should not load with their page.
        from crmbid_desktop.ui.exchange.conflict_panel import ConflictPanel

        self.panel = ConflictPanel("Mine (not saved yet)", "Saved now")
        self.panel.keep_ours.setText("&Keep mine")
        self.panel.take_theirs.setText("Keep &theirs")
        split = QSplitter()
        split.addWidget(self.fields)
        split.addWidget(self.panel)
        split.setStretchFactor(1, 3)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        name_widget(self.buttons, "conflictButtons", "Save the choices or keep theirs")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        layout.addWidget(self.buttons)
        self.fields.currentRowChanged.connect(self._show)
        self.panel.settled.connect(self._settle)
        self._fill()
        self.fields.setCurrentRow(0)

    def _fill(self) -> None:
        current = max(self.fields.currentRow(), 0)
        self.fields.clear()
        for conflict in self.conflicts:
            label = self.labels.get(conflict.field, conflict.field.replace("_", " "))
            choice = self.settled.get(conflict.field, ("", None))[0]
            state = SETTLED_WORDS.get(choice, "to settle")
            self.fields.addItem(f"{label}: {state}")
            self.fields.item(self.fields.count() - 1).setToolTip(f"Changed by {conflict.who}")
        self.fields.setCurrentRow(min(current, len(self.conflicts) - 1))
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(len(self.settled) == len(self.conflicts))

    def _conflict(self) -> Conflict | None:
        row = self.fields.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def _show(self, _row: int) -> None:
        conflict = self._conflict()
        if conflict is None:
            self.panel.show_nothing()
            return
        self.panel.theirs_title.setText(f"<b>Saved now by {conflict.who}</b>")
        header = f"{self.labels.get(conflict.field, conflict.field)}: you and {conflict.who} both changed it."
        if conflict.field in self.texts:
            merged = merge_texts(
                str(conflict.loaded or ""), str(conflict.mine or ""), str(conflict.theirs or "")
            )
            self.panel.show_texts(
                str(conflict.mine or ""), str(conflict.theirs or ""), merged, header=header
            )
        else:
            show = self.shown_for(conflict.field)
            self.panel.show_values(show(conflict.mine), show(conflict.theirs), header=header)

    def _settle(self, choice: str, text: str) -> None:
        conflict = self._conflict()
        if conflict is None:
            return
        if conflict.field in self.texts or choice == "theirs":
            value: object = text if choice != "theirs" else conflict.theirs
        else:
            value = conflict.mine  # a value that is not text goes back as it was typed
        self.settled[conflict.field] = (choice, value)
        row = self.fields.currentRow()
        self._fill()
        if row + 1 < len(self.conflicts):
            self.fields.setCurrentRow(row + 1)

    def keep(self, field: str, mine: bool) -> None:
        """Settle `field` as the buttons do (keyboard users and tests)."""
        for row, conflict in enumerate(self.conflicts):
            if conflict.field == field:
                self.fields.setCurrentRow(row)
                (self.panel.keep_ours if mine else self.panel.take_theirs).click()
                return

    def to_save(self) -> dict[str, object]:
        """The fields to write over what is saved now: those not settled as "theirs"."""
        return {
            field: value for field, (choice, value) in self.settled.items() if choice != "theirs"
        }

    def shown_for(self, field: str) -> Callable[[object], str]:
        """How `field`'s values read in the dialog."""
        if isinstance(self._shown, Mapping):
            return self._shown.get(field, _shown)
        return self._shown

    def reject(self) -> None:
        # Keeping theirs everywhere: my text goes to the clipboard, so nothing typed is lost.
        mine = "\n\n".join(self.shown_for(c.field)(c.mine) for c in self.conflicts)
        clipboard = QApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(mine)
        super().reject()


def settle(
    parent: QWidget | None,
    result: SaveResult,
    save_again: Callable[[Loaded, dict[str, object]], SaveResult],
    *,
    labels: Mapping[str, str],
    what: str,
    texts: Sequence[str] = (),
    shown: Shown | None = None,
) -> SaveResult:
    """Ask about `result`'s conflicts until none is left; `save_again(loaded, chosen)` writes the
    fields kept as mine over the version the conflict was seen at. Theirs kept: `result` as is."""
    while result.conflicts:
        chosen = ask(parent, result.conflicts, labels, what=what, texts=texts, shown=shown)
        if not chosen:
            return result
        result = save_again(Loaded(result.now.version, {**result.now.values}), chosen)
    return result


def ask(
    parent: QWidget | None,
    conflicts: Sequence[Conflict],
    labels: Mapping[str, str],
    *,
    what: str,
    texts: Sequence[str] = (),
    shown: Shown | None = None,
) -> dict[str, object]:
    """Show the dialog once: the fields kept as mine and their values (empty: theirs kept)."""
    dialog = SaveConflictDialog(
        conflicts, labels, what=what, texts=texts, parent=parent, shown=shown
    )
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.to_save() if accepted else {}
