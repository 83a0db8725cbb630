"""The rich-text editor for a section body, with its toolbar, clean paste and Markdown in and out."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QFont,
    QKeyEvent,
    QKeySequence,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextListFormat,
    QTextTableFormat,
)
from PySide6.QtWidgets import QInputDialog, QTextEdit, QToolBar, QWidget

from crmbid_desktop.services.registers.sections import markdown_to_html
from crmbid_desktop.ui import icons
from crmbid_desktop.ui.sections.markdown_writer import CachedDocumentText, document_markdown
from crmbid_desktop.ui.sections.paste_cleanup import clean_pasted_html

HEADING_SIZES = {1: 1.5, 2: 1.25}


def canonical_html(html: str) -> str:
    """Any HTML (Word, a web page) reduced to what the section format keeps, as editor HTML."""
    scratch = QTextDocument()
    scratch.setHtml(clean_pasted_html(html))
    return markdown_to_html(document_markdown(scratch))


class SectionEditor(QTextEdit):
    """Rich text whose truth is canonical Markdown: loaded from it, saved as it."""

    formatting_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(True)
        self.setTabChangesFocus(False)
        self.cursorPositionChanged.connect(self.formatting_changed)
        self.currentCharFormatChanged.connect(lambda _fmt: self.formatting_changed.emit())
        self._text = CachedDocumentText(self.document())

    def load_markdown(self, markdown: str) -> None:
        self.blockSignals(True)
        try:
            self.setHtml(markdown_to_html(markdown))
            self._text.forget()
            self.document().clearUndoRedoStacks()
            self.document().setModified(False)
        finally:
            self.blockSignals(False)

    def markdown(self) -> str:
        return self._text.markdown()

    def word_count(self, *, include_tables: bool) -> int:
        """Words as the saved Markdown will count, without writing or parsing Markdown."""
        return self._text.word_count(include_tables=include_tables)

    # -- paste: keep structure, drop fonts and colours ------------------------------------------
    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasHtml():
            self.textCursor().insertHtml(canonical_html(source.html()))
        elif source.hasText():
            self.textCursor().insertText(source.text())

    # -- formatting ---------------------------------------------------------------------------
    def _merge(self, fmt: QTextCharFormat) -> None:
        # With a selection this formats it; without one, it formats what is typed next.
        self.mergeCurrentCharFormat(fmt)

    def toggle_bold(self) -> None:
        fmt = QTextCharFormat()
        bold = self.fontWeight() < QFont.Weight.DemiBold
        fmt.setFontWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
        self._merge(fmt)

    def toggle_italic(self) -> None:
        fmt = QTextCharFormat()
        fmt.setFontItalic(not self.fontItalic())
        self._merge(fmt)

    def toggle_underline(self) -> None:
        fmt = QTextCharFormat()
        fmt.setFontUnderline(not self.fontUnderline())
        self._merge(fmt)

    def set_heading(self, level: int) -> None:
        """0 for body text, 1 or 2 for the section's own headings."""
        cursor = self.textCursor()
        cursor.beginEditBlock()
        block_format = QTextBlockFormat()
        block_format.setHeadingLevel(level)
        cursor.mergeBlockFormat(block_format)
        char_format = QTextCharFormat()
        base = self.document().defaultFont().pointSizeF()
        char_format.setFontPointSize(base * HEADING_SIZES.get(level, 1.0))
        char_format.setFontWeight(QFont.Weight.Bold if level else QFont.Weight.Normal)
        cursor.select(QTextCursor.SelectionType.BlockUnderCursor)
        cursor.mergeCharFormat(char_format)
        cursor.endEditBlock()
        self.mergeCurrentCharFormat(char_format)

    def toggle_list(self, style: QTextListFormat.Style) -> None:
        cursor = self.textCursor()
        current = cursor.currentList()
        cursor.beginEditBlock()
        if current is not None and current.format().style() == style:
            block = cursor.block()
            current.remove(block)
            plain = QTextBlockFormat()
            plain.setIndent(0)
            cursor.mergeBlockFormat(plain)
        else:
            list_format = QTextListFormat()
            list_format.setStyle(style)
            list_format.setIndent(current.format().indent() if current else 1)
            cursor.createList(list_format)
        cursor.endEditBlock()

    def change_list_level(self, step: int) -> None:
        """Nest (+1) or un-nest (-1) the list item under the cursor."""
        cursor = self.textCursor()
        current = cursor.currentList()
        if current is None:
            return
        level = max(1, current.format().indent() + step)
        list_format = QTextListFormat(current.format())
        list_format.setIndent(level)
        if step > 0:
            # A nested bulleted list under bullets uses the next bullet shape.
            ordered = list_format.style() == QTextListFormat.Style.ListDecimal
            list_format.setStyle(
                QTextListFormat.Style.ListDecimal if ordered else QTextListFormat.Style.ListCircle
            )
        cursor.beginEditBlock()
        current.remove(cursor.block())
        cursor.createList(list_format)
        cursor.endEditBlock()

    def insert_table(self, rows: int = 3, columns: int = 2) -> None:
        table_format = QTextTableFormat()
        table_format.setBorder(1)
        table_format.setCellPadding(4)
        table_format.setCellSpacing(0)
        cursor = self.textCursor()
        cursor.insertTable(rows, columns, table_format)
        self.setTextCursor(cursor)  # in the first cell, ready to type

    def insert_link(self, url: str, text: str = "") -> None:
        cursor = self.textCursor()
        shown = text or cursor.selectedText() or url
        fmt = QTextCharFormat()
        fmt.setAnchor(True)
        fmt.setAnchorHref(url)
        fmt.setFontUnderline(True)
        fmt.setForeground(self.palette().link())
        cursor.insertText(shown, fmt)
        self.setTextCursor(cursor)
        self.setCurrentCharFormat(QTextCharFormat())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Ctrl+Tab and Ctrl+Shift+Tab leave the text (Tab itself belongs to the text, as in
        # Word), so a keyboard user is never kept in the editor.
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier and event.key() in (
            Qt.Key.Key_Tab,
            Qt.Key.Key_Backtab,
        ):
            backwards = event.key() == Qt.Key.Key_Backtab or bool(
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            )
            # QTextEdit refuses to move the focus while Tab is its own: allow it for this move.
            self.setTabChangesFocus(True)
            try:
                self.focusNextPrevChild(not backwards)
            finally:
                self.setTabChangesFocus(False)
            event.accept()
            return
        # Tab and Shift+Tab nest list items, as in Word.
        if self.textCursor().currentList() is not None and event.key() in (
            Qt.Key.Key_Tab,
            Qt.Key.Key_Backtab,
        ):
            self.change_list_level(-1 if event.key() == Qt.Key.Key_Backtab else 1)
            return
        super().keyPressEvent(event)


def editor_toolbar(editor: SectionEditor, parent: QWidget) -> QToolBar:
    """Buttons (with the usual shortcuts) that format the editor's text."""
    toolbar = QToolBar("Formatting", parent)
    toolbar.setObjectName("sectionFormattingToolbar")
    toolbar.setAccessibleName("Text formatting")

    def add(
        text: str, name: str, slot: object, shortcut: str = "", tip: str = "", icon: str = ""
    ) -> QAction:
        action = QAction(text, toolbar)
        action.setObjectName(name)
        if icon:
            icons.set_icon(action, icon)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{tip or text} ({shortcut})" if shortcut else tip or text)
        action.triggered.connect(slot)
        toolbar.addAction(action)
        button = toolbar.widgetForAction(action)
        if button is not None:
            button.setObjectName(f"{name}Button")
            button.setAccessibleName(tip or text)
        return action

    def ask_link() -> None:
        url, ok = QInputDialog.getText(parent, "Insert link", "Web address (https://…):")
        if ok and url.strip():
            editor.insert_link(url.strip())

    for letter, name, slot, style in (
        ("B", "bold", editor.toggle_bold, "font-weight: bold"),
        ("I", "italic", editor.toggle_italic, "font-style: italic"),
        ("U", "underline", editor.toggle_underline, "text-decoration: underline"),
    ):
        add(letter, f"{name}Action", slot, f"Ctrl+{letter}", name.capitalize(), name)
        button = toolbar.findChild(QWidget, f"{name}ActionButton")
        if button is not None:
            button.setStyleSheet(style)
    toolbar.addSeparator()
    add(
        "Heading 1",
        "heading1Action",
        lambda: editor.set_heading(1),
        "Ctrl+Alt+1",
        "Heading 1",
        "heading-1",
    )
    add(
        "Heading 2",
        "heading2Action",
        lambda: editor.set_heading(2),
        "Ctrl+Alt+2",
        "Heading 2",
        "heading-2",
    )
    add("Body", "bodyTextAction", lambda: editor.set_heading(0), "Ctrl+Alt+0", "Body text", "body")
    toolbar.addSeparator()
    add(
        "• List",
        "bulletListAction",
        lambda: editor.toggle_list(QTextListFormat.Style.ListDisc),
        "Ctrl+Shift+8",
        "Bulleted list",
        "bullets",
    )
    add(
        "1. List",
        "numberedListAction",
        lambda: editor.toggle_list(QTextListFormat.Style.ListDecimal),
        "Ctrl+Shift+7",
        "Numbered list",
        "numbers",
    )
    add(
        "→",
        "nestListAction",
        lambda: editor.change_list_level(1),
        "",
        "Nest list item (Tab)",
        "indent",
    )
    add(
        "←",
        "unnestListAction",
        lambda: editor.change_list_level(-1),
        "",
        "Un-nest (Shift+Tab)",
        "outdent",
    )
    toolbar.addSeparator()
    add("Table", "insertTableAction", editor.insert_table, "", "Insert a table", "table")
    add("Link…", "insertLinkAction", ask_link, "Ctrl+K", "Insert link", "link")

    # B, I and U show whether the text at the cursor has them, as in Word.
    states: dict[str, Callable[[], bool]] = {
        "boldAction": lambda: editor.fontWeight() >= QFont.Weight.DemiBold,
        "italicAction": editor.fontItalic,
        "underlineAction": lambda: (
            editor.fontUnderline() and not editor.currentCharFormat().isAnchor()
        ),
    }
    for name in states:
        action = toolbar.findChild(QAction, name)
        if action is not None:
            action.setCheckable(True)

    def show_states() -> None:
        for name, state in states.items():
            action = toolbar.findChild(QAction, name)
            if action is not None:
                action.setChecked(bool(state()))

    editor.formatting_changed.connect(show_states)
    return toolbar
