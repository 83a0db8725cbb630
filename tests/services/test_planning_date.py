"""The bid's own "plan as if today is" day: one undoable edit, moved in from a computer once,
carried by a partner's copy, and never taken from a partner's copy by a merge."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid import planning_date
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.workspace import RecordedEdit, Workspace
from crmbid_desktop.services.exchange.bid_merge import apply_merge, plan_merge, save_partner_copy
from crmbid_desktop.store.models import ChangeLogEntry

REHEARSAL = date(2005, 8, 4)


def _log(workspace: Workspace) -> list[str]:
    with workspace.reading() as session:
        return list(session.scalars(select(ChangeLogEntry.summary).order_by(ChangeLogEntry.id)))


def test_setting_the_day_is_one_logged_undoable_edit_with_a_change_set(
    workspace: Workspace,
) -> None:
    recorded: list[RecordedEdit] = []
    changes: list[ChangeSet] = []
    workspace.on_recorded(recorded.append)
    workspace.on_changed(changes.append)
    assert workspace.plan_today is None and workspace.today() == date.today()

    assert planning_date.set_day(workspace, REHEARSAL)
    assert workspace.plan_today == REHEARSAL and workspace.today() == REHEARSAL
    assert _log(workspace)[-1] == "Planning as if today is Thu 4 Aug 2005"
    assert len(recorded) == 1 and changes[-1].touches("bid")
    assert not planning_date.set_day(workspace, REHEARSAL)  # unchanged: no edit, no log line
    assert len(recorded) == 1

    workspace.take_back(recorded[0])
    assert workspace.plan_today is None
    assert changes[-1].kind == "undo" and changes[-1].touches("bid")

    planning_date.set_day(workspace, REHEARSAL)
    planning_date.set_day(workspace, None)
    assert workspace.plan_today is None
    assert _log(workspace)[-1].startswith("Stopped planning as if today were another day")


def test_a_day_kept_on_the_computer_moves_in_once_and_never_over_the_bids_own(
    workspace: Workspace,
) -> None:
    assert not planning_date.adopt_computer_day(workspace, None)
    assert planning_date.adopt_computer_day(workspace, REHEARSAL)
    assert workspace.plan_today == REHEARSAL
    assert "from this computer into the bid" in _log(workspace)[-1]
    # The bid has its own day now: another computer's day does not replace it.
    assert not planning_date.adopt_computer_day(workspace, date(2005, 9, 1))
    assert workspace.plan_today == REHEARSAL


def test_the_day_travels_with_a_partner_copy_and_a_merge_keeps_the_leads_own(
    workspace: Workspace, tmp_path: Path, app_paths: AppPaths
) -> None:
    planning_date.set_day(workspace, REHEARSAL)
    copy = tmp_path / "partner copy.crmbid"
    save_partner_copy(workspace, copy, "Ann at York")
    partner = open_workspace(copy, app_paths)
    try:
        assert partner.plan_today == REHEARSAL  # the partner rehearses from the same day
        # The partner rehearses from another day and also edits the title; the lead
        # stops planning from a fixed day meanwhile.
        planning_date.set_day(partner, date(2005, 8, 20))
        with partner.edit("Renamed") as session:
            from crmbid_desktop.store.models import Bid

            session.scalars(select(Bid)).one().title = "Renamed by York"
    finally:
        partner.close()
    planning_date.set_day(workspace, None)

    plan = plan_merge(workspace, copy)
    assert not plan.conflicts
    assert all("planning_date" not in line for line in plan.clean)
    apply_merge(workspace, plan)
    assert workspace.bid_title() == "Renamed by York"  # other bid details still merge
    assert workspace.plan_today is None  # the lead's bid keeps its own (no) day

    # And a lead with a day of its own keeps it against a partner's different day.
    planning_date.set_day(workspace, date(2005, 8, 10))
    partner = open_workspace(copy, app_paths)
    try:
        planning_date.set_day(partner, date(2005, 8, 25))
    finally:
        partner.close()
    apply_merge(workspace, plan_merge(workspace, copy))
    assert workspace.plan_today == date(2005, 8, 10)
