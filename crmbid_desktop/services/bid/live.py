"""Live screens for a bid on a shared server: other users' writes, who is where, the connection.

`LiveBid.start(workspace)` (None for a bid file) sends every write's change set to the other
users when it commits, and turns theirs into `ChangeSet`s of kind "remote" that reach the
Workspace's change listeners, exactly as a local write does, so pages update the same way. A
user's own writes come back from the server too and are skipped (each session has an origin id).
Presence ("Alice (Leeds) is editing 4.2") and the connection's state are reported to listeners;
every listener is called on the listening thread, so a GUI must hand the call to its own thread.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from sqlalchemy.orm import Session

from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.store import postgres_notify
from crmbid_desktop.store.postgres_notify import ConnectionState, Presence

__all__ = [
    "ConnectionState",
    "LiveBid",
    "Presence",
    "announce_writes",
    "message_of",
    "remote_change_set",
]

log = logging.getLogger(__name__)

#: How often (seconds) presence is looked at again for users whose connection died silently.
PRESENCE_CHECK = 5.0

PresenceListener = Callable[[list[Presence]], None]
StateListener = Callable[[ConnectionState], None]


def message_of(changes: ChangeSet, origin: str) -> dict[str, Any]:
    """A change set as plain JSON data (sorted, so the same set always reads the same)."""

    def part(rows: Mapping[str, frozenset[str]]) -> dict[str, list[str]]:
        return {table: sorted(uuids) for table, uuids in sorted(rows.items())}

    return {
        "origin": origin,
        "who": changes.who,
        "summary": changes.summary,
        "kind": changes.kind,
        "added": part(changes.added),
        "changed": part(changes.changed),
        "removed": part(changes.removed),
    }


def remote_change_set(message: Mapping[str, Any]) -> ChangeSet:
    """Another user's change set, of kind "remote"; anything malformed in it is left out."""

    def part(name: str) -> Mapping[str, frozenset[str]]:
        rows = message.get(name)
        if not isinstance(rows, dict):
            return MappingProxyType({})
        return MappingProxyType(
            {
                str(table): frozenset(str(value) for value in uuids)
                for table, uuids in rows.items()
                if isinstance(uuids, list) and uuids
            }
        )

    return ChangeSet(
        summary=str(message.get("summary", "")),
        who=str(message.get("who", "")),
        kind="remote",
        added=part("added"),
        changed=part("changed"),
        removed=part("removed"),
    )


def announce_writes(workspace: Workspace) -> None:
    """Send `workspace`'s writes to the users of a bid on a server, without listening.

    For the command line (`import`, `merge` on a server bid): open windows then show its rows
    as they show each other's. Does nothing for a bid file or a read-only bid.
    """
    if not workspace.bid.on_server or workspace.read_only:
        return
    origin = uuid.uuid4().hex
    can_keep = postgres_notify.ensure_live_objects(workspace.bid.engine)

    def publish(session: Session, changes: ChangeSet) -> None:
        postgres_notify.publish(
            session.connection(), message_of(changes, origin), can_keep=can_keep
        )

    workspace.on_publish(publish)


