"""Timetable use cases on the default ODPM bid: anchors follow milestones, cycles are refused."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from crmbid_desktop.domain.critical_path import DependencyCycleError
from crmbid_desktop.services.bid.workspace import RecordedEdit, Workspace
from crmbid_desktop.services.registers import planning, task_saves
from crmbid_desktop.services.registers.planning import MilestoneInput, PlanningError, TaskInput
from crmbid_desktop.store.models import ChangeLogEntry, TaskDependency

TODAY = date(2005, 8, 15)


def _task_id(workspace: Workspace, title_start: str) -> int:
    view = planning.plan_view(workspace, TODAY)
    return next(t.id for t in view.tasks if t.title.startswith(title_start))


def _milestone_id(workspace: Workspace, title_start: str) -> int:
    view = planning.plan_view(workspace, TODAY)
    return next(m.id for m in view.milestones if m.title.startswith(title_start))


def test_plan_view_shows_the_template_flag_and_the_confirm_task(workspace: Workspace) -> None:
    view = planning.plan_view(workspace, TODAY)
    assert view.bid_title == "Ownership of the CRM National Project"
    proposal = next(m for m in view.milestones if m.title.startswith("Proposal"))
    assert proposal.due_on == date(2005, 8, 26)
    assert any("Thursday, 26 August" in w for w in proposal.warnings)
    assert any(t.title.startswith("Confirm the deadline's weekday") for t in view.tasks)
    assert len(view.tasks) == 13
    assert view.result is not None
    assert any(v.slack <= 0 for v in view.result.schedules.values())
    # The submission chain is tight against the team's own dates, but the plan leaves a day
    # before ODPM's Friday deadline: no slip of it would move an external deadline yet.
    submit = view.task(_task_id(workspace, "Submit the proposal"))
    assert submit.schedule is not None and submit.schedule.slack <= 0
    assert not submit.critical and "critical" not in submit.flags
    assert not any(t.critical for t in view.tasks)


def test_critical_means_a_slip_would_miss_an_external_deadline(workspace: Workspace) -> None:
    from crmbid_desktop.store.models import Milestone

    # ODPM confirms the proposal is due on the Wednesday: now the chain has no day to spare.
    with workspace.edit("Earlier deadline") as session:
        proposal = session.scalars(
            select(Milestone).where(Milestone.title.startswith("Proposal and"))
        ).one()
        proposal.due_on = date(2005, 8, 24)
    view = planning.plan_view(workspace, TODAY)
    critical = {t.title for t in view.tasks if t.critical}
    assert "Sign-off by each council, including the chief finance officer" in critical
    assert "Full draft of the proposal" in critical
    assert all("critical" in t.flags for t in view.tasks if t.critical)
    # Tasks that lead only to other deadlines keep their room.
    assert "Write and send the expression of interest" not in critical


def test_overdue_task_is_flagged(workspace: Workspace) -> None:
    view = planning.plan_view(workspace, date(2005, 8, 12))
    eoi = view.task(_task_id(workspace, "Write and send the expression"))
    assert eoi.overdue and "overdue" in eoi.flags


def test_milestone_on_a_bank_holiday_is_flagged(workspace: Workspace) -> None:
    milestone_id = planning.add_milestone(
        workspace, MilestoneInput("Partners' board", date(2005, 8, 29), time(10, 0), "meeting")
    )
    row = next(m for m in planning.plan_view(workspace, TODAY).milestones if m.id == milestone_id)
    assert row.due_time == time(10, 0)
    assert row.warnings == ["Due on a non-working day (Late Summer Bank Holiday)."]


def test_anchored_task_moves_with_its_milestone(workspace: Workspace) -> None:
    submit_id = _milestone_id(workspace, "Planned submission")
    task_id = planning.add_task(
        workspace,
        TaskInput(
            "Print and bind the copies",
            start_on=date(2005, 8, 1),
            due_on=date(2005, 8, 1),
            effort_days=2,
            milestone_id=submit_id,
            anchor_working_days=3,
        ),
    )
    row = planning.plan_view(workspace, TODAY).task(task_id)
    # 3 working days before Thu 25 Aug is Mon 22 Aug. The task keeps its 2 days of effort,
    # though its dates said one day: it is not squeezed, so it starts on Fri 19 Aug.
    assert (row.start_on, row.due_on) == (date(2005, 8, 19), date(2005, 8, 22))

    shown = next(m for m in planning.plan_view(workspace, TODAY).milestones if m.id == submit_id)
    old = planning.milestone_input(shown)  # what the edit dialog starts from
    saved = planning.save_milestone_fields(
        workspace,
        submit_id,
        planning.load_milestone(workspace, submit_id),
        MilestoneInput(old.title, date(2005, 9, 1), None, old.kind, old.external, old.notes),
    )
    assert saved.written == ("due_on",)
    # Thu 1 Sep 2005 less 3 working days skips the Mon 29 Aug bank holiday: Fri 26 Aug.
    assert planning.plan_view(workspace, TODAY).task(task_id).due_on == date(2005, 8, 26)


def test_anchor_needs_a_milestone(workspace: Workspace) -> None:
    with pytest.raises(PlanningError, match="Anchor"):
        planning.add_task(workspace, TaskInput("Orphan", anchor_working_days=2))


def test_bad_inputs_name_the_field(workspace: Workspace) -> None:
    with pytest.raises(PlanningError, match="Task title"):
        planning.add_task(workspace, TaskInput("  "))
    with pytest.raises(PlanningError, match="before the start Fri 26 Aug 2005"):
        planning.add_task(
            workspace,
            TaskInput("Back to front", start_on=date(2005, 8, 26), due_on=date(2005, 8, 1)),
        )
    with pytest.raises(PlanningError, match="Milestone kind"):
        planning.add_milestone(workspace, MilestoneInput("X", date(2005, 8, 1), kind="party"))


def test_dependency_cycle_is_refused_naming_the_tasks(workspace: Workspace) -> None:
    draft = _task_id(workspace, "Full draft")
    signoff = _task_id(workspace, "Sign-off")
    with workspace.reading() as session:
        before = session.scalar(select(func.count()).select_from(TaskDependency))
    # The task dialog saves a task's predecessors as a whole: Sign-off before the draft.
    data = planning.load_task_input(workspace, draft)
    with pytest.raises(DependencyCycleError) as caught:
        task_saves.save_task_fields(
            workspace,
            draft,
            task_saves.load_task(workspace, draft),
            TaskInput(**{**data.__dict__, "predecessor_ids": (signoff,)}),
            predecessors_changed=True,
        )
    message = str(caught.value)
    assert "Full draft of the proposal" in message and "Sign-off by each council" in message
    with workspace.reading() as session:
        assert session.scalar(select(func.count()).select_from(TaskDependency)) == before
    with pytest.raises(DependencyCycleError, match="Full draft of the proposal"):
        task_saves.save_task_fields(
            workspace,
            draft,
            task_saves.load_task(workspace, draft),
            TaskInput(**{**data.__dict__, "predecessor_ids": (draft,)}),
            predecessors_changed=True,
        )
    assert planning.load_task_input(workspace, draft) == data


def test_editing_predecessors_refuses_a_cycle_and_changes_nothing(workspace: Workspace) -> None:
    draft = _task_id(workspace, "Full draft")
    submit = _task_id(workspace, "Submit the proposal")
    data = planning.load_task_input(workspace, draft)
    with pytest.raises(DependencyCycleError, match="Submit the proposal"):
        task_saves.save_task_fields(
            workspace,
            draft,
            task_saves.load_task(workspace, draft),
            TaskInput(**{**data.__dict__, "predecessor_ids": (submit,)}),
            predecessors_changed=True,
        )
    assert planning.load_task_input(workspace, draft) == data


def test_broken_dependency_and_passing_the_milestone_are_flagged(workspace: Workspace) -> None:
    review = _task_id(workspace, "Review by readers")
    planning.reschedule_task(workspace, review, -3)
    row = planning.plan_view(workspace, TODAY).task(review)
    assert row.start_on == date(2005, 8, 18)
    assert any(f.startswith("starts before “Full draft of the proposal”") for f in row.flags)

    planning.reschedule_task(workspace, review, 10)
    row = planning.plan_view(workspace, TODAY).task(review)
    # Thu 18 Aug + 10 working days skips the weekend and the 29 Aug bank holiday.
    assert row.due_on == date(2005, 9, 2)
    assert "passes its milestone" in row.flags


def test_reschedule_is_one_logged_edit_and_undo_puts_it_back(workspace: Workspace) -> None:
    draft = _task_id(workspace, "Full draft")
    before = planning.load_task_input(workspace, draft)
    recorded: list[RecordedEdit] = []
    workspace.on_recorded(recorded.append)
    planning.reschedule_task(workspace, draft, 2)
    after = planning.load_task_input(workspace, draft)
    assert (after.start_on, after.due_on) == (date(2005, 8, 15), date(2005, 8, 24))
    with workspace.reading() as session:
        last = session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.id.desc())).first()
        assert last is not None and last.summary.startswith("Moved task “Full draft")
    assert len(recorded) == 1
    workspace.take_back(recorded[-1])  # what Edit > Undo does after a drag on the chart
    assert planning.load_task_input(workspace, draft) == before


def test_delete_and_restore_task_keeps_uuid_and_dependencies(workspace: Workspace) -> None:
    review = _task_id(workspace, "Review by readers")
    view = planning.plan_view(workspace, TODAY)
    row = view.task(review)
    recorded: list[RecordedEdit] = []
    workspace.on_recorded(recorded.append)
    planning.delete_task(workspace, review)
    assert all(t.id != review for t in planning.plan_view(workspace, TODAY).tasks)
    workspace.take_back(recorded[-1])  # what Edit > Undo does
    again = planning.plan_view(workspace, TODAY)
    assert again.task(review).uuid == row.uuid
    assert again.task(review).predecessor_ids == row.predecessor_ids
    assert sorted(again.dependencies) == sorted(view.dependencies)


def test_delete_and_restore_milestone_relinks_tasks(workspace: Workspace) -> None:
    meeting = _milestone_id(workspace, "Meeting with ODPM")
    linked = [t.id for t in planning.plan_view(workspace, TODAY).tasks if t.milestone_id == meeting]
    assert linked
    recorded: list[RecordedEdit] = []
    workspace.on_recorded(recorded.append)
    planning.delete_milestone(workspace, meeting)
    after = planning.plan_view(workspace, TODAY)
    assert all(after.task(task_id).milestone_id is None for task_id in linked)
    workspace.take_back(recorded[-1])  # what Edit > Undo does
    view = planning.plan_view(workspace, TODAY)
    assert [t.id for t in view.tasks if t.milestone_id == meeting] == linked
