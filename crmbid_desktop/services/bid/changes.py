"""Change sets: which rows of which tables one write added, changed or removed, and who made it.

Every write to an open bid (a form edit, an import, a merge, a take-back, a restore, an undo or
a redo) produces one `ChangeSet`, made by `Workspace` from the rows the store recorded, never
guessed by a screen. Pages ask "did anything I show change?" and update just those rows. It is
plain data, so a shared-server mode can later send it to other users as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from crmbid_desktop.store.sqlite import RowChange

_NOTHING: Mapping[str, frozenset[str]] = MappingProxyType({})


@dataclass(frozen=True)
class ChangeSet:
    """What one write did: row UUIDs by table name, and who made it.

    `kind` is "edit" for a new change, "undo" or "redo" for a step through the history, and
    "remote" for another user's write on a shared server (services/bid/live.py).
    """

    summary: str
    who: str
    kind: str = "edit"
    added: Mapping[str, frozenset[str]] = field(default_factory=lambda: _NOTHING)
    changed: Mapping[str, frozenset[str]] = field(default_factory=lambda: _NOTHING)
    removed: Mapping[str, frozenset[str]] = field(default_factory=lambda: _NOTHING)

    @property
    def tables(self) -> frozenset[str]:
        """Every table with a row added, changed or removed."""
        return frozenset(self.added) | frozenset(self.changed) | frozenset(self.removed)

    def touches(self, *tables: str) -> bool:
        """True when any row of any of `tables` was added, changed or removed."""
        return not self.tables.isdisjoint(tables)

    def rows(self, table: str) -> frozenset[str]:
        """UUIDs of `table`'s rows added, changed or removed."""
        return self.added_to(table) | self.changed_in(table) | self.removed_from(table)

    def added_to(self, table: str) -> frozenset[str]:
        return self.added.get(table, frozenset())

    def changed_in(self, table: str) -> frozenset[str]:
        return self.changed.get(table, frozenset())

    def removed_from(self, table: str) -> frozenset[str]:
        return self.removed.get(table, frozenset())

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def change_set(
    rows: Iterable[RowChange], *, summary: str, who: str, kind: str = "edit"
) -> ChangeSet:
    """The change set of the recorded `rows` (oldest first).

    A row added then removed in the same write was never seen by anyone and is left out; a row
    added then changed is just added; a row changed then removed is just removed.
    """
    first: dict[tuple[str, str], str] = {}
    last: dict[tuple[str, str], str] = {}
    for row in rows:
        key = (row.table, row.uuid or f"#{row.row_id}")
        first.setdefault(key, row.op)
        last[key] = row.op
    added: dict[str, set[str]] = {}
    changed: dict[str, set[str]] = {}
    removed: dict[str, set[str]] = {}
    for key, began in first.items():
        ended = last[key]
        table, uuid = key
        if began == "insert":
            if ended != "delete":
                added.setdefault(table, set()).add(uuid)
        elif ended == "delete":
            removed.setdefault(table, set()).add(uuid)
        else:
            changed.setdefault(table, set()).add(uuid)

    def frozen(part: dict[str, set[str]]) -> Mapping[str, frozenset[str]]:
        return MappingProxyType({table: frozenset(uuids) for table, uuids in part.items()})

    return ChangeSet(summary, who, kind, frozen(added), frozen(changed), frozen(removed))
