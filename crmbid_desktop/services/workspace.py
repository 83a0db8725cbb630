"""The open bid as the GUI and command line use it: one committed transaction per user edit."""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy.orm import Session

from crmbid_desktop.store.bidfile import BidFile
from crmbid_desktop.store.models import ChangeLogEntry

SavedListener = Callable[[str], None]


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

    @property
    def path(self) -> Path:
        return self.bid.path

    @property
    def read_only(self) -> bool:
        return self.bid.read_only

    def on_saved(self, listener: SavedListener) -> None:
        self._saved_listeners.append(listener)

    def remove_saved_listener(self, listener: SavedListener) -> None:
        """Stop telling `listener` (a window that closes must not be called afterwards)."""
        if listener in self._saved_listeners:
            self._saved_listeners.remove(listener)

    @contextlib.contextmanager
    def edit(
        self, summary: str, *, action: str = "edit", entity: str = "", entity_uuid: str = ""
    ) -> Iterator[Session]:
        """One user edit: yields a session, commits it with a change-log line, then notifies."""
        with self.bid.transaction() as session:
            yield session
            session.add(
                ChangeLogEntry(
                    who=self.user,
                    action=action,
                    entity=entity,
                    entity_uuid=entity_uuid,
                    summary=summary,
                )
            )
        for listener in list(self._saved_listeners):
            listener(summary)

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        with self.bid.reading() as session:
            yield session

    def close(self) -> None:
        self.bid.close()
