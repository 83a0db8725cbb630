"""Opening, creating and checking a bid file: one engine per open bid, one transaction per edit."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from crmbid_desktop.file_paths import resolved
from crmbid_desktop.store import sqlite as sqlite_store
from crmbid_desktop.store import sqlite_trust
from crmbid_desktop.store.backend import RowChange, StoreBackend
from crmbid_desktop.store.errors import (
    BidBusyError,
    BidFileError,
    BidFileMissingError,
    CannotEditError,
    DamagedBidError,
    ForeignSchemaError,
    InvalidRowsError,
    MigrationError,
    NewerVersionError,
    NotABidError,
    ReadOnlyBidError,
)
from crmbid_desktop.store.schema import SCHEMA_HEAD

log = logging.getLogger(__name__)

# The ORM models are imported by the functions that need them: opening a bid for the main
# window must not wait for them to be declared (see table_clauses.py).


@dataclass(frozen=True)
class FileInspection:
    """What a read-only look at a file found, before anything in it is trusted."""

    path: Path
    revision: str
    #: Why the write-ahead log beside the file is not its own ("" when it is, or there is none).
    foreign_wal: str = ""


#: SQLite's primary result codes that mean "not now" or "not here" rather than damage.
_BUSY_CODES = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED
_READ_ONLY_CODE = 8  # SQLITE_READONLY
_PLACE_CODES = frozenset({3, 10, 14, 23})  # SQLITE_PERM, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_AUTH


def classify_sqlite_error(path: Path, error: sqlite3.Error) -> BidFileError:
    """Busy, read-only, unreachable or damaged: what an SQLite error met on `path` means."""
    code = int(getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
    if code in _BUSY_CODES:
        return BidBusyError(
            path,
            "another program is writing to it right now, so it cannot be read safely. It is "
            "not damaged: wait a moment and try again, or open it read-only.",
        )
    if code == _READ_ONLY_CODE:
        return CannotEditError(
            path,
            "it has changes still to be folded in and its folder cannot be written to "
            f"({error}); copy the bid, with its “-wal” file, to a folder you can write to",
        )
    if code in _PLACE_CODES:
        obstacle = sqlite_trust.edit_obstacle(path)
        where = f" ({obstacle})" if obstacle else ""
        return BidFileError(
            path, f"it cannot be read where it is{where}: {error}. The file was not changed."
        )
    return DamagedBidError(path, f"the file is damaged or truncated ({error}).")


def inspect_file(path: Path, *, check_rows: bool = True) -> FileInspection:
    """Check that a file is a sound, trustworthy bid without changing a byte of it.

    Raises a typed `BidFileError` naming the file and the reason: busy, unreadable where it is,
    damaged, foreign objects in its schema, rows the program cannot read, or not a bid at all.
    """
    path = Path(path)
    try:
        if not path.exists():
            raise BidFileMissingError(path, "the file does not exist.")
        if path.is_dir():
            raise NotABidError(path, "it is a folder, not a bid file.")
        size = path.stat().st_size
        if size == 0:
            raise NotABidError(path, "the file is empty, so it is not a bid file.")
        header = sqlite_store.read_header(path)
    except OSError as error:
        raise BidFileError(
            path, f"it cannot be read ({error.strerror or error}). The file was not changed."
        ) from error
    if header != sqlite_store.SQLITE_HEADER:
        kind = "a Word document or other zip file" if header.startswith(b"PK") else "another file"
        raise NotABidError(path, f"it is not a CRM Bid Desktop file (it looks like {kind}).")
    foreign_wal = sqlite_trust.foreign_wal_reason(path) or ""
    try:
        with sqlite_trust.inspecting(path, ignore_wal=bool(foreign_wal)) as connection:
            revision = _trusted_revision(path, connection, check_rows=check_rows)
    except BidFileError:
        raise
    except sqlite3.Error as error:
        raise classify_sqlite_error(path, error) from error
    except (UnicodeError, ValueError, OverflowError) as error:
        # Garbage in a schema page reaches Python as text that cannot be decoded.
        raise DamagedBidError(path, f"the file is damaged ({error}).") from error
    return FileInspection(path=path, revision=revision, foreign_wal=foreign_wal)


def _trusted_revision(path: Path, connection: sqlite3.Connection, *, check_rows: bool) -> str:
    problems = sqlite_store.quick_check(connection)
    if problems:
        raise DamagedBidError(
            path, f"the file is damaged (integrity check: {'; '.join(problems[:3])})."
        )
    tables = sqlite_store.table_names(connection)
    if "bid" not in tables or "alembic_version" not in tables:
        raise NotABidError(path, "it is a database, but not a CRM Bid Desktop bid (no bid table).")
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    if row is None:
        raise NotABidError(path, "it has no schema version, so it is not a usable bid.")
    revision = str(row[0])
    schema = sqlite_trust.compare_schema(connection, revision)
    if schema.foreign:
        raise ForeignSchemaError(path, schema.describe(), schema.foreign)
    if schema.missing:
        raise DamagedBidError(path, schema.describe())
    if check_rows:
        rows = sqlite_trust.row_problems(connection, revision)
        if rows:
            raise InvalidRowsError(
                path,
                "some rows hold values the program cannot read: "
                + "; ".join(rows[:5])
                + (f"; and {len(rows) - 5} more" if len(rows) > 5 else "")
                + ".",
                rows,
            )
    return revision


@dataclass(frozen=True)
class BidCounts:
    partners: int
    milestones: int
    tasks: int
    sections: int
    criteria: int


class BidFile:
    """An open bid: its engine and short-lived sessions, one transaction per user edit."""

    def __init__(
        self,
        path: Path,
        engine: Engine,
        *,
        read_only: bool = False,
        read_only_reason: str = "",
        backend: StoreBackend | None = None,
    ) -> None:
        #: The file's path; for a bid on a server, a name in words ("bid on host") that save
        #: dialogs start from (see `backend` and `on_server`).
        self.path = path
        self.engine = engine
        #: Where the bid lives and what only that place can do (store/backend.py).
        self.backend: StoreBackend = backend or sqlite_store.SqliteBackend(path)
        self.read_only = read_only
        #: Why it is read-only, in words completing "Read-only: …" (the main window's banner).
        self.read_only_reason = read_only_reason
        #: What opening did that the user should hear of (a foreign write-ahead log set aside).
        self.notices: list[str] = []
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed when the block ends (rolled back on error)."""
        if self.read_only:
            raise ReadOnlyBidError(self.path, "it is open read-only, so it cannot be changed.")
        with self._sessions.begin() as session:
            session.connection(execution_options={sqlite_store.WRITE_OPTION: True})
            yield session

    def start_recording(self, session: Session) -> None:
        """Record every row `session`'s transaction changes from now on (change sets and undo)."""
        self.backend.start_recording(session.connection())

    def recorded_changes(self, session: Session) -> list[RowChange]:
        """The rows `session` changed since `start_recording`, oldest first (flushes first)."""
        session.flush()
        return self.backend.recorded_changes(session.connection())

    def take_back_changes(self, session: Session, changes: Sequence[RowChange]) -> None:
        """Put the rows in `changes` back as they were, inside `session`'s transaction."""
        session.flush()
        self.backend.take_back_changes(session.connection(), changes)

    @property
    def place(self) -> Path | str:
        """How to open this bid again: the file's path, or the server's postgresql:// address."""
        return self.backend.place()

    @property
    def on_server(self) -> bool:
        """True for a bid in a PostgreSQL database rather than a file."""
        return self.backend.kind == "server"

    def copy_to_file(self, target: Path) -> None:
        """A consistent copy of the whole bid as a new bid file (never over an existing one)."""
        self.backend.copy_to_file(self.engine, target)

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
        """Finish with the bid; a failure is raised (and logged by the caller), not hidden."""
        self.backend.close(self.engine, read_only=self.read_only)
        if not self.read_only and not self.on_server:
            sqlite_trust.forget_identity(self.path)

    def __enter__(self) -> BidFile:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _migration_backup_name(path: Path, revision: str) -> str:
    stamp = datetime.now().strftime("%Y-%m-%d %H%M%S")
    stem = path.stem
    while len(stem.encode("utf-8")) > 180:  # leaves room for the rest within 255 bytes
        stem = stem[:-1]
    return f"{stem} before update from {revision[:20]} {stamp}.crmbid"


