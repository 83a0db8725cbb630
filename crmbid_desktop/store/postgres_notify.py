"""Live screens on a shared server: each write's change set sent with NOTIFY, and who is where.

Server-only objects, outside the bid's Alembic schema and never copied with it: a schema
`crmbid_live` holding `change_set` (a change set too large for one notification, sent by
reference) and `presence` (which section each connected user has open). Presence rows are keyed
by the backend pid of the user's listening connection and count only while that connection is
alive in `pg_stat_activity`, so a crashed program or a lost network ends its presence by itself.

`publish` runs inside the writing transaction, so the notification goes out exactly when the
write commits (PostgreSQL delivers NOTIFY on commit, never for a rolled-back write).
`LiveListener` is a thread with its own connection doing LISTEN; it reports notifications and
the connection's state (connected, lost, back) to plain callables. No Qt here.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)

#: NOTIFY channels belong to one database already, so one fixed name is "this bid's channel".
CHANNEL = "crmbid_changes"
SCHEMA = "crmbid_live"
#: PostgreSQL refuses payloads of 8000 bytes or more; larger change sets go by reference.
MAX_PAYLOAD = 7900
#: A change set kept for reference is read within a second; an hour is ample for a slow reader.
KEEP_REFERENCED = "1 hour"
#: How often the listener checks its connection when no notification arrives (seconds).
HEARTBEAT = 1.0
#: How long a connection attempt may take before the server counts as unreachable (seconds).
CONNECT_TIMEOUT = 3

_OBJECTS = (
    f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}",
    f"CREATE TABLE IF NOT EXISTS {SCHEMA}.change_set ("
    " id bigserial PRIMARY KEY, sent_at timestamptz NOT NULL DEFAULT now(), payload text NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {SCHEMA}.presence ("
    " backend_pid integer PRIMARY KEY, who text NOT NULL, section_uuid text NOT NULL,"
    " section_label text NOT NULL, since timestamptz NOT NULL DEFAULT now())",
    # Anyone who may connect to the bid's database may see and announce who is where; the bid's
    # own tables keep their grants (grant_team_roles).
    f"GRANT USAGE ON SCHEMA {SCHEMA} TO PUBLIC",
    f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {SCHEMA} TO PUBLIC",
    f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO PUBLIC",
)


def install_live_objects(connection: Connection) -> None:
    """Make the live-screen tables (idempotent; called by `install_server_objects`).

    They live in their own schema so the recorder's triggers, Alembic's comparison and copying
    a bid (all of which look at the bid's schema only) never see them.
    """
    for statement in _OBJECTS:
        connection.exec_driver_sql(statement)


def live_objects_present(connection: Connection) -> bool:
    found = connection.execute(text(f"SELECT to_regclass('{SCHEMA}.presence') IS NOT NULL"))
    return bool(found.scalar())


def ensure_live_objects(engine: Engine) -> bool:
    """Make the tables in a bid set up before they existed; False if this user may not."""
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.begin() as connection:
            if not live_objects_present(connection):
                install_live_objects(connection)
        return True
    except DBAPIError as error:
        log.warning("Live-screen tables could not be made (%s); presence is off.", error)
        return False


# -- sending ----------------------------------------------------------------------------------------
def encode(message: Mapping[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def publish(connection: Connection, message: Mapping[str, Any], *, can_keep: bool = True) -> None:
    """Send `message` (plain JSON data) to every listener when this transaction commits.

    A message over the payload limit is kept in `crmbid_live.change_set` and the notification
    carries only its id (and the sender's origin, so the sender can skip it unread). Where that
    table could not be made (`can_keep` False), it says only that much changed: listeners then
    re-read everything.
    """
    payload = encode(message)
    if len(payload.encode("utf-8")) > MAX_PAYLOAD and not can_keep:
        payload = encode(
            {
                "origin": message.get("origin", ""),
                "who": str(message.get("who", ""))[:200],
                "summary": str(message.get("summary", ""))[:500],
                "everything": True,
            }
        )
    elif len(payload.encode("utf-8")) > MAX_PAYLOAD:
        kept = connection.execute(
            text(f"INSERT INTO {SCHEMA}.change_set (payload) VALUES (:payload) RETURNING id"),
            {"payload": payload},
        ).scalar_one()
        connection.execute(
            text(
                f"DELETE FROM {SCHEMA}.change_set WHERE sent_at < now() - CAST(:keep AS interval)"
            ),
            {"keep": KEEP_REFERENCED},
        )
        payload = encode({"origin": message.get("origin", ""), "ref": int(kept)})
    connection.execute(
        text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload}
    )


def announce_presence_changed(connection: Connection) -> None:
    connection.execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": CHANNEL, "payload": encode({"presence": True})},
    )


# -- presence -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Presence:
    """One other user with a section open: "Alice (Leeds) is editing 4.2"."""

    who: str
    section_uuid: str
    section_label: str
    since: datetime
    backend_pid: int

    def describe(self) -> str:
        return f"{self.who} is editing {self.section_label}"


def set_presence(engine: Engine, backend_pid: int, who: str, section_uuid: str, label: str) -> None:
    """Say that the user whose listening connection is `backend_pid` has this section open."""
    with engine.begin() as connection:
        connection.execute(
            text(
                f"INSERT INTO {SCHEMA}.presence (backend_pid, who, section_uuid, section_label) "
                "VALUES (:pid, :who, :uuid, :label) ON CONFLICT (backend_pid) DO UPDATE SET "
                "who = excluded.who, section_uuid = excluded.section_uuid, "
                "section_label = excluded.section_label, since = now()"
            ),
            {"pid": backend_pid, "who": who, "uuid": section_uuid, "label": label},
        )
        announce_presence_changed(connection)


def clear_presence(engine: Engine, backend_pid: int) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(f"DELETE FROM {SCHEMA}.presence WHERE backend_pid = :pid"), {"pid": backend_pid}
        )
        announce_presence_changed(connection)


def present(engine: Engine, *, except_pid: int | None = None) -> list[Presence]:
    """Who has which section open, counting only users whose connection is still alive.

    Rows left by a connection that died are removed on the way (any reader may tidy them).
    """
    with engine.begin() as connection:
        connection.execute(
            text(
                f"DELETE FROM {SCHEMA}.presence p WHERE NOT EXISTS (SELECT 1 FROM "
                "pg_stat_activity a WHERE a.pid = p.backend_pid AND a.datname = current_database())"
            )
        )
        rows = connection.execute(
            text(
                f"SELECT who, section_uuid, section_label, since, backend_pid FROM {SCHEMA}.presence "
                "ORDER BY since, who"
            )
        ).all()
    return [Presence(*row) for row in rows if except_pid is None or row[4] != except_pid]


def read_referenced(engine: Engine, ref: int) -> str | None:
    with engine.connect() as connection:
        found = connection.execute(
            text(f"SELECT payload FROM {SCHEMA}.change_set WHERE id = :id"), {"id": ref}
        ).scalar_one_or_none()
    return None if found is None else str(found)


def conninfo_for(location: Any, application_name: str) -> str:
    """The libpq connection string of a `ServerLocation` (no password: libpq's files give it)."""
    from psycopg.conninfo import make_conninfo

    parts: dict[str, Any] = {"dbname": location.database, "application_name": application_name}
    if location.host:
        parts["host"] = location.host
    if location.port:
        parts["port"] = location.port
    if location.user:
        parts["user"] = location.user
    parts.update(dict(location.options))
    return make_conninfo(**parts)


# -- listening ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConnectionState:
    """The listening connection: up since `since`, or lost at `since` and being retried."""

    connected: bool
    since: datetime


MessageHandler = Callable[[dict[str, Any]], None]
StateHandler = Callable[[ConnectionState], None]


class LiveListener:
    """A thread with its own connection doing LISTEN on the bid's channel.

    Reports each message (decoded JSON) and each change of connection state to the handlers,
    on its own thread. A lost connection is retried every second until it is back; a message
    that is not this program's JSON is ignored (logged), never raised.
    """

    def __init__(
        self,
        conninfo: str,
        on_message: MessageHandler,
        on_state: StateHandler,
        *,
        heartbeat: float = HEARTBEAT,
        on_heartbeat: Callable[[], None] | None = None,
    ) -> None:
        self.conninfo = conninfo
        self.on_message = on_message
        self.on_state = on_state
        self.heartbeat = heartbeat
        #: Called on each heartbeat while connected (a presence check for connections that died).
        self.on_heartbeat = on_heartbeat
        self.backend_pid: int | None = None
        self._stop = threading.Event()
        self._connected_once = threading.Event()
        self._thread = threading.Thread(target=self._run, name="crmbid-live", daemon=True)

    def start(self, *, wait: float = 5.0) -> bool:
        """Start listening; True once the first LISTEN is in place (within `wait` seconds)."""
        self._thread.start()
        return self._connected_once.wait(wait)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        import psycopg

        connected: bool | None = None
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self.conninfo,
                    autocommit=True,
                    connect_timeout=CONNECT_TIMEOUT,
                    # A network that is gone (no reset from the server) shows within seconds.
                    keepalives=1,
                    keepalives_idle=5,
                    keepalives_interval=2,
                    keepalives_count=2,
                    tcp_user_timeout=5000,
                ) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.backend_pid = connection.info.backend_pid
                    connected = True
                    self._tell_state(ConnectionState(True, datetime.now()))
                    self._connected_once.set()
                    self._listen(connection)
                self.backend_pid = None  # stopped: the connection is closed
            except psycopg.Error as error:
                if connected is not False:
                    log.info("Live connection lost: %s", error)
                    connected = False
                    self.backend_pid = None
                    self._tell_state(ConnectionState(False, datetime.now()))
                self._stop.wait(1.0)

    def _listen(self, connection: Any) -> None:
        last_check = time.monotonic()
        while not self._stop.is_set():
            for notification in connection.notifies(timeout=0.25, stop_after=50):
                self._deliver(notification.payload)
            if time.monotonic() - last_check >= self.heartbeat:
                # A killed backend or a dead network shows on the next round trip.
                connection.execute("SELECT 1")
                last_check = time.monotonic()
                if self.on_heartbeat is not None:
                    try:
                        self.on_heartbeat()
                    except Exception:
                        log.exception("A heartbeat handler failed")

    def _deliver(self, payload: str) -> None:
        try:
            message = json.loads(payload)
        except ValueError:
            log.warning("Ignored a notification that is not this program's: %.80s", payload)
            return
        if not isinstance(message, dict):
            return
        try:
            self.on_message(message)
        except Exception:  # a handler's bug must not end listening for the rest of the session
            log.exception("A live-screen handler failed")

    def _tell_state(self, state: ConnectionState) -> None:
        try:
            self.on_state(state)
        except Exception:
            log.exception("A connection-state handler failed")
