"""Deciding whether a bid file can be trusted, before anything in it is used (SQLite-specific).

A bid arrives by email from other councils, so it is treated as hostile until shown otherwise:
its schema must be exactly what this version makes (no extra triggers, views, tables, columns or
indexes, which SQL run on every later edit could hide in), every row's values must have the
types the program reads (dates, text that is UTF-8, the fixed choices), and a write-ahead log
beside it must belong to it. Reading here never leaves a trace beside the file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from crmbid_desktop.store.expected_schema import EXPECTED_SCHEMAS, TableShape

#: SQLite makes these itself (AUTOINCREMENT counters, ANALYZE statistics); they run no SQL.
HARMLESS_INTERNAL_TABLES = frozenset({"sqlite_sequence", "sqlite_stat1", "sqlite_stat4"})
#: Beside the write-ahead log: the identity of the bid file the log belongs to.
IDENTITY_SUFFIX = "-walid"
#: How long a name the folder's files may have (NTFS and ext4 both allow 255).
NAME_MAX_BYTES = 255
#: A header alone (32 bytes) holds no changes; frames follow it.
_WAL_HEADER_BYTES = 32
#: How many problems a report lists before saying "and N more".
MAX_LISTED = 12


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def shm_path(path: Path) -> Path:
    return path.with_name(path.name + "-shm")


def identity_path(path: Path) -> Path:
    return path.with_name(path.name + IDENTITY_SUFFIX)


def lock_file_present(path: Path) -> bool:
    """Whether the program's lock file says someone has the bid open for editing."""
    from crmbid_desktop.store.locks import lock_path

    return _exists(lock_path(path))


# -- reading without a trace ---------------------------------------------------------------------
def no_trace_possible(path: Path) -> bool:
    """Whether the file can be read as it stands, with no -wal/-shm created beside it.

    True for a file in write-ahead-log mode that nothing has open (no log, no shared memory,
    no lock file; any program connected to such a file has both): the file alone is then the
    whole bid, and SQLite's "immutable" reading takes no locks and makes no files. Otherwise
    the usual read-only reading joins whoever has it open (a file in the older journal mode,
    as backups and partners' copies are, gets no files from a read-only reading anyway).
    """
    if not is_wal_mode(path):
        return False
    return not (_exists(wal_path(path)) or _exists(shm_path(path)) or lock_file_present(path))


def _exists(path: Path) -> bool:
    """Whether a file beside the bid exists; a name too long to exist does not."""
    try:
        return path.exists()
    except OSError:
        return False


def is_wal_mode(path: Path) -> bool:
    """Whether the file's header says write-ahead-log mode (bytes 18 and 19 are 2)."""
    try:
        with path.open("rb") as handle:
            handle.seek(18)
            return handle.read(2) == b"\x02\x02"
    except OSError:
        return False


def reading_uri(path: Path, *, immutable: bool) -> str:
    """A read-only URI for `path`; `immutable` ignores any write-ahead log and creates nothing."""
    # Percent-encode what a URI would misread in a file name (?, #, %).
    quoted = path.as_posix().replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    return f"file:{quoted}?mode=ro" + ("&immutable=1" if immutable else "")


#: How long a check waits for another program's lock before calling the file busy. SQLite's
#: usual wait (5 s) would keep the user staring at nothing before "Try again / Open read-only";
#: a healthy writer holds its lock for milliseconds, so a short wait loses nothing.
INSPECT_BUSY_TIMEOUT_S = 0.5


@contextlib.contextmanager
def inspecting(path: Path, *, ignore_wal: bool = False) -> Iterator[sqlite3.Connection]:
    """A raw read-only connection for checks; text that is not UTF-8 comes back repaired.

    Text is decoded leniently because damaged schema pages make SQLite's own messages
    undecodable, and a check must report damage rather than stumble on it.
    """
    immutable = ignore_wal or no_trace_possible(path)
    connection = sqlite3.connect(
        reading_uri(path, immutable=immutable), uri=True, timeout=INSPECT_BUSY_TIMEOUT_S
    )
    connection.text_factory = lambda raw: raw.decode("utf-8", "replace")
    try:
        yield connection
    finally:
        connection.close()


