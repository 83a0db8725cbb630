"""The main window's view of a shared server: the connection, who is where, and the lost banner.

For a bid on a server the status bar shows "Connected to db on host" (or "Reconnecting…") and
who else is editing which section. A lost connection makes the bid read-only with a banner
saying when it was lost and that the typing is kept; when the connection is back the banner
goes, editing resumes and the kept typing is saved. A bid file shows none of this.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.ui.live_link import LiveLink, start_live_link, stop_live_link
from crmbid_desktop.ui.undo import history_for

if TYPE_CHECKING:
    from crmbid_desktop.services.bid.live import ConnectionState, Presence
    from crmbid_desktop.ui.main_window import MainWindow


def lost_banner_text(at: str) -> str:
    return (
        f"The connection to the server was lost at {at}; your typing is kept; editing resumes "
        "when it is back."
    )


def presence_text(others: list[Presence]) -> str:
    """ "Alice (Leeds) is editing 4.2; Bob (Newham) is editing 1" for the status bar."""
    return "; ".join(other.describe() for other in others)


class LiveStatus(QObject):
    """Follows the window's open bid: starts its live link and shows what it reports."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.link: LiveLink | None = None
        self.workspace: Workspace | None = None
        #: True while this object made the bid read-only because the connection was lost.
        self.paused = False
        #: The bid whose change stream this listens to for other users' edits.
        self._heard: Workspace | None = None
        self.connection_label = QLabel()
        self.connection_label.setObjectName("connectionState")
        self.connection_label.setAccessibleName("Connection to the server")
        self.connection_label.hide()
        self.presence_label = QLabel()
        self.presence_label.setObjectName("presenceState")
        self.presence_label.setAccessibleName("Who else is editing")
        self.presence_label.hide()
        window.statusBar().addPermanentWidget(self.presence_label)
        window.statusBar().addPermanentWidget(self.connection_label)

    def follow(self, workspace: Workspace) -> None:
        """A bid was opened in the window: stop the last bid's link, start this one's."""
        if self.workspace is not None and self.workspace is not workspace:
            self.stop()
        self.workspace = workspace
        self.paused = False
        self.link = start_live_link(workspace)
        self.connection_label.setVisible(self.link is not None)
        self.presence_label.hide()
        if self.link is None:
            return
        history_for(workspace).changed.connect(self.show_remote_edit)
        self._heard = workspace
        self.link.state_changed.connect(self.show_state)
        self.link.presence_changed.connect(self.show_presence)
        self.show_state(self.link.state)
        self.show_presence(self.link.others)

    def show_remote_edit(self, changes: ChangeSet) -> None:
        """Another user's edit, named in the status bar as the user's own saves are."""
        if changes.kind == "remote" and changes.who and changes.summary:
            self.window.statusBar().showMessage(f"{changes.who}: {changes.summary}", 5000)

    def stop(self) -> None:
        """Stop the bid's live link; safe after the window (and this object's C++ side) went."""
        if self.workspace is not None:
            stop_live_link(self.workspace)
        heard, self._heard = self._heard, None
        if heard is not None:
            # Qt has already dropped the connection if this object was deleted with its window.
            with contextlib.suppress(RuntimeError, SystemError):
                history_for(heard).changed.disconnect(self.show_remote_edit)

    def show_presence(self, others: list[Presence]) -> None:
        text = presence_text(others)
        self.presence_label.setText(text)
        self.presence_label.setToolTip(text)
        self.presence_label.setVisible(bool(text))

    def show_state(self, state: ConnectionState | None) -> None:
        workspace = self.workspace
        if workspace is None or self.link is None:
            return
        where = workspace.bid.backend.describe()
        if state is None or state.connected:
            self.connection_label.setText(f"Connected to {where}")
            self.connection_label.setToolTip("")
            if self.paused:
                self._resume(workspace)
            return
        at = state.since.strftime("%H:%M")
        self.connection_label.setText("Reconnecting…")
        self.connection_label.setToolTip(f"The connection to {where} was lost at {at}.")
        if not workspace.bid.read_only:
            self._pause(workspace, at)

    def _pause(self, workspace: Workspace, at: str) -> None:
        """Read-only until the connection is back; nothing typed is touched."""
        self.paused = True
        workspace.bid.read_only = True
        workspace.bid.read_only_reason = f"the connection to the server was lost at {at}"
        self.window.set_editing_allowed(False)
        self.window.read_only_banner.setText(lost_banner_text(at))
        self.window.read_only_banner.setAccessibleName("Connection lost")
        self.window.save_state_label.setText("Not connected: changes are kept, not yet saved")

    def _resume(self, workspace: Workspace) -> None:
        self.paused = False
        workspace.bid.read_only = False
        workspace.bid.read_only_reason = ""
        self.window.read_only_banner.setAccessibleName("Read-only notice")
        self.window.set_editing_allowed(True)
        self.window.save_state_label.setText("All changes saved")


def pages_editing_allowed(pages: Any, allowed: bool) -> None:
    """Tell each built page that editing stopped or resumed (the Sections page's editor)."""
    for page in pages:
        hook = getattr(page, "editing_allowed", None)
        if callable(hook):
            hook(allowed)
