"""The GUI's side of live screens on a shared server: presence and connection state as signals.

`services/bid/live.py` reports on its listening thread; `LiveLink` re-emits each report as a Qt
signal, which Qt queues to the GUI thread (the link lives there), so widgets are touched only
there. Other users' change sets need nothing here: they reach the Workspace's change listeners,
and the bid's change stream (ui/undo.py) already hands those to the GUI thread and the pages.
One link per open server bid (`live_link_for`); a bid file has none.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from crmbid_desktop.services.bid.workspace import Workspace

if TYPE_CHECKING:
    from crmbid_desktop.services.bid.live import ConnectionState, LiveBid, Presence


class LiveLink(QObject):
    """One open server bid's live link, for the main window and the Sections page."""

    #: list[Presence]: who else has which section open (on the GUI thread).
    presence_changed = Signal(object)
    #: ConnectionState: the connection was lost, or is back (on the GUI thread).
    state_changed = Signal(object)

    def __init__(self, live: LiveBid) -> None:
        super().__init__()
        self.live = live
        self.others: list[Presence] = []
        self.state: ConnectionState | None = live.state
        self.presence_changed.connect(self._keep_presence)
        self.state_changed.connect(self._keep_state)
        # Emitted on the listening thread; the receivers live on the GUI thread, so Qt queues.
        live.on_presence(self.presence_changed.emit)
        live.on_state(self.state_changed.emit)

    def _keep_presence(self, others: list[Presence]) -> None:
        self.others = list(others)

    def _keep_state(self, state: ConnectionState) -> None:
        self.state = state

    @property
    def connected(self) -> bool:
        return self.state is not None and self.state.connected

    def editing(self, section_uuid: str) -> list[Presence]:
        """The others who have this section open."""
        return [other for other in self.others if other.section_uuid == section_uuid]

    def open_section(self, section_uuid: str, label: str) -> None:
        self.live.open_section(section_uuid, label)

    def leave_section(self) -> None:
        self.live.leave_section()

    def stop(self) -> None:
        self.live.stop()


_links: weakref.WeakKeyDictionary[Workspace, LiveLink] = weakref.WeakKeyDictionary()


def start_live_link(workspace: Workspace) -> LiveLink | None:
    """Start the live link of a server bid opened for editing; None for a bid file."""
    if not workspace.bid.on_server or workspace.read_only:
        return None
    from crmbid_desktop.services.bid.live import LiveBid

    live = LiveBid.start(workspace)
    if live is None:
        return None
    link = LiveLink(live)
    _links[workspace] = link
    # The first presence, read now: the listener only reports changes from here on.
    link.others = live.others()
    return link


def live_link_for(workspace: Workspace) -> LiveLink | None:
    return _links.get(workspace)


def stop_live_link(workspace: Workspace) -> None:
    link = _links.pop(workspace, None)
    if link is not None:
        link.stop()
