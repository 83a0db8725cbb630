"""A 20,000-word section in the Sections page editor against a bare QTextEdit holding the same text.

Figures: load time; time per keystroke (what typing waits for); and the work done once typing
pauses (Markdown out of the editor, word count, save with version) which never runs per key.

Run: PYTHONPATH=. QT_QPA_PLATFORM=offscreen /work/venv/bin/python tests/benchmarks/bench_sections.py
Named bench_*.py so pytest does not collect it.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTextEdit

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.bid_template import create_bid
from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.ui.pages.sections_page import SectionsPage

KEYS = 300
RUNS = 5


def big_section(words: int = 20_000) -> str:
    """Paragraphs with emphasis and links, a nested list and a table every so often."""
    sentence = (
        "The partnership will keep the **CRM Academy** products alive for *every* English "
        "council and report to the [ODPM](https://www.odpm.gov.uk/) each quarter."
    )
    per_sentence = 20
    parts: list[str] = []
    count = 0
    block = 0
    while count < words:
        block += 1
        if block % 10 == 0:
            parts.append("- Promotion\n  - regional events\n  - <u>newsletters</u>\n- Support")
            count += 5
        elif block % 25 == 0:
            parts.append("| Year | Cost |\n| --- | --- |\n| 2006 | £10,000 |")
            count += 6
        else:
            parts.append(" ".join([sentence] * 4))
            count += per_sentence * 4
    return "\n\n".join(parts) + "\n"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def main() -> None:
    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp())
    path = folder / "bench.crmbid"
    create_bid(path).close()
    workspace = open_workspace(path, AppPaths.under(folder / "home").ensure())
    body = big_section()
    with workspace.reading() as session:
        first = section_service.outline(session)[0]
    section_service.save_body(workspace, first.id, body)
    words = section_service.word_count(body, include_tables=True)
    print(f"Section: {words:,} words, {len(body):,} characters of Markdown")

    # -- load -------------------------------------------------------------------------------
    page = SectionsPage(workspace)
    page.resize(1280, 800)
    page.show()
    loads = []
    for _ in range(RUNS):
        start = time.perf_counter()
        page.editor.load_markdown(body)
        loads.append(time.perf_counter() - start)
    html = section_service.markdown_to_html(body)
    bare = QTextEdit()
    bare.resize(860, 600)
    bare.show()
    bare_html, bare_plain = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        bare.setHtml(html)
        bare_html.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare.setPlainText(body)
        bare_plain.append(time.perf_counter() - start)
    print(
        f"Load into the section editor (Markdown -> HTML -> document): {ms(statistics.median(loads))}"
    )
    print(
        f"  floor: bare QTextEdit.setHtml of the same HTML:             {ms(statistics.median(bare_html))}"
    )
    print(
        f"  floor: bare QTextEdit.setPlainText of the Markdown:          {ms(statistics.median(bare_plain))}"
    )

    # -- keystrokes -------------------------------------------------------------------------
    def type_into(widget: QTextEdit) -> list[float]:
        widget.setFocus()
        cursor = widget.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        widget.setTextCursor(cursor)
        times = []
        for i in range(KEYS):
            key = Qt.Key.Key_Space if i % 6 == 5 else Qt.Key.Key_A
            start = time.perf_counter()
            QTest.keyClick(widget, key)
            times.append(time.perf_counter() - start)
        return times

    bare.setHtml(html)
    page.editor.load_markdown(body)
    page._saved_text = body
    editor_keys = type_into(page.editor)
    assert page.save_timer.isActive(), "typing should only (re)start the save timer"
    bare_keys = type_into(bare)
    print(
        f"Per keystroke, section editor: median {ms(statistics.median(editor_keys))}, "
        f"95th percentile {ms(sorted(editor_keys)[int(KEYS * 0.95)])}, max {ms(max(editor_keys))}"
    )
    print(
        f"  floor: bare QTextEdit:       median {ms(statistics.median(bare_keys))}, "
        f"95th percentile {ms(sorted(bare_keys)[int(KEYS * 0.95)])}, max {ms(max(bare_keys))}"
    )

    # -- the save that runs once typing pauses ----------------------------------------------
    serialise, count, parse_count, save, flush = [], [], [], [], []
    for run in range(RUNS):
        QTest.keyClick(page.editor, Qt.Key.Key_B)
        start = time.perf_counter()
        text = page.editor.markdown()
        serialise.append(time.perf_counter() - start)
        start = time.perf_counter()
        page.editor.word_count(include_tables=True)
        count.append(time.perf_counter() - start)
        start = time.perf_counter()
        section_service.word_count(text, include_tables=True)
        parse_count.append(time.perf_counter() - start)
        start = time.perf_counter()
        section_service.save_body(workspace, first.id, text + f"x{run}")
        save.append(time.perf_counter() - start)
        QTest.keyClick(page.editor, Qt.Key.Key_C)
        start = time.perf_counter()
        page.flush_text()
        flush.append(time.perf_counter() - start)
    print(f"After a {page.save_timer.interval()} ms pause (never per key):")
    print(f"  editor -> canonical Markdown: {ms(statistics.median(serialise))}")
    print(f"  word count of the document:   {ms(statistics.median(count))}")
    print(
        f"  (not in the flush: count_words parsing the Markdown, as outline refresh does for "
        f"a changed body: {ms(statistics.median(parse_count))})"
    )
    print(f"  save with version (SQLite):   {ms(statistics.median(save))}")
    print(f"  whole flush (all three):      {ms(statistics.median(flush))}")
    page.editor.load_markdown(body)
    start = time.perf_counter()
    page.editor.markdown()
    print(f"  first Markdown after a load (no block kept yet): {ms(time.perf_counter() - start)}")

    # -- the same for a section of ordinary length ------------------------------------------
    short = big_section(700)
    page.editor.load_markdown(short)
    page._saved_text = short
    short_flush = []
    for _ in range(RUNS):
        QTest.keyClick(page.editor, Qt.Key.Key_D)
        start = time.perf_counter()
        page.flush_text()
        short_flush.append(time.perf_counter() - start)
    print(f"  whole flush for a 700-word section: {ms(statistics.median(short_flush))}")
    workspace.close()
    del app


if __name__ == "__main__":
    main()
