"""Who else is editing which section, on the Sections page of a bid on a shared server.

The page says which section this user has open (presence ends on leaving it or the page); the
sections others have open get an icon and a tooltip in the outline ("Alice (Leeds) is editing
4.2"), and a note over the editor names anyone else in the open section. A bid file has no live
link, and then none of this shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel

from crmbid_desktop.ui import icons
from crmbid_desktop.ui.colours import text_style
from crmbid_desktop.ui.live_link import LiveLink, live_link_for

if TYPE_CHECKING:
    from crmbid_desktop.services.bid.live import Presence
    from crmbid_desktop.ui.pages.sections_page import SectionsPage


class SectionPresence:
    """The Sections page's part of presence (see the module docstring)."""

    def __init__(self, page: SectionsPage) -> None:
        self.page = page
        self.link: LiveLink | None = live_link_for(page.workspace)
        #: Over the editor: who else has the open section open ("" hides it).
        self.note = QLabel()
        self.note.setObjectName("sectionPresence")
        self.note.setAccessibleName("Others editing this section")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(text_style("warning", page, bold=True))
        self.note.hide()
        self._marked: set[int] = set()
        if self.link is not None:
            self.link.presence_changed.connect(self.show_others)

    def opened(self, section_id: int | None) -> None:
        """The user opened a section (or none) in the editor: tell the others."""
        if self.link is None:
            return
        row = self.page.rows.get(section_id) if section_id is not None else None
        if row is None:
            self.link.leave_section()
        else:
            self.link.open_section(row.uuid, row.label)
        self.show_others(self.link.others)

    def left(self) -> None:
        """The user left the Sections page: they are editing no section now."""
        if self.link is not None:
            self.link.leave_section()

    def forget_marks(self) -> None:
        """The outline was built anew: no item carries a mark."""
        self._marked = set()

    def show_others(self, others: list[Presence] | None = None) -> None:
        if self.link is None:
            return
        others = self.link.others if others is None else others
        by_uuid: dict[str, list[Presence]] = {}
        for other in others:
            by_uuid.setdefault(other.section_uuid, []).append(other)
        marked: set[int] = set()
        for section_id, row in self.page.rows.items():
            item = self.page.items.get(section_id)
            if item is None:
                continue
            editing = by_uuid.get(row.uuid, [])
            if editing or section_id in self._marked:
                self.page.refresh_tooltip(item, row)
            if editing:
                names = "\n".join(other.describe() for other in editing)
                item.setIcon(0, icons.icon("presence"))
                item.setToolTip(0, f"{names}\n\n{item.toolTip(0)}")
                marked.add(section_id)
            elif section_id in self._marked:
                item.setIcon(0, QIcon())
        self._marked = marked
        current = self.page.rows.get(self.page.section_id) if self.page.section_id else None
        here = by_uuid.get(current.uuid, []) if current is not None else []
        text = "; ".join(f"{other.who} is editing this section too" for other in here)
        self.note.setText(text)
        self.note.setVisible(bool(text))
