"""A bid's automatic backups as the pages use them: File > Backups…, restoring, taking one.

The store keeps and reads the backup files; these are its functions and entry type named here,
so the ui, which may not import the store, calls exactly what the store does.
"""

from __future__ import annotations

from crmbid_desktop.store.backups import BackupEntry as BackupEntry
from crmbid_desktop.store.backups import bid_backup_folder as bid_backup_folder
from crmbid_desktop.store.backups import describe_failure as describe_failure
from crmbid_desktop.store.backups import list_backups as list_backups
from crmbid_desktop.store.backups import restore_backup as restore_backup
from crmbid_desktop.store.backups import take_backup as take_backup