def open_bid(
    path: Path,
    *,
    backups_dir: Path,
    read_only: bool = False,
    read_only_reason: str = "",
    inspection: FileInspection | None = None,
) -> BidFile:
    """Open an existing bid, updating an older file's schema after backing it up.

    A file from a newer program, a damaged or untrustworthy file or a file that is not a bid
    raises a `BidFileError` and is never modified; one that cannot be changed where it is raises
    `CannotEditError` unless opened read-only. A write-ahead log left by another file of the
    same name is set aside (never replayed) and said in `BidFile.notices`. An `inspection`
    just made (off the GUI thread, for a big file) is used rather than made again.
    """
    path = resolved(path)
    if inspection is None or resolved(inspection.path) != path:
        inspection = inspect_file(path)
    if not read_only:
        obstacle = sqlite_trust.edit_obstacle(path)
        if obstacle is not None:
            raise CannotEditError(path, obstacle)
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
    notices: list[str] = []
    if inspection.foreign_wal and not read_only:
        aside = sqlite_trust.set_aside_wal(path, datetime.now().strftime("%Y-%m-%d %H%M%S"))
        notices.append(
            f"“{path.name}”: {inspection.foreign_wal}. It was set aside as “{aside.name}” and "
            "not applied; the bid opened as it was last saved."
        )
    elif inspection.foreign_wal:
        notices.append(f"“{path.name}”: {inspection.foreign_wal}; it is not read.")
    if read_only:
        immutable = bool(inspection.foreign_wal) or sqlite_trust.edit_obstacle(path) is not None
        engine = sqlite_store.make_engine(path, read_only=True, immutable=immutable)
        bid = BidFile(path, engine, read_only=True, read_only_reason=read_only_reason)
        bid.notices = notices
        return bid
    if inspection.revision != SCHEMA_HEAD:
        _migrate(path, inspection.revision, backups_dir)
    _stamp(path)
    engine = sqlite_store.make_engine(path)
    try:
        # Connected now, not at the first query: a file that cannot be written where it is
        # says so on opening, and the log beside it exists for as long as the bid is open.
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception as error:
        engine.dispose()
        cause = getattr(error, "orig", error)
        if isinstance(cause, sqlite3.Error):
            raise classify_sqlite_error(path, cause) from error
        raise
    bid = BidFile(path, engine)
    bid.notices = notices
    return bid


