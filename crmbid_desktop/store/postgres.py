"""A bid in a PostgreSQL database: the same schema as a file, shared by a team on one server.

Everything PostgreSQL-specific is here: the `postgresql://` location (no passwords: libpq's
pgpass, service files or Kerberos/SSPI give them), the engine with `application_name` set to
the user and council, migration under an advisory lock, the row recorder behind undo and change
sets (plpgsql triggers writing to a per-session temporary table), and copying a bid's rows
between a file and a server.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL

from crmbid_desktop.store import postgres_notify
from crmbid_desktop.store.backend import (
    UNRECORDED_TABLES,
    KeptBlob,
    RowChange,
    is_server_location,
)

__all__ = ["PostgresBackend", "ServerLocation", "is_server_location"]
from crmbid_desktop.store.errors import (
    BidFileError,
    MigrationError,
    NewerVersionError,
    NotABidError,
)
from crmbid_desktop.store.schema import SCHEMA_HEAD

if TYPE_CHECKING:
    from crmbid_desktop.store.bidfile import BidFile

#: Key of the advisory lock every client takes to create or migrate a bid's schema, so two
#: people opening an old bid at once never both migrate it. Any fixed number works.
MIGRATION_LOCK_KEY = 2005_0301
URL_SCHEMES = ("postgresql", "postgres")
#: Query parameters passed through to libpq; anything else in a URL is refused by name.
ALLOWED_PARAMETERS = frozenset(
    {"sslmode", "sslrootcert", "sslcert", "sslkey", "service", "connect_timeout", "gssencmode"}
)
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


class ServerLocationError(ValueError):
    """A `postgresql://` address that cannot be used, with what is wrong in words."""


@dataclass(frozen=True)
class ServerLocation:
    """Where a bid on a server is: host, port, database and connection options, no password."""

    host: str
    database: str
    port: int | None = None
    user: str = ""
    options: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @classmethod
    def parse(cls, url: str) -> ServerLocation:
        """Read a `postgresql://[user@]host[:port]/database[?sslmode=…]` address.

        A password in it is refused: it would end up in recent files, settings and logs.
        """
        parts = urlsplit(url.strip())
        if parts.scheme.lower() not in URL_SCHEMES:
            raise ServerLocationError(f"“{url}” is not a postgresql:// address.")
        if parts.password is not None:
            raise ServerLocationError(
                "the address holds a password. Passwords are never put in addresses, settings "
                "or logs: put it in your pgpass file (pgpass.conf on Windows) or a service "
                "file, or ask IT for Kerberos/SSPI sign-in, and use the address without it."
            )
        database = unquote(parts.path.lstrip("/"))
        options = tuple(parse_qsl(parts.query, keep_blank_values=True))
        unknown = sorted({name for name, _ in options} - ALLOWED_PARAMETERS)
        if unknown:
            raise ServerLocationError(
                f"the address has options this program does not pass on: {', '.join(unknown)} "
                f"(it takes {', '.join(sorted(ALLOWED_PARAMETERS))})."
            )
        for name, value in options:
            if name == "sslmode" and value not in SSL_MODES:
                raise ServerLocationError(
                    f"sslmode “{value}” is not one of {', '.join(SSL_MODES)}."
                )
        if not database and not any(name == "service" for name, _ in options):
            raise ServerLocationError(f"“{url}” names no database (postgresql://host/database).")
        try:
            port = parts.port
        except ValueError as error:
            raise ServerLocationError(f"the port in “{url}” is not a number.") from error
        return cls(
            host=parts.hostname or "",
            database=database,
            port=port,
            user=unquote(parts.username or ""),
            options=options,
        )

    @property
    def sslmode(self) -> str:
        return dict(self.options).get("sslmode", "")

    def url(self) -> str:
        """The address again, as it may be shown, saved and logged (it has no password)."""
        who = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        query = "&".join(f"{name}={value}" for name, value in self.options)
        return f"postgresql://{who}{self.host}{port}/{self.database}" + (
            f"?{query}" if query else ""
        )

    def describe(self) -> str:
        """“database on host”, the bid's place in words (window title, messages)."""
        return f"{self.database} on {self.host or 'this computer'}"

    def sqlalchemy_url(self) -> URL:
        return URL.create(
            "postgresql+psycopg",
            username=self.user or None,
            host=self.host or None,
            port=self.port,
            database=self.database or None,
            query=dict(self.options),
        )


