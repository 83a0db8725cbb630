"""The store backend interface: what a bid file (SQLite) and a bid on a server (PostgreSQL) share.

`BidFile` holds one backend and asks it for everything that differs between the two: opening,
creating, inspecting and migrating, recording what an edit changed and taking it back, copying
the bid to a file and closing. The rest of the store and every service speak portable
SQLAlchemy. `store/sqlite.py` and `store/postgres.py` implement it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from crmbid_desktop.store.bidfile import BidFile


class KeptBlob:
    """The bytes of a BLOB an edit overwrote or removed, held by reference for undo."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __len__(self) -> int:
        return len(self.data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KeptBlob) and other.data == self.data

    def __hash__(self) -> int:
        return hash(len(self.data))

    def __repr__(self) -> str:
        return f"KeptBlob({len(self.data)} bytes)"


@dataclass(frozen=True)
class RowChange:
    """One row an edit touched: `op` is "insert", "update" or "delete".

    `old` holds the row's earlier values (only the changed columns for an update; none for an
    insert); BLOB values in it are `KeptBlob`s. Both backends make exactly this shape.
    """

    table: str
    op: str
    row_id: int
    uuid: str
    old: Mapping[str, object] | None = None

    def size(self) -> int:
        """Roughly how many bytes this record keeps alive (for the undo history's budget)."""
        total = 64 + len(self.table) + len(self.uuid)
        for column, value in (self.old or {}).items():
            total += 16 + len(column)
            if isinstance(value, KeptBlob | str | bytes):
                total += len(value)
        return total


#: Address schemes of a bid on a PostgreSQL server (anything else is a file path).
SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server_location(place: str | Path) -> bool:
    """True when `place` names a bid on a server (a postgresql:// URL) rather than a file.

    Kept here, free of heavy imports, so the command line and the GUI can tell the two apart
    before loading anything.
    """
    return isinstance(place, str) and place.strip().lower().startswith(SERVER_SCHEMES)


#: Tables whose changes are never undone: the change log says what happened, undo included.
UNRECORDED_TABLES = frozenset({"change_log", "alembic_version"})


class StoreBackend(Protocol):
    """Where a bid lives and what only that kind of place can do."""

    #: "file" for an SQLite bid file, "server" for a bid in a PostgreSQL database.
    kind: str

    def describe(self) -> str:
        """The bid's place in words: a file's path, or "database on host"."""
        ...

    def place(self) -> Path | str:
        """The bid's place as it is given to open it: a file's path or a postgresql:// address."""
        ...

    def open(self, *, backups_dir: Path, read_only: bool = False) -> BidFile:
        """Open the bid, migrating an older schema first; a newer one raises NewerVersionError."""
        ...

    def create(self, *, title: str) -> BidFile:
        """Make a new, empty bid here (schema and one Bid row) and open it."""
        ...

    def inspect(self) -> str:
        """Check the bid without changing it; returns its schema revision."""
        ...

    def start_recording(self, connection: Any) -> None:
        """Record every row `connection`'s transaction changes from now on."""
        ...

    def recorded_changes(self, connection: Any) -> list[RowChange]:
        """The rows changed since `start_recording`, oldest first."""
        ...

    def take_back_changes(self, connection: Any, changes: Sequence[RowChange]) -> None:
        """Put every row in `changes` back as it was, inside the caller's transaction."""
        ...

    def copy_to_file(self, engine: Engine, target: Path) -> None:
        """A consistent copy of the whole bid as a new bid file at `target`."""
        ...

    def close(self, engine: Engine, *, read_only: bool) -> None:
        """Finish with the bid (fold in a file's log); errors are raised, never swallowed."""
        ...
