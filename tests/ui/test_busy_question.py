"""A bid another program is writing is noticed within about a second, not after SQLite's wait.

SQLite waits up to its busy timeout (5 s) before saying a file is locked; the inspection on
opening uses a short one, so the user is asked "Try again / Open read-only" at once.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.ui.bid_controller import BidController
from crmbid_desktop.ui.window_state import WindowState
from tests.ui.test_bid_trust_dialogs import Answers


@pytest.fixture
def writer(bid_path: Path) -> Iterator[sqlite3.Connection]:
    """Another program in the middle of writing the bid (rollback journal, exclusive lock)."""
    connection = sqlite3.connect(bid_path)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    holding = sqlite3.connect(bid_path, isolation_level=None)
    holding.execute("BEGIN EXCLUSIVE")
    holding.execute("UPDATE section SET body = 'another program writing'")
    yield holding
    holding.close()


def test_the_busy_question_comes_within_about_a_second(
    qtbot: object,
    app_paths: AppPaths,
    bid_path: Path,
    writer: sqlite3.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = Answers(monkeypatch)
    asked_after: list[float] = []

    def note_time(_box: QMessageBox) -> str:
        asked_after.append(time.monotonic() - started)
        return "cancelButton"

    answers.queue.append(note_time)
    controller = BidController(app_paths, WindowState(app_paths.settings_file))
    try:
        started = time.monotonic()
        controller.start(bid_path)
    finally:
        controller.close()
    assert answers.names()[:1] == ["bidBusyDialog"]
    # SQLite's own wait is 5 s; the question must come well before that.
    assert asked_after[0] < 2.5, f"asked after {asked_after[0]:.1f} s"
