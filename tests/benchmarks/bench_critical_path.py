"""Time critical_path on 10,000 tasks with 20,000 random acyclic dependencies (median of 5).

Run: PYTHONPATH=. /work/venv/bin/python tests/benchmarks/bench_critical_path.py
Named bench_*.py so pytest does not collect it.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta

from crmbid_desktop.domain.critical_path import Edge, PlanTask, critical_path
from crmbid_desktop.domain.working_days import WorkingCalendar

TASKS = 10_000
EDGES = 20_000
RUNS = 5
FIRST_DAY = date(2005, 7, 27)  # the ODPM open letter


def build_plan(seed: int = 2005) -> tuple[list[PlanTask], list[Edge]]:
    rng = random.Random(seed)
    tasks = []
    for i in range(TASKS):
        start = FIRST_DAY + timedelta(days=rng.randrange(120))
        due = start + timedelta(days=rng.randrange(1, 400))
        deadline = due + timedelta(days=rng.randrange(-10, 30)) if rng.random() < 0.2 else None
        tasks.append(
            PlanTask(
                f"t{i}", f"Task {i}", start, due, rng.randrange(0, 10), rng.random() < 0.1, deadline
            )
        )
    # Edges always go from a lower to a higher index, so the graph is acyclic; the order of the
    # task list is shuffled so that Kahn's algorithm has real work to do.
    edges: set[Edge] = set()
    while len(edges) < EDGES:
        a, b = rng.randrange(TASKS), rng.randrange(TASKS)
        if a != b:
            edges.add((f"t{min(a, b)}", f"t{max(a, b)}"))
    rng.shuffle(tasks)
    return tasks, sorted(edges)


def main() -> None:
    tasks, edges = build_plan()
    calendar = WorkingCalendar()
    calendar.preload(2005, 2008)  # loading bank holidays is a one-off cost, not the pass itself
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        result = critical_path(tasks, edges, calendar, today=date(2005, 8, 15))
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    critical = sum(v.slack <= 0 for v in result.schedules.values())
    print(
        f"critical_path: {TASKS} tasks, {len(edges)} edges: median {median:.3f} s"
        f" over {RUNS} runs (min {min(timings):.3f} s); {critical} tasks without slack"
    )


if __name__ == "__main__":
    main()
