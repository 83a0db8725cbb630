"""Partner-copy merge gaps: rows added under something deleted here, and oversized copies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.exchange import bid_merge
from crmbid_desktop.services.exchange.bid_merge import (
    MergeError,
    apply_merge,
    plan_merge,
    report_lines,
    save_partner_copy,
)
from crmbid_desktop.store.models import Contact, Partner, Section


@pytest.fixture
def pair(workspace: Workspace, tmp_path: Path, app_paths: AppPaths) -> Iterator[tuple]:
    copy = tmp_path / "partner copy.crmbid"
    save_partner_copy(workspace, copy, "Ann at York")
    partner = open_workspace(copy, app_paths)
    yield workspace, partner, copy
    partner.close()


def _leaf_section(workspace: Workspace) -> str:
    with workspace.reading() as session:
        sections = list(session.scalars(select(Section).order_by(Section.id)))
        parents = {s.parent_id for s in sections}
        return next(s.uuid for s in sections if s.id not in parents)


def _delete(workspace: Workspace, model: Any, uuid: str) -> None:
    with workspace.edit("delete") as session:
        session.delete(session.scalars(select(model).where(model.uuid == uuid)).one())


def _titles(workspace: Workspace) -> set[str]:
    with workspace.reading() as session:
        return set(session.scalars(select(Section.title)))


def test_subsection_added_under_a_section_deleted_here_is_a_conflict(pair: tuple) -> None:
    ours, theirs, copy = pair
    parent_uuid = _leaf_section(ours)
    with theirs.edit("add sub-section") as session:
        parent = session.scalars(select(Section).where(Section.uuid == parent_uuid)).one()
        session.add(Section(parent_id=parent.id, title="York's new sub-section", position=1))
    _delete(ours, Section, parent_uuid)

    plan = plan_merge(ours, copy)
    orphan = next(c for c in plan.conflicts if c.kind == "add/orphan")
    assert "York's new sub-section" in orphan.label
    assert "deleted here" in orphan.describe()
    assert not plan.inserts.get("section")
    assert any("York's new sub-section" in line for line in report_lines(plan))

    # Left undecided: nothing is lost, the next merge shows it again.
    apply_merge(ours, plan)
    assert "York's new sub-section" not in _titles(ours)
    again = plan_merge(ours, copy)
    assert [c.kind for c in again.conflicts] == ["add/orphan"]

    # Take theirs: the sub-section comes in with the section it belongs to.
    lines = apply_merge(ours, again, {("section", orphan.uuid): ("theirs", "")})
    assert any("restored" in line for line in lines)
    with ours.reading() as session:
        child = session.scalars(
            select(Section).where(Section.title == "York's new sub-section")
        ).one()
        parent = session.get(Section, child.parent_id)
        assert parent is not None and parent.uuid == parent_uuid
    assert plan_merge(ours, copy).nothing_to_do


def test_contact_added_to_a_council_deleted_here_is_a_conflict(pair: tuple) -> None:
    ours, theirs, copy = pair
    with ours.reading() as session:
        council = session.scalars(select(Partner).order_by(Partner.id)).first()
        assert council is not None
        council_uuid, council_name = council.uuid, council.name
    with theirs.edit("add contact") as session:
        partner = session.scalars(select(Partner).where(Partner.uuid == council_uuid)).one()
        session.add(Contact(partner_id=partner.id, name="Bea Jones", email="bea@example.org"))
    _delete(ours, Partner, council_uuid)

    plan = plan_merge(ours, copy)
    orphan = next(c for c in plan.conflicts if c.kind == "add/orphan")
    assert orphan.table == "contact" and council_name in orphan.parent_label
    lines = apply_merge(ours, plan, {("contact", orphan.uuid): ("ours", "")})
    assert any("not added" in line and "Bea Jones" in line for line in lines)
    with ours.reading() as session:
        assert session.scalars(select(Contact).where(Contact.name == "Bea Jones")).first() is None
    assert plan_merge(ours, copy).nothing_to_do


def test_copy_over_the_size_limit_is_refused_before_opening(
    pair: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours, _theirs, copy = pair
    monkeypatch.setattr(bid_merge, "MAX_COPY_BYTES", 1024)
    opened: list[Path] = []
    monkeypatch.setattr(bid_merge, "inspect_file", lambda path: opened.append(path))
    with pytest.raises(MergeError, match=r"at most 0 MB|can be at most") as error:
        plan_merge(ours, copy)
    assert copy.name in str(error.value)
    assert opened == []


def test_missing_copy_is_a_clear_message(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(MergeError, match="cannot be read"):
        plan_merge(workspace, tmp_path / "gone.crmbid")


def _stored(path: Path, table: str, uuid: str) -> tuple:
    """A row exactly as SQLite holds it, bar its id (each file numbers rows its own way)."""
    import sqlite3

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute(f"SELECT * FROM {table} WHERE uuid = ?", (uuid,)).fetchone()
    return tuple((key, row[key]) for key in row.keys() if key not in ("id", "owner_partner_id"))  # noqa: SIM118 (sqlite3.Row iterates values)


@pytest.mark.file_only  # it reads the bytes SQLite stores; a server stores its own types
def test_rows_added_by_merge_are_stored_exactly_as_in_the_partners_copy(pair: tuple) -> None:
    # The merge writes whole new rows straight to the driver; dates, times, date-times,
    # booleans and empty values must be stored as SQLAlchemy stores them.
    from datetime import date, datetime, time

    from crmbid_desktop.store.models import Milestone, Product

    ours, theirs, copy = pair
    with theirs.edit("add rows") as session:
        milestone = Milestone(
            title="Meet ODPM",
            due_on=date(2005, 8, 10),
            due_time=time(14, 30),
            external=True,
            created_at=datetime(2005, 8, 2, 9, 15, 30, 123456),
            modified_at=datetime(2005, 8, 2, 9, 15, 30),  # no microseconds: a shorter text
        )
        product = Product(name="Roadmap", next_review_on=None, downloads=None)
        session.add_all([milestone, product])
        session.flush()
        added = [("milestone", milestone.uuid), ("product", product.uuid)]
    theirs.close()
    apply_merge(ours, plan_merge(ours, copy))
    for table, uuid in added:
        assert _stored(ours.path, table, uuid) == _stored(copy, table, uuid)


def test_many_rows_added_under_a_deleted_council_are_all_conflicts_quickly(pair: tuple) -> None:
    import time

    ours, theirs, copy = pair
    with ours.reading() as session:
        partner_uuid = session.scalars(select(Partner.uuid)).first()
    with theirs.edit("add contacts") as session:
        council = session.scalars(select(Partner).where(Partner.uuid == partner_uuid)).one()
        session.add_all(Contact(partner_id=council.id, name="Same name") for _ in range(3_000))
    theirs.close()
    _delete(ours, Partner, partner_uuid)
    started = time.perf_counter()
    plan = plan_merge(ours, copy)
    assert time.perf_counter() - started < 30
    assert sum(c.kind == "add/orphan" for c in plan.conflicts) >= 3_000
    assert not any("Same name" in line for line in plan.clean)