def _stamp(path: Path) -> None:
    """Tie the file to its write-ahead log before the first change (see sqlite_trust)."""
    connection = sqlite3.connect(path, timeout=sqlite_store.BUSY_TIMEOUT_MS / 1000)
    try:
        connection.isolation_level = None
        sqlite_trust.stamp_identity(connection, path)
    except sqlite3.Error as error:
        raise classify_sqlite_error(path, error) from error
    except OSError as error:
        # The number beside the log could not be written: the bid still opens. After a crash
        # its log would then be set aside (kept, reported), never replayed blindly.
        log.warning("Could not record the identity of %s's log: %s", path, error)
    finally:
        connection.close()


def _migrate(path: Path, revision: str, backups_dir: Path) -> None:
    from crmbid_desktop.store.backups import make_private_folder
    from crmbid_desktop.store.schema import upgrade_to_head

    make_private_folder(backups_dir)
    sqlite_store.backup_file(
        path, backups_dir / _migration_backup_name(path, revision), private=True
    )
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

    path = resolved(path)
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
        _stamp(path)
    except Exception:
        engine.dispose()
        for leftover in (
            path,
            sqlite_trust.wal_path(path),
            sqlite_trust.shm_path(path),
            sqlite_trust.identity_path(path),
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
    #: Tables, triggers, views, indexes or columns this version never makes.
    foreign_objects: list[str] = field(default_factory=list)


def check_bid(path: Path) -> CheckReport:
    """Full integrity check, schema and every row's values, version and counts, read-only.

    Leaves nothing beside the file when nothing else has it open, and never folds a
    write-ahead log into it.
    """
    path = resolved(path)
    foreign: list[str] = []
    try:
        inspection = inspect_file(path)
        ignore_wal = bool(inspection.foreign_wal)
        with sqlite_trust.inspecting(path, ignore_wal=ignore_wal) as connection:
            problems = sqlite_store.integrity_problems(connection)
    except ForeignSchemaError as error:
        return CheckReport(path, False, "", None, [error.reason], error.objects)
    except InvalidRowsError as error:
        return CheckReport(path, False, "", None, list(error.rows))
    except BidFileError as error:
        return CheckReport(path, False, "", None, [error.reason])
    except sqlite3.Error as error:
        return CheckReport(path, False, "", None, [classify_sqlite_error(path, error).reason])
    except (UnicodeError, ValueError, OverflowError) as error:
        return CheckReport(path, False, "", None, [f"the file is damaged ({error})."])
    if inspection.foreign_wal:
        problems.append(inspection.foreign_wal + " (it was not read, and is left as it is)")
    counts: BidCounts | None = None
    if not problems and inspection.revision == SCHEMA_HEAD:
        engine = sqlite_store.make_engine(
            path, read_only=True, immutable=ignore_wal or sqlite_trust.no_trace_possible(path)
        )
        bid = BidFile(path, engine, read_only=True)
        try:
            counts = bid.counts()
        finally:
            bid.engine.dispose()
    elif inspection.revision != SCHEMA_HEAD:
        problems.append(
            f"schema {inspection.revision} differs from this program's {SCHEMA_HEAD}"
            " (it will be updated when opened, or needs a newer program)."
        )
    return CheckReport(path, not problems, inspection.revision, counts, problems, foreign)


def save_cleaned_copy(source: Path, target: Path) -> list[str]:
    """Copy a bid refused for foreign objects to `target`, without them; returns what was dropped.

    The received file is only read. The copy is checked like any bid before it is handed back;
    a copy that still fails is deleted and the check's error raised.
    """
    source, target = resolved(source), resolved(target)
    if target.exists():
        raise BidFileError(target, "a file of that name already exists; it has not been changed.")
    revision = ""
    with sqlite_trust.inspecting(source) as connection:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = str(row[0]) if row else ""
    sqlite_store.backup_file(source, target)
    try:
        connection = sqlite3.connect(target, isolation_level=None)
        try:
            connection.execute("PRAGMA foreign_keys=OFF")
            connection.execute("BEGIN")
            dropped = sqlite_trust.strip_foreign_objects(connection, revision)
            connection.execute("COMMIT")
            connection.execute("VACUUM")  # what was dropped leaves no pages behind
        finally:
            connection.close()
        inspect_file(target)
    except BaseException as error:
        for leftover in (target, sqlite_trust.wal_path(target), sqlite_trust.shm_path(target)):
            with contextlib.suppress(OSError):
                leftover.unlink()
        if isinstance(error, sqlite3.Error):
            raise BidFileError(
                source, f"a cleaned copy could not be made ({error}); the file was not changed."
            ) from error
        raise
    return dropped
