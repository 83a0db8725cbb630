"""Opening, creating and checking a bid file: one engine per open bid, one transaction per edit."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from crmbid_desktop.store import sqlite as sqlite_store
from crmbid_desktop.store.errors import (
    BidFileError,
    BidFileMissingError,
    DamagedBidError,
    MigrationError,
    NewerVersionError,
    NotABidError,
    ReadOnlyBidError,
)
from crmbid_desktop.store.schema import SCHEMA_HEAD

# The ORM models are imported by the functions that need them: opening a bid for the main
# window must not wait for them to be declared (see table_clauses.py).


@dataclass(frozen=True)
class FileInspection:
    """What a read-only look at a file found, before anything in it is trusted."""

    path: Path
    revision: str


def inspect_file(path: Path) -> FileInspection:
    """Check that a file is a sound bid without changing a byte of it.

    Raises a typed `BidFileError` naming the file and the reason.
    """
    path = Path(path)
    if not path.exists():
        raise BidFileMissingError(path, "the file does not exist.")
    if path.is_dir():
        raise NotABidError(path, "it is a folder, not a bid file.")
    size = path.stat().st_size
    if size == 0:
        raise NotABidError(path, "the file is empty, so it is not a bid file.")
    header = sqlite_store.read_header(path)
    if header != sqlite_store.SQLITE_HEADER:
        kind = "a Word document or other zip file" if header.startswith(b"PK") else "another file"
        raise NotABidError(path, f"it is not a CRM Bid Desktop file (it looks like {kind}).")
    try:
        with sqlite_store.read_only_connection(path) as connection:
            problems = sqlite_store.quick_check(connection)
            if problems:
                raise DamagedBidError(
                    path, f"the file is damaged (integrity check: {'; '.join(problems[:3])})."
                )
            tables = sqlite_store.table_names(connection)
            if "bid" not in tables or "alembic_version" not in tables:
                raise NotABidError(
                    path, "it is a database, but not a CRM Bid Desktop bid (no bid table)."
                )
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise DamagedBidError(path, f"the file is damaged or truncated ({error}).") from error
    if row is None:
        raise NotABidError(path, "it has no schema version, so it is not a usable bid.")
    return FileInspection(path=path, revision=str(row[0]))


@dataclass(frozen=True)
class BidCounts:
    partners: int
    milestones: int
    tasks: int
    sections: int
    criteria: int


class BidFile:
    """An open bid: its engine and short-lived sessions, one transaction per user edit."""

    def __init__(self, path: Path, engine: Engine, *, read_only: bool = False) -> None:
        self.path = path
        self.engine = engine
        self.read_only = read_only
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed when the block ends (rolled back on error)."""
        if self.read_only:
            raise ReadOnlyBidError(self.path, "it is open read-only, so it cannot be changed.")
        with self._sessions.begin() as session:
            yield session

    def start_recording(self, session: Session) -> None:
        """Record every row `session`'s transaction changes from now on (change sets and undo)."""
        sqlite_store.start_recording(session.connection())

    def recorded_changes(self, session: Session) -> list[sqlite_store.RowChange]:
        """The rows `session` changed since `start_recording`, oldest first (flushes first)."""
        session.flush()
        return sqlite_store.recorded_changes(session.connection())

    def take_back_changes(
        self, session: Session, changes: Sequence[sqlite_store.RowChange]
    ) -> None:
        """Put the rows in `changes` back as they were, inside `session`'s transaction."""
        session.flush()
        sqlite_store.take_back_changes(session.connection(), changes)

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries only; nothing it does is committed."""
        session = self._sessions()
        try:
            yield session
        finally:
            # close() ends the read transaction but, unlike rollback(), leaves loaded rows
            # readable, so pages can show them after the session is gone.
            session.close()

    def counts(self) -> BidCounts:
        from crmbid_desktop.store.models import Criterion, Milestone, Partner, Section, Task

        with self.reading() as session:

            def count(model: type) -> int:
                return int(session.scalar(select(func.count()).select_from(model)) or 0)

            return BidCounts(
                partners=count(Partner),
                milestones=count(Milestone),
                tasks=count(Task),
                sections=count(Section),
                criteria=count(Criterion),
            )

    def close(self) -> None:
        if not self.read_only:
            with contextlib.suppress(Exception):
                sqlite_store.checkpoint(self.engine)
        self.engine.dispose()

    def __enter__(self) -> BidFile:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _migration_backup_name(path: Path, revision: str) -> str:
    stamp = datetime.now().strftime("%Y-%m-%d %H%M%S")
    return f"{path.stem} before update from {revision} {stamp}.crmbid"


def open_bid(path: Path, *, backups_dir: Path, read_only: bool = False) -> BidFile:
    """Open an existing bid, updating an older file's schema after backing it up.

    A file from a newer program, a damaged file or a file that is not a bid raises a
    `BidFileError` and is never modified.
    """
    path = Path(path).resolve()
    inspection = inspect_file(path)
    if inspection.revision != SCHEMA_HEAD:
        from crmbid_desktop.store.schema import known_revisions

        if inspection.revision not in known_revisions():
            raise NewerVersionError(
                path,
                f"it was saved by a newer version of CRM Bid Desktop (schema "
                f"{inspection.revision}). Please install the newer version; the file has "
                "not been changed.",
            )
        if read_only:
            raise BidFileError(
                path, "it needs updating to this version, which cannot be done read-only."
            )
        _migrate(path, inspection.revision, backups_dir)
    engine = sqlite_store.make_engine(path, read_only=read_only)
    return BidFile(path, engine, read_only=read_only)


def _migrate(path: Path, revision: str, backups_dir: Path) -> None:
    from crmbid_desktop.store.schema import upgrade_to_head

    sqlite_store.backup_file(path, backups_dir / _migration_backup_name(path, revision))
    engine = sqlite_store.make_engine(path)
    try:
        with engine.begin() as connection:
            upgrade_to_head(connection)
    except Exception as error:
        raise MigrationError(
            path,
            f"updating it from schema {revision} failed ({error}); the file was left as it "
            f"was and a backup is in {backups_dir}.",
        ) from error
    finally:
        engine.dispose()


def create_bid_file(path: Path, *, title: str) -> BidFile:
    """Create a new, empty bid file (schema by the migrations, one Bid row) and open it."""
    from crmbid_desktop.store.models import Bid
    from crmbid_desktop.store.schema import upgrade_to_head

    path = Path(path).resolve()
    if path.exists():
        raise BidFileError(path, "a file of that name already exists; it has not been changed.")
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = sqlite_store.make_engine(path)
    try:
        with engine.begin() as connection:
            upgrade_to_head(connection)
        bid = BidFile(path, engine)
        with bid.transaction() as session:
            session.add(Bid(title=title))
    except Exception:
        engine.dispose()
        for leftover in (
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm"),
        ):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        raise
    return bid


@dataclass(frozen=True)
class CheckReport:
    path: Path
    sound: bool
    revision: str
    counts: BidCounts | None
    problems: list[str]


def check_bid(path: Path) -> CheckReport:
    """Full integrity check, schema version and counts, read-only."""
    path = Path(path).resolve()
    try:
        inspection = inspect_file(path)
        problems = sqlite_store.integrity_check(path)
    except BidFileError as error:
        return CheckReport(path, False, "", None, [error.reason])
    counts: BidCounts | None = None
    if not problems and inspection.revision == SCHEMA_HEAD:
        bid = BidFile(path, sqlite_store.make_engine(path, read_only=True), read_only=True)
        try:
            counts = bid.counts()
        finally:
            bid.engine.dispose()
    elif inspection.revision != SCHEMA_HEAD:
        problems.append(
            f"schema {inspection.revision} differs from this program's {SCHEMA_HEAD}"
            " (it will be updated when opened, or needs a newer program)."
        )
    return CheckReport(path, not problems, inspection.revision, counts, problems)
