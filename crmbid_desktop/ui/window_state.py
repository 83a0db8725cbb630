"""What the program remembers on this computer: window state (QSettings) and the user's settings.

Window geometry, last page, recent files and rehearsal days are kept with QSettings in an INI
file the caller names (never the registry); the user's own settings are `settings.UserSettings`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from crmbid_desktop.file_paths import resolved
from crmbid_desktop.settings import UserSettings

MAX_RECENT = 8


def _key(bid: Path) -> str:
    """A settings key for one bid file: its full path with no separators QSettings would split."""
    return str(resolved(bid)).replace("/", "|").replace("\\", "|")


class WindowState:
    """Everything remembered per computer, passed to the bid controller and the main window.

    `user` is the user's settings (settings.json, beside the INI file unless one is given).
    """

    def __init__(self, settings_file: Path, user: UserSettings | None = None) -> None:
        settings_file.parent.mkdir(parents=True, exist_ok=True)
        self._settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
        self.config_dir = settings_file.parent
        self.user = user if user is not None else UserSettings(self.config_dir)

    def geometry(self) -> QByteArray | None:
        value = self._settings.value("main_window/geometry")
        return value if isinstance(value, QByteArray) else None

    def save_geometry(self, geometry: QByteArray) -> None:
        self._settings.setValue("main_window/geometry", geometry)

    def last_page(self) -> int:
        value = self._settings.value("main_window/page", 0)
        try:
            return int(str(value))
        except ValueError:
            return 0

    def save_last_page(self, index: int) -> None:
        self._settings.setValue("main_window/page", index)

    def recent_files(self) -> list[Path | str]:
        """Recent bids, newest first: file paths, and postgresql:// addresses of bids on servers
        (kept as they are: a Path would fold their "//"). No address holds a password."""
        from crmbid_desktop.services.bid.locations import is_server_location

        value = self._settings.value("recent_files", [])
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return [
            str(item) if is_server_location(str(item)) else Path(str(item))
            for item in items
            if item
        ]

    def add_recent_file(self, path: Path | str) -> None:
        recent = [item for item in self.recent_files() if item != path]
        recent.insert(0, path)
        self._settings.setValue("recent_files", [str(item) for item in recent[:MAX_RECENT]])

    def remove_recent_file(self, path: Path | str) -> None:
        recent = [str(item) for item in self.recent_files() if item != path]
        self._settings.setValue("recent_files", recent)

    def plan_today(self, bid: Path) -> date | None:
        """The "plan as if today is" day an earlier version kept here for `bid`, or None.

        The day now belongs to the bid (bid.planning_date); the main window moves this one into
        the bid on first open and then forgets it (`save_plan_today(bid, None)`).
        """
        value = self._settings.value(f"plan_today/{_key(bid)}", "")
        try:
            return date.fromisoformat(str(value)) if value else None
        except ValueError:
            return None

    def save_plan_today(self, bid: Path, day: date | None) -> None:
        if day is None:
            self._settings.remove(f"plan_today/{_key(bid)}")
        else:
            self._settings.setValue(f"plan_today/{_key(bid)}", day.isoformat())

    def sync(self) -> None:
        self._settings.sync()
