"""Places where SQLite's file locking is unreliable: network shares and cloud-synced folders."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePath, PureWindowsPath

#: Folder names that cloud storage clients sync (OneDrive for Business adds " - Organisation").
CLOUD_FOLDERS: dict[str, str] = {
    "onedrive": "OneDrive",
    "dropbox": "Dropbox",
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "my drive": "Google Drive",
    "icloud drive": "iCloud Drive",
    "iclouddrive": "iCloud Drive",
    "mobile documents": "iCloud Drive",
    "box": "Box",
    "box sync": "Box",
}

#: Environment variables the OneDrive client sets on Windows to the synced folders.
CLOUD_ENVIRONMENT = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")

DRIVE_REMOTE = 4  # GetDriveTypeW's answer for a mapped network drive


@dataclass(frozen=True)
class RiskyPlace:
    """Why a bid's folder is risky, in words for the warning dialog."""

    kind: str  # "network share" or "cloud folder"
    service: str  # e.g. "OneDrive"; empty for a network share

    @property
    def description(self) -> str:
        if self.kind == "network share":
            return "on a network share"
        return f"in a {self.service} folder"


def windows_drive_is_remote(drive: str) -> bool:
    """True when a drive letter such as "H:" is a mapped network drive (Windows only)."""
    if sys.platform == "win32":
        import ctypes

        return bool(ctypes.windll.kernel32.GetDriveTypeW(f"{drive}\\") == DRIVE_REMOTE)
    return False


def _cloud_service(part: str) -> str:
    name = part.strip().lower()
    if name in CLOUD_FOLDERS:
        return CLOUD_FOLDERS[name]
    # "OneDrive - Leeds City Council", "Dropbox (Newham)", macOS "OneDrive-Personal".
    for prefix, service in (("onedrive", "OneDrive"), ("dropbox", "Dropbox")):
        if name.startswith((prefix + " ", prefix + "-", prefix + "(")):
            return service
    if name.startswith("googledrive-"):  # macOS ~/Library/CloudStorage/GoogleDrive-user@...
        return "Google Drive"
    if name == "com~apple~clouddocs":
        return "iCloud Drive"
    return ""


def risky_place(
    path: str | PurePath,
    *,
    platform: str = sys.platform,
    environment: Mapping[str, str] | None = None,
    drive_is_remote: Callable[[str], bool] = windows_drive_is_remote,
) -> RiskyPlace | None:
    """Where `path` lives, when that place makes SQLite's locking unreliable; else None."""
    text = str(path)
    environment = os.environ if environment is None else environment
    if text.startswith(("\\\\", "//")):
        return RiskyPlace("network share", "")
    windows = platform == "win32"
    pure: PurePath = PureWindowsPath(text) if windows else PurePath(text)
    if windows and pure.drive and len(pure.drive) == 2 and drive_is_remote(pure.drive):
        return RiskyPlace("network share", "")
    lowered = [part.lower() for part in pure.parts]
    for variable in CLOUD_ENVIRONMENT:
        root = environment.get(variable, "")
        if root:
            root_parts = [part.lower() for part in type(pure)(root).parts]
            if lowered[: len(root_parts)] == root_parts:
                return RiskyPlace("cloud folder", "OneDrive")
    for part in pure.parts[:-1]:  # the folders, not the file's own name
        service = _cloud_service(part)
        if service:
            return RiskyPlace("cloud folder", service)
    return None