def application_name(user: str, council: str = "") -> str:
    """What the server shows for this connection (pg_stat_activity): the user and council."""
    name = f"CRM Bid Desktop: {user}" + (f" ({council})" if council else "")
    return name[:63]  # the server keeps 63 bytes


def make_engine(location: ServerLocation, *, user: str = "", council: str = "") -> Engine:
    """An engine on the bid's database; the password, if any, comes from libpq's own files."""
    return create_engine(
        location.sqlalchemy_url(),
        connect_args={"application_name": application_name(user or _login_name(), council)},
        pool_pre_ping=True,
    )


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some locked-down machines
        return "unknown user"


def _error_path(location: ServerLocation) -> Path:
    """The name errors carry (they name a path): the bid's place in words."""
    return Path(location.describe())


def describe_connection_error(location: ServerLocation, error: BaseException) -> BidFileError:
    """A server that cannot be reached or refuses the sign-in, in words (never a traceback)."""
    cause = getattr(error, "orig", error)
    message = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    return BidFileError(
        _error_path(location),
        f"the server could not be used ({message}). Check the address, that the server is "
        "running, and that your pgpass or service file has the password if one is needed.",
    )


# -- schema: inspect, create, migrate --------------------------------------------------------------
def current_revision(connection: Connection) -> str:
    """The bid's schema revision; "" for an empty database (no bid yet)."""
    exists = connection.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar()
    if not exists:
        return ""
    row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    return "" if row is None else str(row[0])


def _refuse_newer(location: ServerLocation, revision: str) -> None:
    from crmbid_desktop.store.schema import known_revisions

    if revision and revision != SCHEMA_HEAD and revision not in known_revisions():
        raise NewerVersionError(
            _error_path(location),
            f"it was saved by a newer version of CRM Bid Desktop (schema {revision}). Please "
            "install the newer version; the database has not been changed.",
        )


def _advisory_lock(connection: Connection) -> None:
    """Held until the transaction ends: one client at a time creates or migrates the schema."""
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


def install_server_objects(connection: Connection) -> None:
    """The recorder's trigger function and triggers, and deferrable foreign keys.

    Not part of the Alembic schema (which both backends share unchanged): PostgreSQL has no
    temporary triggers, so the triggers are permanent but write only when the session has asked
    to record (see `start_recording`). Foreign keys become DEFERRABLE (still checked at once
    unless a transaction defers them) so undo and copying can put rows back in any order.
    """
    connection.execute(text(_RECORDER_FUNCTION))
    tables = [
        str(row[0])
        for row in connection.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "ORDER BY tablename"
            )
        )
    ]
    for table in tables:
        if table in UNRECORDED_TABLES:
            continue
        name = quote_name(f"crmbid_record_{table}")
        connection.execute(
            text(
                f"CREATE OR REPLACE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON "
                f"{quote_name(table)} FOR EACH ROW EXECUTE FUNCTION crmbid_record_row()"
            )
        )
    from crmbid_desktop.store.row_versions import install_postgres_triggers

    install_postgres_triggers(connection, tables)
    for table, constraint in connection.execute(
        text(
            "SELECT rel.relname, con.conname FROM pg_constraint con "
            "JOIN pg_class rel ON rel.oid = con.conrelid "
            "JOIN pg_namespace ns ON ns.oid = rel.relnamespace "
            "WHERE con.contype = 'f' AND NOT con.condeferrable AND ns.nspname = current_schema()"
        )
    ):
        connection.execute(
            text(
                f"ALTER TABLE {quote_name(str(table))} ALTER CONSTRAINT "
                f"{quote_name(str(constraint))} DEFERRABLE INITIALLY IMMEDIATE"
            )
        )
    # Councils' rights (row-level security and its guard): store/postgres_rights.py.
    from crmbid_desktop.store.postgres_rights import install_rights

    install_rights(connection)
    postgres_notify.install_live_objects(connection)  # live screens: NOTIFY and presence


