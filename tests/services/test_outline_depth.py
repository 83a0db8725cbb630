"""The outline is at most nine levels deep: edits and merges refuse more, numbers stay short."""

from __future__ import annotations

import time
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import bindparam, insert, select, update

from crmbid_desktop.domain.outline import MAX_DEPTH, OutlineItem, number_outline, outline_depth
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.queries import section_rows
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.exchange.bid_merge import MergeError, plan_merge, save_partner_copy
from crmbid_desktop.services.registers import sections
from crmbid_desktop.store.models import Section, new_uuid


def test_numbers_of_a_30000_deep_chain_stay_short() -> None:
    chain = [OutlineItem(n, n - 1 if n else None, 0) for n in range(30_000)]
    started = time.perf_counter()
    numbered = number_outline(chain)
    assert time.perf_counter() - started < 5
    assert len(numbered) == 30_000
    assert max(item.depth for item in numbered) == MAX_DEPTH
    assert max(len(item.number) for item in numbered) < 40
    assert numbered[8].number == "1.1.1.1.1.1.1.1.1"
    assert numbered[-1].number == "1.1.1.1.1.1.1.1.29992"


def test_a_normal_outline_is_numbered_as_before() -> None:
    items = [
        OutlineItem(1, None, 0),
        OutlineItem(2, 1, 0),
        OutlineItem(3, 2, 0),
        OutlineItem(4, 1, 1),
        OutlineItem(5, None, 1),
    ]
    assert [(i.key, i.number, i.depth) for i in number_outline(items)] == [
        (1, "1", 1),
        (2, "1.1", 2),
        (3, "1.1.1", 3),
        (4, "1.2", 2),
        (5, "2", 1),
    ]


def test_nine_levels_keep_their_numbers() -> None:
    chain = [OutlineItem(n, n - 1 if n else None, 0) for n in range(9)]
    chain.append(OutlineItem(100, 7, 1))  # a second child on level 9
    numbers = [item.number for item in number_outline(chain)]
    assert numbers[-2:] == ["1.1.1.1.1.1.1.1.1", "1.1.1.1.1.1.1.1.2"]


def test_outline_depth_survives_cycles() -> None:
    assert outline_depth({1: None, 2: 1, 3: 2}) == 3
    assert outline_depth({1: 2, 2: 1}) == 2
    assert outline_depth({n: n - 1 if n else None for n in range(60_000)}) == 60_000


def _chain(workspace: Workspace, levels: int) -> list[int]:
    """A chain of new sections `levels` deep under a new top-level section; returns their ids."""
    ids = [sections.add_section(workspace, "Level 1")]
    for level in range(2, levels + 1):
        ids.append(sections.add_section(workspace, f"Level {level}", parent_id=ids[-1]))
    return ids


def test_adding_a_tenth_level_is_refused(workspace: Workspace) -> None:
    ids = _chain(workspace, MAX_DEPTH)
    with pytest.raises(sections.SectionError, match="at most 9 levels"):
        sections.add_section(workspace, "Level 10", parent_id=ids[-1])


def test_moving_or_indenting_below_nine_levels_is_refused(workspace: Workspace) -> None:
    ids = _chain(workspace, MAX_DEPTH)
    other = _chain(workspace, 2)  # a section with one sub-section: two levels
    with pytest.raises(sections.SectionError, match="at most 9 levels"):
        sections.move_section(workspace, other[0], ids[-2], 0)  # 8 + 2 = 10
    sections.move_section(workspace, other[1], ids[-2], 0)  # 8 + 1 = 9 is allowed
    with pytest.raises(sections.SectionError, match="at most 9 levels"):
        sections.indent_section(workspace, ids[-1])  # under its sibling at level 9


def _deep_copy(workspace: Workspace, tmp_path: Path, levels: int) -> Path:
    copy = tmp_path / "deep copy.crmbid"
    save_partner_copy(workspace, copy, "Ann at York")
    partner = open_workspace(copy, AppPaths.for_user())
    try:
        with partner.edit("a very deep outline") as session:
            rows = [{"uuid": new_uuid(), "title": f"Deep {n}"} for n in range(levels)]
            session.execute(insert(Section), rows)
            ids = {
                s.uuid: s.id
                for s in session.scalars(select(Section).where(Section.title.like("Deep %")))
            }
            session.connection().execute(
                update(Section).where(Section.id == ids[rows[0]["uuid"]]).values(parent_id=None)
            )
            session.connection().execute(
                update(Section)
                .where(Section.id == bindparam("child"))
                .values(parent_id=bindparam("parent")),
                [
                    {"child": ids[below["uuid"]], "parent": ids[above["uuid"]]}
                    for above, below in pairwise(rows)
                ],
            )
    finally:
        partner.close()
    return copy


def test_merging_a_copy_deeper_than_nine_levels_is_refused(
    workspace: Workspace, tmp_path: Path
) -> None:
    copy = _deep_copy(workspace, tmp_path, 12)
    before = copy.read_bytes()
    with pytest.raises(MergeError, match=r"deep copy\.crmbid.*12 levels deep"):
        plan_merge(workspace, copy)
    assert copy.read_bytes() == before


def test_a_60000_deep_copy_is_refused_without_running_out_of_memory(
    workspace: Workspace, tmp_path: Path
) -> None:
    copy = _deep_copy(workspace, tmp_path, 60_000)
    started = time.perf_counter()
    with pytest.raises(MergeError, match=r"60,?000 levels deep"):
        plan_merge(workspace, copy)
    assert time.perf_counter() - started < 60


def test_opening_a_deep_bid_lists_every_section(workspace: Workspace) -> None:
    with workspace.edit("damage: a 5,000-deep chain written behind the program's back") as session:
        parent = None
        for n in range(5_000):
            section = Section(title=f"Deep {n}", parent_id=parent)
            session.add(section)
            session.flush()
            parent = section.id
    with workspace.reading() as session:
        rows = section_rows(session)
    deep = [row for row in rows if row.title.startswith("Deep ")]
    assert len(deep) == 5_000 and max(row.depth for row in deep) == MAX_DEPTH


@pytest.mark.file_only
def test_an_edit_of_60000_rows_fits_sqlites_smaller_variable_limit(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows Python's SQLite takes at most 32,766 variables in a statement: an edit touching
    60,000 rows still notes its row versions (asked for in bounded batches)."""
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def windows_limit(connection: object, _record: object) -> None:
        if isinstance(connection, sqlite3.Connection):
            connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32_766)

    event.listen(Engine, "connect", windows_limit)
    try:
        workspace.bid.engine.dispose()  # new connections, with the limit
        with workspace.edit("60,000 sections at once") as session:
            session.add_all(Section(title=f"Many {n}") for n in range(60_000))
    finally:
        event.remove(Engine, "connect", windows_limit)
    with workspace.reading() as session:
        assert session.query(Section).filter(Section.title.like("Many %")).count() == 60_000
