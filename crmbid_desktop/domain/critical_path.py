"""Schedule the bid's tasks in working days: dependency cycles, slack and the critical path."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from crmbid_desktop.domain.working_days import WorkingCalendar

Edge = tuple[str, str]
"""(predecessor_key, successor_key): the successor may start once the predecessor finishes."""


@dataclass(frozen=True, slots=True)
class PlanTask:
    """A task of the bid plan as the scheduler sees it.

    ``effort_days`` is working days of work; 0 makes the task a milestone-like event that takes
    no time. ``deadline`` is the date of the milestone the task is linked to, if any.
    """

    key: str
    name: str
    start: date
    due: date
    effort_days: int
    done: bool = False
    deadline: date | None = None
    #: The date of the linked milestone when it is an external deadline (set by the department,
    #: not the team): slipping past it moves a date the team does not control.
    external_deadline: date | None = None

    def __post_init__(self) -> None:
        if self.effort_days < 0:
            raise ValueError(f"Task {self.name!r} has negative effort ({self.effort_days} days)")


@dataclass(frozen=True, slots=True)
class TaskSchedule:
    """The computed schedule of one task. Every date is a working day; slack is in working days."""

    key: str
    earliest_start: date
    earliest_finish: date
    latest_start: date
    latest_finish: date
    slack: int
    overdue: bool
    at_risk: bool
    passes_milestone: bool
    #: Unfinished, and any slip makes an external deadline be missed (its own, or one a task
    #: after it leads to): what the timetable highlights as critical. Tasks that would only miss
    #: the team's own due dates are not: there the plan has room the team can use.
    moves_external_deadline: bool = False


@dataclass(frozen=True, slots=True)
class PlanResult:
    """Schedules of all tasks, in dependency (topological) order."""

    schedules: Mapping[str, TaskSchedule]
    order: tuple[str, ...]
    broken_dependencies: tuple[Edge, ...]
    project_finish: date | None


class DependencyCycleError(ValueError):
    """Tasks depend on each other in a circle, so no schedule exists."""

    def __init__(self, cycle: Sequence[str], names: Sequence[str]) -> None:
        self.cycle = list(cycle)
        circle = " → ".join([*names, names[0]])
        super().__init__(f"These tasks wait for each other in a circle: {circle}")


def find_cycle(keys: Iterable[str], edges: Iterable[Edge]) -> list[str] | None:
    """Return one dependency cycle as keys in order, or None when there is none.

    The first key is not repeated at the end: ["a", "b"] means a → b → a; a task that depends
    on itself gives ["a"]. Depth-first search with an explicit stack, so a chain of any depth is
    fine. Keys that appear only in ``edges`` are searched too.
    """
    successors: dict[str, list[str]] = {}
    for pred, succ in edges:
        successors.setdefault(pred, []).append(succ)
    state: dict[str, int] = {}  # absent: unseen, 1: on the current path, 2: finished
    for root in [*keys, *successors]:
        if root in state:
            continue
        state[root] = 1
        path = [root]
        position = {root: 0}
        stack = [iter(successors.get(root, ()))]
        while stack:
            for nxt in stack[-1]:
                seen = state.get(nxt)
                if seen == 1:
                    return path[position[nxt] :]
                if seen is None:
                    state[nxt] = 1
                    position[nxt] = len(path)
                    path.append(nxt)
                    stack.append(iter(successors.get(nxt, ())))
                    break
            else:
                stack.pop()
                done = path.pop()
                del position[done]
                state[done] = 2
    return None


def _cycle_error(tasks: Sequence[PlanTask], cycle: list[str]) -> DependencyCycleError:
    name_of = {t.key: t.name for t in tasks}
    return DependencyCycleError(cycle, [name_of.get(k, k) for k in cycle])


def _topological_order(
    tasks: Sequence[PlanTask], edges: Sequence[Edge]
) -> tuple[list[int], list[list[int]], list[list[int]], dict[str, int]]:
    """Kahn's algorithm over task indices; returns (order, predecessors, successors, index)."""
    index: dict[str, int] = {}
    for i, task in enumerate(tasks):
        if task.key in index:
            raise ValueError(f"Two tasks share the key {task.key!r}")
        index[task.key] = i
    preds: list[list[int]] = [[] for _ in tasks]
    succs: list[list[int]] = [[] for _ in tasks]
    for pred_key, succ_key in edges:
        for key in (pred_key, succ_key):
            if key not in index:
                raise ValueError(
                    f"Dependency {pred_key!r} → {succ_key!r} names {key!r}, which is not a task"
                )
        p, s = index[pred_key], index[succ_key]
        preds[s].append(p)
        succs[p].append(s)
    waiting = [len(p) for p in preds]
    # A FIFO keeps tasks with no dependency between them in the order they were given.
    ready = deque(i for i, n in enumerate(waiting) if n == 0)
    order: list[int] = []
    while ready:
        i = ready.popleft()
        order.append(i)
        for s in succs[i]:
            waiting[s] -= 1
            if waiting[s] == 0:
                ready.append(s)
    if len(order) < len(tasks):
        stuck = [tasks[i].key for i, n in enumerate(waiting) if n > 0]
        stuck_set = set(stuck)
        cycle = find_cycle(stuck, [e for e in edges if e[0] in stuck_set and e[1] in stuck_set])
        assert cycle is not None  # Kahn stalls only on a cycle
        raise _cycle_error(tasks, cycle)
    return order, preds, succs, index