def upgrade(location: ServerLocation, engine: Engine) -> str:
    """Bring the bid's schema to this program's head under the advisory lock; returns the
    revision found. A bid from a newer program raises NewerVersionError, unchanged."""
    from crmbid_desktop.store.schema import upgrade_to_head

    with engine.begin() as connection:
        _advisory_lock(connection)
        revision = current_revision(connection)
        if not revision:
            raise NotABidError(
                _error_path(location),
                "the database holds no bid. Move a bid there (File > Move to a server…) or "
                "create one with “crmbid-desktop server init”.",
            )
        _refuse_newer(location, revision)
        if revision != SCHEMA_HEAD:
            try:
                upgrade_to_head(connection)
                install_server_objects(connection)
            except Exception as error:
                raise MigrationError(
                    _error_path(location),
                    f"updating it from schema {revision} failed ({error}); the database was "
                    "left as it was (take a pg_dump backup before trying again).",
                ) from error
        return revision


def create_schema(location: ServerLocation, connection: Connection) -> None:
    """Make the bid's schema in an empty database (the caller holds the transaction)."""
    from crmbid_desktop.store.schema import upgrade_to_head

    _advisory_lock(connection)
    revision = current_revision(connection)
    if revision:
        raise BidFileError(
            _error_path(location),
            "the database already holds a bid; it has not been changed.",
        )
    leftovers = connection.execute(
        text("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
    ).scalar()
    if leftovers:
        raise BidFileError(
            _error_path(location),
            f"the database is not empty ({leftovers} tables that are not a bid); a bid can "
            "only be made in an empty database. Nothing was changed.",
        )
    upgrade_to_head(connection)
    install_server_objects(connection)


# -- recording what an edit changed ----------------------------------------------------------------
# A permanent trigger on every table calls one function; it writes only when the session has set
# crmbid.recording (a transaction-local setting made by start_recording), into a temporary table
# that belongs to this session alone. Updates keep only the columns whose values changed.
_LOG = "pg_temp.crmbid_row_changes"
_RECORDER_FUNCTION = """
CREATE OR REPLACE FUNCTION crmbid_record_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_row jsonb;
  new_row jsonb;
  changed jsonb;
BEGIN
  IF coalesce(current_setting('crmbid.recording', true), '') <> 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    new_row := to_jsonb(NEW);
    INSERT INTO pg_temp.crmbid_row_changes(tbl, op, row_id, uuid, old)
      VALUES (TG_TABLE_NAME, 'insert', (new_row->>'id')::bigint, new_row->>'uuid', NULL);
  ELSIF TG_OP = 'UPDATE' THEN
    old_row := to_jsonb(OLD);
    new_row := to_jsonb(NEW);
    SELECT coalesce(jsonb_object_agg(o.key, o.value), '{}'::jsonb) INTO changed
      FROM jsonb_each(old_row) AS o WHERE o.value IS DISTINCT FROM new_row->o.key;
    IF changed <> '{}'::jsonb THEN
      INSERT INTO pg_temp.crmbid_row_changes(tbl, op, row_id, uuid, old)
        VALUES (TG_TABLE_NAME, 'update', (old_row->>'id')::bigint, new_row->>'uuid', changed);
    END IF;
  ELSE
    old_row := to_jsonb(OLD);
    INSERT INTO pg_temp.crmbid_row_changes(tbl, op, row_id, uuid, old)
      VALUES (TG_TABLE_NAME, 'delete', (old_row->>'id')::bigint, old_row->>'uuid', old_row);
  END IF;
  RETURN NULL;
END
$$
"""


def quote_name(name: str) -> str:
    """An SQL identifier quoted so that any name stays a name."""
    return '"' + name.replace('"', '""') + '"'


def _blob_columns(connection: Connection) -> dict[str, frozenset[str]]:
    """Each table's bytea columns (their old values come back as KeptBlob)."""
    cache = connection.info.get("crmbid_blob_columns")
    if isinstance(cache, dict):
        return cache
    found: dict[str, set[str]] = {}
    for table, column in connection.execute(
        text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = 'bytea'"
        )
    ):
        found.setdefault(str(table), set()).add(str(column))
    blobs = {table: frozenset(columns) for table, columns in found.items()}
    connection.info["crmbid_blob_columns"] = blobs
    return blobs


