"""The editor's kept per-block Markdown and word count agree with writing and parsing afresh."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor, QTextListFormat
from pytestqt.qtbot import QtBot

from crmbid_desktop.domain.wordcount import count_words, plain_text
from crmbid_desktop.ui.sections.editor import SectionEditor
from crmbid_desktop.ui.sections.markdown_writer import document_markdown

# The canonical samples of tests/domain/test_wordcount.py, plus tables, lists and awkward text.
SAMPLES = [
    "",
    "The quick brown fox.",
    "**Bold** and *italic* and <u>underlined</u> text",
    "An e-mail and/or a letter",
    "Budget of £12,000.00 in 2005/06",
    "Newham – the lead authority",
    "Tea & cakes",
    "See [the ODPM site](http://www.odpm.gov.uk/a/very/long/url) today",
    "- one item\n- two items\n  - nested three",
    "1. first\n2. second\n10. tenth",
    "10\u00a0km away",
    "Line one\\\nline two",
    "# Heading\n\nBody text",
    "<b>bold</b> kept",
    "中文 text",
    "Intro words here.\n\n| Council | Role |\n| --- | --- |\n| Leeds City | lead |\n",
    "**A** [link](http://x.example) <u>u</u>\n\n| a | b |\n| --- | --- |\n| c *d* | e\\|f |\n",
    "## Aims\n\n1\\. Not a list\n\n\\- nor this\n\n\\# nor a heading\n\nA \\* star and \\_under\\_",
    "- Promotion\n  - regional events\n  - <u>newsletters</u>\n- Support\n\nAfter the list.",
    "Costs: &amp; more \\<u> literal",
]


def _editor(qtbot: QtBot, markdown: str) -> SectionEditor:
    editor = SectionEditor()
    qtbot.addWidget(editor)
    editor.load_markdown(markdown)
    return editor


@pytest.mark.parametrize("markdown", SAMPLES)
@pytest.mark.parametrize("include_tables", [True, False])
def test_document_count_equals_markdown_count(
    qtbot: QtBot, markdown: str, include_tables: bool
) -> None:
    editor = _editor(qtbot, markdown)
    written = editor.markdown()
    expected = count_words(written, include_tables=include_tables)
    assert editor.word_count(include_tables=include_tables) == expected
    # Writing the editor's Markdown loses no words of the text loaded.
    assert expected == count_words(markdown, include_tables=include_tables)
    assert plain_text(written).split() == plain_text(markdown).split()


def test_kept_blocks_follow_every_kind_of_edit(qtbot: QtBot) -> None:
    editor = _editor(qtbot, SAMPLES[16] + "\n" + SAMPLES[18])
    editor.show()
    fresh = document_markdown(editor.document())
    assert editor.markdown() == fresh  # fills the cache
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    editor.setTextCursor(cursor)

    def check() -> None:
        assert editor.markdown() == document_markdown(editor.document())
        for tables in (True, False):
            assert editor.word_count(include_tables=tables) == count_words(
                document_markdown(editor.document()), include_tables=tables
            )

    qtbot.keyClicks(editor, "New words ")  # typing
    check()
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # a split block
    check()
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)  # a merge
    check()
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
    cursor.movePosition(QTextCursor.MoveOperation.EndOfWord, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    before = editor.markdown()
    editor.toggle_bold()  # formatting only: same text, new Markdown
    check()
    assert editor.markdown() != before
    assert editor.markdown().replace("*", "") == before.replace("*", "")
    editor.set_heading(1)
    check()
    editor.undo()
    check()
    editor.undo()
    check()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    editor.toggle_list(QTextListFormat.Style.ListDisc)  # the last paragraph joins a list
    check()
    assert editor.markdown().endswith("\n- After the list.\n")
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    check()
    assert editor.word_count(include_tables=True) == 0


def test_loading_another_text_forgets_the_old_blocks(qtbot: QtBot) -> None:
    editor = _editor(qtbot, "Old text here")
    assert editor.markdown() == "Old text here\n"
    editor.load_markdown("New")
    assert editor.markdown() == "New\n"
    assert editor.word_count(include_tables=True) == 1


@pytest.mark.parametrize(
    "typed",
    [
        "---",
        "-- -",
        "Items:\u2028- one\u2028+ two\u2028# three\u20281. four\u2028> five",
        "Total\u2028===",
        "x\u2028    indented",
        "<http://x.y> &amp; ![img](x.png) \\ back",
        "\u00a0 lone \u00a0\u2028\u00a0",
    ],
)
def test_typed_text_that_looks_like_markdown_stays_text(qtbot: QtBot, typed: str) -> None:
    editor = _editor(qtbot, "")
    editor.insertPlainText(typed)
    written = editor.markdown()
    assert plain_text(written).split() == typed.replace("\u2028", " ").split()
    assert editor.word_count(include_tables=True) == count_words(written, include_tables=True)
