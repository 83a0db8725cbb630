"""When saving a section's text keeps a new version: at most one a minute of typing, no duplicates."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

#: Continuous typing folds into one version per this much time.
VERSION_INTERVAL = timedelta(minutes=1)
AUTOSAVE_NOTE = "saved while typing"


class VersionAction(enum.Enum):
    SKIP = "skip"  # the text is the same as the latest version
    NEW = "new"  # keep a new version
    UPDATE_LATEST = "update latest"  # fold into the version begun less than a minute ago


@dataclass(frozen=True)
class LatestVersion:
    body: str
    created_at: datetime
    note: str


def version_action(latest: LatestVersion | None, body: str, now: datetime) -> VersionAction:
    """What a save of `body` at `now` does to the section's version history."""
    if latest is None:
        return VersionAction.NEW
    if latest.body == body:
        return VersionAction.SKIP
    # Only versions saved while typing are folded; a restore or a named save stays as it was.
    if latest.note == AUTOSAVE_NOTE and now - latest.created_at < VERSION_INTERVAL:
        return VersionAction.UPDATE_LATEST
    return VersionAction.NEW
