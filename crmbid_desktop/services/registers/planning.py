"""Timetable use cases: milestone and task edits, anchors to milestones, dependencies, the plan view."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, time
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmbid_desktop.domain.critical_path import (
    DependencyCycleError,
    Edge,
    PlanResult,
    PlanTask,
    TaskSchedule,
    critical_path,
    find_cycle,
)
from crmbid_desktop.domain.dates import format_date

# The choices live in the domain, where the file checks (store/row_rules.py) read them too.
from crmbid_desktop.domain.task_rules import MILESTONE_KINDS as MILESTONE_KINDS
from crmbid_desktop.domain.task_rules import TASK_PRIORITIES as TASK_PRIORITIES
from crmbid_desktop.domain.task_rules import TASK_STATUSES as TASK_STATUSES
from crmbid_desktop.domain.working_days import WorkingCalendar
from crmbid_desktop.services.bid import versioned
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.store.models import Bid, Milestone, Partner, Section, Task, TaskDependency

__all__ = ["DependencyCycleError", "PlanningError"]

_Row = TypeVar("_Row")


class PlanningError(ValueError):
    """An edit the timetable cannot accept; the message names the field and what is wrong."""


_calendar: WorkingCalendar | None = None


def working_calendar() -> WorkingCalendar:
    """The England and Wales calendar shared by the timetable (bank holidays load lazily)."""
    global _calendar
    if _calendar is None:
        _calendar = WorkingCalendar()
    return _calendar


# -- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneInput:
    """What the user typed for a milestone."""

    title: str
    due_on: date
    due_time: time | None = None
    kind: str = "internal"
    external: bool = False
    notes: str = ""
    flag: str = ""


@dataclass(frozen=True)
class TaskInput:
    """What the user typed for a task. ``anchor_working_days`` needs ``milestone_id``."""

    title: str
    description: str = ""
    owner_partner_id: int | None = None
    owner_person: str = ""
    start_on: date | None = None
    due_on: date | None = None
    status: str = "not started"
    priority: str = "normal"
    effort_days: int = 1
    milestone_id: int | None = None
    section_id: int | None = None
    anchor_working_days: int | None = None
    predecessor_ids: tuple[int, ...] = ()


def _check_milestone(data: MilestoneInput) -> None:
    if not data.title.strip():
        raise PlanningError(
            "Milestone title: type what is due, e.g. “Expressions of interest due”."
        )
    if data.kind not in MILESTONE_KINDS:
        raise PlanningError(
            f"Milestone kind: {data.kind!r} is not one of {', '.join(MILESTONE_KINDS)}."
        )


def _check_task(data: TaskInput) -> None:
    if not data.title.strip():
        raise PlanningError("Task title: type what has to be done.")
    if data.status not in TASK_STATUSES:
        raise PlanningError(
            f"Task status: {data.status!r} is not one of {', '.join(TASK_STATUSES)}."
        )
    if data.priority not in TASK_PRIORITIES:
        raise PlanningError(
            f"Task priority: {data.priority!r} is not one of {', '.join(TASK_PRIORITIES)}."
        )
    if data.effort_days < 0:
        raise PlanningError(f"Effort: {data.effort_days} working days cannot be negative.")
    if data.start_on and data.due_on and data.due_on < data.start_on:
        raise PlanningError(
            f"Due date {format_date(data.due_on)} is before the start {format_date(data.start_on)}."
        )
    if data.anchor_working_days is not None:
        if data.milestone_id is None:
            raise PlanningError(
                "Anchor: choose the milestone the task is planned back from, or clear the anchor."
            )
        if data.anchor_working_days < 0:
            raise PlanningError(
                "Anchor: the number of working days before the milestone is 0 or more."
            )


# -- anchoring --------------------------------------------------------------------------------


def anchored_dates(
    calendar: WorkingCalendar,
    milestone_day: date,
    anchor: int,
    start_on: date | None,
    due_on: date | None,
    effort_days: int,
) -> tuple[date | None, date]:
    """Dates of a task due ``anchor`` working days before ``milestone_day``.

    The task keeps its length: the start keeps its distance in working days from the due date,
    and never comes closer than the effort needs (a 2-day task whose dates said one day is not
    squeezed into one); a task without a start gets one from its effort.
    """
    new_due = calendar.working_days_before(milestone_day, anchor)
    span = max(effort_days - 1, 0)
    if start_on is not None and due_on is not None:
        span = max(span, calendar.working_days_between(start_on, due_on))
        return calendar.add_working_days(new_due, -span), new_due
    if span:
        return calendar.add_working_days(new_due, -span), new_due
    return (None if start_on is None else new_due), new_due


def _apply_anchor(session: Session, task: Task) -> None:
    if task.anchor_working_days is None or task.milestone_id is None:
        return
    milestone = session.get(Milestone, task.milestone_id)
    if milestone is None:
        return
    task.start_on, task.due_on = anchored_dates(
        working_calendar(),
        milestone.due_on,
        task.anchor_working_days,
        task.start_on,
        task.due_on,
        task.effort_days,
    )


# -- milestones -------------------------------------------------------------------------------


def _fill_milestone(milestone: Milestone, data: MilestoneInput) -> None:
    milestone.title = data.title.strip()
    milestone.due_on = data.due_on
    milestone.due_time = data.due_time
    milestone.kind = data.kind
    milestone.external = data.external
    milestone.notes = data.notes
    milestone.flag = data.flag


def add_milestone(workspace: Workspace, data: MilestoneInput) -> int:
    """Add a milestone; returns its id."""
    _check_milestone(data)
    milestone = Milestone(title=data.title.strip(), due_on=data.due_on)
    _fill_milestone(milestone, data)
    with workspace.edit(
        f"Added milestone “{milestone.title}”", action="add", entity="milestone"
    ) as session:
        session.add(milestone)
        session.flush()
    return milestone.id


#: The milestone's columns its dialog edits, in the order of `MilestoneInput`.
MILESTONE_FIELDS = tuple(f.name for f in fields(MilestoneInput))


def load_milestone(workspace: Workspace, milestone_id: int) -> versioned.Loaded:
    """The milestone's row version and fields, for its dialog to keep until it saves."""
    return versioned.load(workspace, Milestone, milestone_id, MILESTONE_FIELDS)


