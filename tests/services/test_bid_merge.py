"""Three-way merge of a partner's offline copy: the matrix of edits, and merging twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crmbid_desktop.app import main
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.exchange.bid_merge import (
    MergeError,
    apply_merge,
    plan_merge,
    save_partner_copy,
)
from crmbid_desktop.store.models import ChangeLogEntry, Risk, Section

LINES = "line one\nline two\nline three\nline four\nline five"


def _first_sections(workspace: Workspace) -> list[str]:
    with workspace.reading() as session:
        return [s.uuid for s in session.scalars(select(Section).order_by(Section.id)).all()[:6]]


def _edit(workspace: Workspace, uuid: str, **fields: object) -> None:
    with workspace.edit("edit") as session:
        section = session.scalars(select(Section).where(Section.uuid == uuid)).one()
        for name, value in fields.items():
            setattr(section, name, value)


def _get(workspace: Workspace, uuid: str) -> Section:
    with workspace.reading() as session:
        return session.scalars(select(Section).where(Section.uuid == uuid)).one()


@pytest.fixture
def pair(workspace: Workspace, tmp_path: Path, app_paths: AppPaths) -> Iterator[tuple]:
    uuids = _first_sections(workspace)
    _edit(workspace, uuids[0], body=LINES)
    _edit(workspace, uuids[1], body=LINES)
    copy = tmp_path / "partner copy.crmbid"
    save_partner_copy(workspace, copy, "Ann at York")
    partner = open_workspace(copy, app_paths)
    yield workspace, partner, copy, uuids
    partner.close()


def test_matrix_loses_no_edit(pair: tuple) -> None:
    ours, theirs, copy, u = pair
    # edit/edit on different lines of the same body: merged line by line.
    _edit(ours, u[0], body=LINES.replace("line one", "line ONE (ours)"))
    _edit(theirs, u[0], body=LINES.replace("line five", "line FIVE (theirs)"))
    # edit/edit on the same line: a conflict.
    _edit(ours, u[1], body=LINES.replace("line two", "our two"))
    _edit(theirs, u[1], body=LINES.replace("line two", "their two"))
    # edit here / deletion there: a conflict, never a silent loss.
    _edit(ours, u[2], title="Kept and edited here")
    with theirs.edit("delete") as session:
        session.delete(session.scalars(select(Section).where(Section.uuid == u[2])).one())
    # one side only: their status change and reorder, our title change.
    _edit(theirs, u[3], status="ready for review", position=99)
    _edit(ours, u[4], title="Our new title")
    # unchanged on both sides: u[5]. add on their side:
    with theirs.edit("add risk") as session:
        session.add(Risk(description="Partner leaves", owner="York"))

    plan = plan_merge(ours, copy)
    kinds = {(c.uuid, c.kind) for c in plan.conflicts}
    assert kinds == {(u[1], "edit/edit"), (u[2], "edit/delete")}
    lines = apply_merge(ours, plan)
    assert any("conflict(s) left" in line for line in lines)

    assert _get(ours, u[0]).body == (
        "line ONE (ours)\nline two\nline three\nline four\nline FIVE (theirs)"
    )
    assert _get(ours, u[1]).body == LINES.replace("line two", "our two")  # left for the user
    assert _get(ours, u[2]).title == "Kept and edited here"
    assert (_get(ours, u[3]).status, _get(ours, u[3]).position) == ("ready for review", 99)
    assert _get(ours, u[4]).title == "Our new title"
    with ours.reading() as session:
        assert session.scalar(select(func.count()).select_from(Risk).where(Risk.owner == "York"))
        log = session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.id.desc())).first()
        assert log is not None and "Ann at York" in log.summary

    # The same copy again: the clean part is not re-applied, the conflicts are still there.
    again = plan_merge(ours, copy)
    assert not again.updates and not again.inserts and not again.deletes
    assert {(c.uuid, c.kind) for c in again.conflicts} == kinds


def test_resolving_conflicts(pair: tuple) -> None:
    ours, theirs, copy, u = pair
    _edit(ours, u[1], body=LINES.replace("line two", "our two"))
    _edit(theirs, u[1], body=LINES.replace("line two", "their two"))
    _edit(ours, u[2], title="Edited here")
    with theirs.edit("delete") as session:
        session.delete(session.scalars(select(Section).where(Section.uuid == u[2])).one())
    plan = plan_merge(ours, copy)
    body_conflict = next(c for c in plan.conflicts if c.uuid == u[1])
    assert body_conflict.body_base == LINES  # the merge window merges from it; no markers
    apply_merge(ours, plan, {("section", u[1]): ("theirs", ""), ("section", u[2]): ("ours", "")})
    assert _get(ours, u[1]).body == LINES.replace("line two", "their two")
    assert _get(ours, u[2]) is not None
    assert plan_merge(ours, copy).nothing_to_do


def test_add_add_and_second_merge_is_a_no_op(pair: tuple) -> None:
    ours, theirs, copy, _u = pair
    with ours.edit("add") as session:
        session.add(Section(title="Our annex", position=50))
    with theirs.edit("add") as session:
        session.add(Section(title="Their annex", position=51))
    plan = plan_merge(ours, copy)
    assert not plan.conflicts
    apply_merge(ours, plan)
    with ours.reading() as session:
        titles = set(session.scalars(select(Section.title)))
        assert {"Our annex", "Their annex"} <= titles
        log_count = session.scalar(select(func.count()).select_from(ChangeLogEntry))
    second = apply_merge(ours, plan_merge(ours, copy))
    assert second[-1].startswith("Nothing to merge")
    with ours.reading() as session:
        assert session.scalar(select(func.count()).select_from(ChangeLogEntry)) == log_count


def test_both_unchanged_merges_nothing(pair: tuple) -> None:
    ours, _theirs, copy, _u = pair
    assert plan_merge(ours, copy).nothing_to_do


def test_cli_merge_exit_codes(pair: tuple, capsys: pytest.CaptureFixture[str]) -> None:
    ours, theirs, copy, u = pair
    _edit(ours, u[1], body=LINES.replace("line two", "our two"))
    _edit(theirs, u[1], body=LINES.replace("line two", "their two"))
    _edit(theirs, u[3], status="ready for review")
    theirs.close()
    path = ours.place
    ours.close()
    assert main(["merge", str(path), str(copy), "--dry-run"]) == 2
    out = capsys.readouterr().out
    assert "Conflict: Section" in out and "Dry run" in out and "status taken" in out
    assert main(["merge", str(path), str(copy)]) == 2
    assert "status taken from the partner's copy" in capsys.readouterr().out


def test_copy_of_another_bid_refused(workspace: Workspace, tmp_path: Path) -> None:
    from crmbid_desktop.services.bid.bid_template import create_bid

    other = tmp_path / "other.crmbid"
    create_bid(other).close()
    with pytest.raises(MergeError, match="different bid"):
        plan_merge(workspace, other)


def test_partner_copy_is_never_written(pair: tuple) -> None:
    ours, theirs, copy, u = pair
    _edit(theirs, u[3], status="ready for review")
    theirs.close()
    before = copy.read_bytes()
    apply_merge(ours, plan_merge(ours, copy))
    assert copy.read_bytes() == before
