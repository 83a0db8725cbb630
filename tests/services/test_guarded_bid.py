"""Opening for the GUI: lock, backup on open and close, damage recovery, local copies."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid import bid_files
from crmbid_desktop.store import backups
from crmbid_desktop.store import sqlite as sqlite_store
from crmbid_desktop.store.errors import BidFileError, BidLockedError, ReadOnlyBidError
from crmbid_desktop.store.locks import lock_path
from crmbid_desktop.store.models import Partner


def _damage(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    data = bytearray(path.read_bytes())
    for offset in range(4096, len(data), 97):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_open_locks_backs_up_and_close_backs_up_changes(
    bid_path: Path, app_paths: AppPaths
) -> None:
    guarded = bid_files.open_guarded(bid_path, app_paths)
    assert lock_path(bid_path.resolve()).exists()
    assert len(backups.list_backups(bid_path, app_paths.backups_dir)) == 1
    with pytest.raises(BidLockedError):
        bid_files.open_guarded(bid_path, app_paths)
    with guarded.workspace.edit("Added Sheffield") as session:
        session.add(Partner(name="Sheffield City Council"))
    assert guarded.schedule.changed
    guarded.close()
    assert not lock_path(bid_path.resolve()).exists()
    newest = backups.list_backups(bid_path, app_paths.backups_dir)[0]
    assert newest.partners == 3


def test_backup_in_background_holds_the_bid_as_opened_whatever_is_edited_first(
    bid_path: Path, app_paths: AppPaths
) -> None:
    import threading

    guarded = bid_files.open_guarded(bid_path, app_paths, backup_in_background=True)
    try:
        # Opening copied nothing: the copy is the caller's to make, off its own thread.
        assert backups.list_backups(bid_path, app_paths.backups_dir) == []
        assert guarded.backup_running and guarded.tick() is None  # no timed one meanwhile
        with guarded.workspace.edit("Added Sheffield") as session:
            session.add(Partner(name="Sheffield City Council"))
        due = guarded.take_open_backup()
        assert due is not None and guarded.take_open_backup() is None  # handed out once
        taken: list[Path] = []
        worker = threading.Thread(target=lambda: taken.append(due.take()))
        worker.start()
        worker.join()
        guarded.backup_done(taken[0])
        # Copied after the edit, yet it is the bid as it was opened.
        assert backups.list_backups(bid_path, app_paths.backups_dir)[0].partners == 2
        assert backups.is_good_backup(taken[0])
        assert not guarded.backup_running
    finally:
        guarded.close()
    # The edit itself is in the backup on close.
    assert backups.list_backups(bid_path, app_paths.backups_dir)[0].partners == 3


def test_a_held_open_backup_never_handed_out_is_taken_on_close(
    bid_path: Path, app_paths: AppPaths
) -> None:
    guarded = bid_files.open_guarded(bid_path, app_paths, backup_in_background=True)
    with guarded.workspace.edit("Added Sheffield") as session:
        session.add(Partner(name="Sheffield City Council"))
    guarded.close()
    found = [b.partners for b in backups.list_backups(bid_path, app_paths.backups_dir)]
    counts = sorted(n for n in found if n is not None)
    assert len(counts) == len(found)  # every backup could be read
    assert counts == [2, 3]  # the bid as opened, and as closed


def test_reopening_an_unchanged_bid_takes_no_new_backup(
    bid_path: Path, app_paths: AppPaths
) -> None:
    backups.take_backup(bid_path, app_paths.backups_dir, now=datetime(2099, 1, 1))
    bid_files.open_guarded(bid_path, app_paths).close()
    assert len(backups.list_backups(bid_path, app_paths.backups_dir)) == 1


def test_opening_and_closing_without_edits_takes_one_backup_not_one_per_start(
    bid_path: Path, app_paths: AppPaths
) -> None:
    # Made an hour ago, so the backup on the first open is clearly newer than the file.
    an_hour_ago = datetime.now().timestamp() - 3600
    os.utime(bid_path, (an_hour_ago, an_hour_ago))
    for _start in range(3):
        bid_files.open_guarded(bid_path, app_paths).close()
    # The write-ahead log each open creates is not a change to the bid.
    assert len(backups.list_backups(bid_path, app_paths.backups_dir)) == 1


def test_tick_backs_up_only_when_due(bid_path: Path, app_paths: AppPaths) -> None:
    guarded = bid_files.open_guarded(bid_path, app_paths)
    try:
        assert guarded.tick() is None  # nothing changed
        with guarded.workspace.edit("Added Bradford") as session:
            session.add(Partner(name="Bradford"))
        guarded.schedule.last_backup_at = datetime(2005, 8, 26, 9, 0)  # long ago
        due = guarded.tick()
        assert due is not None and guarded.backup_running
        assert not guarded.schedule.changed
        assert guarded.tick() is None  # one copy at a time, even when due again
        guarded.backup_done(due.take())
        assert not guarded.backup_running
        assert guarded.last_backup is not None and guarded.last_backup.exists()
        assert backups.list_backups(bid_path, app_paths.backups_dir)[0].partners == 3
    finally:
        guarded.close()


def test_a_failed_timed_backup_is_tried_again_at_the_next_tick(
    bid_path: Path, app_paths: AppPaths
) -> None:
    guarded = bid_files.open_guarded(bid_path, app_paths)
    try:
        with guarded.workspace.edit("Added Bradford") as session:
            session.add(Partner(name="Bradford"))
        guarded.schedule.last_backup_at = datetime(2005, 8, 26, 9, 0)  # long ago
        due = guarded.tick()
        assert due is not None
        why = guarded.backup_failed(OSError(28, "No space left on device"))
        assert why and guarded.backup_error == why
        assert not guarded.backup_running
        # Work goes on, and the bid is due a backup again straight away.
        again = guarded.tick()
        assert again is not None
        guarded.backup_done(again.take())
        assert guarded.backup_error == ""
    finally:
        guarded.close()


def test_a_closed_or_read_only_bid_is_never_due_a_backup(
    bid_path: Path, app_paths: AppPaths
) -> None:
    holder = bid_files.open_guarded(bid_path, app_paths)
    reader = bid_files.open_guarded(bid_path, app_paths, read_only=True)
    try:
        reader.schedule.note_change()
        assert reader.tick() is None
    finally:
        reader.close()
        holder.close()
    holder.schedule.note_change()
    assert holder.tick() is None


def test_read_only_open_takes_no_lock_and_refuses_edits(
    bid_path: Path, app_paths: AppPaths
) -> None:
    holder = bid_files.open_guarded(bid_path, app_paths)
    try:
        reader = bid_files.open_guarded(bid_path, app_paths, read_only=True)
        with pytest.raises(ReadOnlyBidError), reader.workspace.edit("x"):
            pass
        reader.close()
        assert lock_path(bid_path.resolve()).exists(), (
            "the reader must not remove the writer's lock"
        )
    finally:
        holder.close()


def test_damaged_bid_is_put_aside_unchanged_and_restored(
    bid_path: Path, app_paths: AppPaths
) -> None:
    bid_files.open_guarded(bid_path, app_paths).close()
    _damage(bid_path)
    damaged_bytes = bid_path.read_bytes()
    recovery = bid_files.recover_damaged(bid_path, app_paths, now=datetime(2005, 8, 26, 14, 5))
    assert recovery.damaged_kept_as.name == "bid (damaged 2005-08-26 1405).crmbid"
    assert recovery.damaged_kept_as.read_bytes() == damaged_bytes
    assert sqlite_store.integrity_check(bid_path) == []
    reopened = bid_files.open_guarded(bid_path, app_paths)
    assert reopened.workspace.bid.counts().partners == 2
    reopened.close()


def test_damaged_bid_without_backup_is_left_alone(bid_path: Path, app_paths: AppPaths) -> None:
    _damage(bid_path)
    before = bid_path.read_bytes()
    with pytest.raises(BidFileError, match="no sound backup"):
        bid_files.recover_damaged(bid_path, app_paths)
    assert bid_path.read_bytes() == before


def test_local_copy_goes_to_documents(bid_path: Path, app_paths: AppPaths) -> None:
    copy = bid_files.make_local_copy(bid_path, app_paths)
    assert copy == app_paths.documents_dir / "bid (local copy).crmbid"
    again = bid_files.make_local_copy(bid_path, app_paths)
    assert again.name == "bid (local copy) (2).crmbid"
    assert sqlite_store.integrity_check(copy) == []
