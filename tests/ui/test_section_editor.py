"""The section editor: Markdown in, rich text, Markdown out, without losing formatting; clean paste."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QTextCursor, QTextListFormat
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from crmbid_desktop.ui.sections.editor import SectionEditor

CANONICAL = [
    "Some **bold**, *italic* and <u>underlined</u> text with a [link](https://example.org/a).\n",
    "# Heading one\n\nText.\n\n## Heading two\n\nMore text.\n",
    "- one\n- two\n  - nested **b**\n  - nested 2\n    1. deep\n    2. deeper\n- three\n",
    "1. first\n2. second\n   - sub\n3. third\n\nAfter the list.\n",
    "| Name | Value |\n| --- | --- |\n| a *b* | c \\| d |\n| <u>e</u> | [f](http://x.org) |\n",
    "After *a **b** c* end, and **bold *in* bold**.\n",
    "Literal \\* star, \\_ underscore, \\[brackets\\], \\<tag> and \\\\ backslash.\n",
    "\\# not a heading\n\n2005\\. not a list\n\n\\- not a bullet\n",
    "Line one\\\nline two\n",
    "مرحبا بالعالم، نص من اليمين إلى اليسار\n\nEmoji 😀👍🏽 👨‍👩‍👧\n",
    "[**bold link**](https://www.odpm.gov.uk/) and [*italic link*](mailto:team@leeds.gov.uk)\n",
    "Tab\there, two  spaces, bell \x07, form feed \x0c, vertical tab \x0b, unit sep \x1f.\n",
    "zero\u200bwidth \u202eoverride\u202c and non\u00a0breaking\n",
    "",
]


@pytest.fixture
def editor(qtbot: QtBot) -> SectionEditor:
    widget = SectionEditor()
    qtbot.addWidget(widget)
    return widget


@pytest.mark.parametrize("markdown", CANONICAL)
def test_markdown_to_editor_to_markdown_is_identical(editor: SectionEditor, markdown: str) -> None:
    editor.load_markdown(markdown)
    assert editor.markdown() == markdown
    # A second trip (as after a reload from the file) changes nothing either.
    editor.load_markdown(editor.markdown())
    assert editor.markdown() == markdown


def test_formatting_made_with_the_toolbar_is_stored(editor: SectionEditor) -> None:
    editor.load_markdown("")

    def type_text(text: str) -> None:
        editor.textCursor().insertText(text)

    def new_paragraph() -> None:
        editor.textCursor().insertBlock()

    type_text("Title")
    editor.set_heading(1)
    new_paragraph()
    editor.set_heading(0)
    type_text("plain ")
    editor.toggle_bold()
    type_text("strong")
    editor.toggle_bold()
    type_text(" and ")
    editor.toggle_underline()
    type_text("under")
    editor.toggle_underline()
    editor.toggle_italic()
    type_text(" slanted")
    editor.toggle_italic()
    new_paragraph()
    editor.toggle_list(QTextListFormat.Style.ListDisc)
    type_text("item")
    new_paragraph()
    editor.change_list_level(1)
    type_text("nested")
    new_paragraph()
    editor.change_list_level(-1)
    type_text("back")
    assert editor.markdown() == (
        "# Title\n\nplain **strong** and <u>under</u> *slanted*\n\n- item\n  - nested\n- back\n"
    )


def test_links_and_tables_made_in_the_editor_are_stored(editor: SectionEditor) -> None:
    editor.load_markdown("")
    editor.textCursor().insertText("See ")
    editor.insert_link("https://www.idea.gov.uk/", "the IDeA")
    editor.textCursor().insertText(".")
    cursor = editor.textCursor()
    cursor.insertBlock()
    editor.setTextCursor(cursor)
    editor.insert_table(2, 2)
    cursor = editor.textCursor()
    for text in ("Year", "Cost", "2006", "£10,000"):
        cursor.insertText(text)
        cursor.movePosition(QTextCursor.MoveOperation.NextCell)
    assert editor.markdown() == (
        "See [the IDeA](https://www.idea.gov.uk/).\n\n"
        "| Year | Cost |\n| --- | --- |\n| 2006 | £10,000 |\n"
    )


# What Word 2003 puts on the clipboard for a heading, formatted text, two lists and a table.
WORD_CLIPBOARD = (Path(__file__).parent / "data" / "word_clipboard.html").read_text(
    encoding="utf-8"
)


def test_pasting_from_word_keeps_structure_and_drops_fonts(editor: SectionEditor) -> None:
    editor.load_markdown("")
    mime = QMimeData()
    mime.setHtml(WORD_CLIPBOARD)
    mime.setText("plain fallback")
    editor.insertFromMimeData(mime)
    assert editor.markdown() == (
        "# Our offer\n\n"
        "Plain **bold** *italic* <u>under</u> [IDeA](https://www.idea.gov.uk/)\n\n"
        "- First\n  - Nested\n- Second\n\n"
        "1. Step one\n2. Step two\n\n"
        "| **Year** | Cost |\n| --- | --- |\n| 2006 | £10,000 |\n"
    )
    html = editor.toHtml()
    assert "Calibri" not in html and "#2F5496" not in html.upper() and "red" not in html


def test_pasting_from_a_web_page_keeps_structure(editor: SectionEditor) -> None:
    editor.load_markdown("")
    mime = QMimeData()
    mime.setHtml(
        '<div style="font-family:Georgia;color:#333"><h2 style="color:navy">Aims</h2>'
        "<p>We <strong>will</strong> <em>sustain</em> the <span style='font-size:30px'>"
        "Academy</span>.</p><ol><li>Promote<ul><li>regional events</li></ul></li>"
        "<li>Maintain</li></ol><h4>Small heading</h4></div>"
    )
    editor.insertFromMimeData(mime)
    assert editor.markdown() == (
        "## Aims\n\nWe **will** *sustain* the Academy.\n\n"
        "1. Promote\n   - regional events\n2. Maintain\n\n## Small heading\n"
    )


def test_plain_text_paste_is_literal(editor: SectionEditor) -> None:
    editor.load_markdown("")
    mime = QMimeData()
    mime.setText("**not bold** # and 1. text")
    editor.insertFromMimeData(mime)
    assert editor.markdown() == "\\*\\*not bold\\*\\* # and 1. text\n"


@pytest.mark.slow
def test_a_megabyte_paste_is_shown_and_stored(editor: SectionEditor) -> None:
    text = ("Lorem ipsum dolor sit amet, مرحبا 😀 consectetur. " * 20 + "\n") * 1050
    assert len(text) > 1_000_000
    mime = QMimeData()
    mime.setText(text)
    editor.insertFromMimeData(mime)
    stored = editor.markdown()
    assert len(stored) > 1_000_000
    editor.load_markdown(stored)
    assert editor.markdown() == stored


def test_toolbar_shows_the_formatting_at_the_cursor(editor: SectionEditor) -> None:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QWidget

    from crmbid_desktop.ui.sections.editor import editor_toolbar

    parent = QWidget()
    toolbar = editor_toolbar(editor, parent)
    editor.load_markdown("plain **bold**\n")
    editor.show()
    editor.setFocus()
    QTest.keyClick(editor, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    bold = toolbar.findChild(QAction, "boldAction")
    assert bold is not None and bold.isChecked()
    QTest.keyClick(editor, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(editor, Qt.Key.Key_Right)
    assert not bold.isChecked()
    toolbar.deleteLater()
    parent.deleteLater()
