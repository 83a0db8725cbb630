"""Two versions of a text side by side, changed words highlighted, and a choice that settles them.

Used by the take-back window (the bid's text now against the partner's returned text) and the
merge window (this bid against a partner's copy). The user keeps ours, takes theirs, keeps both
or edits; no conflict markers are ever shown.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QWidget,
)

from crmbid_desktop.domain.text_merge import Choice, Merged
from crmbid_desktop.services.exchange.markdown_compare import readable
from crmbid_desktop.services.exchange.section_exchange import word_diff
from crmbid_desktop.ui.background_diffs import COMPARING
from crmbid_desktop.ui.colours import PaletteSource, background_colour, text_colour
from crmbid_desktop.ui.widgets import name_widget

#: What each choice is called where the user reads it.
CHOICE_WORDS = {
    "ours": "keep ours",
    "theirs": "take theirs",
    "both": "keep both",
    "edited": "edited",
}


def _mark(kind: str, line: str, source: PaletteSource) -> str:
    return (
        f"background:{background_colour(kind, source).name()};"
        f" color:{text_colour(kind, source).name()}; text-decoration:{line};"
    )


#: ("equal"|"delete"|"insert", text) pieces of a word diff, as `word_diff` returns them.
Pieces = list[tuple[str, str]]


def diff_pieces(old: str, new: str) -> Pieces:
    """The word diff of what a person reads (no Markdown escapes): the slow part, thread-safe."""
    return word_diff(readable(old), readable(new))


def pieces_html(pieces: Pieces, side: str, source: PaletteSource = None) -> str:
    """One side of a comparison from its `diff_pieces`.

    On the "old" side removed words are struck through; on the "new" side added words are
    underlined, in colours suiting `source`'s palette.
    """
    deleted = _mark("removed", "line-through", source)
    inserted = _mark("added", "underline", source)
    parts: list[str] = []
    for op, text in pieces:
        safe = escape(text).replace("\n", "<br>")
        if op == "equal":
            parts.append(safe)
        elif op == "delete" and side == "old":
            parts.append(f'<span style="{deleted}">{safe}</span>')
        elif op == "insert" and side == "new":
            parts.append(f'<span style="{inserted}">{safe}</span>')
    return (
        '<div style="font-family:Segoe UI,Arial,sans-serif; white-space:pre-wrap;">'
        f"{''.join(parts)}</div>"
    )


def diff_html(old: str, new: str, side: str, source: PaletteSource = None) -> str:
    """One side of a comparison of `old` and `new`, worked out here and now."""
    return pieces_html(diff_pieces(old, new), side, source)


class ConflictPanel(QWidget):
    """Ours and theirs side by side; the buttons settle every conflict in the text at once."""

    #: (choice, the settled text): choice is "ours", "theirs", "both" or "edited".
    settled = Signal(str, str)

    def __init__(self, ours_label: str, theirs_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.merged: Merged | None = None
        self.ours_text = ""
        self.theirs_text = ""
        self.header = QLabel()
        self.header.setWordWrap(True)
        name_widget(self.header, "conflictSummary", "What changed and what conflicts")
        self.ours = QTextBrowser()
        name_widget(self.ours, "oursText", ours_label)
        self.theirs = QTextBrowser()
        name_widget(self.theirs, "theirsText", theirs_label)
        self.edited = QPlainTextEdit()
        name_widget(self.edited, "editedText", "Text to edit")
        self.edited.setVisible(False)
        self.keep_ours = QPushButton("&Keep ours")
        name_widget(self.keep_ours, "keepOurs", "Keep ours where the two conflict")
        self.take_theirs = QPushButton("&Take theirs")
        name_widget(self.take_theirs, "takeTheirs", "Take theirs where the two conflict")
        self.keep_both = QPushButton("Keep &both")
        name_widget(self.keep_both, "keepBoth", "Keep both versions, ours first")
        self.edit = QPushButton("&Edit…")
        name_widget(self.edit, "editText", "Edit the text yourself")
        self.use_edited = QPushButton("&Use edited text")
        name_widget(self.use_edited, "useEdited", "Use the edited text")
        self.use_edited.setVisible(False)
        self.keep_ours.clicked.connect(lambda: self._settle("ours"))
        self.take_theirs.clicked.connect(lambda: self._settle("theirs"))
        self.keep_both.clicked.connect(lambda: self._settle("both"))
        self.edit.clicked.connect(self._start_editing)
        self.use_edited.clicked.connect(
            lambda: self.settled.emit("edited", self.edited.toPlainText())
        )

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.header, 0, 0, 1, 2)
        self.ours_title = QLabel(f"<b>{escape(ours_label)}</b>")
        self.theirs_title = QLabel(f"<b>{escape(theirs_label)}</b>")
        grid.addWidget(self.ours_title, 1, 0)
        grid.addWidget(self.theirs_title, 1, 1)
        grid.addWidget(self.ours, 2, 0)
        grid.addWidget(self.theirs, 2, 1)
        grid.addWidget(self.edited, 3, 0, 1, 2)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in (self.keep_ours, self.take_theirs, self.keep_both, self.edit):
            row.addWidget(button)
        row.addWidget(self.use_edited)
        grid.addLayout(row, 4, 0, 1, 2)

    def show_texts(
        self,
        ours: str,
        theirs: str,
        merged: Merged | None = None,
        *,
        header: str = "",
        pieces: Pieces | None = None,
        comparing: bool = False,
    ) -> None:
        """Show two versions; with `merged`, the buttons settle its conflicts only.

        `pieces` is their word diff when already worked out (once, for both sides); with
        `comparing` the sides say "Comparing…" until `show_pieces` brings it.
        """
        self.ours_text, self.theirs_text, self.merged = ours, theirs, merged
        if comparing:
            self.ours.setPlainText(COMPARING)
            self.theirs.setPlainText(COMPARING)
        else:
            self.show_pieces(diff_pieces(ours, theirs) if pieces is None else pieces)
        self.header.setText(header)
        self.header.setVisible(bool(header))
        self.edited.setVisible(False)
        self.use_edited.setVisible(False)
        for button in (self.keep_ours, self.take_theirs, self.keep_both, self.edit):
            button.setEnabled(True)

    def show_pieces(self, pieces: Pieces) -> None:
        self.ours.setHtml(pieces_html(pieces, "old", self))
        self.theirs.setHtml(pieces_html(pieces, "new", self))

    def show_values(self, ours: str, theirs: str, *, header: str = "") -> None:
        """Two values that are not text to merge (a title, a status): keep ours or take theirs."""
        self.show_texts(ours, theirs, header=header)
        self.keep_both.setEnabled(False)
        self.edit.setEnabled(False)

    def show_nothing(self, message: str = "") -> None:
        self.ours.setPlainText(message)
        self.theirs.clear()
        self.header.setVisible(False)
        self.edited.setVisible(False)
        self.use_edited.setVisible(False)
        for button in (self.keep_ours, self.take_theirs, self.keep_both, self.edit):
            button.setEnabled(False)

    def text_for(self, choice: Choice) -> str:
        """The whole text after settling the conflicts with `choice`."""
        if self.merged is not None:
            return self.merged.text(choice)
        if choice == "ours":
            return self.ours_text
        if choice == "theirs":
            return self.theirs_text
        return self.ours_text.rstrip("\n") + "\n\n" + self.theirs_text

    def _settle(self, choice: Choice) -> None:
        self.settled.emit(choice, self.text_for(choice))

    def _start_editing(self) -> None:
        self.edited.setPlainText(self.text_for("both"))
        self.edited.setVisible(True)
        self.use_edited.setVisible(True)
        self.edited.setFocus()