def start_recording(connection: Connection) -> None:
    """Record every row this transaction changes from now on, forgetting earlier records."""
    connection.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {_LOG.split('.')[1]} (seq bigserial PRIMARY KEY, "
        "tbl text NOT NULL, op text NOT NULL, row_id bigint NOT NULL, uuid text, old jsonb) "
        "ON COMMIT PRESERVE ROWS"
    )
    connection.exec_driver_sql(f"DELETE FROM {_LOG}")
    connection.exec_driver_sql("SELECT set_config('crmbid.recording', 'on', true)")


def _from_json(value: object, blob: bool) -> object:
    if blob and isinstance(value, str) and value.startswith("\\x"):
        return KeptBlob(bytes.fromhex(value[2:]))
    return value


def recorded_changes(connection: Connection) -> list[RowChange]:
    """The rows changed since `start_recording`, in the order they changed."""
    blobs = _blob_columns(connection)
    rows = connection.exec_driver_sql(
        f"SELECT tbl, op, row_id, uuid, old FROM {_LOG} ORDER BY seq"
    ).fetchall()
    connection.exec_driver_sql(f"DELETE FROM {_LOG}")
    changes: list[RowChange] = []
    for table, op, row_id, uuid, old_json in rows:
        old: dict[str, object] | None = None
        if old_json is not None:
            raw = old_json if isinstance(old_json, dict) else json.loads(old_json)
            table_blobs = blobs.get(str(table), frozenset())
            old = {
                column: _from_json(value, column in table_blobs) for column, value in raw.items()
            }
        changes.append(RowChange(str(table), str(op), int(row_id), str(uuid or ""), old))
    return changes


def _to_json(value: object) -> object:
    if isinstance(value, KeptBlob):
        return "\\x" + value.data.hex()
    if isinstance(value, bytes):
        return "\\x" + value.hex()
    return value


def take_back_changes(connection: Connection, changes: Sequence[RowChange]) -> None:
    """Put every row in `changes` back as it was, newest change first.

    Values go back through jsonb_populate_record, so each comes back as its column's own type;
    foreign keys are checked at commit, so the order rows come back in cannot trip them.
    """
    connection.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")
    for change in reversed(changes):
        table = quote_name(change.table)
        old = {column: _to_json(value) for column, value in (change.old or {}).items()}
        if change.op == "insert":
            connection.execute(text(f"DELETE FROM {table} WHERE id = :id"), {"id": change.row_id})
        elif change.op == "update" and old:
            names = ", ".join(quote_name(column) for column in old)
            connection.execute(
                text(
                    f"UPDATE {table} SET ({names}) = (SELECT {names} FROM "
                    f"jsonb_populate_record(NULL::{table}, CAST(:old AS jsonb))) WHERE id = :id"
                ),
                {"old": json.dumps(old), "id": change.row_id},
            )
        elif change.op == "delete":
            names = ", ".join(quote_name(column) for column in old)
            connection.execute(
                text(
                    f"INSERT INTO {table} ({names}) SELECT {names} FROM "
                    f"jsonb_populate_record(NULL::{table}, CAST(:old AS jsonb))"
                ),
                {"old": json.dumps(old)},
            )


