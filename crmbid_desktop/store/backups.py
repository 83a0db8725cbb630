"""Automatic backups of a bid: taken with SQLite's backup API, named by time, thinned, restored.

Each bid has its own folder of backups in the user's data folder, so a damaged or lost bid can
be brought back from there without the bid file itself.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from crmbid_desktop.domain.backup_retention import backups_to_remove
from crmbid_desktop.file_paths import resolved
from crmbid_desktop.store import sqlite as sqlite_store
from crmbid_desktop.store.errors import BidFileError

log = logging.getLogger(__name__)

BACKUP_SUFFIX = ".crmbid"
#: While the bid changes, a backup at most this often (the GUI's timer asks every minute).
BACKUP_INTERVAL = timedelta(minutes=10)
_STAMP_FORMAT = "%Y-%m-%d %H%M%S"
_NAME_PATTERN = re.compile(r" (\d{4}-\d{2}-\d{2} \d{6})(?: \((\d+)\))?\.crmbid$")


#: Room a backup's name needs after the bid's name: " 2005-08-26 093000 (99).crmbid.part-journal".
_NAME_ROOM_BYTES = 50
_NAME_MAX_BYTES = 255


#: The longest whole path SQLite opens (its unix limit is 512 bytes; Windows' MAX_PATH is 260).
_PATH_BUDGET_BYTES = 250 if os.name == "nt" else 500


def _short_stem(stem: str, backups_dir: Path | None = None) -> str:
    """The bid's name, cut (at a character) so a backup's names and whole path stay legal.

    The name appears twice in a backup's path (its folder and its file), so a long backups
    folder leaves less room. Names that already fit are kept whole, so existing backup
    folders are still found.
    """
    limit = _NAME_MAX_BYTES - _NAME_ROOM_BYTES
    if backups_dir is not None:
        room = _PATH_BUDGET_BYTES - len(os.fsencode(str(backups_dir))) - 2 * _NAME_ROOM_BYTES
        limit = max(min(limit, room // 2), 16)
    while len(os.fsencode(stem)) > limit:
        stem = stem[:-1]
    return stem.rstrip()


def bid_backup_folder(backups_dir: Path, bid_path: Path) -> Path:
    """The folder of one bid's backups: its name plus a short hash of where the bid lives.

    The hash keeps two bids of the same name in different folders apart.
    """
    where = str(resolved(bid_path))
    digest = hashlib.sha256(where.lower().encode("utf-8")).hexdigest()[:8]
    return backups_dir / f"{_short_stem(Path(bid_path).stem, backups_dir)} {digest}"


def backup_name(
    bid_path: Path, taken_at: datetime, attempt: int = 1, backups_dir: Path | None = None
) -> str:
    suffix = "" if attempt == 1 else f" ({attempt})"
    stem = _short_stem(Path(bid_path).stem, backups_dir)
    return f"{stem} {taken_at.strftime(_STAMP_FORMAT)}{suffix}{BACKUP_SUFFIX}"


def make_private_folder(folder: Path) -> None:
    """Create `folder` (and missing parents) readable by this user only, on POSIX systems.

    A bid holds councils' contributions and contacts; backups must not be readable by other
    users of a shared machine. Windows keeps a profile's AppData private already.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(folder, 0o700)


def describe_failure(error: BaseException, backups_dir: Path) -> str:
    """Why a backup failed, for the warning the user sees."""
    too_long = isinstance(error, OSError) and error.errno == errno.ENAMETOOLONG
    if too_long or "unable to open database file" in str(error):
        return (
            f"the backup could not be made in the backups folder ({backups_dir}): its name "
            "may be too long there; choose a shorter backups folder in File > Settings, or "
            "give the bid a shorter name"
        )
    if isinstance(error, OSError):
        return f"{error.strerror or error} ({backups_dir})"
    return f"{error} ({backups_dir})"


def taken_at_from_name(name: str) -> datetime | None:
    """When a backup was taken, from its file name; None for files that are not our backups."""
    match = _NAME_PATTERN.search(name)
    if match is None:
        return None
    try:
        moment = datetime.strptime(match.group(1), _STAMP_FORMAT)
    except ValueError:
        return None
    # Backups taken within the same second are numbered; keep them in order.
    return moment + timedelta(microseconds=int(match.group(2) or 1))


@dataclass(frozen=True)
class BackupEntry:
    """One backup as the Backups dialog shows it; counts are None when the file cannot be read."""

    path: Path
    taken_at: datetime
    size_bytes: int
    partners: int | None
    tasks: int | None
    sections: int | None

    @property
    def readable(self) -> bool:
        return self.partners is not None


