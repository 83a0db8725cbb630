"""Tests for scheduling the bid plan: forward/backward pass, slack, flags and cycles."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmbid_desktop.domain.critical_path import (
    DependencyCycleError,
    Edge,
    PlanResult,
    PlanTask,
    critical_path,
    find_cycle,
)
from crmbid_desktop.domain.working_days import WorkingCalendar

CAL = WorkingCalendar()
TODAY = date(2005, 8, 15)
MON_15, TUE_16, WED_17, THU_18, FRI_19 = (date(2005, 8, d) for d in range(15, 20))
MON_22, TUE_23, WED_24, THU_25, FRI_26 = (date(2005, 8, d) for d in range(22, 27))
SAT_27, MON_29, TUE_30 = date(2005, 8, 27), date(2005, 8, 29), date(2005, 8, 30)
FAR = date(2005, 12, 30)


def _critical(result: PlanResult) -> tuple[str, ...]:
    """The textbook critical path: tasks without slack, in dependency order.

    (None of these tests' tasks is done. The timetable itself highlights only the tasks whose
    slip moves an external deadline, and flags negative slack as "at risk".)
    """
    return tuple(k for k in result.order if result.schedules[k].slack <= 0)


def task(
    key: str,
    effort: int,
    *,
    start: date = MON_15,
    due: date = FAR,
    done: bool = False,
    deadline: date | None = None,
    name: str | None = None,
) -> PlanTask:
    return PlanTask(key, name or key.title(), start, due, effort, done, deadline)


def submission_chain(draft_effort: int) -> tuple[list[PlanTask], list[Edge]]:
    """The tail of the sample plan: draft, review, sign-off, submit (a 0-effort event)."""
    tasks = [
        task("draft", draft_effort, due=MON_22),
        task("review", 1, due=TUE_23),
        task("signoff", 1, due=WED_24),
        task("submit", 0, due=THU_25, deadline=FRI_26),
    ]
    return tasks, [("draft", "review"), ("review", "signoff"), ("signoff", "submit")]


def test_chain_exactly_on_time_is_all_critical_with_zero_slack() -> None:
    tasks, edges = submission_chain(draft_effort=6)
    result = critical_path(tasks, edges, CAL, TODAY)
    s = result.schedules
    assert (s["draft"].earliest_start, s["draft"].earliest_finish) == (MON_15, MON_22)
    assert (s["review"].earliest_start, s["review"].earliest_finish) == (TUE_23, TUE_23)
    assert (s["signoff"].earliest_start, s["signoff"].earliest_finish) == (WED_24, WED_24)
    # Submission is the first day after sign-off: Thu 25 Aug, as the team planned.
    assert (s["submit"].earliest_start, s["submit"].earliest_finish) == (THU_25, THU_25)
    assert [sched.slack for sched in s.values()] == [0, 0, 0, 0]
    assert _critical(result) == ("draft", "review", "signoff", "submit")
    assert not any(sched.at_risk for sched in s.values())
    assert result.project_finish == THU_25


def test_chain_with_a_spare_day_has_slack_one_and_no_critical_task() -> None:
    tasks, edges = submission_chain(draft_effort=5)
    result = critical_path(tasks, edges, CAL, TODAY)
    assert result.schedules["draft"].latest_start == TUE_16
    assert result.schedules["draft"].latest_finish == MON_22
    assert {k: v.slack for k, v in result.schedules.items()} == dict.fromkeys(
        ["draft", "review", "signoff", "submit"], 1
    )
    assert _critical(result) == ()


def test_chain_a_day_too_long_is_at_risk_with_negative_slack() -> None:
    tasks, edges = submission_chain(draft_effort=7)
    result = critical_path(tasks, edges, CAL, TODAY)
    # Draft ends Tue 23, so submission slips to Fri 26 while it is due Thu 25.
    assert result.schedules["submit"].earliest_start == FRI_26
    assert all(v.slack == -1 and v.at_risk for v in result.schedules.values())


def test_diamond_critical_branch_and_slack_on_the_short_branch() -> None:
    tasks = [task("a", 2), task("b", 3), task("c", 1), task("d", 1, due=MON_22)]
    edges = [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]
    result = critical_path(tasks, edges, CAL, TODAY)
    s = result.schedules
    assert (s["a"].earliest_finish, s["b"].earliest_start, s["c"].earliest_start) == (
        TUE_16,
        WED_17,
        WED_17,
    )
    assert s["d"].earliest_start == MON_22  # waits for the longer branch b (Wed-Fri)
    assert (s["c"].latest_start, s["c"].slack) == (FRI_19, 2)
    assert _critical(result) == ("a", "b", "d")


def test_parallel_branches_keep_input_order_and_own_slack() -> None:
    tasks = [
        task("eoi", 4, due=THU_18),  # expression of interest: Mon-Thu, tight
        task("audit", 2, due=FRI_26),
        task("send_eoi", 1, due=FRI_19),
        task("letters", 2, due=FRI_26),
    ]
    edges = [("eoi", "send_eoi"), ("audit", "letters")]
    result = critical_path(tasks, edges, CAL, TODAY)
    assert result.order == ("eoi", "audit", "send_eoi", "letters")
    assert _critical(result) == ("eoi", "send_eoi")
    # Letters must start by Thu 25 to finish Fri 26, so the audit must end by Wed 24.
    assert result.schedules["audit"].latest_finish == WED_24
    assert result.schedules["audit"].slack == 6
    assert result.schedules["letters"].slack == 6


def test_zero_effort_milestone_takes_no_time() -> None:
    tasks = [task("a", 2), task("m", 0), task("b", 1, due=WED_17)]
    result = critical_path(tasks, [("a", "m"), ("m", "b")], CAL, TODAY)
    m, b = result.schedules["m"], result.schedules["b"]
    assert (m.earliest_start, m.earliest_finish) == (WED_17, WED_17)
    assert b.earliest_start == WED_17  # same day as the milestone it follows
    assert m.latest_finish == WED_17
    assert result.schedules["a"].latest_finish == TUE_16
    assert _critical(result) == ("a", "m", "b")


def test_start_on_a_weekend_or_holiday_rolls_forward_and_due_rolls_back() -> None:
    result = critical_path(
        [task("clarify", 1, start=SAT_27, due=MON_29)], [], CAL, date(2005, 8, 26)
    )
    s = result.schedules["clarify"]
    assert s.earliest_start == TUE_30
    assert s.latest_finish == FRI_26  # a bank holiday due date means the working day before
    assert s.slack == -1


def test_flags_overdue_done_and_passes_milestone() -> None:
    tasks = [
        task("late", 1, due=FRI_19),
        task("finished", 1, due=FRI_19, done=True),
        task("after_deadline", 1, due=MON_29, deadline=FRI_26),
    ]
    result = critical_path(tasks, [], CAL, today=MON_22)
    s = result.schedules
    assert s["late"].overdue and not s["finished"].overdue
    assert s["finished"].slack == 4
    assert s["after_deadline"].passes_milestone
    assert s["after_deadline"].latest_finish == FRI_26
    assert not s["late"].passes_milestone


def test_done_task_with_negative_slack_is_not_at_risk() -> None:
    tasks = [task("old", 3, start=FRI_19, due=FRI_19, done=True)]
    s = critical_path(tasks, [], CAL, TODAY).schedules["old"]
    assert s.slack == -2
    assert not s.at_risk


def test_broken_dependency_when_successor_planned_before_predecessor_due() -> None:
    tasks = [
        task("draft", 1, start=FRI_19, due=FRI_19),
        task("review", 1, start=FRI_19, due=FRI_26),  # starts the day draft is due: broken
        task("sign", 1, start=SAT_27),  # Sat rolls to Tue 30, after Fri 26: fine
        task("event", 0, start=FRI_26, due=FRI_26),
        task("after_event", 1, start=FRI_26),  # same day as a 0-effort event: fine
    ]
    edges = [("draft", "review"), ("review", "sign"), ("event", "after_event")]
    result = critical_path(tasks, edges, CAL, TODAY)
    assert result.broken_dependencies == (("draft", "review"),)


def test_find_cycle_returns_keys_in_order() -> None:
    assert find_cycle(["a", "b", "c"], [("a", "b"), ("b", "c")]) is None
    cycle = find_cycle(["x", "a", "b", "c"], [("x", "a"), ("a", "b"), ("b", "c"), ("c", "a")])
    assert cycle == ["a", "b", "c"]
    assert find_cycle(["a"], [("a", "a")]) == ["a"]


def test_cycle_error_names_the_tasks() -> None:
    tasks = [task("d", 2, name="Draft"), task("r", 1, name="Review"), task("s", 1, name="Submit")]
    edges = [("d", "r"), ("r", "d"), ("r", "s")]
    with pytest.raises(DependencyCycleError, match="Draft → Review → Draft") as caught:
        critical_path(tasks, edges, CAL, TODAY)
    assert caught.value.cycle == ["d", "r"]


def test_self_dependency_is_a_cycle() -> None:
    with pytest.raises(DependencyCycleError, match="Draft → Draft"):
        critical_path([task("d", 1, name="Draft")], [("d", "d")], CAL, TODAY)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="'ghost', which is not a task"):
        critical_path([task("a", 1)], [("a", "ghost")], CAL, TODAY)
    with pytest.raises(ValueError, match="share the key 'a'"):
        critical_path([task("a", 1), task("a", 2)], [], CAL, TODAY)
    with pytest.raises(ValueError, match="negative effort"):
        task("a", -1)


def test_empty_plan() -> None:
    result = critical_path([], [], CAL, TODAY)
    assert result.order == () and result.project_finish is None


def test_ten_thousand_deep_chain_needs_no_recursion() -> None:
    n = 10_000
    tasks = [task(f"t{i}", 1, due=date(2050, 1, 1)) for i in range(n)]
    edges = [(f"t{i}", f"t{i + 1}") for i in range(n - 1)]
    result = critical_path(tasks, edges, CAL, TODAY)
    assert result.schedules[f"t{n - 1}"].earliest_start == CAL.add_working_days(MON_15, n - 1)
    assert find_cycle([t.key for t in tasks], [*edges, (f"t{n - 1}", "t0")]) == [
        t.key for t in tasks
    ]


def test_ten_thousand_tasks_twenty_thousand_edges_well_under_two_seconds() -> None:
    rng = random.Random(29)
    tasks = [
        task(f"t{i}", rng.randrange(10), start=MON_15 + timedelta(days=rng.randrange(60)))
        for i in range(10_000)
    ]
    edges: set[Edge] = set()
    while len(edges) < 20_000:
        a, b = sorted(rng.sample(range(10_000), 2))
        edges.add((f"t{a}", f"t{b}"))
    started = time.perf_counter()
    critical_path(tasks, sorted(edges), CAL, TODAY)
    # The benchmark script measures ~0.1 s; the bound only catches an accidental O(n^2).
    assert time.perf_counter() - started < 2.0


@st.composite
def random_plans(draw: st.DrawFn) -> tuple[list[PlanTask], list[Edge]]:
    n = draw(st.integers(min_value=1, max_value=25))
    tasks = [
        task(
            f"t{i}",
            draw(st.integers(min_value=0, max_value=6)),
            start=draw(st.dates(min_value=MON_15, max_value=TUE_30)),
            due=draw(st.dates(min_value=MON_15, max_value=date(2005, 10, 31))),
        )
        for i in range(n)
    ]
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    # Edges only from a lower to a higher index, so the plan is acyclic by construction.
    edges = [(f"t{min(a, b)}", f"t{max(a, b)}") for a, b in draw(st.lists(pairs)) if a != b]
    return tasks, edges


@settings(max_examples=200)
@given(random_plans())
def test_schedule_respects_every_dependency(plan: tuple[list[PlanTask], list[Edge]]) -> None:
    tasks, edges = plan
    result = critical_path(tasks, edges, CAL, TODAY)
    s = result.schedules
    effort = {t.key: t.effort_days for t in tasks}
    for t in tasks:
        sched = s[t.key]
        assert sched.earliest_start >= t.start and sched.earliest_start <= sched.earliest_finish
        assert CAL.working_days_between(sched.earliest_start, sched.earliest_finish) == max(
            effort[t.key] - 1, 0
        )
        assert sched.slack == CAL.working_days_between(sched.earliest_finish, sched.latest_finish)
        assert sched.latest_finish <= t.due
    for p, q in edges:
        gap = 0 if effort[p] == 0 else 1
        assert CAL.working_days_between(s[p].earliest_finish, s[q].earliest_start) >= gap
        assert CAL.working_days_between(s[p].latest_finish, s[q].latest_start) >= gap


def test_only_a_slip_that_misses_an_external_deadline_is_critical() -> None:
    """Tight against the team's own due dates is not critical; tight against ODPM's date is."""
    draft = PlanTask("draft", "Draft", MON_15, MON_22, 6)  # Mon 15 - Mon 22: no spare day
    review = PlanTask("review", "Review", TUE_23, TUE_23, 1)
    submit = PlanTask("submit", "Submit", WED_24, WED_24, 1, external_deadline=WED_24)
    spare = PlanTask("spare", "Spare", MON_15, MON_22, 1, external_deadline=FRI_26)
    edges = [("draft", "review"), ("review", "submit")]
    result = critical_path([draft, review, submit, spare], edges, CAL, TODAY)
    s = result.schedules
    # Every task of the chain is tight against its own due date…
    assert all(s[k].slack == 0 for k in ("draft", "review", "submit"))
    # …and, since the submission is due at ODPM on Wed 24, any slip moves that deadline.
    assert all(s[k].moves_external_deadline for k in ("draft", "review", "submit"))
    # A task with days to spare before its external deadline is not critical.
    assert not s["spare"].moves_external_deadline
    # With the external deadline on Fri 26 the chain has two days to spare: nothing is critical,
    # though the team's own dates are still tight.
    later = PlanTask("submit", "Submit", WED_24, WED_24, 1, external_deadline=FRI_26)
    result = critical_path([draft, review, later], edges, CAL, TODAY)
    assert all(v.slack == 0 for v in result.schedules.values())
    assert not any(v.moves_external_deadline for v in result.schedules.values())
    # A chain that leads to no external deadline is never critical; finished work never is.
    result = critical_path([draft, review], [("draft", "review")], CAL, TODAY)
    assert not any(v.moves_external_deadline for v in result.schedules.values())
    finished = PlanTask("submit", "Submit", WED_24, WED_24, 1, True, external_deadline=WED_24)
    assert not critical_path([finished], [], CAL, TODAY).schedules["submit"].moves_external_deadline