def save_milestone_fields(
    workspace: Workspace, milestone_id: int, loaded: versioned.Loaded, data: MilestoneInput
) -> versioned.SaveResult:
    """Save the milestone's dialog over what it `loaded`: only the fields its user changed,
    merged with others' saves since (notes by paragraph); real conflicts come back unwritten.
    Tasks anchored to the milestone follow a new date in the same edit."""
    _check_milestone(data)
    data = replace(data, title=data.title.strip())

    def apply(session: Session, row: Any, writes: Mapping[str, object]) -> None:
        current = {name: getattr(row, name) for name in MILESTONE_FIELDS}
        _fill_milestone(row, MilestoneInput(**{**current, **writes}))
        if "due_on" in writes:
            for task in session.scalars(select(Task).where(Task.milestone_id == milestone_id)):
                _apply_anchor(session, task)

    def describe(writes: Mapping[str, object]) -> str:
        return f"Changed milestone “{writes.get('title', loaded.values.get('title', data.title))}”"

    return versioned.save_fields(
        workspace,
        Milestone,
        milestone_id,
        loaded,
        versioned.as_values(data),
        describe=describe,
        entity="milestone",
        texts=("notes",),
        apply=apply,
        gone=(
            f"The milestone “{data.title}” was deleted by someone else while you edited it. "
            "What you typed is still in the dialog: add it again, or undo the deletion."
        ),
    )


def delete_milestone(workspace: Workspace, milestone_id: int) -> None:
    """Delete a milestone; its tasks lose the link (and anchor). Edit > Undo puts both back."""
    with workspace.edit("Deleted a milestone", action="delete", entity="milestone") as session:
        milestone = _get(session, Milestone, milestone_id, "milestone")
        for task in session.scalars(select(Task).where(Task.milestone_id == milestone_id)):
            task.milestone_id = None
            task.anchor_working_days = None
        session.delete(milestone)


# -- tasks ------------------------------------------------------------------------------------


def _task_input(session: Session, task: Task) -> TaskInput:
    predecessors = session.scalars(
        select(TaskDependency.predecessor_id).where(TaskDependency.successor_id == task.id)
    )
    return TaskInput(
        title=task.title,
        description=task.description,
        owner_partner_id=task.owner_partner_id,
        owner_person=task.owner_person,
        start_on=task.start_on,
        due_on=task.due_on,
        status=task.status,
        priority=task.priority,
        effort_days=task.effort_days,
        milestone_id=task.milestone_id,
        section_id=task.section_id,
        anchor_working_days=task.anchor_working_days,
        predecessor_ids=tuple(sorted(predecessors)),
    )