# -- copying a bid's rows between places -----------------------------------------------------------
def _copied_tables() -> list[Any]:
    from crmbid_desktop.store.models import Base

    return list(Base.metadata.sorted_tables)


def copy_rows(source: Connection, target: Connection, *, batch: int = 500) -> dict[str, int]:
    """Copy every row of every table, ids and UUIDs as they are; returns rows per table.

    The target's tables must be empty (its Bid row included). Foreign keys are deferred on the
    target for the copy so a section may come before its parent.
    """
    if target.dialect.name == "postgresql":
        target.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")
    else:
        target.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
    counts: dict[str, int] = {}
    for table in _copied_tables():
        count = 0
        result = source.execute(table.select().order_by(*table.primary_key.columns))
        while rows := result.fetchmany(batch):
            target.execute(table.insert(), [dict(row._mapping) for row in rows])
            count += len(rows)
        counts[table.name] = count
    if target.dialect.name == "postgresql":
        move_sequences_on(target)
    return counts


def move_sequences_on(connection: Connection) -> None:
    """Set each table's id sequence past the highest id copied in, so new rows never collide."""
    for table in _copied_tables():
        if "id" not in table.c:
            continue
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                f"coalesce((SELECT max(id) FROM {quote_name(table.name)}), 0) + 1, false)"
            ),
            {"table": table.name},
        )


# -- the backend ---------------------------------------------------------------------------------
class PostgresBackend:
    """A bid in a PostgreSQL database that a team shares; the program's file backups are off."""

    kind = "server"

    def __init__(self, location: ServerLocation, *, user: str = "", council: str = "") -> None:
        self.location = location
        self.user = user
        self.council = council

    def describe(self) -> str:
        return self.location.describe()

    def place(self) -> Path | str:
        return self.location.url()

    @property
    def name(self) -> Path:
        return _error_path(self.location)

    def _connect(self) -> Engine:
        from sqlalchemy.exc import DBAPIError

        engine = make_engine(self.location, user=self.user, council=self.council)
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except DBAPIError as error:
            engine.dispose()
            raise describe_connection_error(self.location, error) from error
        return engine

    def open(self, *, backups_dir: Path | None = None, read_only: bool = False) -> BidFile:
        from crmbid_desktop.store.bidfile import BidFile

        engine = self._connect()
        try:
            if read_only:
                with engine.connect() as connection:
                    revision = current_revision(connection)
                if not revision:
                    raise NotABidError(self.name, "the database holds no bid.")
                _refuse_newer(self.location, revision)
                if revision != SCHEMA_HEAD:
                    raise BidFileError(
                        self.name,
                        "it needs updating to this version, which cannot be done read-only.",
                    )
            else:
                self.upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
        return BidFile(self.name, engine, read_only=read_only, backend=self)

    def upgrade(self, engine: Engine) -> str:
        from sqlalchemy.exc import DBAPIError

        try:
            return upgrade(self.location, engine)
        except DBAPIError as error:
            raise describe_connection_error(self.location, error) from error

    def create(self, *, title: str) -> BidFile:
        from crmbid_desktop.store.bidfile import BidFile
        from crmbid_desktop.store.models import Bid

        engine = self._connect()
        try:
            with engine.begin() as connection:
                create_schema(self.location, connection)
            bid = BidFile(self.name, engine, backend=self)
            with bid.transaction() as session:
                session.add(Bid(title=title))
        except BaseException:
            engine.dispose()
            raise
        return bid

    def inspect(self) -> str:
        engine = self._connect()
        try:
            with engine.connect() as connection:
                revision = current_revision(connection)
        finally:
            engine.dispose()
        if not revision:
            raise NotABidError(self.name, "the database holds no bid.")
        _refuse_newer(self.location, revision)
        return revision

    def start_recording(self, connection: Any) -> None:
        start_recording(connection)

    def recorded_changes(self, connection: Any) -> list[RowChange]:
        return recorded_changes(connection)

    def take_back_changes(self, connection: Any, changes: Sequence[RowChange]) -> None:
        take_back_changes(connection, changes)

    def copy_to_file(self, engine: Engine, target: Path) -> None:
        """Save a copy as a file: every row, ids and UUIDs as they are, into a new bid file."""
        copy_server_to_file(engine, target)

    def close(self, engine: Engine, *, read_only: bool) -> None:
        # Nothing to fold in on a server: the pool is closed and any error in doing so raised.
        engine.dispose()