class LiveBid:
    """One user's live link to a bid on a server (see the module docstring)."""

    def __init__(self, workspace: Workspace, conninfo: str) -> None:
        self.workspace = workspace
        self.origin = uuid.uuid4().hex
        self.state: ConnectionState | None = None
        #: Which section this user has open (uuid, label), announced again after a reconnect.
        self._section: tuple[str, str] | None = None
        self._presence_listeners: list[PresenceListener] = []
        self._state_listeners: list[StateListener] = []
        self._lock = threading.Lock()
        self._known: dict[str, frozenset[str]] | None = None
        self._stopped = False
        self.presence_available = postgres_notify.ensure_live_objects(workspace.bid.engine)
        self.listener = postgres_notify.LiveListener(
            conninfo, self._on_message, self._on_state, on_heartbeat=self._check_presence
        )
        #: Who else was last reported present, and when presence was last checked.
        self._last_others: list[Presence] | None = None
        self._last_check = 0.0
        workspace.on_publish(self._publish)
        workspace.on_close(self.stop)

    @classmethod
    def start(cls, workspace: Workspace, *, council: str = "") -> LiveBid | None:
        """Start listening for other users' writes on `workspace`; None for a bid file."""
        from crmbid_desktop.store.postgres import PostgresBackend, application_name

        backend = workspace.bid.backend
        if not isinstance(backend, PostgresBackend) or workspace.read_only:
            return None
        name = application_name(workspace.user or backend.user, council or backend.council)
        live = cls(workspace, postgres_notify.conninfo_for(backend.location, name))
        # The rows there are now, followed through every write: after an outage, what was
        # removed meanwhile is known too.
        live._known = live._uuids()
        workspace.on_changed(live._follow)
        live.listener.start()
        return live

    def stop(self) -> None:
        """Stop listening (the bid is closing): presence ends, and the others are told."""
        if self._stopped:
            return
        self.workspace.remove_publisher(self._publish)
        self.workspace.remove_change_listener(self._follow)
        if self._section is not None:
            self.leave_section()
        self._stopped = True  # from here on nothing reads or writes the bid (it is closing)
        if self.listener.running:
            self.listener.stop()

    # -- listeners ------------------------------------------------------------------------------
    def on_presence(self, listener: PresenceListener) -> None:
        """Be told who else has which section open, each time that changes."""
        self._presence_listeners.append(listener)

    def on_state(self, listener: StateListener) -> None:
        """Be told when the connection to the server is lost and when it is back."""
        self._state_listeners.append(listener)

    @property
    def connected(self) -> bool:
        return self.state is not None and self.state.connected

    # -- presence -------------------------------------------------------------------------------
    def open_section(self, section_uuid: str, label: str) -> None:
        """This user now has section `label` ("4.2") open in the editor."""
        with self._lock:
            self._section = (section_uuid, label)
        self._announce()

    def leave_section(self) -> None:
        with self._lock:
            self._section = None
        self._announce()

    def others(self) -> list[Presence]:
        """Who else has a section open now (users whose connection died are not counted)."""
        if not self.presence_available or self._stopped:
            return []
        try:
            return postgres_notify.present(
                self.workspace.bid.engine, except_pid=self.listener.backend_pid
            )
        except Exception as error:  # the server is away: nobody can be shown as present
            log.info("Presence could not be read: %s", error)
            return []

    def _announce(self) -> None:
        pid = self.listener.backend_pid
        if pid is None or not self.presence_available or self._stopped:
            return  # not connected: announced again once the connection is back
        engine = self.workspace.bid.engine
        try:
            if self._section is None:
                postgres_notify.clear_presence(engine, pid)
            else:
                section_uuid, label = self._section
                postgres_notify.set_presence(engine, pid, self.workspace.user, section_uuid, label)
        except Exception as error:  # presence is a courtesy: never a failure for the user
            log.info("Presence could not be announced: %s", error)

    # -- the server's side ---------------------------------------------------------------------
    def _publish(self, session: Session, changes: ChangeSet) -> None:
        postgres_notify.publish(
            session.connection(),
            message_of(changes, self.origin),
            can_keep=self.presence_available,
        )

    def _on_message(self, message: dict[str, Any]) -> None:
        if message.get("presence"):
            self._tell_presence()
            return
        if message.get("origin") == self.origin:
            return  # this user's own write, already shown when it was saved
        ref = message.get("ref")
        if ref is not None:
            import json

            kept = postgres_notify.read_referenced(self.workspace.bid.engine, int(ref))
            if kept is None:
                log.warning("A change set sent by reference (%s) was no longer there", ref)
                return
            message = json.loads(kept)
        if message.get("everything"):
            everything = self.everything()
            changes = dataclasses.replace(
                everything,
                who=str(message.get("who", "")),
                summary=str(message.get("summary", "")),
            )
        else:
            changes = remote_change_set(message)
        if changes:
            self.workspace.tell_changed(changes)

    def _uuids(self) -> dict[str, frozenset[str]]:
        """Every row of the bid that has a UUID, by table."""
        from sqlalchemy import select

        from crmbid_desktop.store.models import Base

        found: dict[str, frozenset[str]] = {}
        with self.workspace.reading() as session:
            for table in Base.metadata.sorted_tables:
                if "uuid" in table.c:
                    uuids = frozenset(
                        str(u) for u in session.execute(select(table.c.uuid)).scalars()
                    )
                    if uuids:
                        found[table.name] = uuids
        return found

    def _follow(self, changes: ChangeSet) -> None:
        """Keep the rows known to exist up to date with every write, own or others'."""
        with self._lock:
            if self._known is None:
                return
            for table in changes.tables:
                rows = self._known.get(table, frozenset())
                self._known[table] = (rows | changes.added_to(table)) - changes.removed_from(table)

    def everything(self) -> ChangeSet:
        """What the pages re-read after an outage, when notifications were missed.

        Every row of the bid counts as changed; rows known before that are gone now count as
        removed and new ones as added, so pages also drop rows removed meanwhile. Forms still
        keep any typing.
        """
        now = self._uuids()
        with self._lock:
            known, self._known = self._known, dict(now)
        added: dict[str, frozenset[str]] = {}
        removed: dict[str, frozenset[str]] = {}
        changed: dict[str, frozenset[str]] = {}
        for table in set(now) | set(known or {}):
            current = now.get(table, frozenset())
            before = (known or {}).get(table, current)
            if current - before:
                added[table] = current - before
            if before - current:
                removed[table] = before - current
            if current & before:
                changed[table] = current & before
        return ChangeSet(
            summary="Changes made while the connection was lost",
            who="",
            kind="remote",
            added=MappingProxyType(added),
            changed=MappingProxyType(changed),
            removed=MappingProxyType(removed),
        )

    def _on_state(self, state: ConnectionState) -> None:
        was_lost = self.state is not None and not self.state.connected
        self.state = state
        if state.connected and self._section is not None:
            self._announce()  # a new connection has a new pid: say again where this user is
        if state.connected and was_lost:
            try:
                self.workspace.tell_changed(self.everything())
            except Exception as error:  # lost again at once: the next reconnect catches up
                log.info("Could not catch up after the outage: %s", error)
        for listener in list(self._state_listeners):
            listener(state)
        if state.connected:
            self._tell_presence()

    def _check_presence(self) -> None:
        """Every few seconds: a user whose connection died sends nothing, so look again."""
        now = time.monotonic()
        if self._presence_listeners and now - self._last_check >= PRESENCE_CHECK:
            self._last_check = now
            if self.others() != self._last_others:
                self._tell_presence()

    def _tell_presence(self) -> None:
        if not self._presence_listeners:
            return
        others = self.others()
        self._last_others = others
        for listener in list(self._presence_listeners):
            listener(others)
