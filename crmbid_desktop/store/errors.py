"""Typed errors the store raises; the GUI and command line decide how to tell the user."""

from __future__ import annotations

from pathlib import Path


class BidFileError(Exception):
    """A bid file cannot be used; the message names the file and says why in plain words."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    @property
    def user_message(self) -> str:
        return f"“{self.path.name}” cannot be opened: {self.reason}\n\nFile: {self.path}"


class BidFileMissingError(BidFileError):
    pass


class NotABidError(BidFileError):
    """The file is not a CRM Bid Desktop file (an empty file, a renamed document, ...)."""


class DamagedBidError(BidFileError):
    """The file is a database but fails SQLite's integrity check or cannot be read."""


class NewerVersionError(BidFileError):
    """The file was written by a newer version of the program; it is left untouched."""


class MigrationError(BidFileError):
    """Bringing an older file up to date failed; the file was left as it was."""


class BidLockedError(BidFileError):
    """Another program or user is writing to this bid."""

    def __init__(self, path: Path, holder: str) -> None:
        self.holder = holder
        super().__init__(path, f"it is already open for editing by {holder}.")


class SuspectLockError(BidLockedError):
    """The bid's lock is dated in the future: a wrong clock somewhere, not a live editor."""

    def __init__(self, path: Path, holder: object) -> None:
        from crmbid_desktop.store.locks import LockHolder

        assert isinstance(holder, LockHolder)
        BidFileError.__init__(
            self,
            path,
            f"its lock says it was last used by {holder.user} on {holder.machine} at "
            f"{holder.refreshed:%d %b %Y %H:%M}, which is later than now on this computer. "
            "That computer's clock (or this one's) is probably wrong, or the lock was left by a "
            "crash.",
        )
        self.holder = holder.describe()


class ReadOnlyBidError(BidFileError):
    """An edit was attempted on a bid opened read-only."""


class BidBusyError(BidFileError):
    """Another program is writing to the bid right now; it is not damaged (wait, or read it)."""


class CannotEditError(BidFileError):
    """The bid is sound but cannot be changed where it is (read-only file or folder, long name).

    `obstacle` completes "it cannot be changed because …"; the GUI opens it read-only instead.
    """

    def __init__(self, path: Path, obstacle: str) -> None:
        self.obstacle = obstacle
        super().__init__(path, f"it cannot be changed because {obstacle}.")


class ForeignSchemaError(BidFileError):
    """The file holds tables, triggers, views, indexes or columns this version never makes."""

    def __init__(self, path: Path, reason: str, objects: list[str]) -> None:
        self.objects = objects
        super().__init__(path, reason)


class InvalidRowsError(DamagedBidError):
    """Rows hold values the program cannot read (a non-date in a date, text that is not UTF-8)."""

    def __init__(self, path: Path, reason: str, rows: list[str]) -> None:
        self.rows = rows
        super().__init__(path, reason)


class RefusedEditError(BidFileError):
    """The server refused an edit: the row belongs to another council (row-level security).

    `reason` says who may make the change ("Only Leeds City Council or the lead (Sheffield City
    Council) may change 4.2 'Governance'."); nothing of the edit was saved.
    """

    @property
    def user_message(self) -> str:
        return f"{self.reason}\n\nNothing of this change was saved."

    def __str__(self) -> str:
        # Pages show str(error) in their message boxes: the words, not the database's name.
        return self.user_message
