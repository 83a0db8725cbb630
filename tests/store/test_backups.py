"""Automatic backups: named by time per bid, listed read-only with counts, thinned, restored."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.store import backups
from crmbid_desktop.store import sqlite as sqlite_store
from crmbid_desktop.store.errors import BidFileError


def test_backup_is_named_after_the_bid_and_time_in_its_own_folder(
    bid_path: Path, app_paths: AppPaths
) -> None:
    taken = backups.take_backup(bid_path, app_paths.backups_dir, now=datetime(2005, 8, 26, 9, 30))
    assert taken.parent.parent == app_paths.backups_dir
    assert taken.parent.name.startswith("bid ")
    assert taken.name == "bid 2005-08-26 093000.crmbid"
    assert sqlite_store.integrity_check(taken) == []
    again = backups.take_backup(bid_path, app_paths.backups_dir, now=datetime(2005, 8, 26, 9, 30))
    assert again.name == "bid 2005-08-26 093000 (2).crmbid"


def test_two_bids_of_the_same_name_keep_separate_backups(
    tmp_path: Path, app_paths: AppPaths
) -> None:
    first = backups.bid_backup_folder(app_paths.backups_dir, tmp_path / "a" / "bid.crmbid")
    second = backups.bid_backup_folder(app_paths.backups_dir, tmp_path / "b" / "bid.crmbid")
    assert first != second


def test_list_shows_date_size_and_counts_newest_first(bid_path: Path, app_paths: AppPaths) -> None:
    for hour in (9, 10, 11):
        backups.take_backup(bid_path, app_paths.backups_dir, now=datetime(2005, 8, 26, hour, 0))
    entries = backups.list_backups(bid_path, app_paths.backups_dir)
    assert [e.taken_at.hour for e in entries] == [11, 10, 9]
    first = entries[0]
    assert (first.partners, first.tasks, first.sections) == (2, 13, 14)
    assert first.size_bytes == first.path.stat().st_size > 0


def test_unreadable_backup_is_listed_without_counts(bid_path: Path, app_paths: AppPaths) -> None:
    taken = backups.take_backup(bid_path, app_paths.backups_dir, now=datetime(2005, 8, 26, 9, 0))
    taken.write_bytes(b"not a database at all" * 100)
    entry = backups.list_backups(bid_path, app_paths.backups_dir)[0]
    assert not entry.readable and entry.partners is None
    assert backups.newest_good_backup(bid_path, app_paths.backups_dir) is None


def test_newest_good_backup_skips_damaged_ones(bid_path: Path, app_paths: AppPaths) -> None:
    good = backups.take_backup(bid_path, app_paths.backups_dir, now=datetime(2005, 8, 26, 9, 0))
    bad = backups.take_backup(bid_path, app_paths.backups_dir, now=datetime(2005, 8, 26, 10, 0))
    data = bytearray(bad.read_bytes())
    for offset in range(4096, len(data), 97):
        data[offset] ^= 0xFF
    bad.write_bytes(bytes(data))
    assert backups.newest_good_backup(bid_path, app_paths.backups_dir) == good


def test_old_backups_are_thinned_when_a_new_one_is_taken(
    bid_path: Path, app_paths: AppPaths
) -> None:
    now = datetime(2005, 8, 26, 17, 0)
    for hours in (60, 58, 40, 3, 1):  # Wed 05:00 and 07:00, Thu 01:00, two today
        backups.take_backup(
            bid_path, app_paths.backups_dir, now=now - timedelta(hours=hours), thin=False
        )
    backups.take_backup(bid_path, app_paths.backups_dir, now=now)
    kept = [e.taken_at for e in backups.list_backups(bid_path, app_paths.backups_dir)]
    assert now - timedelta(hours=60) not in kept  # the older of that day's two went
    assert now - timedelta(hours=58) in kept
    assert len(kept) == 5


def test_restore_makes_a_new_file_and_never_overwrites(
    bid_path: Path, app_paths: AppPaths, tmp_path: Path
) -> None:
    taken = backups.take_backup(bid_path, app_paths.backups_dir)
    target = tmp_path / "restored.crmbid"
    assert backups.restore_backup(taken, target, open_bid=bid_path) == target.resolve()
    assert sqlite_store.integrity_check(target) == []
    with pytest.raises(BidFileError, match="already exists"):
        backups.restore_backup(taken, target)
    before = bid_path.read_bytes()
    with pytest.raises(BidFileError, match="open"):
        backups.restore_backup(taken, bid_path, open_bid=bid_path)
    assert bid_path.read_bytes() == before


def test_schedule_wants_a_change_and_ten_minutes() -> None:
    now = [datetime(2005, 8, 26, 9, 0)]
    schedule = backups.BackupSchedule(clock=lambda: now[0])
    schedule.note_backup()
    assert not schedule.due()
    schedule.note_change()
    now[0] += timedelta(minutes=9)
    assert not schedule.due()
    now[0] += timedelta(minutes=1)
    assert schedule.due()
    schedule.note_backup()
    now[0] += timedelta(hours=1)
    assert not schedule.due(), "no change since the last backup, so no new one"
