"""Timetable at scale: 10,000 tasks and 20,000 dependencies in a real bid file.

Times the plan view (read + critical path), the Gantt scene build, and the tasks table opening
and filtering against a floor: a plain QTableView over a minimal model of the same rows (target:
at most 2x the floor). Median of a few runs each.

Run: PYTHONPATH=. QT_QPA_PLATFORM=offscreen /work/venv/bin/python tests/benchmarks/bench_timetable.py
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QApplication, QTableView, QWidget
from sqlalchemy import insert

import crmbid_desktop.ui  # noqa: F401  (PySide6 6.12 / Python 3.11 guard)
from crmbid_desktop.domain.critical_path import critical_path
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.bid_template import create_bid
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import planning
from crmbid_desktop.store.models import Task, TaskDependency, new_uuid
from crmbid_desktop.ui.timetable.gantt import WEEK_ZOOM, GanttData, GanttView
from crmbid_desktop.ui.timetable.tasks_view import TASK_COLUMNS, TasksView

TASKS = 10_000
EDGES = 20_000
RUNS = 3
TODAY = date(2005, 8, 15)
FIRST_DAY = date(2005, 7, 27)
STATUSES = ("not started", "in progress", "blocked", "done")


def make_bid(folder: Path) -> Workspace:
    path = folder / "big.crmbid"
    create_bid(path).close()
    workspace = open_workspace(path, AppPaths.under(folder / "home").ensure())
    rng = random.Random(2005)
    with workspace.edit("Benchmark tasks") as session:
        rows = []
        for i in range(TASKS):
            start = FIRST_DAY + timedelta(days=rng.randrange(120))
            rows.append(
                {
                    "uuid": new_uuid(),
                    "title": f"Task {i}: {rng.choice(['Draft', 'Review', 'Audit', 'Cost'])}",
                    "start_on": start,
                    "due_on": start + timedelta(days=rng.randrange(1, 60)),
                    "effort_days": rng.randrange(0, 10),
                    "status": rng.choice(STATUSES),
                    "owner_person": rng.choice(["Asha", "Ben", "Chris", "Dee"]),
                    "owner_partner_id": rng.choice([1, 2]),
                    "position": i,
                }
            )
        session.execute(insert(Task), rows)
        first_id = 14  # after the template's 13 tasks
        edges: set[tuple[int, int]] = set()
        while len(edges) < EDGES:
            a, b = rng.randrange(TASKS), rng.randrange(TASKS)
            if a != b:
                edges.add((first_id + min(a, b), first_id + max(a, b)))
        session.execute(
            insert(TaskDependency),
            [{"uuid": new_uuid(), "predecessor_id": p, "successor_id": s} for p, s in edges],
        )
    return workspace


def median_time(action: Callable[[], object], runs: int = RUNS) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


class FloorModel(QAbstractTableModel):
    """The least a table can do: the same rows and columns, display text only, no extras."""

    def __init__(self, rows: list[Any]) -> None:
        super().__init__()
        self.rows = rows

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TASK_COLUMNS)

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return TASK_COLUMNS[index.column()][1](self.rows[index.row()])
        return None


def main() -> None:
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        workspace = make_bid(Path(folder))
        print(
            f"set-up: bid with {TASKS + 13} tasks written in {time.perf_counter() - started:.2f} s"
        )
        calendar = planning.working_calendar()
        calendar.preload(2005, 2006)

        view = planning.plan_view(workspace, TODAY)
        read = median_time(lambda: planning.plan_view(workspace, TODAY))
        print(f"plan view (read + critical path + flags): {read:.3f} s")
        plan_tasks = []
        deadlines = {m.id: m.due_on for m in view.milestones}
        for row in view.tasks:
            assert row.start_on and row.due_on
            from crmbid_desktop.domain.critical_path import PlanTask

            plan_tasks.append(
                PlanTask(
                    str(row.id),
                    row.title,
                    row.start_on,
                    row.due_on,
                    row.effort_days,
                    row.status == "done",
                    deadlines.get(row.milestone_id) if row.milestone_id else None,
                )
            )
        edges = [(str(p), str(s)) for p, s in view.dependencies]
        cp = median_time(lambda: critical_path(plan_tasks, edges, calendar, TODAY))
        print(f"critical path alone: {cp:.3f} s ({len(edges)} dependencies)")

        gantt = GanttView(calendar)
        gantt.resize(1280, 700)
        data = GanttData.from_plan(view)
        build = median_time(lambda: gantt.show_plan(data))
        gantt.show()
        app.processEvents()
        paint = median_time(lambda: (gantt.viewport().repaint(), app.processEvents()))
        gantt.px_per_day = WEEK_ZOOM
        build_week = median_time(lambda: gantt.show_plan(data))
        print(
            f"Gantt scene build: {build:.3f} s at day zoom, {build_week:.3f} s at week zoom; "
            f"one repaint of the visible chart {paint * 1000:.1f} ms; "
            f"{len(gantt.gantt_scene.items())} items"
        )
        gantt.close()

        councils = [(1, "Leeds City Council"), (2, "London Borough of Newham")]

        keep: list[Any] = []  # closed at the end, not freed while Qt may still refer to them

        def open_ours() -> TasksView:
            tasks = TasksView()
            keep.append(tasks)
            tasks.resize(1280, 700)
            tasks.set_rows(view.tasks, councils)
            tasks.show()
            app.processEvents()
            return tasks

        def open_floor() -> QTableView:
            table = QTableView()
            keep.append(table)
            proxy = QSortFilterProxyModel(table)
            model = FloorModel(view.tasks)
            keep.append(model)  # the proxy does not own its source: keep it alive
            proxy.setSourceModel(model)
            table.setModel(proxy)
            table.resize(1280, 700)
            table.show()
            app.processEvents()
            table._proxy = proxy  # type: ignore[attr-defined]
            return table

        ours_open = median_time(open_ours, runs=7)
        floor_open = median_time(open_floor, runs=7)
        print(
            f"tasks table open: {ours_open:.3f} s vs floor {floor_open:.3f} s "
            f"({ours_open / floor_open:.1f}x)"
        )

        tasks = open_ours()
        floor = open_floor()
        floor_proxy: QSortFilterProxyModel = floor._proxy  # type: ignore[attr-defined]
        floor_proxy.setFilterKeyColumn(-1)
        floor_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        def filter_ours() -> None:
            for text in ("review", "task 99", ""):
                tasks.text_filter.setText(text)
                app.processEvents()

        def filter_floor() -> None:
            for text in ("review", "task 99", ""):
                floor_proxy.setFilterFixedString(text)
                app.processEvents()

        ours_filter = median_time(filter_ours)
        floor_filter = median_time(filter_floor)
        print(
            f"text filter (3 changes): {ours_filter:.3f} s vs floor {floor_filter:.3f} s "
            f"({ours_filter / floor_filter:.1f}x)"
        )

        def status_ours() -> None:
            tasks.status_filter.setCurrentIndex(tasks.status_filter.findData("blocked"))
            app.processEvents()
            tasks.status_filter.setCurrentIndex(0)
            app.processEvents()

        def status_floor() -> None:
            floor_proxy.setFilterKeyColumn(4)
            floor_proxy.setFilterFixedString("blocked")
            app.processEvents()
            floor_proxy.setFilterFixedString("")
            floor_proxy.setFilterKeyColumn(-1)
            app.processEvents()

        ours_status = median_time(status_ours)
        floor_status = median_time(status_floor)
        print(
            f"status filter on and off: {ours_status:.3f} s vs floor {floor_status:.3f} s "
            f"({ours_status / floor_status:.1f}x)"
        )

        def sort_ours() -> None:
            tasks.view.sortByColumn(3, Qt.SortOrder.AscendingOrder)
            app.processEvents()
            tasks.view.sortByColumn(3, Qt.SortOrder.DescendingOrder)
            app.processEvents()

        def sort_floor() -> None:
            floor_proxy.sort(3, Qt.SortOrder.AscendingOrder)
            app.processEvents()
            floor_proxy.sort(3, Qt.SortOrder.DescendingOrder)
            app.processEvents()

        ours_sort = median_time(sort_ours)
        floor_sort = median_time(sort_floor)
        print(
            f"sort by due date both ways: {ours_sort:.3f} s vs floor {floor_sort:.3f} s "
            f"({ours_sort / floor_sort:.1f}x)"
        )
        for widget in keep:
            if isinstance(widget, QWidget):
                widget.close()
        app.processEvents()
        workspace.close()


if __name__ == "__main__":
    main()
