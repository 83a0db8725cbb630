"""The user's own settings (name, council, default export template, backups folder), kept as JSON."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

log = logging.getLogger(__name__)

SETTINGS_FILENAME = "settings.json"
#: Who recorded an edit when the user has not given a name (File > Settings sets one).
UNNAMED = "Unnamed user"


@dataclass(frozen=True)
class Settings:
    """What the user sets once for every bid they open; never stored in a bid file."""

    user_name: str = ""
    council: str = ""
    default_template: str = ""  # a .docx/.dotx the Export page uses when none is chosen
    backups_dir: str = ""  # empty: the program's own backups folder
    #: "yes" once the first start has asked for the user's name and council (answered or
    #: skipped): it is asked once, then lives in File > Settings.
    name_asked: str = ""

    @property
    def author(self) -> str:
        """How the change log and review comments name the user ("" when no name is set)."""
        name = self.user_name.strip()
        council = self.council.strip()
        if name and council:
            return f"{name} ({council})"
        return name

    @property
    def signature(self) -> str:
        """The name recorded in comments, versions and the change log: the user's own, never
        their computer login (which means nothing to a partner council reading the history)."""
        return self.author or UNNAMED

    @property
    def template_path(self) -> Path | None:
        return Path(self.default_template) if self.default_template.strip() else None

    @property
    def backups_path(self) -> Path | None:
        return Path(self.backups_dir) if self.backups_dir.strip() else None


def settings_file(config_dir: Path) -> Path:
    return Path(config_dir) / SETTINGS_FILENAME


def load(config_dir: Path) -> Settings:
    """The saved settings; defaults when there are none, or when the file cannot be read."""
    path = settings_file(config_dir)
    if not path.exists():
        return Settings()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("the file does not hold a JSON object")
    except (OSError, ValueError) as error:
        log.warning("Settings file %s cannot be read (%s); using the defaults", path, error)
        return Settings()
    known = {field.name for field in fields(Settings)}
    values: dict[str, str] = {}
    for name, value in data.items():
        if name not in known:
            continue  # a setting from a newer version: ignored, not an error
        if not isinstance(value, str):
            log.warning("Setting %r in %s is not text; using the default", name, path)
            continue
        values[name] = value
    return Settings(**values)


def save(config_dir: Path, settings: Settings) -> Path:
    """Write all or nothing: a crash mid-save leaves the previous settings file as it was."""
    path = settings_file(config_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix="settings.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(asdict(settings), handle, indent=2, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return path


class UserSettings:
    """The user's settings on this computer: settings.json, read once here and saved through here.

    The GUI makes one at start-up and hands it (inside `ui.window_state.WindowState`) to what
    needs it, so no part of the program reads the file on its own or holds a stale copy.
    """

    def __init__(self, config_dir: Path) -> None:
        self.config_dir = Path(config_dir)
        self.current = load(self.config_dir)

    def save(self, new: Settings) -> None:
        """Keep `new` on disk and use it from now on; raises OSError and keeps the old if it fails."""
        save(self.config_dir, new)
        self.current = new
