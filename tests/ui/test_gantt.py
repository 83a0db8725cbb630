"""The Gantt chart renders to PNG with 0, 1 and 1,000 tasks; today's line only inside the range."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication

from crmbid_desktop.domain.working_days import WorkingCalendar
from crmbid_desktop.ui import colours
from crmbid_desktop.ui.timetable.gantt import (
    GanttBar,
    GanttData,
    GanttMilestone,
    GanttView,
    TaskBar,
)
from tests.ui.render_pages import dark_palette

AUG_1 = date(2005, 8, 1)


def _view(qtbot: Any, data: GanttData) -> GanttView:
    view = GanttView(WorkingCalendar())
    qtbot.addWidget(view)
    view.show_plan(data)
    return view


def _bar(task_id: int, start: date, days: int, status: str = "not started") -> GanttBar:
    return GanttBar(
        task_id, f"Task {task_id}", start, start + timedelta(days=days), status, False, ""
    )


def test_empty_plan_renders(qtbot: Any, tmp_path: Path) -> None:
    view = _view(qtbot, GanttData([], [], [], AUG_1))
    image = view.save_png(tmp_path / "empty.png")
    assert not image.isNull() and QImage(str(tmp_path / "empty.png")).width() == image.width()
    assert view.gantt_scene.today_line is None and not view.gantt_scene.bars


def test_one_task_renders_with_holiday_shading_and_today_line(qtbot: Any, tmp_path: Path) -> None:
    data = GanttData(
        [_bar(1, date(2005, 8, 25), 6, "in progress")],
        [GanttMilestone(1, "Proposal due", date(2005, 8, 26), True)],
        [],
        date(2005, 8, 26),
    )
    view = _view(qtbot, data)
    scene = view.gantt_scene
    assert list(scene.bars) == [1] and len(scene.diamonds) == 1
    assert scene.today_line is not None
    image = view.save_png(tmp_path / "one.png")
    # The Mon 29 Aug 2005 bank holiday is shaded: sample the chart low down in that column.
    bar = scene.bars[1]
    x = int(bar.x() + 4 * view.px_per_day + view.px_per_day / 2)  # 25 Aug + 4 days = 29 Aug
    assert (
        QImage(str(tmp_path / "one.png")).pixelColor(x, image.height() - 5) == scene.colours.holiday
    )


def test_today_outside_the_range_draws_no_line(qtbot: Any) -> None:
    view = _view(qtbot, GanttData([_bar(1, AUG_1, 3)], [], [], date(2026, 11, 25)))
    assert view.gantt_scene.today_line is None


def test_thousand_tasks_render_and_stay_one_item_per_bar(qtbot: Any, tmp_path: Path) -> None:
    rng = random.Random(5)
    bars = [
        _bar(i, AUG_1 + timedelta(days=rng.randrange(120)), rng.randrange(1, 20))
        for i in range(1000)
    ]
    deps = [(i, i + 1) for i in range(0, 999, 2)]
    view = _view(qtbot, GanttData(bars, [], deps, AUG_1))
    scene = view.gantt_scene
    assert len(scene.bars) == 1000
    assert sum(isinstance(item, TaskBar) for item in scene.items()) == 1000
    # Bars, one background, one path of arrows and the today line: no per-day items.
    assert len(scene.items()) == 1003
    image = view.save_png(tmp_path / "thousand.png")
    assert image.width() * image.height() <= 16_000_000 and image.height() > 1000


def test_ctrl_wheel_zooms(qtbot: Any) -> None:
    view = _view(qtbot, GanttData([_bar(1, AUG_1, 3)], [], [], AUG_1))
    before = view.px_per_day
    event = QWheelEvent(
        QPointF(10, 10),
        QPointF(view.viewport().mapToGlobal(QPoint(10, 10))),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), event)
    assert view.px_per_day < before


def test_the_chart_follows_a_switch_to_a_dark_palette(qtbot: Any, tmp_path: Path) -> None:
    data = GanttData(
        [_bar(1, date(2005, 8, 25), 6, "in progress")],
        [GanttMilestone(1, "Proposal due", date(2005, 8, 26), True)],
        [],
        date(2005, 8, 26),
    )
    view = _view(qtbot, data)
    assert view.gantt_scene.colours.canvas == view.palette().color(QPalette.ColorRole.Base)
    dark = dark_palette()
    view.setPalette(dark)  # what Windows' switch to dark mode does to every widget
    scene = view.gantt_scene
    base = dark.color(QPalette.ColorRole.Base)
    text = dark.color(QPalette.ColorRole.Text)
    assert scene.colours.canvas == base
    assert scene.backgroundBrush().color() == base
    assert view.backgroundBrush().color() == base
    assert scene.colours.text == text
    assert colours.contrast_ratio(scene.colours.text, scene.colours.canvas) >= 4.5
    # The bars' titles are drawn in the palette's text colour, not the light theme's near-black.
    bar = scene.bars[1]
    assert bar._colours.text == text
    image = view.save_png(tmp_path / "dark.png")
    assert image.pixelColor(image.width() - 2, 1) == base  # the date header's corner
