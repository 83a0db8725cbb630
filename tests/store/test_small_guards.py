"""Smaller guards: private backups, long names, locks dated in the future, a second CLI import."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_guarded
from crmbid_desktop.store import backups
from crmbid_desktop.store.errors import SuspectLockError
from crmbid_desktop.store.locks import BidLock, lock_path, read_holder

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_backups_and_their_folders_are_private_to_the_user(
    bid_path: Path, app_paths: AppPaths
) -> None:
    old_umask = os.umask(0o022)  # the usual default: files 0644, folders 0755
    try:
        taken = backups.take_backup(bid_path, app_paths.backups_dir)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(taken.stat().st_mode) == 0o600
    assert stat.S_IMODE(taken.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(app_paths.backups_dir.stat().st_mode) == 0o700
    assert backups.is_good_backup(taken)


@pytest.mark.parametrize("length", [243, 244, 250])
def test_backups_of_a_bid_with_a_very_long_name_are_taken_and_listed(
    bid_path: Path, app_paths: AppPaths, tmp_path: Path, length: int
) -> None:
    long = tmp_path / ("C" * (length - len(".crmbid")) + ".crmbid")
    long.write_bytes(bid_path.read_bytes())
    taken = backups.take_backup(long, app_paths.backups_dir)
    assert len(taken.name.encode()) <= 255
    assert len(taken.parent.name.encode()) <= 255
    listed = backups.list_backups(long, app_paths.backups_dir)
    assert [entry.path for entry in listed] == [taken]
    assert listed[0].partners == 2


def test_a_backup_that_fails_says_why_instead_of_failing_silently(
    bid_path: Path, app_paths: AppPaths
) -> None:
    app_paths.backups_dir.rmdir()
    app_paths.backups_dir.write_text("not a folder")
    guarded = open_guarded(bid_path, app_paths)
    try:
        assert guarded.last_backup is None
        assert guarded.backup_error
        assert str(app_paths.backups_dir) in guarded.backup_error
    finally:
        guarded.close()


def test_name_too_long_failure_names_the_fix() -> None:
    error = OSError(36, "File name too long")
    import errno

    error.errno = errno.ENAMETOOLONG
    text = backups.describe_failure(error, Path("/x/backups"))
    assert "too long" in text and "File > Settings" in text


def _write_lock(bid: Path, moment: datetime, machine: str = "NEWHAM-PC-12") -> None:
    stamp = moment.isoformat(timespec="seconds")
    data = {"user": "sam.newham", "machine": machine, "pid": 77, "since": stamp}
    lock_path(bid).write_text(json.dumps(data | {"refreshed": stamp, "token": "t"}), "utf-8")


def test_a_lock_from_the_future_is_suspect_not_held_until_then(tmp_path: Path) -> None:
    bid = tmp_path / "bid.crmbid"
    bid.write_bytes(b"")
    _write_lock(bid, datetime.now() + timedelta(days=365))
    with pytest.raises(SuspectLockError) as raised:
        BidLock.acquire(bid)
    assert "later than now" in raised.value.reason
    lock = BidLock.acquire(bid, take_over_suspect=True)
    assert lock.taken_over is not None and lock.taken_over.user == "sam.newham"
    lock.release()


def test_a_lock_a_few_minutes_ahead_is_an_ordinary_held_lock(tmp_path: Path) -> None:
    from crmbid_desktop.store.errors import BidLockedError

    bid = tmp_path / "bid.crmbid"
    bid.write_bytes(b"")
    _write_lock(bid, datetime.now() + timedelta(minutes=2))  # clocks a little apart
    with pytest.raises(BidLockedError) as raised:
        BidLock.acquire(bid)
    assert not isinstance(raised.value, SuspectLockError)


def test_the_lock_of_a_255_byte_bid_name_fits_and_works(tmp_path: Path) -> None:
    bid = tmp_path / ("N" * (255 - len(".crmbid")) + ".crmbid")
    bid.write_bytes(b"")
    path = lock_path(bid)
    assert len(path.name.encode()) <= 255 and path.name.startswith("~$")
    assert lock_path(bid) == path  # the same name every time
    lock = BidLock.acquire(bid)
    assert read_holder(bid) is not None
    lock.release()
    assert not path.exists()


def _cli(*arguments: object, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crmbid_desktop", *map(str, arguments)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "CRMBID_HOME": str(home), "PYTHONPATH": str(ROOT)},
    )


def test_a_second_import_while_one_runs_is_told_at_once_who_has_the_bid(
    bid_path: Path, app_paths: AppPaths, tmp_path: Path
) -> None:
    csv = tmp_path / "partners.csv"
    csv.write_text("Name,Role\nBarnsley Council,supporting\n", encoding="utf-8")
    running = BidLock.acquire(bid_path.resolve(), user="first.import")  # a live holder
    try:
        started = time.monotonic()
        done = _cli("import", bid_path, csv, home=app_paths.data_dir.parent)
        took = time.monotonic() - started
    finally:
        running.release()
    assert done.returncode == 1
    assert "already open for editing by first.import" in done.stderr
    assert "database is locked" not in done.stderr and "Traceback" not in done.stderr
    assert took < 30  # told at once, not after SQLite's busy wait on every statement
    again = _cli("import", bid_path, csv, home=app_paths.data_dir.parent)
    assert again.returncode == 0, again.stderr
    assert not lock_path(bid_path.resolve()).exists()


def test_two_imports_started_together_one_runs_one_is_refused(
    bid_path: Path, app_paths: AppPaths, tmp_path: Path
) -> None:
    csv = tmp_path / "partners.csv"
    rows = "".join(f"Council number {n},supporting\n" for n in range(3000))
    csv.write_text("Name,Role\n" + rows, encoding="utf-8")
    env = {**os.environ, "CRMBID_HOME": str(app_paths.data_dir.parent), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "crmbid_desktop", "import", str(bid_path), str(csv)]
    first = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while not lock_path(bid_path.resolve()).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    _out, err = first.communicate(timeout=300)
    codes = sorted([first.returncode, second.returncode])
    if codes == [0, 0]:
        pytest.fail("both imports ran: the first finished before the second started; grow the file")
    assert second.returncode == 1
    assert "already open for editing" in second.stderr
    assert "Traceback" not in second.stderr + err
