"""What File > Backups… lists: a bid's automatic backups, newest first, and where they are kept."""

from __future__ import annotations

from pathlib import Path

from crmbid_desktop.store import backups
from crmbid_desktop.store.backups import BackupEntry as BackupEntry


def list_backups(bid_path: Path, backups_dir: Path) -> list[BackupEntry]:
    """The bid's backups, newest first, with counts read without changing them."""
    return backups.list_backups(bid_path, backups_dir)


def backup_folder(bid_path: Path, backups_dir: Path) -> Path:
    """The folder that holds this bid's backups (the dialog offers to open it)."""
    return backups.bid_backup_folder(backups_dir, bid_path)
