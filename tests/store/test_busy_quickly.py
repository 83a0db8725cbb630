"""A bid another program is writing is called busy within about a second, not after 5 s."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from crmbid_desktop.store.bidfile import check_bid, inspect_file
from crmbid_desktop.store.errors import BidBusyError


def test_busy_is_told_quickly_and_not_as_damage(bid_path: Path) -> None:
    connection = sqlite3.connect(bid_path)
    connection.execute("PRAGMA journal_mode=DELETE")  # as a backup or a partner's copy arrives
    connection.close()
    writer = sqlite3.connect(bid_path, isolation_level=None)
    try:
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("UPDATE section SET body = 'being written'")
        started = time.monotonic()
        with pytest.raises(BidBusyError, match="not damaged"):
            inspect_file(bid_path)
        # SQLite's usual wait is 5 s; the inspection waits half a second.
        assert time.monotonic() - started < 2.5
        started = time.monotonic()
        report = check_bid(bid_path)
        assert not report.sound and "not damaged" in report.problems[0]
        assert time.monotonic() - started < 2.5
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert inspect_file(bid_path).revision  # and once the writer is done, it reads as sound