def load_task_input(workspace: Workspace, task_id: int) -> TaskInput:
    with workspace.reading() as session:
        return _task_input(session, _get(session, Task, task_id, "task"))


def _fill_task(session: Session, task: Task, data: TaskInput) -> None:
    for name, model in (
        ("owner_partner_id", Partner),
        ("milestone_id", Milestone),
        ("section_id", Section),
    ):
        value = getattr(data, name)
        if value is not None and session.get(model, value) is None:
            raise PlanningError(
                f"Task {name.removesuffix('_id').replace('_', ' ')}: no longer exists."
            )
    task.title = data.title.strip()
    task.description = data.description
    task.owner_partner_id = data.owner_partner_id
    task.owner_person = data.owner_person.strip()
    task.start_on = data.start_on
    task.due_on = data.due_on
    task.status = data.status
    task.priority = data.priority
    task.effort_days = data.effort_days
    task.milestone_id = data.milestone_id
    task.section_id = data.section_id
    task.anchor_working_days = data.anchor_working_days
    _apply_anchor(session, task)


def _edges(session: Session) -> list[tuple[int, int]]:
    return [
        (p, s)
        for p, s in session.execute(
            select(TaskDependency.predecessor_id, TaskDependency.successor_id)
        )
    ]


def _refuse_cycle(session: Session, edges: list[tuple[int, int]]) -> None:
    cycle = find_cycle((), [(str(p), str(s)) for p, s in edges])
    if cycle is None:
        return
    ids = [int(key) for key in cycle]
    titles = {k: v for k, v in session.execute(select(Task.id, Task.title).where(Task.id.in_(ids)))}
    raise DependencyCycleError(cycle, [titles.get(i, f"task {i}") for i in ids])


def _set_predecessors(session: Session, task: Task, predecessor_ids: tuple[int, ...]) -> None:
    wanted = set(predecessor_ids)
    if task.id in wanted:
        raise DependencyCycleError([str(task.id)], [task.title])
    for pred_id in wanted:
        if session.get(Task, pred_id) is None:
            raise PlanningError(f"Predecessor of “{task.title}”: task {pred_id} no longer exists.")
    edges = [e for e in _edges(session) if e[1] != task.id]
    _refuse_cycle(session, [*edges, *((p, task.id) for p in wanted)])
    existing = {
        dep.predecessor_id: dep
        for dep in session.scalars(
            select(TaskDependency).where(TaskDependency.successor_id == task.id)
        )
    }
    for pred_id, dep in existing.items():
        if pred_id not in wanted:
            session.delete(dep)
    for pred_id in sorted(wanted - existing.keys()):
        session.add(TaskDependency(predecessor_id=pred_id, successor_id=task.id))


def add_task(workspace: Workspace, data: TaskInput) -> int:
    """Add a task with its predecessors; a dependency cycle is refused. Returns its id."""
    _check_task(data)
    with workspace.edit(
        f"Added task “{data.title.strip()}”", action="add", entity="task"
    ) as session:
        last = session.scalars(select(Task.position).order_by(Task.position.desc())).first()
        task = Task(title=data.title.strip(), position=(last or 0) + 1)
        session.add(task)
        _fill_task(session, task, data)
        session.flush()
        _set_predecessors(session, task, data.predecessor_ids)
    return task.id


def delete_task(workspace: Workspace, task_id: int) -> None:
    """Delete a task and its dependencies; Edit > Undo puts them back (the bid's history)."""
    with workspace.edit("Deleted a task", action="delete", entity="task") as session:
        session.delete(_get(session, Task, task_id, "task"))


