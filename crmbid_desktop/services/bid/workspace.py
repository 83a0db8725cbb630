"""The open bid as the GUI and command line use it: one committed transaction per user edit."""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmbid_desktop.services.bid.changes import ChangeSet, change_set
from crmbid_desktop.store import table_clauses
from crmbid_desktop.store.bidfile import BidFile
from crmbid_desktop.store.row_versions import without_versions
from crmbid_desktop.store.sqlite import RowChange

# The ORM models (store/models.py) are imported where an edit needs them, not here: opening a
# bid and painting the main window's first screen must not wait for them to be declared.

SavedListener = Callable[[str], None]


#: Ids asked for in one `IN (…)`: SQLite builds (Windows Python's among them) refuse more than
#: 32,766 variables in a statement, and a big edit (a deep outline's copy) touches more rows.
_IDS_PER_QUERY = 500


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _IDS_PER_QUERY):
        yield ids[start : start + _IDS_PER_QUERY]


#: Where an edit's body leaves a new wording of its summary (`Workspace.reword_edit`).
_REWORDED = "crmbid.reworded_summary"


@dataclass(frozen=True)
class RecordedEdit:
    """A committed edit and the rows it touched, with their earlier values (what takes it back).

    Made by `Workspace.edit` for every edit, so undo needs no code per kind of edit: the store's
    triggers saw every row touched, children removed by a cascade included. It keeps only what
    changed (a removed letter's bytes by reference), so undo costs what the edit cost.
    """

    summary: str
    rows: tuple[RowChange, ...]
    action: str = "edit"
    entity: str = ""
    entity_uuid: str = ""
    #: (table, row id, row version) of each row the edit left in the bid: undo refuses when
    #: someone else has changed one of them since (see `Workspace.take_back`).
    versions: tuple[tuple[str, int, int], ...] = ()

    def then(self, later: RecordedEdit, summary: str) -> RecordedEdit:
        """This edit followed by `later` as one step: undo takes `later` back first."""
        latest = {(t, i): v for t, i, v in self.versions + later.versions}
        return RecordedEdit(
            summary,
            self.rows + later.rows,
            self.action,
            self.entity,
            self.entity_uuid,
            tuple((t, i, v) for (t, i), v in latest.items()),
        )

    def size(self) -> int:
        """About how many bytes of memory this step keeps alive."""
        return 128 + len(self.summary) + sum(row.size() for row in self.rows)


RecordedListener = Callable[[RecordedEdit], None]
ChangeListener = Callable[[ChangeSet], None]
#: Called inside the writing transaction with its change set (a shared server's NOTIFY).
ChangePublisher = Callable[[Session, ChangeSet], None]


class UndoRefusedError(RuntimeError):
    """Undo or redo would put back a row another user has changed since; nothing was changed."""


def default_user_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some locked-down machines
        return "unknown user"


