"""Opening, creating and copying bid files for the GUI and the command line.

The GUI opens bids through `open_guarded`: one writer at a time (a lock file), a backup on open
(for the GUI a snapshot of the bid as opened, copied on its backup thread), every 10 minutes while
the bid changes and on close (`GuardedBid` keeps that schedule; the GUI only makes the copy off its
thread), and recovery of a damaged file from its newest good backup.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from crmbid_desktop.domain.risky_places import RiskyPlace, risky_place
from crmbid_desktop.file_paths import resolved
from crmbid_desktop.paths import BID_SUFFIX, AppPaths
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.store import backups
from crmbid_desktop.store import sqlite as sqlite_store
from crmbid_desktop.store.backend import is_server_location
from crmbid_desktop.store.bidfile import FileInspection as FileInspection  # for the ui
from crmbid_desktop.store.bidfile import inspect_file, open_bid
from crmbid_desktop.store.errors import BidFileError, CannotEditError
from crmbid_desktop.store.locks import BidLock
from crmbid_desktop.store.sqlite_trust import edit_obstacle

if TYPE_CHECKING:
    from crmbid_desktop.store.postgres import PostgresBackend

log = logging.getLogger(__name__)


#: A bid's place: a file's path, or a postgresql:// address of a bid on a server.
BidPlace = Path | str


def server_backend(url: str, *, user: str = "", council: str = "") -> PostgresBackend:
    """The backend of a bid on a server; a bad address (a password in it) raises ValueError."""
    from crmbid_desktop.store.postgres import PostgresBackend, ServerLocation

    return PostgresBackend(ServerLocation.parse(url), user=user, council=council)


def open_workspace(
    path: BidPlace,
    paths: AppPaths,
    *,
    read_only: bool = False,
    reason: str = "",
    user: str | None = None,
) -> Workspace:
    """Open a bid without a lock or backups (command line, tests); the GUI uses `open_guarded`.

    `path` may be a postgresql:// address: the bid on that server is opened (and migrated under
    the server's advisory lock when it is older).
    """
    if is_server_location(path):
        bid = server_backend(str(path), user=user or "").open(read_only=read_only)
        bid.read_only_reason = reason
        return Workspace(bid, user)
    return Workspace(
        open_bid(
            Path(path),
            backups_dir=paths.backups_dir,
            read_only=read_only,
            read_only_reason=reason,
        ),
        user,
    )


@contextlib.contextmanager
def command_workspace(
    path: BidPlace, paths: AppPaths, *, writes: bool, user: str | None = None
) -> Iterator[Workspace]:
    """The bid for one command-line command, closed (and its lock released) afterwards.

    A command that `writes` holds the bid's lock, as the program does, so it is refused at once
    (naming who has it) while the bid is open for editing elsewhere. A command that only reads
    opens a bid it cannot change (read-only file or folder) read-only. A bid on a server has no
    lock file: the server itself keeps concurrent writers apart.
    """
    if is_server_location(path):
        workspace = open_workspace(path, paths, user=user)
        if writes:
            from crmbid_desktop.services.bid.live import announce_writes

            announce_writes(workspace)  # open windows show the command's rows as it writes them
        try:
            yield workspace
        finally:
            workspace.close()
        return
    path = resolved(path)
    lock = BidLock.acquire(path) if writes and path.is_file() else None
    try:
        try:
            workspace = open_workspace(path, paths)
        except CannotEditError as error:
            if writes:
                raise
            workspace = open_workspace(path, paths, read_only=True, reason=error.obstacle)
        try:
            yield workspace
        finally:
            workspace.close()
    finally:
        if lock is not None:
            lock.release()


def new_workspace(path: Path, template: str | None = None) -> Workspace:
    """A new bid from `template` (bid_template's default when None), opened without a lock."""
    # Imported here: bid_template needs the ORM models, which opening a bid does not.
    from crmbid_desktop.services.bid.bid_template import DEFAULT_TEMPLATE, create_bid

    return Workspace(create_bid(path, template or DEFAULT_TEMPLATE))


def save_copy(workspace: Workspace, target: Path) -> None:
    """A consistent copy of the open bid as a new file; never over the open bid itself.

    From a server this is "Save a copy as a file": every row, ids and UUIDs kept, into a new
    bid file (the user's own snapshot; the server's backups are IT's).
    """
    target = resolved(target)
    if not workspace.bid.on_server and target == workspace.path:
        raise BidFileError(target, "a copy cannot replace the bid that is open.")
    workspace.bid.copy_to_file(target)


def move_to_server(path: Path, url: str, *, user: str = "") -> dict[str, int]:
    """Copy a bid file into an empty database on a server; returns rows copied per table.

    The file is only read and stays as it is; open the address afterwards to work on the
    server. A database that is not empty is refused, unchanged.
    """
    from crmbid_desktop.store.postgres import ServerLocation, move_file_to_server

    return move_file_to_server(Path(path), ServerLocation.parse(url), user=user)


def init_server(
    url: str,
    councils: list[str],
    *,
    source: Path | None = None,
    template: str | None = None,
    lead: str | None = None,
) -> list[str]:
    """Set up an empty database for a team: the bid (a file moved in, or a new one from a
    template), then an admin role and one role per council, and what each council may edit
    (`lead`, or else the first council, edits everything). Returns what was done, in words.

    Run by IT as the database's owner (the password from pgpass or a service file).
    """
    import tempfile

    from crmbid_desktop.services.bid import rights
    from crmbid_desktop.services.bid.bid_template import DEFAULT_TEMPLATE, create_bid
    from crmbid_desktop.store.postgres import ServerLocation, grant_team_roles, make_engine

    location = ServerLocation.parse(url)
    rights.check_lead(councils, lead)
    done: list[str] = []
    if source is None:
        with tempfile.TemporaryDirectory() as folder:
            made = Path(folder) / f"new{BID_SUFFIX}"
            create_bid(made, template or DEFAULT_TEMPLATE).close()
            copied = move_to_server(made, url)
        done.append(
            f"Created the bid's tables and a new bid from the {template or DEFAULT_TEMPLATE} "
            f"template in {location.describe()}."
        )
    else:
        copied = move_to_server(source, url)
        done.append(
            f"Created the bid's tables in {location.describe()} and copied “{source.name}” in "
            f"({sum(copied.values())} rows)."
        )
    engine = make_engine(location)
    try:
        with engine.begin() as connection:
            done += grant_team_roles(location, connection, councils)
            done += rights.set_up_councils(location, connection, councils, lead=lead)
    finally:
        engine.dispose()
    return done


@dataclass(frozen=True)
class DueBackup:
    """A backup the schedule wants now. `take()` makes the copy and may run on any thread."""

    bid: Path
    folder: Path
    #: The bid as it was when this was due (the backup on open), copied by `take()`; None
    #: copies the bid as it is when `take()` runs (timed backups).
    snapshot: sqlite3.Connection | None = None

    def take(self) -> Path:
        return backups.take_backup(self.bid, self.folder, snapshot=self.snapshot)


@dataclass
class GuardedBid:
    """An open bid with its lock and backup schedule; `close()` backs up and releases the lock.

    Every minute the caller asks `tick()` for a due backup, makes the copy where it likes (the
    GUI on a worker thread, so typing never waits for it) and reports `backup_done` or
    `backup_failed`; the schedule, and what a failure means, are decided here.
    """

    workspace: Workspace
    paths: AppPaths
    lock: BidLock | None
    schedule: backups.BackupSchedule = field(default_factory=backups.BackupSchedule)
    last_backup: Path | None = None
    #: Why the last backup failed ("" when it did not): the GUI warns, work goes on.
    backup_error: str = ""
    #: A backup handed out by `tick()` has not yet been reported done or failed.
    backup_running: bool = False
    #: The backup on open, held as a snapshot of the bid as opened, for the caller to copy off
    #: its thread (`open_guarded(..., backup_in_background=True)`); see `take_open_backup`.
    open_backup: DueBackup | None = None
    closed: bool = False

    @property
    def read_only(self) -> bool:
        return self.workspace.read_only

    @property
    def lock_lost(self) -> bool:
        """Another program has replaced this bid's lock (the user should save a copy)."""
        return self.lock is not None and not self.lock.still_ours()

    def backup_now(self) -> Path | None:
        """Back up at once on this thread (on opening and closing); None if it failed."""
        # A bid on a server is backed up by IT (pg_dump); the timed file backups are off there.
        if self.read_only or self.workspace.bid.on_server:
            return None
        try:
            taken = backups.take_backup(self.workspace.path, self.paths.backups_dir)
        except Exception as error:  # a failed backup must not stop work: log it, tell, go on
            self._note_failure(error)
            return None
        self.schedule.note_backup()
        self.backup_done(taken)
        return taken

    def hold_open_backup(self) -> None:
        """Keep the bid as it is now (just opened) to be copied later by `take_open_backup`.

        The snapshot's read transaction keeps this state whatever is written meanwhile, so the
        backup is of the bid before this session's first edit however late the copy runs.
        """
        if self.read_only or self.workspace.bid.on_server:
            return
        try:
            snapshot = sqlite_store.hold_snapshot(self.workspace.path)
        except Exception as error:  # as a failed backup: log it, tell, go on
            self._note_failure(error)
            return
        self.schedule.note_backup()
        self.backup_running = True  # no timed backup while this one waits or runs
        self.open_backup = DueBackup(self.workspace.path, self.paths.backups_dir, snapshot)

    def take_open_backup(self) -> DueBackup | None:
        """The held backup on open, handed out once; report `backup_done`/`backup_failed`."""
        due, self.open_backup = self.open_backup, None
        return due

    def tick(self) -> DueBackup | None:
        """Every minute: refresh the lock; the backup to make now, or None if none is due.

        None too while an earlier one is still being made: never two copies at once.
        """
        if self.closed:
            return None
        if self.lock is not None:
            self.lock.refresh()
        if self.read_only or self.workspace.bid.on_server:
            return None  # IT backs up a bid on a server (pg_dump); the file backups are off
        if self.backup_running or not self.schedule.due():
            return None
        # Noted now, not when the copy ends: an edit made while it runs makes the next one due.
        self.schedule.note_backup()
        self.backup_running = True
        return DueBackup(self.workspace.path, self.paths.backups_dir)

    def backup_done(self, taken: Path) -> None:
        self.backup_running = False
        self.last_backup = taken
        self.backup_error = ""
        log.info("Backup taken: %s", taken)

    def backup_failed(self, error: BaseException) -> str:
        """A timed backup failed: work goes on and the next tick tries again. Returns why."""
        self.backup_running = False
        self.schedule.changed = True
        self.schedule.last_backup_at = None
        return self._note_failure(error)

    def _note_failure(self, error: BaseException) -> str:
        log.error("Backup of %s failed: %s", self.workspace.path, error)
        self.backup_error = backups.describe_failure(error, self.paths.backups_dir)
        return self.backup_error

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            due = self.take_open_backup()
            if due is not None:
                # Never handed out to a worker: take the copy of the bid as opened here.
                try:
                    self.backup_done(due.take())
                except Exception as error:  # a failed backup must not stop the close
                    self.backup_failed(error)
            self.workspace.close()
            # After close the write-ahead log is folded in: the backup is of the final file.
            if self.schedule.changed:
                self.backup_now()
        finally:
            if self.lock is not None:
                self.lock.release()


def open_guarded(
    path: BidPlace,
    paths: AppPaths,
    *,
    read_only: bool = False,
    user: str | None = None,
    read_only_reason: str = "",
    take_over_suspect: bool = False,
    inspection: FileInspection | None = None,
    backup_in_background: bool = False,
) -> GuardedBid:
    """Open a bid for the GUI: take its lock (or raise `BidLockedError`), back it up, watch edits.

    With `backup_in_background` the backup on open is not copied here but held as a snapshot
    (`GuardedBid.take_open_backup`) for the caller to copy on a worker thread, so opening a big
    bid does not wait for a copy of the whole file.

    A bid that cannot be changed where it is raises `CannotEditError` before any lock is
    taken (the GUI then opens it read-only, saying why). Read-only opening takes no lock and
    no backups. `take_over_suspect` takes over a lock dated in the future.
    """
    if is_server_location(path):
        # No lock file and no file backups: the server keeps writers apart and IT backs it up.
        workspace = open_workspace(path, paths, read_only=read_only, user=user)
        workspace.bid.read_only_reason = read_only_reason
        return GuardedBid(workspace, paths, None)
    path = resolved(path)
    if not read_only and path.exists():
        obstacle = edit_obstacle(path)
        if obstacle is not None:
            raise CannotEditError(path, obstacle)
    lock = (
        None if read_only else BidLock.acquire(path, user=user, take_over_suspect=take_over_suspect)
    )
    # Decided before the bid is opened: opening creates its write-ahead log, whose fresh time
    # would otherwise count as a change and take a needless copy of the whole bid every start.
    newest = None if read_only else backups.newest_backup_time(path, paths.backups_dir)
    needs_backup = not read_only and (newest is None or backups.bid_changed_since(path, newest))
    try:
        workspace = Workspace(
            open_bid(
                path,
                backups_dir=paths.backups_dir,
                read_only=read_only,
                read_only_reason=read_only_reason,
                inspection=inspection,
            ),
            user,
        )
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    guarded = GuardedBid(workspace, paths, lock)
    workspace.on_saved(lambda _summary: guarded.schedule.note_change())
    if needs_backup and backup_in_background:
        guarded.hold_open_backup()
    elif needs_backup:
        guarded.backup_now()
    elif not read_only:
        guarded.schedule.note_backup()
    return guarded


def inspect(path: Path) -> FileInspection:
    """The read-only check opening makes (integrity, schema, rows, log), on its own.

    The GUI runs it off the GUI thread for a big file and hands the result to `open_guarded`.
    """
    return inspect_file(resolved(path))


def create_guarded(
    path: Path,
    paths: AppPaths,
    template: str | None = None,
    *,
    backup_in_background: bool = False,
) -> GuardedBid:
    """Create a bid from a template (bid_template's default when None) and open it guarded."""
    new_workspace(Path(path), template).close()
    return open_guarded(path, paths, backup_in_background=backup_in_background)


# -- risky places -------------------------------------------------------------------------------
def place_risk(path: Path) -> RiskyPlace | None:
    return risky_place(Path(path).absolute())


def _free_name(folder: Path, stem: str) -> Path:
    candidate = folder / f"{stem}{BID_SUFFIX}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem} ({number}){BID_SUFFIX}"
        number += 1
    return candidate


def make_local_copy(path: Path, paths: AppPaths) -> Path:
    """Copy a bid from a risky place into the user's Documents folder; returns the copy's path."""
    path = Path(path)
    paths.documents_dir.mkdir(parents=True, exist_ok=True)
    target = _free_name(paths.documents_dir, f"{path.stem} (local copy)")
    backups.restore_backup(path, target)
    log.info("Copied %s from a risky place to %s", path, target)
    return target


# -- foreign objects ----------------------------------------------------------------------------
def save_cleaned_copy(
    path: Path, paths: AppPaths, target: Path | None = None
) -> tuple[Path, list[str]]:
    """A copy of a bid refused for foreign objects, without them: at `target`, or else beside
    it (in Documents when its folder cannot be written) as "NAME (cleaned)".

    Returns the copy's path and what was left out. The received file is never changed, and an
    existing `target` is refused, never overwritten.
    """
    from crmbid_desktop.store.bidfile import save_cleaned_copy as clean

    path = resolved(path)
    if target is None:
        folder = path.parent if os.access(path.parent, os.W_OK) else paths.documents_dir
        folder.mkdir(parents=True, exist_ok=True)
        target = _free_name(folder, f"{path.stem} (cleaned)")
    target = resolved(target)
    dropped = clean(path, target)
    log.warning("Saved %s without %s as %s", path, ", ".join(dropped), target)
    return target, dropped


# -- damage -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Recovery:
    """What recovering a damaged bid did, for the message to the user."""

    path: Path
    damaged_kept_as: Path
    restored_from: Path


def damaged_name(path: Path, now: datetime) -> Path:
    return path.with_name(f"{path.stem} (damaged {now:%Y-%m-%d %H%M}){path.suffix}")


def recover_damaged(path: Path, paths: AppPaths, *, now: datetime | None = None) -> Recovery:
    """Put a damaged bid aside (renamed, never written to) and restore its newest good backup.

    Raises `BidFileError` when the bid has no good backup; the damaged file is then left as is.
    """
    path = resolved(path)
    backup = backups.newest_good_backup(path, paths.backups_dir)
    if backup is None:
        raise BidFileError(
            path, "it is damaged and there is no sound backup of it to restore from."
        )
    aside = damaged_name(path, now or datetime.now())
    number = 2
    while aside.exists():
        aside = aside.with_name(f"{aside.stem} {number}{aside.suffix}")
        number += 1
    os.replace(path, aside)
    # A write-ahead log left beside the damaged file would be replayed into the restored copy.
    for extra in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.replace(path.with_name(path.name + extra), aside.with_name(aside.name + extra))
    sqlite_store.backup_file(backup, path)
    log.warning("Restored %s from %s; the damaged file is kept as %s", path, backup, aside)
    return Recovery(path=path, damaged_kept_as=aside, restored_from=backup)


@dataclass(frozen=True)
class BackupComparison:
    """A damaged bid beside the backup offered for it: when each was saved, what each holds."""

    file_modified: datetime
    file_counts: tuple[int | None, int | None, int | None] | None
    backup_taken: datetime
    backup_counts: tuple[int | None, int | None, int | None]


def compare_with_backup(path: Path, backup: Path) -> BackupComparison:
    """Dates and (partners, tasks, sections) of a damaged bid and a backup, both read-only."""
    path = Path(path)
    modified = datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
    wal = path.with_name(path.name + "-wal")
    with contextlib.suppress(OSError):
        modified = max(modified, datetime.fromtimestamp(wal.stat().st_mtime).replace(microsecond=0))
    taken = backups.taken_at_from_name(backup.name)
    taken = (taken or datetime.fromtimestamp(backup.stat().st_mtime)).replace(microsecond=0)
    return BackupComparison(
        file_modified=modified,
        file_counts=backups.counts_of(path),
        backup_taken=taken,
        backup_counts=backups.counts_of(backup),
    )


def newest_good_backup(path: Path, paths: AppPaths) -> Path | None:
    return backups.newest_good_backup(resolved(path), paths.backups_dir)
