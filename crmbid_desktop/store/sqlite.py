"""Everything SQLite-specific in one place: connection pragmas, transactional DDL, file checks, backup.

The rest of the store speaks portable SQLAlchemy so the same program can later run against a
shared PostgreSQL server.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


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
        connection.exec_driver_sql("BEGIN")

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


def backup_file(source: Path, target: Path, *, private: bool = False) -> None:
    """Copy a live bid with SQLite's backup API under a temporary name, flush, then rename.

    The backup API gives a consistent snapshot even while another connection writes; the rename
    means a crash never leaves a half-written file under the final name. A `private` copy (a
    backup) is readable by this user only on POSIX systems.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".part")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    if private and os.name == "posix":
        # Made empty and private before SQLite writes a byte into it.
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    from crmbid_desktop.store.sqlite_trust import no_trace_possible, reading_uri

    source_connection = sqlite3.connect(
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


# -- change recording for undo -------------------------------------------------------------------
# Every edit's inverse is written by temporary triggers, as SQL, into a per-connection temporary
# table (the technique of sqlite.org/undoredo.html). Triggers see every row an edit touches,
# including rows removed by ON DELETE CASCADE, so undoing a deletion restores what went with it
# without each edit listing its own children. Nothing is written to the bid file's schema.

#: Tables whose changes are never undone: the change log says what happened, undo included.
UNRECORDED_TABLES = frozenset({"change_log", "alembic_version"})
_TRIGGER_PREFIX = "undo_"


def quote_name(name: str) -> str:
    """An SQL identifier quoted so that any name, even one read from a file, stays a name."""
    return '"' + name.replace('"', '""') + '"'


def _literal(sql: str) -> str:
    """SQL text placed inside a '...' string literal."""
    return sql.replace("'", "''")


def _recording_sql(table: str, columns: list[str]) -> list[str]:
    # Every name is quoted (and escaped again where it sits inside a string literal): the
    # schema gate already refuses unknown names, and a name must never be able to end a
    # statement even if one slipped past it.
    quoted = [quote_name(column) for column in columns]
    values = "||','||".join(f"quote(old.{name})" for name in quoted)
    sets = "||','||".join(f"'{_literal(name)}='||quote(old.{name})" for name in quoted)
    target = quote_name(table)
    text_target, text_columns = _literal(target), _literal(",".join(quoted))
    trigger = {kind: quote_name(f"{_TRIGGER_PREFIX}{table}_{kind}") for kind in "iud"}
    return [
        f"CREATE TEMP TRIGGER IF NOT EXISTS {trigger['i']} AFTER INSERT ON main.{target} "
        f"BEGIN INSERT INTO undo_log(statement) "
        f"VALUES('DELETE FROM {text_target} WHERE rowid='||new.rowid); END",
        f"CREATE TEMP TRIGGER IF NOT EXISTS {trigger['u']} AFTER UPDATE ON main.{target} "
        f"BEGIN INSERT INTO undo_log(statement) "
        f"VALUES('UPDATE {text_target} SET '||{sets}||' WHERE rowid='||old.rowid); END",
        f"CREATE TEMP TRIGGER IF NOT EXISTS {trigger['d']} BEFORE DELETE ON main.{target} "
        f"BEGIN INSERT INTO undo_log(statement) "
        f"VALUES('INSERT INTO {text_target}(rowid,{text_columns}) "
        f"VALUES('||old.rowid||','||{values}||')'); END",
    ]


def start_recording(connection: Any) -> None:
    """Make sure `connection` records the inverse of its changes, and forget earlier ones.

    Called at the start of each edit: a migration that rebuilt a table drops its triggers, so
    missing ones are created again here rather than once per connection.
    """
    connection.exec_driver_sql(
        "CREATE TEMP TABLE IF NOT EXISTS undo_log "
        "(seq INTEGER PRIMARY KEY AUTOINCREMENT, statement TEXT NOT NULL)"
    )
    connection.exec_driver_sql("DELETE FROM temp.undo_log")
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
            str(row[1])
            for row in connection.exec_driver_sql(f"PRAGMA main.table_info({quote_name(table)})")
        ]
        for statement in _recording_sql(table, columns):
            connection.exec_driver_sql(statement)


def recorded_inverse(connection: Any) -> list[str]:
    """The statements that undo what this connection changed since `start_recording`, in order."""
    rows = connection.exec_driver_sql(
        "SELECT statement FROM temp.undo_log ORDER BY seq DESC"
    ).fetchall()
    connection.exec_driver_sql("DELETE FROM temp.undo_log")
    return [str(row[0]) for row in rows]


def replay(connection: Any, statements: list[str]) -> None:
    """Run recorded statements; foreign keys are checked at commit so row order cannot trip them."""
    connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
    for statement in statements:
        connection.exec_driver_sql(statement)
