"""Opening, creating and copying bid files for the GUI and the command line."""

from __future__ import annotations

from pathlib import Path

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid_template import DEFAULT_TEMPLATE, create_bid
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.store import sqlite as sqlite_store
from crmbid_desktop.store.bidfile import open_bid
from crmbid_desktop.store.errors import BidFileError


def open_workspace(path: Path, paths: AppPaths, *, read_only: bool = False) -> Workspace:
    return Workspace(open_bid(path, backups_dir=paths.backups_dir, read_only=read_only))


def new_workspace(path: Path, template: str = DEFAULT_TEMPLATE) -> Workspace:
    return Workspace(create_bid(path, template))


def open_default_bid(paths: AppPaths) -> Workspace:
    """The bid a first start opens: created from the ODPM template when it does not exist yet."""
    if paths.default_bid.exists():
        return open_workspace(paths.default_bid, paths)
    return new_workspace(paths.default_bid)


def save_copy(workspace: Workspace, target: Path) -> None:
    """A consistent copy of the open bid as a new file; never over the open bid itself."""
    target = Path(target).resolve()
    if target == workspace.path:
        raise BidFileError(target, "a copy cannot replace the bid that is open.")
    sqlite_store.backup_file(workspace.path, target)
