"""Where open and save dialogs start: beside a bid file, or, for a bid on a server, in the folder
the user last chose (remembered on this computer) or else their Documents folder.

A bid on a server has no folder: its `Workspace.path` is a name in words ("crm_bid on
bids.leeds.gov.uk"), whose parent is the program's current folder, so a dialog started from it
would open wherever the program happened to be started, and an export would land there.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from crmbid_desktop.services.bid.workspace import Workspace

#: The QSettings key (in the program's INI file, beside the window state) of the last folder.
LAST_FOLDER_KEY = "dialogs/last_folder"


def _memory() -> QSettings:
    # The same INI file as ui/window_state.py: QSettings objects on one file share their values
    # within the process, so this needs no window state handed down to every page.
    from crmbid_desktop.paths import AppPaths

    settings_file = AppPaths.for_user().settings_file
    settings_file.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(settings_file), QSettings.Format.IniFormat)


def documents_folder() -> Path:
    """The user's Documents folder (platformdirs), or their home folder when there is none."""
    from crmbid_desktop.paths import AppPaths

    documents = AppPaths.for_user().documents_dir
    return documents if documents.is_dir() else Path.home()


def last_folder() -> Path | None:
    """The folder the user last chose in an open or save dialog, if it still exists."""
    value = _memory().value(LAST_FOLDER_KEY, "")
    folder = Path(str(value)) if value else None
    return folder if folder is not None and folder.is_absolute() and folder.is_dir() else None


def remember(chosen: str | Path) -> None:
    """Remember the folder of a file (or the folder itself) the user chose in a dialog."""
    if not chosen:
        return
    path = Path(chosen)
    folder = path if path.is_dir() else path.parent
    if folder.is_absolute():
        memory = _memory()
        memory.setValue(LAST_FOLDER_KEY, str(folder))
        memory.sync()


def start_folder(workspace: Workspace) -> Path:
    """Where a dialog about this bid starts: the bid file's folder, or for a bid on a server the
    last folder used, else Documents."""
    if not workspace.bid.on_server:
        return workspace.path.parent
    return last_folder() or documents_folder()


def start_name(workspace: Workspace, name: str) -> Path:
    """A suggested file `name` in the folder a dialog about this bid starts in."""
    return start_folder(workspace) / name


def bid_stem(workspace: Workspace) -> str:
    """The start of suggested file names: the bid file's name, or the database's name."""
    if workspace.bid.on_server:
        return str(workspace.path).rsplit(" on ", 1)[0]  # "crm_bid on host": no host has " on "
    return workspace.path.stem


def ask_save(parent: QWidget, workspace: Workspace, title: str, name: str, filters: str) -> str:
    """Ask where to save `name`, starting where dialogs about this bid start; "" if cancelled."""
    chosen, _ = QFileDialog.getSaveFileName(
        parent, title, str(start_name(workspace, name)), filters
    )
    remember(chosen)
    return str(chosen)


def ask_open(parent: QWidget, workspace: Workspace, title: str, filters: str) -> str:
    """Ask which file to open, starting where dialogs about this bid start; "" if cancelled."""
    chosen, _ = QFileDialog.getOpenFileName(parent, title, str(start_folder(workspace)), filters)
    remember(chosen)
    return str(chosen)


def ask_folder(parent: QWidget, workspace: Workspace, title: str) -> str:
    """Ask for a folder, starting where dialogs about this bid start; "" if cancelled."""
    chosen = QFileDialog.getExistingDirectory(parent, title, str(start_folder(workspace)))
    remember(chosen)
    return str(chosen)