# -- the schema ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SchemaReport:
    """How a file's schema differs from the one its revision should have."""

    foreign: list[str]
    missing: list[str]

    @property
    def matches(self) -> bool:
        return not self.foreign and not self.missing

    def describe(self) -> str:
        parts = []
        if self.foreign:
            parts.append(
                "it holds things this version of CRM Bid Desktop never makes: "
                + _listed(self.foreign)
                + ". A bid received from someone else could use them to change your work, "
                "so it is not opened"
            )
        if self.missing:
            parts.append("parts of a bid are missing or changed: " + _listed(self.missing))
        return "; ".join(parts) + "."


def _listed(items: list[str]) -> str:
    shown = items[:MAX_LISTED]
    more = len(items) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def _quote(name: str) -> str:
    """An SQL identifier, quoted so that any name read from a file stays a name."""
    from crmbid_desktop.store.sqlite import quote_name

    return quote_name(name)


def read_table_shape(connection: sqlite3.Connection, table: str) -> TableShape:
    columns = {
        str(row[1]): (str(row[2]).upper(), int(row[3]), int(row[5]), int(row[6]))
        for row in connection.execute(f"PRAGMA main.table_xinfo({_quote(table)})")
    }
    foreign_keys = sorted(
        (str(row[2]), str(row[3]), str(row[4]), str(row[5]), str(row[6]))
        for row in connection.execute(f"PRAGMA main.foreign_key_list({_quote(table)})")
    )
    return TableShape(columns=columns, foreign_keys=tuple(foreign_keys))


#: What `inspecting` puts in place of bytes that are not UTF-8.
_UNDECODABLE = "\ufffd"


class DamagedSchemaText(ValueError):
    """A name in the schema pages is not valid text: the pages are damaged."""


def read_schema(
    connection: sqlite3.Connection,
) -> tuple[dict[str, TableShape], dict[str, tuple[str, int, tuple[str, ...]]], list[str]]:
    """(tables, indexes, other objects described) as they are in the file."""
    tables: dict[str, TableShape] = {}
    indexes: dict[str, tuple[str, int, tuple[str, ...]]] = {}
    others: list[str] = []
    rows = connection.execute(
        "SELECT type, name, tbl_name, coalesce(sql, '') FROM main.sqlite_master"
    ).fetchall()
    for kind, name, table, sql in rows:
        kind, name, table, sql = str(kind), str(name), str(table), str(sql)
        if _UNDECODABLE in kind + name + table:
            # Text that was not UTF-8 (repaired by `inspecting`): damage, not someone's object.
            # Some SQLite versions refuse such a schema themselves; others read past it.
            raise DamagedSchemaText(f"the schema pages name {kind} “{name}”, which is not text")
        if kind == "table":
            if name in HARMLESS_INTERNAL_TABLES:
                continue
            if sql.lstrip().upper().startswith("CREATE VIRTUAL"):
                others.append(f"virtual table “{name}”")
                continue
            tables[name] = read_table_shape(connection, name)
        elif kind == "index":
            info = connection.execute(f"PRAGMA main.index_list({_quote(table)})").fetchall()
            unique = next((int(row[2]) for row in info if str(row[1]) == name), 0)
            columns = tuple(
                str(row[2]) for row in connection.execute(f"PRAGMA main.index_info({_quote(name)})")
            )
            indexes[name] = (table, unique, columns)
        else:
            others.append(f"{kind} “{name}”")
    return tables, indexes, others


def compare_schema(connection: sqlite3.Connection, revision: str) -> SchemaReport:
    """Compare the file's schema with what `revision` made, object by object, column by column.

    An unknown revision is the caller's business (a newer program); it is not compared here.
    """
    expected = EXPECTED_SCHEMAS.get(revision)
    if expected is None:
        return SchemaReport([], [])
    tables, indexes, foreign = read_schema(connection)
    missing: list[str] = []
    for name, shape in expected.tables.items():
        found = tables.get(name)
        if found is None:
            missing.append(f"the table “{name}”")
            continue
        for column, spec in shape.columns.items():
            if column not in found.columns:
                missing.append(f"the column “{column}” of “{name}”")
            elif found.columns[column] != spec:
                foreign.append(f"a changed column “{column}” in “{name}”")
        foreign.extend(
            f"a column “{column}” in “{name}”"
            for column in found.columns
            if column not in shape.columns
        )
        if found.foreign_keys != shape.foreign_keys:
            foreign.append(f"changed links between rows in “{name}”")
    foreign.extend(f"a table “{name}”" for name in tables if name not in expected.tables)
    for name, index in expected.indexes.items():
        if name not in indexes:
            if index[0] in tables:  # a missing table's indexes go without saying
                missing.append(f"the index “{name}”")
        elif indexes[name] != index:
            foreign.append(f"a changed index “{name}”")
    foreign.extend(f"an index “{name}”" for name in indexes if name not in expected.indexes)
    return SchemaReport(foreign=foreign, missing=missing)


