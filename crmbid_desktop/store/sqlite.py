"""Everything SQLite-specific in one place: connection pragmas, transactional DDL, file checks, backup.

The rest of the store speaks portable SQLAlchemy so the same program can later run against a
shared PostgreSQL server.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event

from crmbid_desktop.store.backend import UNRECORDED_TABLES, KeptBlob, RowChange

if TYPE_CHECKING:
    from crmbid_desktop.store.bidfile import BidFile

__all__ = ["UNRECORDED_TABLES", "KeptBlob", "RowChange", "SqliteBackend"]

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
#: The execution option `BidFile.transaction` sets on an edit's connection (see `_on_begin`).
WRITE_OPTION = "crmbid_write"


def make_engine(path: Path, *, read_only: bool = False, immutable: bool = False) -> Engine:
    """An engine on one bid file with the pragmas every connection needs.

    `immutable` (read-only only) reads the file alone: no write-ahead log is read and nothing is
    created beside it, for a folder that cannot be written to or a log that is not the file's.
    """
    if read_only:
        from crmbid_desktop.store.sqlite_trust import reading_uri

        url = f"sqlite+pysqlite:///{reading_uri(path, immutable=immutable)}&uri=true"
    else:
        url = f"sqlite+pysqlite:///{path.as_posix()}"
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, issue BEGIN: pysqlite's own transaction handling
        # commits silently before DDL, so a failed migration would leave half a schema behind.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not read_only:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # An edit takes the write lock at once (waiting up to the busy timeout): begun as a
        # reader, it could not become a writer once another window on the file had written,
        # and a save that checks row versions must read and write one state of the file.
        writing = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    return engine


def read_header(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_HEADER))


@contextlib.contextmanager
def read_only_connection(path: Path) -> Iterator[sqlite3.Connection]:
    """A raw connection that cannot change the file, for checks before anything is trusted.

    It leaves nothing beside a file nobody has open (see sqlite_trust.inspecting).
    """
    from crmbid_desktop.store.sqlite_trust import inspecting

    with inspecting(path) as connection:
        yield connection


def quick_check(connection: sqlite3.Connection) -> list[str]:
    """Problems SQLite's quick integrity check finds; empty when the file is sound."""
    rows = connection.execute("PRAGMA quick_check").fetchall()
    problems = [str(row[0]) for row in rows]
    return [] if problems == ["ok"] else problems


def integrity_check(path: Path) -> list[str]:
    """Problems the full integrity check finds; empty when sound."""
    with read_only_connection(path) as connection:
        return integrity_problems(connection)


def integrity_problems(connection: sqlite3.Connection) -> list[str]:
    """Problems the full integrity check finds on an open connection; empty when sound."""
    rows = connection.execute("PRAGMA integrity_check").fetchall()
    problems = [str(row[0]) for row in rows]
    return [] if problems == ["ok"] else problems