def take_backup(
    bid_path: Path,
    backups_dir: Path,
    *,
    now: datetime | None = None,
    thin: bool = True,
    snapshot: sqlite3.Connection | None = None,
) -> Path:
    """Back the bid up now (consistent even while it is being written) and thin old backups.

    With `snapshot` (`sqlite.hold_snapshot`, closed here) the copy is of the bid as it was then.
    """
    now = now or datetime.now()
    folder = bid_backup_folder(backups_dir, bid_path)
    try:
        make_private_folder(backups_dir)
        make_private_folder(folder)
        attempt = 1
        while (folder / backup_name(bid_path, now, attempt, backups_dir)).exists():
            attempt += 1
        target = folder / backup_name(bid_path, now, attempt, backups_dir)
        sqlite_store.backup_file(bid_path, target, private=True, snapshot=snapshot)
    finally:
        if snapshot is not None:
            snapshot.close()  # its read transaction would keep the write-ahead log from folding
    log.info("Backed up %s to %s", bid_path, target)
    if thin:
        thin_backups(bid_path, backups_dir, now=now)
    return target


def _backup_files(folder: Path) -> list[tuple[datetime, Path]]:
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        taken_at = taken_at_from_name(path.name)
        if taken_at is not None and path.is_file():
            found.append((taken_at, path))
    return sorted(found, reverse=True)


def thin_backups(bid_path: Path, backups_dir: Path, *, now: datetime | None = None) -> list[Path]:
    """Delete the backups the retention rule lets go; returns what was deleted."""
    now = now or datetime.now()
    files = dict(_backup_files(bid_backup_folder(backups_dir, bid_path)))
    removed = []
    for taken_at in backups_to_remove(files, now):
        path = files[taken_at]
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    if removed:
        log.info("Thinned %d old backups of %s", len(removed), bid_path)
    return removed


def _counts(path: Path) -> tuple[int | None, int | None, int | None]:
    try:
        with sqlite_store.read_only_connection(path) as connection:
            values = [
                int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                for table in ("partner", "task", "section")
            ]
    except (sqlite3.Error, UnicodeError, ValueError):
        return None, None, None
    return values[0], values[1], values[2]


def counts_of(path: Path) -> tuple[int | None, int | None, int | None]:
    """(partners, tasks, sections) of a bid or backup, read-only; Nones when unreadable."""
    return _counts(path)


def list_backups(bid_path: Path, backups_dir: Path) -> list[BackupEntry]:
    """The bid's backups, newest first, with counts read without changing them."""
    entries = []
    for taken_at, path in _backup_files(bid_backup_folder(backups_dir, bid_path)):
        partners, tasks, sections = _counts(path)
        entries.append(
            BackupEntry(
                path=path,
                taken_at=taken_at.replace(microsecond=0),
                size_bytes=path.stat().st_size,
                partners=partners,
                tasks=tasks,
                sections=sections,
            )
        )
    return entries


def is_good_backup(path: Path) -> bool:
    """A backup passes SQLite's full integrity check and is a bid (checked read-only)."""
    from crmbid_desktop.store.bidfile import inspect_file

    try:
        inspect_file(path)
        return sqlite_store.integrity_check(path) == []
    except (BidFileError, sqlite3.Error):
        return False


def newest_good_backup(bid_path: Path, backups_dir: Path) -> Path | None:
    """The newest backup of the bid that passes the full integrity check."""
    for _taken_at, path in _backup_files(bid_backup_folder(backups_dir, bid_path)):
        if is_good_backup(path):
            return path
        log.warning("Backup %s fails the integrity check; trying an older one", path)
    return None


def restore_backup(backup: Path, target: Path, *, open_bid: Path | None = None) -> Path:
    """Copy a backup to a new file the user named; never over an existing file or the open bid."""
    target = resolved(target)
    if open_bid is not None and target == resolved(open_bid):
        raise BidFileError(target, "a backup cannot be restored over the bid that is open.")
    if target.exists():
        raise BidFileError(
            target, "a file of that name already exists; choose a new name for the restored bid."
        )
    if not is_good_backup(backup):
        raise BidFileError(backup, "this backup is damaged, so it cannot be restored.")
    sqlite_store.backup_file(backup, target)
    return target


class BackupSchedule:
    """Decides when the open bid is due a backup: it changed since the last one, 10 minutes ago."""

    def __init__(
        self,
        *,
        interval: timedelta = BACKUP_INTERVAL,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.interval = interval
        self.clock = clock
        self.last_backup_at: datetime | None = None
        self.changed = False

    def note_change(self) -> None:
        self.changed = True

    def note_backup(self) -> None:
        self.last_backup_at = self.clock()
        self.changed = False

    def due(self) -> bool:
        if not self.changed:
            return False
        if self.last_backup_at is None:
            return True
        return self.clock() - self.last_backup_at >= self.interval


def bid_changed_since(bid_path: Path, moment: datetime) -> bool:
    """Whether the bid file (or its write-ahead log) was modified after `moment`."""
    for path in (bid_path, bid_path.with_name(bid_path.name + "-wal")):
        with contextlib.suppress(FileNotFoundError):
            if datetime.fromtimestamp(path.stat().st_mtime) > moment:
                return True
    return False


def newest_backup_time(bid_path: Path, backups_dir: Path) -> datetime | None:
    files = _backup_files(bid_backup_folder(backups_dir, bid_path))
    return files[0][0].replace(microsecond=0) if files else None