def copy_server_to_file(engine: Engine, target: Path) -> None:
    """Write the bid on a server as a new bid file at `target` (made under a temporary name).

    Read in one REPEATABLE READ transaction, so the copy is the bid at one moment even while
    others edit.
    """
    import contextlib
    import os
    import sqlite3

    from crmbid_desktop.store import sqlite as sqlite_store
    from crmbid_desktop.store.schema import upgrade_to_head

    target = Path(target).resolve()
    if target.exists():
        raise BidFileError(target, "a file of that name already exists; it has not been changed.")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".part")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    file_engine = sqlite_store.make_engine(temporary)
    try:
        with (
            engine.connect().execution_options(isolation_level="REPEATABLE READ") as source,
            file_engine.begin() as copy,
            source.begin(),
        ):
            revision = current_revision(source)
            if revision != SCHEMA_HEAD:
                raise BidFileError(
                    target, f"the bid on the server is at schema {revision}, not {SCHEMA_HEAD}."
                )
            upgrade_to_head(copy)
            copy_rows(source, copy)
        file_engine.dispose()
        # One self-contained file to email: the write-ahead log folded in and switched off.
        connection = sqlite3.connect(temporary)
        try:
            connection.execute("PRAGMA journal_mode=DELETE")
        finally:
            connection.close()
    except BaseException:
        file_engine.dispose()
        for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        raise
    with temporary.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, target)


def move_file_to_server(path: Path, location: ServerLocation, *, user: str = "") -> dict[str, int]:
    """Copy a bid file's rows (ids, UUIDs, change log, versions, attachments) into an empty
    database, then move its sequences on. The file is only read; returns rows per table.

    The whole copy is one transaction: a failure leaves the database as empty as it was.
    """
    from sqlalchemy.exc import DBAPIError

    from crmbid_desktop.store import sqlite as sqlite_store
    from crmbid_desktop.store.bidfile import inspect_file

    inspection = inspect_file(Path(path))
    if inspection.revision != SCHEMA_HEAD:
        raise BidFileError(
            Path(path),
            f"it is at schema {inspection.revision}; open it once in this version to update it, "
            "then move it.",
        )
    engine = make_engine(location, user=user)
    from crmbid_desktop.store.sqlite_trust import no_trace_possible

    file_engine = sqlite_store.make_engine(
        Path(path), read_only=True, immutable=no_trace_possible(Path(path))
    )
    try:
        with engine.begin() as target, file_engine.connect() as source:
            create_schema(location, target)
            return copy_rows(source, target)
    except DBAPIError as error:
        raise describe_connection_error(location, error) from error
    finally:
        file_engine.dispose()
        engine.dispose()