def table_names(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    return {str(row[0]) for row in rows}


def hold_snapshot(source: Path) -> sqlite3.Connection:
    """A read-only connection holding a read transaction: the bid as it is now, kept.

    In write-ahead-log mode a reader sees the snapshot it started with while the writer goes on,
    so `backup_file(..., snapshot=...)` later, on any thread, copies the bid as it was when this
    was called. Hand it to exactly one `backup_file` (which closes it) or close it yourself.
    """
    from crmbid_desktop.store.sqlite_trust import no_trace_possible, reading_uri

    connection = sqlite3.connect(
        reading_uri(source, immutable=no_trace_possible(source)),
        uri=True,
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        # Taken on the GUI thread, used by one worker thread after it: never two at once.
        check_same_thread=False,
    )
    try:
        connection.execute("BEGIN")
        # BEGIN is deferred: the first read is what fixes the snapshot.
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        connection.close()
        raise
    return connection


def backup_file(
    source: Path,
    target: Path,
    *,
    private: bool = False,
    snapshot: sqlite3.Connection | None = None,
) -> None:
    """Copy a live bid with SQLite's backup API under a temporary name, flush, then rename.

    The backup API gives a consistent snapshot even while another connection writes; the rename
    means a crash never leaves a half-written file under the final name. A `private` copy (a
    backup) is readable by this user only on POSIX systems. With `snapshot` (from
    `hold_snapshot`, closed here) the copy is of the bid as it was when that was taken.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".part")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    if private and os.name == "posix":
        # Made empty and private before SQLite writes a byte into it.
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    from crmbid_desktop.store.sqlite_trust import no_trace_possible, reading_uri

    source_connection = snapshot or sqlite3.connect(
        reading_uri(source, immutable=no_trace_possible(source)), uri=True, timeout=5
    )
    try:
        target_connection = sqlite3.connect(temporary)
        try:
            source_connection.backup(target_connection)
            # A backup should be a single self-contained file someone can email.
            target_connection.execute("PRAGMA journal_mode=DELETE")
            # A copy is another file: it must not carry the identity that ties the original to
            # its write-ahead log (a log left beside it would otherwise pass as its own).
            target_connection.execute("PRAGMA user_version=0")
        finally:
            target_connection.close()
    finally:
        source_connection.close()
    with temporary.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, target)


def checkpoint(engine: Engine) -> None:
    """Fold the write-ahead log back into the file so a closed bid is one file to copy or email."""
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


# -- change recording: what each edit changed, row by row ---------------------------------------
# Temporary triggers note every row an edit touches, cascades included, in a per-connection
# temporary table: which table, which row (rowid and uuid), and for updates and deletions the
# earlier values as JSON (updates keep only the columns that changed). That one record gives both
# the change set the pages are told about and the undo step, so undo costs what the edit cost.
# Large BLOBs (letters of support) never become SQL or JSON text: a deletion hands the bytes to
# Python by reference (`KeptBlob`), held by the undo step until it falls off the history.
# Nothing is written to the bid file's schema, and every identifier put into SQL is quoted.

_TRIGGER_PREFIX = "rowchange_"
_LOG_NAME = "crmbid_row_changes"  # unqualified inside triggers, as SQLite requires
_LOG = f"temp.{_LOG_NAME}"
_KEEP_FUNCTION = "crmbid_keep_blob"


def quote_name(name: str) -> str:
    """An SQL identifier quoted so that any name, even one read from a file, stays a name."""
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class _BlobKeeper:
    """Bytes handed over by the triggers of one connection, until the edit's record is read."""

    def __init__(self) -> None:
        self.kept: dict[int, bytes] = {}
        self._next = 0

    def keep(self, data: object) -> int | None:
        if data is None:
            return None
        self._next += 1
        self.kept[self._next] = data if isinstance(data, bytes) else bytes(str(data), "utf-8")
        return self._next


def _keeper(connection: Any) -> _BlobKeeper:
    """The keeper of `connection`'s DBAPI connection, registered as an SQL function once.

    Kept in the pool's per-connection `info`, which lives exactly as long as that connection.
    """
    pooled = connection.connection
    keeper = pooled.info.get(_KEEP_FUNCTION)
    if not isinstance(keeper, _BlobKeeper):
        keeper = pooled.info[_KEEP_FUNCTION] = _BlobKeeper()
        pooled.driver_connection.create_function(_KEEP_FUNCTION, 1, keeper.keep)
    return keeper


def _recording_sql(table: str, columns: list[tuple[str, bool]]) -> list[str]:
    """The three triggers for `table`; `columns` are (name, is a BLOB)."""
    target = f"main.{quote_name(table)}"
    name = _quote_literal(table)
    has_uuid = any(column == "uuid" for column, _ in columns)
    new_uuid = 'new."uuid"' if has_uuid else "NULL"
    old_uuid = 'old."uuid"' if has_uuid else "NULL"

    def old_value(column: str, blob: bool) -> str:
        value = f"old.{quote_name(column)}"
        return f"{_KEEP_FUNCTION}({value})" if blob else value

    def as_json(parts: list[str]) -> str:
        return f"json_object({','.join(parts)})"

    every = [f"{_quote_literal(c)},{old_value(c, blob)}" for c, blob in columns]
    changed = []
    removals = []
    for column, blob in columns:
        differs = f"old.{quote_name(column)} IS NOT new.{quote_name(column)}"
        value = old_value(column, blob)
        changed.append(f"{_quote_literal(column)},CASE WHEN {differs} THEN {value} END")
        path = _quote_literal(f'$."{column}"')
        removals.append(f"CASE WHEN {differs} THEN '$.\"~\"' ELSE {path} END")
    blob_names = _quote_literal(",".join(column for column, blob in columns if blob))
    insert = f"INSERT INTO {_LOG_NAME}(tbl, op, row_id, uuid, old, blobs) VALUES"
    prefix = f"CREATE TEMP TRIGGER IF NOT EXISTS {quote_name(_TRIGGER_PREFIX + table)}"
    return [
        f'{prefix[:-1]}_i" AFTER INSERT ON {target} BEGIN {insert}'
        f"({name},'insert',new.rowid,{new_uuid},NULL,''); END",
        f'{prefix[:-1]}_u" AFTER UPDATE ON {target} BEGIN {insert}'
        f"({name},'update',old.rowid,{new_uuid},"
        f"json_remove({as_json(changed)},{','.join(removals)}),{blob_names}); END",
        f'{prefix[:-1]}_d" BEFORE DELETE ON {target} BEGIN {insert}'
        f"({name},'delete',old.rowid,{old_uuid},{as_json(every)},{blob_names}); END",
    ]


def start_recording(connection: Any) -> None:
    """Make sure `connection` records the rows its changes touch, and forget earlier records.

    Called at the start of each edit: a migration that rebuilt a table drops its triggers, so
    missing ones are created again here rather than once per connection.
    """
    keeper = _keeper(connection)
    keeper.kept.clear()
    connection.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {_LOG} (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
        "tbl TEXT NOT NULL, op TEXT NOT NULL, row_id INTEGER NOT NULL, uuid TEXT, old TEXT, "
        "blobs TEXT NOT NULL DEFAULT '')"
    )
    connection.exec_driver_sql(f"DELETE FROM {_LOG}")
    tables = {
        str(row[0])
        for row in connection.exec_driver_sql(
            "SELECT name FROM main.sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    } - UNRECORDED_TABLES
    triggers = {
        str(row[0])
        for row in connection.exec_driver_sql(
            "SELECT name FROM temp.sqlite_master WHERE type='trigger'"
        )
    }
    for table in sorted(tables):
        if {f"{_TRIGGER_PREFIX}{table}_{kind}" for kind in "iud"} <= triggers:
            continue
        columns = [
            (str(row[1]), "BLOB" in str(row[2]).upper())
            for row in connection.exec_driver_sql(f"PRAGMA main.table_info({quote_name(table)})")
        ]
        for statement in _recording_sql(table, columns):
            connection.exec_driver_sql(statement)
    from crmbid_desktop.store.row_versions import sqlite_triggers

    sqlite_triggers(connection, tables)


def recorded_changes(connection: Any) -> list[RowChange]:
    """The rows this connection changed since `start_recording`, in the order it changed them."""
    keeper = _keeper(connection)
    rows = connection.exec_driver_sql(
        f"SELECT tbl, op, row_id, uuid, old, blobs FROM {_LOG} ORDER BY seq"
    ).fetchall()
    connection.exec_driver_sql(f"DELETE FROM {_LOG}")
    changes: list[RowChange] = []
    for table, op, row_id, uuid, old_json, blobs in rows:
        old: dict[str, object] | None = None
        if old_json is not None:
            old = json.loads(old_json)
            assert old is not None
            for column in filter(None, str(blobs).split(",")):
                handle = old.get(column)
                if isinstance(handle, int):
                    old[column] = KeptBlob(keeper.kept.pop(handle))
            if op == "update" and not old:
                continue  # an UPDATE that set every column to what it was
        changes.append(RowChange(str(table), str(op), int(row_id), str(uuid or ""), old))
    keeper.kept.clear()
    from crmbid_desktop.store.row_versions import fold_version_bumps

    return fold_version_bumps(changes)


def _plain(value: object) -> object:
    return value.data if isinstance(value, KeptBlob) else value


def take_back_changes(connection: Any, changes: Sequence[RowChange]) -> None:
    """Put every row in `changes` back as it was, newest change first.

    Foreign keys are checked at commit, so the order rows come back in cannot trip them.
    """
    connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
    for change in reversed(changes):
        table = quote_name(change.table)
        old = dict(change.old or {})
        if change.op == "insert":
            connection.exec_driver_sql(f"DELETE FROM {table} WHERE rowid = ?", (change.row_id,))
        elif change.op == "update":
            sets = ", ".join(f"{quote_name(column)} = ?" for column in old)
            connection.exec_driver_sql(
                f"UPDATE {table} SET {sets} WHERE rowid = ?",
                (*(_plain(value) for value in old.values()), change.row_id),
            )
        elif change.op == "delete":
            names = ", ".join(["rowid", *(quote_name(column) for column in old)])
            marks = ", ".join("?" * (len(old) + 1))
            connection.exec_driver_sql(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",
                (change.row_id, *(_plain(value) for value in old.values())),
            )


# -- the backend ---------------------------------------------------------------------------------
class SqliteBackend:
    """A bid file on disk: the embedded default, and the way bids travel by email."""

    kind = "file"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def describe(self) -> str:
        return str(self.path)

    def place(self) -> Path | str:
        return self.path

    def open(self, *, backups_dir: Path, read_only: bool = False) -> BidFile:
        from crmbid_desktop.store.bidfile import open_bid

        return open_bid(self.path, backups_dir=backups_dir, read_only=read_only)

    def create(self, *, title: str) -> BidFile:
        from crmbid_desktop.store.bidfile import create_bid_file

        return create_bid_file(self.path, title=title)

    def inspect(self) -> str:
        from crmbid_desktop.store.bidfile import inspect_file

        return inspect_file(self.path).revision

    def start_recording(self, connection: Any) -> None:
        start_recording(connection)

    def recorded_changes(self, connection: Any) -> list[RowChange]:
        return recorded_changes(connection)

    def take_back_changes(self, connection: Any, changes: Sequence[RowChange]) -> None:
        take_back_changes(connection, changes)

    def copy_to_file(self, engine: Engine, target: Path) -> None:
        backup_file(self.path, target)

    def close(self, engine: Engine, *, read_only: bool) -> None:
        if not read_only:
            try:
                checkpoint(engine)
            except Exception as error:
                # Another program reading the file can keep the log from being folded in; the
                # log stays beside the file and is applied at the next open, so nothing is lost.
                # Anything else is a real fault and is raised.
                cause = getattr(error, "orig", error)
                code = int(getattr(cause, "sqlite_errorcode", 0) or 0) & 0xFF
                if code not in (5, 6):  # SQLITE_BUSY, SQLITE_LOCKED
                    engine.dispose()
                    raise
                log.warning("The log of %s could not be folded in yet: %s", self.path, error)
        engine.dispose()
