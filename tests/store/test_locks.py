"""One writer at a time: the lock names its holder, stale locks are taken over, release is clean."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crmbid_desktop.store.errors import BidLockedError
from crmbid_desktop.store.locks import (
    BidLock,
    LockHolder,
    current_machine,
    lock_path,
    read_holder,
)


def _write_lock(bid: Path, **fields: object) -> None:
    now = datetime.now()
    data = {
        "user": "jbowrey",
        "machine": "ODPM-LAPTOP-7",
        "pid": 4242,
        "since": now.isoformat(timespec="seconds"),
        "refreshed": now.isoformat(timespec="seconds"),
        "token": "theirs",
    }
    data.update(fields)
    lock_path(bid).write_text(json.dumps(data), encoding="utf-8")


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_lock_file_sits_next_to_the_bid_like_word(tmp_path: Path) -> None:
    assert lock_path(tmp_path / "CRM bid.crmbid") == tmp_path / "~$CRM bid.crmbid.lock"


def test_lock_names_user_machine_pid_and_is_released(tmp_path: Path) -> None:
    bid = tmp_path / "b.crmbid"
    lock = BidLock.acquire(bid, user="Jo Leeds")
    holder = read_holder(bid)
    assert holder is not None
    assert (holder.user, holder.machine, holder.pid) == ("Jo Leeds", current_machine(), os.getpid())
    lock.release()
    assert not lock_path(bid).exists()


def test_a_second_writer_is_refused_with_the_holder_named(tmp_path: Path) -> None:
    bid = tmp_path / "b.crmbid"
    lock = BidLock.acquire(bid, user="Jo Leeds")
    try:
        with pytest.raises(BidLockedError) as raised:
            BidLock.acquire(bid, user="Sam Newham")
        assert "Jo Leeds on " in raised.value.holder
        assert "Jo Leeds" in raised.value.user_message
    finally:
        lock.release()


def test_lock_held_on_another_machine_and_fresh_is_respected(tmp_path: Path) -> None:
    bid = tmp_path / "b.crmbid"
    _write_lock(bid)
    with pytest.raises(BidLockedError) as raised:
        BidLock.acquire(bid)
    assert "jbowrey on ODPM-LAPTOP-7" in raised.value.holder


def test_lock_of_a_dead_process_on_this_machine_is_taken_over(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bid = tmp_path / "b.crmbid"
    _write_lock(bid, machine=current_machine(), pid=_dead_pid())
    lock = BidLock.acquire(bid, user="Jo Leeds")
    assert lock.taken_over is not None and lock.taken_over.user == "jbowrey"
    assert read_holder(bid) == lock.holder
    assert "stale lock" in caplog.text
    lock.release()


def test_lock_not_refreshed_for_too_long_is_taken_over(tmp_path: Path) -> None:
    bid = tmp_path / "b.crmbid"
    old = (datetime.now() - timedelta(hours=2)).isoformat(timespec="seconds")
    _write_lock(bid, since=old, refreshed=old)
    lock = BidLock.acquire(bid)
    assert lock.taken_over is not None
    lock.release()


def test_refresh_updates_the_time_and_notices_a_take_over(tmp_path: Path) -> None:
    bid = tmp_path / "b.crmbid"
    lock = BidLock.acquire(bid, now=datetime(2005, 8, 26, 9, 0))
    assert lock.refresh(datetime(2005, 8, 26, 9, 1))
    holder = read_holder(bid)
    assert holder is not None and holder.refreshed == datetime(2005, 8, 26, 9, 1)
    _write_lock(bid)  # someone else took it (e.g. after this laptop slept for an hour)
    assert not lock.refresh()
    lock.release()
    assert read_holder(bid) is not None, "another program's lock must never be removed"


def test_unreadable_fresh_lock_counts_as_held(tmp_path: Path) -> None:
    bid = tmp_path / "b.crmbid"
    lock_path(bid).write_text("", encoding="utf-8")
    with pytest.raises(BidLockedError):
        BidLock.acquire(bid)


def test_holder_description_has_the_weekday(tmp_path: Path) -> None:
    holder = LockHolder("jo", "PC1", 1, datetime(2005, 8, 26, 14, 3), datetime.now(), "t")
    assert holder.describe() == "jo on PC1 (since Fri 26 Aug 2005 14:03)"
