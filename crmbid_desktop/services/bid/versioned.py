"""Saving a form when others may have saved the same row since it was loaded (a bid on a server,
or two windows on one file): write only what this user changed, and never over someone's save.

A form keeps what it loaded (`Loaded`: the row's version and the values it showed). On save, the
fields the user changed are written only if the row is still at that version; if it moved on,
the row is read again and merged field by field (domain/concurrent_edits.py) and only real
conflicts come back, as plain data naming who made the other change, for the user to settle.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmbid_desktop.domain.concurrent_edits import FieldClash, FieldMerge, merge_fields
from crmbid_desktop.services.bid.workspace import Workspace

#: How many times a save re-reads and merges when the row keeps moving under it; the last
#: attempt merges under the row's lock instead, so it cannot be overtaken again.
ATTEMPTS = 8

_Result = TypeVar("_Result")


@dataclass(frozen=True)
class Loaded:
    """What a form loaded: the row's version, and the values it showed the user."""

    version: int
    values: Mapping[str, object]


@dataclass(frozen=True)
class Conflict:
    """A field both this user and someone else changed differently since the form was loaded."""

    field: str
    loaded: object
    mine: object
    theirs: object
    #: Who saved "theirs", as the change log names them ("Alice (Leeds)").
    who: str


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the fields written, the conflicts left, and the row as it now is."""

    written: tuple[str, ...]
    conflicts: tuple[Conflict, ...]
    #: The row's version and values after the save: what the form has now loaded.
    now: Loaded
    #: Fields someone else had changed too, merged without conflict (text by paragraph).
    merged: tuple[str, ...] = ()
    #: The change log's line for the save ("" when nothing was written).
    summary: str = ""

    @property
    def clean(self) -> bool:
        return not self.conflicts


class RowGoneError(LookupError):
    """The row was deleted (by someone else) while the form was open; `mine` keeps the typing."""

    def __init__(self, message: str, mine: Mapping[str, object], who: str = "") -> None:
        super().__init__(message)
        self.mine = dict(mine)
        self.who = who


class _Moved(Exception):
    """The row changed between reading it and locking it: read and merge again."""


Apply = Callable[[Session, Any, Mapping[str, object]], None]


def _set_fields(_session: Session, row: Any, writes: Mapping[str, object]) -> None:
    for name, value in writes.items():
        setattr(row, name, value)


def _values(row: Any, names: Collection[str]) -> dict[str, object]:
    return {name: getattr(row, name) for name in names}


def load(workspace: Workspace, model: type[Any], row_id: int, names: Collection[str]) -> Loaded:
    """The row's version and these fields' values, for a form to keep until it saves."""
    with workspace.reading() as session:
        row = session.get(model, row_id)
        if row is None:
            raise LookupError(f"That {model.__tablename__} is no longer in the bid.")
        return Loaded(int(row.row_version), _values(row, names))


def last_changed_by(session: Session, entity_uuid: str, *, other_than: str = "") -> str:
    """Who last changed the row with this uuid, from the change log ("someone" if unknown)."""
    from crmbid_desktop.store.models import ChangeLogEntry

    query = (
        select(ChangeLogEntry.who)
        .where(ChangeLogEntry.entity_uuid == entity_uuid)
        .order_by(ChangeLogEntry.id.desc())
        .limit(1)
    )
    if other_than:
        others = session.scalar(query.where(ChangeLogEntry.who != other_than))
        if others:
            return str(others)
    found = session.scalar(query)
    return str(found) if found else "someone"


def save_fields(
    workspace: Workspace,
    model: type[Any],
    row_id: int,
    loaded: Loaded,
    mine: Mapping[str, object],
    *,
    describe: Callable[[Mapping[str, object]], str],
    entity: str,
    texts: Collection[str] = (),
    apply: Apply = _set_fields,
    gone: str = "",
    action: str = "edit",
) -> SaveResult:
    """Write the fields of `mine` this user changed from `loaded`, merged with others' saves.

    `describe` words the change-log line from what will be written; `apply` writes it (default:
    set the attributes) inside the edit's transaction, where the row is locked and its version
    checked, so a save either lands on the state it merged with or is merged again.
    """
    names = list(mine)
    for attempt in range(ATTEMPTS):
        # The last attempt merges under the row's lock, so a row that keeps moving (many people
        # saving it at once) still gets this save merged in rather than a "try again".
        last = attempt == ATTEMPTS - 1
        with workspace.reading() as session:
            row = session.get(model, row_id)
            if row is None:
                raise RowGoneError(
                    gone or f"That {entity} was deleted by someone else while you edited it.",
                    mine,
                )
            version, saved, uuid = int(row.row_version), _values(row, names), str(row.uuid)
            merge, conflicts = _merged(
                session, workspace, loaded, mine, version, saved, uuid, texts
            )
        if not merge.writes:
            return SaveResult((), conflicts, Loaded(version, saved), merge.merged)
        summary = describe(merge.writes)
        try:
            with workspace.edit(summary, action=action, entity=entity, entity_uuid=uuid) as session:
                row = session.get(model, row_id, with_for_update=True, populate_existing=True)
                if row is None:
                    # On a server with councils' rights, a row this login may read but not
                    # change is hidden from FOR UPDATE: let the write itself be refused, which
                    # names who may make it, rather than call the row deleted.
                    row = session.get(model, row_id, populate_existing=True)
                if row is None:
                    raise RowGoneError(
                        gone or f"That {entity} was deleted by someone else while you edited it.",
                        mine,
                    )
                if int(row.row_version) != version:
                    if not last:
                        raise _Moved
                    version, saved = int(row.row_version), _values(row, names)
                    merge, conflicts = _merged(
                        session, workspace, loaded, mine, version, saved, uuid, texts
                    )
                    if not merge.writes:
                        raise Unwritten(
                            SaveResult((), conflicts, Loaded(version, saved), merge.merged)
                        )
                    summary = describe(merge.writes)
                    workspace.reword_edit(session, summary)
                apply(session, row, merge.writes)
                session.flush()
                session.refresh(row)
                now = Loaded(int(row.row_version), _values(row, names))
        except _Moved:
            continue
        except Unwritten as nothing:
            return nothing.result_as(SaveResult)
        return SaveResult(tuple(merge.writes), conflicts, now, merge.merged, summary)
    raise AssertionError("unreachable: the last attempt merges under the lock")


def _merged(
    session: Session,
    workspace: Workspace,
    loaded: Loaded,
    mine: Mapping[str, object],
    version: int,
    saved: Mapping[str, object],
    uuid: str,
    texts: Collection[str],
) -> tuple[FieldMerge, tuple[Conflict, ...]]:
    """This user's changes merged with the row as saved (at `version`), and the conflicts left."""
    theirs = loaded.values if version == loaded.version else saved
    merge = merge_fields(loaded.values, mine, theirs, texts=texts)
    who = (
        last_changed_by(session, uuid, other_than=workspace.user)
        if merge.clashes or version != loaded.version
        else ""
    )
    return merge, tuple(_conflict(clash, who) for clash in merge.clashes)


def _conflict(clash: FieldClash, who: str) -> Conflict:
    return Conflict(clash.field, clash.loaded, clash.mine, clash.theirs, who)


def as_values(fields: Any) -> dict[str, object]:
    """A frozen fields dataclass as the field → value mapping saves compare."""
    return dict(dataclasses.asdict(fields))


def add_unless_added(session: Session, row: Any) -> bool:
    """Add `row` (a link: a pair of ids the schema holds once) under a savepoint, inside an edit.

    False, with nothing added and the edit still usable, when someone else added the same link
    at the same moment: on a server their transaction commits first and the unique index then
    refuses ours. The caller reads their row and merges with it.
    """
    from sqlalchemy.exc import IntegrityError

    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


class Unwritten(Exception):
    """Raised inside an edit to roll it back: merged under the lock, nothing of the save was left
    to write. `result` says why (the conflicts left for the user, or the values already saved);
    the save returns it as its own result."""

    def __init__(self, result: object) -> None:
        super().__init__("nothing written")
        self.result = result

    def result_as(self, kind: type[_Result]) -> _Result:
        """`result`, as the save that raised this returns it."""
        assert isinstance(self.result, kind)
        return self.result