# -- the rows ------------------------------------------------------------------------------------
def _column_rule(column: str, declared: str, not_null: int) -> str:
    """An SQL condition true when `column` holds a value the program can read."""
    name = _quote(column)
    kind = declared.split("(")[0].strip()
    null_ok = "" if not_null else f"{name} IS NULL OR "
    if kind in ("INTEGER", "BIGINT", "SMALLINT"):
        return f"({null_ok}typeof({name}) = 'integer')"
    if kind == "BOOLEAN":
        return f"({null_ok}(typeof({name}) = 'integer' AND {name} IN (0, 1)))"
    # SQLite's date() takes "2005-02-30" as it is; with a modifier it normalises it (to
    # 2 March), so comparing with '+0 days' catches days a month does not have.
    if kind == "DATE":
        return (
            f"({null_ok}(typeof({name}) = 'text' AND length({name}) = 10 "
            f"AND date({name}, '+0 days') IS {name}))"
        )
    if kind == "DATETIME":
        # SQLAlchemy writes "YYYY-MM-DD HH:MM:SS.ffffff"; its reader fails on anything else.
        return (
            f"({null_ok}(typeof({name}) = 'text' AND {name} GLOB "
            "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' "
            f"AND datetime(substr({name}, 1, 19), '+0 days') IS substr({name}, 1, 19) "
            f"AND (length({name}) = 19 OR substr({name}, 20) GLOB '.[0-9]*' "
            f"AND substr({name}, 21) NOT GLOB '*[^0-9]*')))"
        )
    if kind == "TIME":
        return (
            f"({null_ok}(typeof({name}) = 'text' AND "
            f"time(substr({name}, 1, 8)) IS substr({name}, 1, 8)))"
        )
    if kind in ("VARCHAR", "TEXT", "CHAR"):
        return f"({null_ok}typeof({name}) = 'text')"
    if kind == "BLOB":
        return f"({null_ok}typeof({name}) IN ('blob', 'null'))"
    return "1"


#: What a column of each declared type must hold, as a report says it.
_WANTED = {
    "INTEGER": "a whole number",
    "BOOLEAN": "0 or 1",
    "DATE": "a date (YYYY-MM-DD)",
    "DATETIME": "a date and time",
    "TIME": "a time",
    "VARCHAR": "text",
    "TEXT": "text",
    "CHAR": "text",
    "BLOB": "binary data",
}


def _choices_rule(column: str, choices: tuple[object, ...]) -> str:
    listed = ", ".join(
        str(choice) if isinstance(choice, int) else "'" + str(choice).replace("'", "''") + "'"
        for choice in choices
    )
    return f"({_quote(column)} IN ({listed}))"


def _describe_value(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bytes):
        return f"{len(value)} bytes of binary data"
    text = str(value)
    return "“" + (text[:40] + "…" if len(text) > 40 else text) + "”"


def row_problems(connection: sqlite3.Connection, revision: str, *, limit: int = 50) -> list[str]:
    """Rows whose values the program could not read, each named by table, row and column."""
    from crmbid_desktop.store.row_rules import CHOICES, NAMES

    expected = EXPECTED_SCHEMAS.get(revision)
    if expected is None:
        return []
    problems: list[str] = []
    for table, shape in expected.tables.items():
        rules: list[tuple[str, str, str]] = []
        for column, (declared, not_null, _pk, _hidden) in shape.columns.items():
            rule = _column_rule(column, declared, not_null)
            kind = declared.split("(")[0].strip().upper()
            rules.append((column, rule, _WANTED.get(kind, kind.lower())))
            choices = CHOICES.get((table, column))
            if choices is not None:
                rules.append((column, _choices_rule(column, choices), "one of " + NAMES[choices]))
        if not rules:
            continue
        checks = ", ".join(f"NOT {rule}" for _column, rule, _wanted in rules)
        where = " OR ".join(f"NOT {rule}" for _column, rule, _wanted in rules)
        # A blob is described by its type, never read whole (letters can be megabytes).
        columns = ", ".join(
            f"typeof({_quote(column)})" if shape.columns[column][0] == "BLOB" else _quote(column)
            for column, _rule, _wanted in rules
        )
        query = f"SELECT rowid, {checks}, {columns} FROM main.{_quote(table)} WHERE {where} LIMIT ?"
        for row in connection.execute(query, (limit,)):
            broken = row[1 : 1 + len(rules)]
            values = row[1 + len(rules) :]
            for index, failed in enumerate(broken):
                if failed:
                    column, _rule, wanted = rules[index]
                    problems.append(
                        f"table “{table}”, row {row[0]}: “{column}” holds "
                        f"{_describe_value(values[index])}, not {wanted}"
                    )
            if len(problems) >= limit:
                return problems
        problems.extend(_undecodable_text(connection, table, shape, limit - len(problems)))
        if len(problems) >= limit:
            return problems[:limit]
    return problems