class Workspace:
    """An open bid plus who is editing it.

    Every edit goes through `edit()`: it commits one transaction holding the change and its
    change-log line, and only then tells listeners it was saved.
    """

    def __init__(self, bid: BidFile, user: str | None = None) -> None:
        self.bid = bid
        self.user = user or default_user_name()
        self._saved_listeners: list[SavedListener] = []
        self._recorded_listeners: list[RecordedListener] = []
        self._change_listeners: list[ChangeListener] = []
        self._publishers: list[ChangePublisher] = []
        self._closing: list[Callable[[], None]] = []
        #: The row versions this Workspace's own writes produced, by (table, row id): undo may
        #: pass over them, never over a version another user (or window) made.
        self._my_versions: dict[tuple[str, int], set[int]] = {}

    @property
    def path(self) -> Path:
        return self.bid.path

    @property
    def place(self) -> Path | str:
        """How to open this bid again: a file's path, or a postgresql:// address."""
        return self.bid.place

    @property
    def plan_today(self) -> date | None:
        """The bid's "plan as if today is …" day (rehearsals, looking back), or None.

        Read from the bid each time (one small query), so an undo or a merge is seen at once;
        services/bid/planning_date.py changes it.
        """
        day = table_clauses.bid.c.planning_date
        with self.reading() as session:
            found: date | None = session.execute(
                select(day).order_by(table_clauses.bid.c.id).limit(1)
            ).scalar_one_or_none()
        return found

    def today(self) -> date:
        """The day the plan counts from: the bid's `plan_today` when set, else the computer's."""
        return self.plan_today or date.today()

    @property
    def read_only(self) -> bool:
        return self.bid.read_only

    @property
    def read_only_reason(self) -> str:
        """Why the bid opened read-only (the banner says it); "" when it did not."""
        return self.bid.read_only_reason

    def on_saved(self, listener: SavedListener) -> None:
        self._saved_listeners.append(listener)

    def remove_saved_listener(self, listener: SavedListener) -> None:
        """Stop telling `listener` (a window that closes must not be called afterwards)."""
        if listener in self._saved_listeners:
            self._saved_listeners.remove(listener)

    def on_recorded(self, listener: RecordedListener) -> None:
        """Be told of each committed edit with what takes it back (the ui's undo history)."""
        self._recorded_listeners.append(listener)

    def remove_recorded_listener(self, listener: RecordedListener) -> None:
        if listener in self._recorded_listeners:
            self._recorded_listeners.remove(listener)

    def on_changed(self, listener: ChangeListener) -> None:
        """Be told of every write's change set, undo and redo included (pages update from it).

        Called on the thread that wrote: a listener that touches widgets must hand it over.
        """
        self._change_listeners.append(listener)

    def remove_change_listener(self, listener: ChangeListener) -> None:
        if listener in self._change_listeners:
            self._change_listeners.remove(listener)

    def on_publish(self, publisher: ChangePublisher) -> None:
        """Hand every write's change set to `publisher` before the write commits, so it can
        be sent (services/bid/live.py) exactly when, and only if, the write is committed."""
        self._publishers.append(publisher)

    def remove_publisher(self, publisher: ChangePublisher) -> None:
        if publisher in self._publishers:
            self._publishers.remove(publisher)

    def tell_changed(self, changes: ChangeSet) -> None:
        """Tell the change listeners of a write made elsewhere (another user on the server)."""
        self._tell_changed(changes)

    def _publish(self, session: Session, changes: ChangeSet) -> None:
        if changes:
            for publisher in list(self._publishers):
                publisher(session, changes)

    @contextlib.contextmanager
    def edit(
        self, summary: str, *, action: str = "edit", entity: str = "", entity_uuid: str = ""
    ) -> Iterator[Session]:
        """One user edit: yields a session, commits it with a change-log line, then notifies."""
        from crmbid_desktop.store.models import ChangeLogEntry

        with self._refusals_in_words(), self.bid.transaction() as session:
            self.bid.start_recording(session)
            yield session
            # A save that learns what it writes only under its row lock re-words its line.
            summary = session.info.pop(_REWORDED, summary)
            rows = self.bid.recorded_changes(session)
            versions = self._note_versions(session, rows)
            changes = change_set(rows, summary=summary, who=self.user)
            self._publish(session, changes)
            session.add(
                ChangeLogEntry(
                    who=self.user,
                    action=action,
                    entity=entity,
                    entity_uuid=entity_uuid,
                    summary=summary,
                )
            )
        self._tell_saved(summary)
        if rows:
            recorded = RecordedEdit(summary, tuple(rows), action, entity, entity_uuid, versions)
            for listener in list(self._recorded_listeners):
                listener(recorded)
            self._tell_changed(changes)

    @staticmethod
    def reword_edit(session: Session, summary: str) -> None:
        """Inside `edit`: the change-log line (and change set) say `summary` instead."""
        session.info[_REWORDED] = summary

    def take_back(self, edit: RecordedEdit, verb: str = "Undid") -> RecordedEdit:
        """Put back the rows `edit` changed, in one transaction logged as "Undid …"/"Redid …".

        Returns the edit that reverses this one, so undo gives redo and redo gives undo again.
        Listeners of recorded edits are not told of it as a new edit (it is a step through the
        history); change listeners get its change set like any other write's.
        """
        from crmbid_desktop.store.models import ChangeLogEntry

        summary = f"{verb} {edit.summary[:1].lower()}{edit.summary[1:]}"
        with self._refusals_in_words(), self.bid.transaction() as session:
            self._refuse_if_changed_since(session, edit, verb)
            self.bid.start_recording(session)
            self.bid.take_back_changes(session, without_versions(edit.rows))
            rows = self.bid.recorded_changes(session)
            versions = self._note_versions(session, rows)
            kind = "undo" if verb == "Undid" else "redo"
            changes = change_set(rows, summary=summary, who=self.user, kind=kind)
            self._publish(session, changes)
            session.add(
                ChangeLogEntry(
                    who=self.user,
                    action=verb.lower(),
                    entity=edit.entity,
                    entity_uuid=edit.entity_uuid,
                    summary=summary,
                )
            )
        self._tell_saved(summary)
        self._tell_changed(changes)
        return RecordedEdit(
            edit.summary, tuple(rows), edit.action, edit.entity, edit.entity_uuid, versions
        )

    # -- row versions: undo never takes back over another user's change -------------------------
    def _note_versions(
        self, session: Session, rows: list[RowChange]
    ) -> tuple[tuple[str, int, int], ...]:
        """The versions the rows this write touched are now at, noted as this Workspace's own."""
        from crmbid_desktop.store.models import Base

        before: dict[tuple[str, int], int] = {}
        for row in rows:
            key = (row.table, row.row_id)
            if row.op == "insert":
                before.setdefault(key, 0)
            elif row.op == "update":
                old = (row.old or {}).get("row_version")
                if isinstance(old, int):
                    before.setdefault(key, old)
        wanted: dict[str, list[int]] = {}
        for name, row_id in before:
            wanted.setdefault(name, []).append(row_id)
        found: list[tuple[str, int, int]] = []
        for table_name, ids in wanted.items():
            table = Base.metadata.tables.get(table_name)
            if table is None or "row_version" not in table.c:
                continue
            for chunk in _chunks(ids):
                for row_id, version in session.execute(
                    select(table.c.id, table.c.row_version).where(table.c.id.in_(chunk))
                ):
                    found.append((table_name, int(row_id), int(version)))
                    mine = self._my_versions.setdefault((table_name, int(row_id)), set())
                    mine.update(range(before[(table_name, int(row_id))] + 1, int(version) + 1))
        return tuple(found)

    def _refuse_if_changed_since(self, session: Session, edit: RecordedEdit, verb: str) -> None:
        """UndoRefusedError naming who changed what, when a row `edit` left has since been
        changed by anyone but this Workspace (another user, or another window)."""
        from crmbid_desktop.store.models import Base

        wanted: dict[str, dict[int, int]] = {}
        for table_name, row_id, version in edit.versions:
            wanted.setdefault(table_name, {})[row_id] = version
        for table_name, rows in wanted.items():
            table = Base.metadata.tables.get(table_name)
            if table is None or "row_version" not in table.c:
                continue
            now: dict[int, int] = {}
            for chunk in _chunks(list(rows)):
                query = select(table.c.id, table.c.row_version).where(table.c.id.in_(chunk))
                # Locked until the take-back commits, so nobody slips a change in between.
                now.update((int(i), int(v)) for i, v in session.execute(query.with_for_update()))
            if len(now) < len(rows):
                # Rows this login may read but not change are hidden from FOR UPDATE (councils'
                # rights on a server): read them plainly; the take-back's write is then refused
                # in words naming who may make it.
                now.update({int(i): int(v) for i, v in session.execute(query)})
            for row_id, left_at in rows.items():
                current = now.get(row_id)
                mine = self._my_versions.get((table_name, row_id), set())
                if current is None:
                    if any(row.op == "delete" for row in edit.rows if row.row_id == row_id):
                        continue
                    raise UndoRefusedError(
                        self._refusal(session, table_name, row_id, edit, verb, gone=True)
                    )
                if any(v not in mine for v in range(left_at + 1, current + 1)):
                    raise UndoRefusedError(
                        self._refusal(session, table_name, row_id, edit, verb, gone=False)
                    )

    def _refusal(
        self,
        session: Session,
        table_name: str,
        row_id: int,
        edit: RecordedEdit,
        verb: str,
        *,
        gone: bool,
    ) -> str:
        from crmbid_desktop.store.models import Base, ChangeLogEntry

        table = Base.metadata.tables[table_name]
        what = table_name.replace("_", " ")
        uuid = ""
        if not gone:
            row = session.execute(select(table).where(table.c.id == row_id)).mappings().first()
            if row is not None:
                uuid = str(row.get("uuid") or "")
                for column in ("title", "name", "description", "filename"):
                    if row.get(column):
                        what = f"{what} “{str(row[column])[:60]}”"
                        break
        log = select(ChangeLogEntry.who).order_by(ChangeLogEntry.id.desc()).limit(1)
        who = None
        if uuid:
            who = session.scalar(
                log.where(ChangeLogEntry.entity_uuid == uuid, ChangeLogEntry.who != self.user)
            )
        who = who or session.scalar(log.where(ChangeLogEntry.who != self.user))
        who = who or f"{self.user} (in another window)"
        done = "deleted" if gone else "changed"
        step = "undo" if verb == "Undid" else "redo"
        return (
            f"{who} has {done} {what} since; {step} of “{edit.summary}” would overwrite it, "
            "so nothing was changed."
        )

    @contextlib.contextmanager
    def _refusals_in_words(self) -> Iterator[None]:
        """On a server, an edit refused by the councils' rights (row-level security) becomes a
        RefusedEditError saying who may make it; the transaction was rolled back whole."""
        try:
            yield
        except Exception as error:
            if not self.bid.on_server:
                raise
            from crmbid_desktop.services.bid.rights import refused_edit

            refused = refused_edit(self, error)
            if refused is None:
                raise
            raise refused from error

    def row_id(self, entity: str, entity_uuid: str) -> int | None:
        """The id of the `entity` row ("section", "partner"...) with this uuid, if it exists."""
        from crmbid_desktop.store.models import Base

        table = Base.metadata.tables.get(entity)
        if table is None or not entity_uuid or "uuid" not in table.c:
            return None
        with self.reading() as session:
            found = session.execute(
                select(table.c.id).where(table.c.uuid == entity_uuid)
            ).scalar_one_or_none()
        return None if found is None else int(found)

    def bid_title(self) -> str:
        """The bid's title, as the window title and the dashboard show it."""
        title = table_clauses.bid.c.title
        with self.reading() as session:
            found = session.execute(
                select(title).order_by(table_clauses.bid.c.id).limit(1)
            ).scalar_one_or_none()
        return found or ""

    def _tell_changed(self, changes: ChangeSet) -> None:
        if changes:
            for listener in list(self._change_listeners):
                listener(changes)

    def _tell_saved(self, summary: str) -> None:
        for listener in list(self._saved_listeners):
            listener(summary)

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        with self.bid.reading() as session:
            yield session

    def on_close(self, listener: Callable[[], None]) -> None:
        """Be called just before the bid closes (a live link stops listening first)."""
        self._closing.append(listener)

    def close(self) -> None:
        closing, self._closing = self._closing, []
        for listener in closing:
            listener()
        self.bid.close()