def reschedule_task(workspace: Workspace, task_id: int, working_days: int) -> None:
    """Move a task's start and due by whole working days (a Gantt drag); Edit > Undo puts it back.

    Dates land on working days. An anchored task keeps its anchor to the milestone with the new
    distance; moved past the milestone, the anchor is dropped (the flag then shows it passes).
    """
    calendar = working_calendar()
    with workspace.reading() as session:
        title = _get(session, Task, task_id, "task").title
    days = f"{abs(working_days)} working day{'s' if abs(working_days) != 1 else ''}"
    summary = f"Moved task “{title}” {days} {'later' if working_days >= 0 else 'earlier'}"
    with workspace.edit(summary, action="reschedule", entity="task") as session:
        task = _get(session, Task, task_id, "task")
        if task.start_on is not None:
            task.start_on = calendar.add_working_days(
                calendar.working_day_on_or_after(task.start_on), working_days
            )
        if task.due_on is not None:
            task.due_on = calendar.add_working_days(
                calendar.working_day_on_or_before(task.due_on), working_days
            )
        if task.anchor_working_days is not None and task.due_on is not None:
            milestone = session.get(Milestone, task.milestone_id) if task.milestone_id else None
            gap = calendar.working_days_between(task.due_on, milestone.due_on) if milestone else -1
            task.anchor_working_days = gap if gap >= 0 else None


def _get(session: Session, model: type[_Row], row_id: int, noun: str) -> _Row:
    row = session.get(model, row_id)
    if row is None:
        raise PlanningError(f"The {noun} was deleted meanwhile (id {row_id}); refresh the page.")
    return row


# -- the plan view ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneRow:
    id: int
    uuid: str
    title: str
    due_on: date
    due_time: time | None
    kind: str
    external: bool
    notes: str
    flag: str
    non_working: str | None  # "Saturday", "Summer Bank Holiday"... when due on a non-working day

    @property
    def warnings(self) -> list[str]:
        found = [self.flag] if self.flag else []
        if self.non_working:
            found.append(f"Due on a non-working day ({self.non_working}).")
        return found


def milestone_input(row: MilestoneRow) -> MilestoneInput:
    """What the milestone dialog starts from when a shown milestone is edited."""
    return MilestoneInput(
        row.title, row.due_on, row.due_time, row.kind, row.external, row.notes, row.flag
    )


@dataclass(frozen=True)
class TaskRow:
    id: int
    uuid: str
    title: str
    description: str
    owner_partner_id: int | None
    council: str
    owner_person: str
    start_on: date | None
    due_on: date | None
    status: str
    priority: str
    effort_days: int
    milestone_id: int | None
    milestone_title: str
    section_id: int | None
    section_title: str
    anchor_working_days: int | None
    predecessor_ids: tuple[int, ...]
    schedule: TaskSchedule | None
    flags: tuple[str, ...] = field(default=())

    @property
    def owner(self) -> str:
        return " — ".join(part for part in (self.council, self.owner_person) if part)

    @property
    def critical(self) -> bool:
        """Any slip would make an external deadline be missed (see TaskSchedule)."""
        return self.schedule is not None and self.schedule.moves_external_deadline

    @property
    def overdue(self) -> bool:
        return self.schedule is not None and self.schedule.overdue

    @property
    def at_risk(self) -> bool:
        return self.schedule is not None and self.schedule.at_risk


@dataclass(frozen=True)
class PlanView:
    """Everything the timetable page shows, with the critical-path results folded in."""

    bid_title: str
    today: date
    milestones: list[MilestoneRow]
    tasks: list[TaskRow]
    dependencies: list[tuple[int, int]]
    result: PlanResult | None
    problem: str = ""  # e.g. a cycle that got into the file by another route

    def task(self, task_id: int) -> TaskRow:
        return next(t for t in self.tasks if t.id == task_id)


class _TaskFacts(NamedTuple):
    """The task columns the plan view shows; read as plain rows, not ORM objects, for speed."""

    id: int
    uuid: str
    title: str
    description: str
    owner_partner_id: int | None
    owner_person: str
    start_on: date | None
    due_on: date | None
    status: str
    priority: str
    effort_days: int
    milestone_id: int | None
    section_id: int | None
    anchor_working_days: int | None


def _task_facts(session: Session) -> list[_TaskFacts]:
    # 10,000 ORM Task objects cost a third of a second to build; tuples of columns do not.
    columns = [getattr(Task, name) for name in _TaskFacts._fields]
    query = select(*columns).order_by(Task.due_on, Task.position, Task.id)
    return [_TaskFacts._make(row) for row in session.execute(query)]


def _plan_task(task: _TaskFacts, deadline: date | None, external: bool = False) -> PlanTask | None:
    start, due = task.start_on, task.due_on
    if start is None and due is None:
        return None
    calendar = working_calendar()
    span = max(task.effort_days - 1, 0)
    if start is None:
        assert due is not None
        start = calendar.add_working_days(calendar.working_day_on_or_before(due), -span)
    if due is None:
        due = calendar.add_working_days(calendar.working_day_on_or_after(start), span)
    return PlanTask(
        str(task.id),
        task.title,
        start,
        due,
        task.effort_days,
        task.status == "done",
        deadline,
        deadline if external else None,
    )