def _schema_differences(differences: list[Any]) -> list[str]:
    """Alembic's differences in words, without the foreign keys this backend made DEFERRABLE
    (each shows as the same key removed and added again)."""
    removed = {getattr(item[1], "name", None) for item in differences if item[0] == "remove_fk"}
    added = {getattr(item[1], "name", None) for item in differences if item[0] == "add_fk"}
    remade = (removed & added) - {None}
    lines = []
    for item in differences:
        fk = isinstance(item, tuple) and item[0] in ("remove_fk", "add_fk")
        if fk and getattr(item[1], "name", None) in remade:
            continue
        if isinstance(item, tuple) and len(item) >= 2:
            subject = getattr(item[1], "name", None) or item[1]
            lines.append(f"{str(item[0]).replace('_', ' ')} {subject}")
        else:
            lines.append(str(item))
    return lines


def check_server_bid(location: ServerLocation) -> tuple[str, list[str]]:
    """Read-only check of a bid on a server: its revision and the problems found.

    Problems are: no bid there, a newer or older schema, and any difference between the tables
    on the server and the ones this program makes (Alembic's compare_metadata).
    """
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy.exc import DBAPIError

    from crmbid_desktop.store.models import Base

    engine = make_engine(location)
    try:
        with engine.connect() as connection:
            revision = current_revision(connection)
            if not revision:
                return "", ["the database holds no bid."]
            if revision != SCHEMA_HEAD:
                return revision, [
                    f"schema {revision} differs from this program's {SCHEMA_HEAD} (it will be "
                    "updated when opened, or needs a newer program)."
                ]
            context = MigrationContext.configure(connection)
            differences = compare_metadata(context, Base.metadata)
            return revision, [
                f"the schema differs: {line}" for line in _schema_differences(differences)
            ]
    except DBAPIError as error:
        raise describe_connection_error(location, error) from error
    finally:
        engine.dispose()


# -- setting a server up for a team ------------------------------------------------------------------
def role_name(database: str, who: str) -> str:
    """A role name for `who` ("admin" or a council) on this bid's database: lower-case letters,
    digits and underscores, at most 63 characters (roles are shared by every database)."""
    import re

    slug = re.sub(r"[^a-z0-9]+", "_", f"{database} {who}".lower()).strip("_")
    return slug[:63]


def grant_team_roles(
    location: ServerLocation, connection: Connection, councils: Sequence[str]
) -> list[str]:
    """Group roles for the bid: one admin role for the lead council's IT and one per council.

    Each may read every table; what each may write is kept by row-level security
    (store/postgres_rights.py, `assign_councils`); the admin role may also update the schema.
    People are given a login role of their own by IT and made members of their council's role.
    Returns what was done, in words.
    """
    done: list[str] = []
    existing = {str(row[0]) for row in connection.execute(text("SELECT rolname FROM pg_roles"))}
    admin = role_name(location.database, "admin")
    wanted = [(admin, "the lead council's administrators")] + [
        (role_name(location.database, council), council) for council in councils
    ]
    for role, who in wanted:
        if role in existing:
            done.append(f"Role {role} ({who}) already exists: kept.")
        else:
            connection.execute(text(f"CREATE ROLE {quote_name(role)} NOLOGIN"))
            done.append(f"Created role {role} ({who}).")
        connection.execute(
            text(
                f"GRANT CONNECT, TEMPORARY ON DATABASE {quote_name(location.database)} "
                f"TO {quote_name(role)}"
            )
        )
        connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {quote_name(role)}"))
        connection.execute(
            text(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
                f"TO {quote_name(role)}"
            )
        )
        connection.execute(
            text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quote_name(role)}")
        )
        done.append(f"Granted {role} reading every table of the bid (writing: its council's rows).")
    # Updating the schema (a newer program) takes the tables' owner: the admin role becomes it.
    for table in _copied_tables():
        connection.execute(
            text(f"ALTER TABLE {quote_name(table.name)} OWNER TO {quote_name(admin)}")
        )
    connection.execute(text(f"ALTER TABLE alembic_version OWNER TO {quote_name(admin)}"))
    connection.execute(text(f"ALTER FUNCTION crmbid_record_row() OWNER TO {quote_name(admin)}"))
    done.append(f"Made {admin} the owner of the bid's tables (it updates the schema).")
    return done
