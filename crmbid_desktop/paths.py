"""Where the application keeps the user's bids, backups, logs and settings (one module owns paths)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from crmbid_desktop import APP_NAME

#: Setting this environment variable puts every user folder under one directory: tests and
#: portable installs use it so nothing touches the real profile.
HOME_OVERRIDE_ENV = "CRMBID_HOME"

DEFAULT_BID_FILENAME = "CRM National Project bid.crmbid"
BID_SUFFIX = ".crmbid"


@dataclass(frozen=True)
class AppPaths:
    """The folders of one user of the application."""

    documents_dir: Path
    data_dir: Path
    config_dir: Path
    log_dir: Path
    #: The user's own backups folder (Settings); None keeps backups in the data folder.
    backups_override: Path | None = None

    @property
    def backups_dir(self) -> Path:
        return self.backups_override or self.data_dir / "backups"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "window-state.ini"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "crmbid-desktop.log"

    @property
    def crash_trace_file(self) -> Path:
        """Where a native crash (in Qt or SQLite, past Python's reach) leaves its stack trace."""
        return self.log_dir / "native-crash.log"

    @property
    def default_bid(self) -> Path:
        return self.documents_dir / DEFAULT_BID_FILENAME

    @classmethod
    def under(cls, root: Path) -> AppPaths:
        """All folders below one root (tests, portable use)."""
        return cls(
            documents_dir=root / "Documents",
            data_dir=root / "data",
            config_dir=root / "config",
            log_dir=root / "logs",
        )

    @classmethod
    def for_user(cls) -> AppPaths:
        """The platform's folders (platformdirs), or those under $CRMBID_HOME when it is set."""
        override = os.environ.get(HOME_OVERRIDE_ENV)
        if override:
            return cls.under(Path(override))
        import platformdirs

        dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
        documents = Path(platformdirs.user_documents_dir())
        if not documents.is_dir():
            # A headless or freshly made account may have no Documents folder; the data folder
            # always exists once created, so the default bid lives there instead.
            documents = Path(dirs.user_data_dir)
        return cls(
            documents_dir=documents,
            data_dir=Path(dirs.user_data_dir),
            config_dir=Path(dirs.user_config_dir),
            log_dir=Path(dirs.user_log_dir),
        )

    def ensure(self) -> AppPaths:
        for folder in (self.data_dir, self.config_dir, self.log_dir, self.backups_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.documents_dir.mkdir(parents=True, exist_ok=True)
        return self