def _task_flags(
    task: _TaskFacts,
    schedule: TaskSchedule | None,
    broken_after: list[str],
    calendar: WorkingCalendar,
) -> tuple[str, ...]:
    flags: list[str] = []
    if schedule is not None:
        if schedule.moves_external_deadline:
            flags.append("critical")
        if schedule.overdue:
            flags.append("overdue")
        if schedule.at_risk:
            late = -schedule.slack
            flags.append(f"at risk: {late} working {'day' if late == 1 else 'days'} short")
        if schedule.passes_milestone and task.status != "done":
            flags.append("passes its milestone")
    if broken_after:
        flags.append("starts before " + ", ".join(f"“{t}”" for t in broken_after) + " is due")
    for label, day in (("starts", task.start_on), ("due", task.due_on)):
        if day is not None and (reason := calendar.non_working_reason(day)):
            flags.append(f"{label} on a non-working day ({reason})")
    return tuple(flags)


def plan_view(workspace: Workspace, today: date) -> PlanView:
    """Read the timetable and compute the critical path and every flag in one pass."""
    calendar = working_calendar()
    with workspace.reading() as session:
        bid_title = session.scalars(select(Bid.title)).first() or ""
        milestones = list(
            session.scalars(select(Milestone).order_by(Milestone.due_on, Milestone.id))
        )
        tasks = _task_facts(session)
        councils = {k: v for k, v in session.execute(select(Partner.id, Partner.name))}
        sections = {k: v for k, v in session.execute(select(Section.id, Section.title))}
        edges = _edges(session)
    by_id = {m.id: m for m in milestones}
    milestone_rows = [
        MilestoneRow(
            m.id,
            m.uuid,
            m.title,
            m.due_on,
            m.due_time,
            m.kind,
            m.external,
            m.notes,
            m.flag,
            calendar.non_working_reason(m.due_on),
        )
        for m in milestones
    ]
    plan_tasks: list[PlanTask] = []
    for task in tasks:
        linked = by_id.get(task.milestone_id) if task.milestone_id is not None else None
        deadline = linked.due_on if linked is not None else None
        planned = _plan_task(task, deadline, linked is not None and linked.external)
        if planned is not None:
            plan_tasks.append(planned)
    planned_keys = {p.key for p in plan_tasks}
    plan_edges: list[Edge] = [
        (str(p), str(s)) for p, s in edges if str(p) in planned_keys and str(s) in planned_keys
    ]
    result: PlanResult | None = None
    problem = ""
    try:
        result = critical_path(plan_tasks, plan_edges, calendar, today)
    except DependencyCycleError as error:
        problem = str(error)
    title_of = {t.id: t.title for t in tasks}
    broken: dict[int, list[str]] = {}
    if result is not None:
        for pred, succ in result.broken_dependencies:
            broken.setdefault(int(succ), []).append(title_of[int(pred)])
    predecessors: dict[int, list[int]] = {}
    for p, s in edges:
        predecessors.setdefault(s, []).append(p)
    rows = []
    for task in tasks:
        schedule = result.schedules.get(str(task.id)) if result else None
        milestone = by_id.get(task.milestone_id) if task.milestone_id else None
        rows.append(
            TaskRow(
                id=task.id,
                uuid=task.uuid,
                title=task.title,
                description=task.description,
                owner_partner_id=task.owner_partner_id,
                council=councils.get(task.owner_partner_id, "") if task.owner_partner_id else "",
                owner_person=task.owner_person,
                start_on=task.start_on,
                due_on=task.due_on,
                status=task.status,
                priority=task.priority,
                effort_days=task.effort_days,
                milestone_id=task.milestone_id,
                milestone_title=milestone.title if milestone else "",
                section_id=task.section_id,
                section_title=sections.get(task.section_id, "") if task.section_id else "",
                anchor_working_days=task.anchor_working_days,
                predecessor_ids=tuple(sorted(predecessors.get(task.id, ()))),
                schedule=schedule,
                flags=_task_flags(task, schedule, broken.get(task.id, []), calendar),
            )
        )
    return PlanView(bid_title, today, milestone_rows, rows, edges, result, problem)
