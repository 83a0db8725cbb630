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


class ReadOnlyBidError(BidFileError):
    """An edit was attempted on a bid opened read-only."""