#: Rows of one table whose text is checked for UTF-8 at once.
_UTF8_CHUNK_ROWS = 5_000


def _undecodable_text(
    connection: sqlite3.Connection, table: str, shape: TableShape, limit: int
) -> list[str]:
    """Text columns holding bytes that are not UTF-8 (SQLite stores them without complaint)."""
    text_columns = [
        column
        for column, (declared, *_rest) in shape.columns.items()
        if declared.split("(")[0].strip() in ("VARCHAR", "TEXT", "CHAR")
    ]
    if not text_columns or limit <= 0:
        return []
    selected = ", ".join(f"CAST({_quote(column)} AS BLOB)" for column in text_columns)
    problems: list[str] = []
    cursor = connection.execute(f"SELECT rowid, {selected} FROM main.{_quote(table)}")
    while rows := cursor.fetchmany(_UTF8_CHUNK_ROWS):
        # Thousands of values checked in one decode: joined by a newline, the values are UTF-8
        # exactly when each one is (a broken sequence stays broken next to an ASCII byte), so
        # only a chunk that fails is looked at value by value. One decode per value was a fifth
        # of the CPU time of a 200,000-row merge.
        joined = b"\n".join(raw for row in rows for raw in row[1:] if raw is not None)
        try:
            joined.decode("utf-8")
            continue
        except UnicodeDecodeError:
            pass
        for row in rows:
            for column, raw in zip(text_columns, row[1:], strict=True):
                if raw is None:
                    continue
                try:
                    bytes(raw).decode("utf-8")
                except UnicodeDecodeError as error:
                    problems.append(
                        f"table “{table}”, row {row[0]}: “{column}” holds text that is not "
                        f"UTF-8 (byte {error.start + 1})"
                    )
                    if len(problems) >= limit:
                        return problems
    return problems


# -- the write-ahead log -------------------------------------------------------------------------
def wal_has_changes(path: Path) -> bool:
    """Whether a write-ahead log beside the file holds any frame (changes not yet in the file)."""
    try:
        return wal_path(path).stat().st_size > _WAL_HEADER_BYTES
    except OSError:
        return False


def file_identity(path: Path) -> int:
    """The identity stamped in the file's header (SQLite's user_version, bytes 60-63)."""
    with path.open("rb") as handle:
        handle.seek(60)
        raw = handle.read(4)
    return int.from_bytes(raw, "big", signed=True) if len(raw) == 4 else 0


