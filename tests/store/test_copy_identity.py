"""Copies made outside the program (Explorer's copy and paste) never share a log identity.

The identity that ties a bid to its write-ahead log is renewed for every editing session, so a
log a crash left beside one copy, put beside the other (a copy saved over the original's name,
or the original's log beside a restored copy), is set aside and reported, never replayed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.store import sqlite_trust
from crmbid_desktop.store.bidfile import BidFile, check_bid, open_bid


def _crashed_session(path: Path, app_paths: AppPaths, body: str, keep_in: Path) -> Path:
    """Edit `path` and copy the bid, its log and the log's identity as a crash leaves them."""
    bid = open_bid(path, backups_dir=app_paths.backups_dir)
    try:
        with bid.transaction() as session:
            session.connection().exec_driver_sql(f"UPDATE section SET body = '{body}'")
        keep_in.mkdir()
        for suffix in ("", "-wal", "-walid"):
            shutil.copy(str(path) + suffix, str(keep_in / path.name) + suffix)
    finally:
        bid.close()
    assert sqlite_trust.wal_has_changes(keep_in / path.name)
    return keep_in / path.name


def _bodies(bid: BidFile) -> set[str]:
    with bid.reading() as session:
        return set(session.connection().exec_driver_sql("SELECT body FROM section").scalars())


def _assert_log_set_aside(path: Path, app_paths: AppPaths, foreign_body: str) -> None:
    before = path.read_bytes()
    report = check_bid(path)
    assert not report.sound
    assert any("left by another file of the same name" in p for p in report.problems)
    assert path.read_bytes() == before
    opened = open_bid(path, backups_dir=app_paths.backups_dir)
    try:
        assert len(opened.notices) == 1 and "set aside as" in opened.notices[0]
        assert foreign_body not in _bodies(opened)
    finally:
        opened.close()
    assert any("foreign log" in p.name for p in path.parent.iterdir())  # kept, not deleted


def test_a_crashed_copys_log_beside_the_original_is_not_replayed(
    bid_path: Path, app_paths: AppPaths, tmp_path: Path
) -> None:
    open_bid(bid_path, backups_dir=app_paths.backups_dir).close()
    copy = tmp_path / "usb stick" / bid_path.name
    copy.parent.mkdir()
    shutil.copy2(bid_path, copy)  # Explorer's copy: byte for byte, identity and all
    assert sqlite_trust.file_identity(copy) == sqlite_trust.file_identity(bid_path)
    crashed = _crashed_session(copy, app_paths, "typed on the copy", tmp_path / "crash")
    for suffix in ("-wal", "-walid"):
        shutil.copy(str(crashed) + suffix, str(bid_path) + suffix)
    _assert_log_set_aside(bid_path, app_paths, "typed on the copy")


def test_a_copy_restored_over_a_crashed_original_does_not_take_its_log(
    bid_path: Path, app_paths: AppPaths, tmp_path: Path
) -> None:
    open_bid(bid_path, backups_dir=app_paths.backups_dir).close()
    copy = tmp_path / "yesterday" / bid_path.name
    copy.parent.mkdir()
    shutil.copy2(bid_path, copy)
    crashed = _crashed_session(bid_path, app_paths, "typed on the original", tmp_path / "crash")
    # The user puts yesterday's copy where the crashed original was; the log stays beside it.
    shutil.copy2(copy, crashed)
    _assert_log_set_aside(crashed, app_paths, "typed on the original")


def test_each_session_gets_its_own_identity_and_its_own_crash_log_is_replayed(
    bid_path: Path, app_paths: AppPaths, tmp_path: Path
) -> None:
    seen = set()
    for _ in range(3):
        before = bid_path.stat().st_mtime_ns
        open_bid(bid_path, backups_dir=app_paths.backups_dir).close()
        seen.add(sqlite_trust.file_identity(bid_path))
        # The stamp is not the user's change: no backup is due because of it.
        assert bid_path.stat().st_mtime_ns == before
    assert len(seen) == 3 and 0 not in seen
    crashed = _crashed_session(bid_path, app_paths, "kept after the crash", tmp_path / "crash")
    assert sqlite_trust.foreign_wal_reason(crashed) is None
    reopened = open_bid(crashed, backups_dir=app_paths.backups_dir)
    try:
        assert reopened.notices == []
        assert _bodies(reopened) == {"kept after the crash"}
    finally:
        reopened.close()