def critical_path(
    tasks: Sequence[PlanTask],
    edges: Iterable[Edge],
    calendar: WorkingCalendar,
    today: date,
) -> PlanResult:
    """Forward and backward pass over the plan, in working days of ``calendar``.

    Forward pass, in dependency order:
      - earliest_start = the latest of: the task's own start rolled forward to a working day,
        and for each predecessor the day it releases its successors, which is the next working
        day after its earliest_finish, or that same day when the predecessor has effort 0
        (a milestone takes no time, so work can follow it on the day it is reached).
      - earliest_finish = earliest_start + (effort - 1) working days; for effort 0 it is
        earliest_start. A task is thus dated by the working days it occupies, both ends included.
    Backward pass, in reverse order:
      - latest_finish = the earliest of: the task's due date and, if linked to a milestone, its
        deadline (each rolled back to a working day), and for each successor the last day that
        still lets it start on its latest_start (the previous working day, or that same day when
        this task has effort 0).
      - latest_start = latest_finish - (effort - 1) working days; for effort 0 it is latest_finish.
    Because due dates bound every task, not just the last one, slack may be negative: it is the
    working days from earliest_start to latest_start, and the number of days the task can slip
    without missing its own due date, its milestone, or making a successor miss one.

    Flags:
      - at_risk: slack < 0 and not done: even the earliest schedule misses a date.
      - overdue: due before ``today`` and not done.
      - passes_milestone: due after the linked milestone's deadline.
    Broken dependencies (PlanResult.broken_dependencies): the edges whose successor's planned
    start is before its predecessor's planned due date allows (the working day after it, or the
    due date itself for an effort-0 predecessor).
    ``today`` is used only for ``overdue``: without recorded progress the passes cannot tell how
    much of an unfinished task remains, so they do not move unfinished work to start today.

    Raises DependencyCycleError if the tasks wait on each other in a circle, and ValueError for
    duplicate task keys or edges naming unknown tasks.
    """
    edge_list = list(edges)
    order, preds, succs, index = _topological_order(tasks, edge_list)
    count = len(tasks)
    cal = calendar
    effort = [t.effort_days for t in tasks]

    planned_start = [cal.working_day_on_or_after(t.start) for t in tasks]
    earliest_start: list[date] = list(planned_start)
    earliest_finish: list[date] = list(planned_start)
    releases: list[date] = list(planned_start)  # first day a successor may start
    for i in order:
        es = planned_start[i]
        for p in preds[i]:
            if releases[p] > es:
                es = releases[p]
        ef = es if effort[i] == 0 else cal.add_working_days(es, effort[i] - 1)
        earliest_start[i] = es
        earliest_finish[i] = ef
        releases[i] = ef if effort[i] == 0 else cal.next_working_day(ef)

    latest_start: list[date] = list(planned_start)
    latest_finish: list[date] = list(planned_start)
    for i in reversed(order):
        task = tasks[i]
        lf = cal.working_day_on_or_before(task.due)
        if task.deadline is not None:
            lf = min(lf, cal.working_day_on_or_before(task.deadline))
        if succs[i]:
            succ_ls = min(latest_start[s] for s in succs[i])
            limit = succ_ls if effort[i] == 0 else cal.previous_working_day(succ_ls)
            lf = min(lf, limit)
        latest_finish[i] = lf
        latest_start[i] = lf if effort[i] == 0 else cal.add_working_days(lf, 1 - effort[i])

    # A second backward pass bounded only by external deadlines: how late each task may start
    # without an external deadline being missed (None: no external deadline depends on it).
    deadline_start: list[date | None] = [None] * count
    for i in reversed(order):
        external = tasks[i].external_deadline
        bound = None if external is None else cal.working_day_on_or_before(external)
        for s in succs[i]:
            later = deadline_start[s]
            if later is not None:
                limit = later if effort[i] == 0 else cal.previous_working_day(later)
                bound = limit if bound is None else min(bound, limit)
        if bound is not None:
            deadline_start[i] = (
                bound if effort[i] == 0 else cal.add_working_days(bound, 1 - effort[i])
            )

    broken_edges: list[Edge] = []
    planned_release: dict[int, date] = {}
    for pred_key, succ_key in edge_list:
        p, s = index[pred_key], index[succ_key]
        if p not in planned_release:
            due = cal.working_day_on_or_before(tasks[p].due)
            planned_release[p] = due if effort[p] == 0 else cal.next_working_day(due)
        if planned_start[s] < planned_release[p]:
            broken_edges.append((pred_key, succ_key))

    schedules: dict[str, TaskSchedule] = {}
    for i in order:
        task = tasks[i]
        slack = cal.working_days_between(earliest_start[i], latest_start[i])
        schedules[task.key] = TaskSchedule(
            key=task.key,
            earliest_start=earliest_start[i],
            earliest_finish=earliest_finish[i],
            latest_start=latest_start[i],
            latest_finish=latest_finish[i],
            slack=slack,
            overdue=task.due < today and not task.done,
            at_risk=slack < 0 and not task.done,
            passes_milestone=task.deadline is not None and task.due > task.deadline,
            moves_external_deadline=(
                not task.done
                and (latest := deadline_start[i]) is not None
                and cal.working_days_between(earliest_start[i], latest) <= 0
            ),
        )
    return PlanResult(
        schedules=schedules,
        order=tuple(tasks[i].key for i in order),
        broken_dependencies=tuple(broken_edges),
        project_finish=max(earliest_finish) if tasks else None,
    )
