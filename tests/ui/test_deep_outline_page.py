"""A bid holding a 30,000-deep chain of sections (a hostile file) opens on the Sections page."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem
from sqlalchemy import bindparam, insert, select, update

from crmbid_desktop.domain.outline import MAX_DEPTH
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.store.models import Section, new_uuid
from crmbid_desktop.ui.pages.sections_page import SectionsPage

DEPTH = 30_000


def _deep_chain(workspace: Workspace) -> None:
    with workspace.edit("damage: a chain of sections written behind the program's back") as session:
        rows = [{"uuid": new_uuid(), "title": f"Deep {n}"} for n in range(DEPTH)]
        session.execute(insert(Section), rows)
        ids = {
            uuid: key
            for uuid, key in session.execute(
                select(Section.uuid, Section.id).where(Section.title.like("Deep %"))
            )
        }
        session.connection().execute(
            update(Section)
            .where(Section.id == bindparam("child"))
            .values(parent_id=bindparam("up")),
            [{"child": ids[b["uuid"]], "up": ids[a["uuid"]]} for a, b in pairwise(rows)],
        )


def _depth(item: QTreeWidgetItem) -> int:
    depth = 1
    parent = item.parent()
    while parent is not None:
        parent = parent.parent()
        depth += 1
    return depth


def test_sections_page_shows_a_30000_deep_chain_nine_levels_deep(
    qtbot: Any, workspace: Workspace
) -> None:
    _deep_chain(workspace)
    page = SectionsPage(workspace)
    qtbot.addWidget(page)
    page.refresh()
    found = page.outline.findItems(
        "Deep", Qt.MatchFlag.MatchContains | Qt.MatchFlag.MatchRecursive, 0
    )
    assert len(found) == DEPTH
    assert max(_depth(item) for item in found) == MAX_DEPTH
