"""Take back: each section's differences are computed once, and long ones off the GUI thread."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from crmbid_desktop.services.section_exchange import preview_returned, send_sections
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.ui.exchange import take_back_dialog
from crmbid_desktop.ui.exchange.take_back_dialog import SYNC_DIFF_CHARS, TakeBackDialog
from tests.services.test_section_exchange import BODY, _partner_edits, _set_body

LONG = "\n\n".join(f"Paragraph {n} of a long section about the partnership." for n in range(900))


def test_diffs_once_per_section_and_long_ones_in_a_worker(
    qtbot: Any, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(LONG) > SYNC_DIFF_CHARS
    _set_body(workspace, "2", BODY)
    _set_body(workspace, "3", LONG)
    sent = tmp_path / "sections.docx"
    send_sections(workspace, sent, ["2", "3"])
    _partner_edits(sent)
    preview = preview_returned(workspace, sent)
    calls: list[tuple[int, threading.Thread]] = []
    real = take_back_dialog.word_diff

    def spy(old: str, new: str) -> list[tuple[str, str]]:
        calls.append((len(old), threading.current_thread()))
        return real(old, new)

    monkeypatch.setattr(take_back_dialog, "word_diff", spy)
    dialog = TakeBackDialog(workspace, preview)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "Leeds joined" in dialog.returned.toPlainText()
    assert len(calls) == 1 and calls[0][1] is threading.main_thread()  # short: at once

    dialog.sections.setCurrentRow(1)  # the long section: compared by a worker
    qtbot.waitUntil(lambda: "Paragraph 899" in dialog.current.toPlainText(), timeout=10_000)
    assert len(calls) == 2 and calls[1][1] is not threading.main_thread()

    for row in (0, 1, 0, 1):  # going back and forth computes nothing again
        dialog.sections.setCurrentRow(row)
    assert len(calls) == 2
    dialog.reject_tracked.setChecked(True)  # another choice of tracked changes: new texts
    qtbot.waitUntil(lambda: len(calls) == 3, timeout=10_000)
    qtbot.waitUntil(lambda: "Comparing" not in dialog.current.toPlainText(), timeout=10_000)