def recorded_identity(path: Path) -> int | None:
    try:
        return int(identity_path(path).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def foreign_wal_reason(path: Path) -> str | None:
    """Why the write-ahead log beside `path` belongs to another file, or None if it is its own.

    The program stamps a random identity in the bid and writes the same number beside the log
    before its first change; a log whose number differs came from another file of the same
    name (a bid replaced while a log was left behind) and replaying it would mix two bids.
    A log from before stamping began (no number anywhere) is trusted as it always was.
    """
    if not wal_has_changes(path):
        return None
    recorded = recorded_identity(path)
    stamped = file_identity(path)
    if recorded is None and stamped == 0:
        return None
    if recorded == stamped:
        return None
    return (
        f"the write-ahead log beside it (“{wal_path(path).name}”) was left by another file of "
        "the same name, so its changes do not belong to this bid"
    )


def set_aside_wal(path: Path, stamp: str) -> Path:
    """Rename a foreign write-ahead log (and its shared memory) so it is never replayed."""
    aside = path.with_name(f"{path.name} foreign log {stamp}-wal")
    number = 2
    while aside.exists():
        aside = path.with_name(f"{path.name} foreign log {stamp} {number}-wal")
        number += 1
    os.replace(wal_path(path), aside)
    for leftover in (shm_path(path), identity_path(path)):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    return aside


def new_identity() -> int:
    return secrets.randbelow(2**31 - 2) + 1


def stamp_identity(connection: sqlite3.Connection, path: Path) -> bool:
    """Give the file a new identity for this editing session and write it beside the log.

    Every session gets its own number, not only the file's first: a copy made outside the
    program (Explorer's copy and paste) carries its original's number, and after the next
    session on either the two differ, so a log left by a crash of one is never replayed into
    the other. Stamped only while the log is empty: written beside first, then in the file and
    checkpointed at once. A crash in between leaves a log whose only change is the stamp; it is
    set aside, losing nothing. The file's modification time is put back, as the stamp is no
    change of the user's (it would otherwise take a needless backup of the whole bid).
    Returns False when the stamp could not be made now (the previous number is kept).
    """
    stamped = file_identity(path)
    if stamped != 0 and wal_has_changes(path):
        # This file's own log from a crash (judged so before opening): keep its number until
        # the log is folded in; the next session gets a new one.
        _keep_identity(path, stamped)
        return True
    before = path.stat()
    busy = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy is None or busy[0] != 0 or wal_has_changes(path):
        _keep_identity(path, stamped)  # another program has it open: nothing is re-keyed
        return False
    identity = new_identity()
    while identity == stamped:
        identity = new_identity()
    _record_identity(path, identity)
    connection.execute(f"PRAGMA user_version = {identity:d}")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with contextlib.suppress(OSError):
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    return True


def _keep_identity(path: Path, stamped: int) -> None:
    if stamped != 0 and recorded_identity(path) != stamped:
        _record_identity(path, stamped)


def _record_identity(path: Path, identity: int) -> None:
    temporary = identity_path(path).with_name(identity_path(path).name + ".tmp")
    temporary.write_text(str(identity), encoding="ascii")
    os.replace(temporary, identity_path(path))


def forget_identity(path: Path) -> None:
    """After the last connection closed and the log is gone, its identity file goes too."""
    if not _exists(wal_path(path)):
        with contextlib.suppress(OSError):
            identity_path(path).unlink()


# -- what stops editing --------------------------------------------------------------------------
def edit_obstacle(path: Path) -> str | None:
    """Why the bid cannot be edited where it is (read-only file or folder, name too long)."""
    longest = len(os.fsencode(path.name)) + max(len(IDENTITY_SUFFIX), len("-wal"))
    if longest > NAME_MAX_BYTES:
        return (
            "its name is too long for the files editing needs beside it; rename it to fewer "
            "than 240 characters to edit it"
        )
    if not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return f"its folder ({path.parent}) cannot be written to"
    return None


# -- a cleaned copy ------------------------------------------------------------------------------
def strip_foreign_objects(connection: sqlite3.Connection, revision: str) -> list[str]:
    """Drop from a copy everything its revision does not make; returns what was dropped.

    Only for a copy just made: the received file itself is never changed. What cannot be
    dropped (a changed column, changed links) is left, and the caller's check then refuses it.
    """
    expected = EXPECTED_SCHEMAS.get(revision)
    if expected is None:
        return []
    dropped: list[str] = []
    rows = connection.execute(
        "SELECT type, name, tbl_name FROM main.sqlite_master ORDER BY type = 'table'"
    ).fetchall()
    for kind, name, table in rows:
        kind, name, table = str(kind), str(name), str(table)
        if kind in ("trigger", "view"):
            connection.execute(f"DROP {kind.upper()} IF EXISTS main.{_quote(name)}")
            dropped.append(f"{kind} “{name}”")
        elif kind == "index" and name not in expected.indexes and table in expected.tables:
            if name.startswith("sqlite_autoindex_"):
                continue  # part of a table's own constraints; the check judges the table
            connection.execute(f"DROP INDEX IF EXISTS main.{_quote(name)}")
            dropped.append(f"an index “{name}”")
        elif kind == "table" and name not in expected.tables:
            if name in HARMLESS_INTERNAL_TABLES:
                continue
            connection.execute(f"DROP TABLE IF EXISTS main.{_quote(name)}")
            dropped.append(f"a table “{name}”")
    for table, shape in expected.tables.items():
        found = connection.execute(f"PRAGMA main.table_xinfo({_quote(table)})").fetchall()
        for row in found:
            column = str(row[1])
            if column not in shape.columns:
                connection.execute(f"ALTER TABLE main.{_quote(table)} DROP COLUMN {_quote(column)}")
                dropped.append(f"a column “{column}” in “{table}”")
    return dropped
