"""File > Plan as if today is…: off by default, shown in the status bar, used by the plan pages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QListWidget

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.ui.main_window import MainWindow
from crmbid_desktop.ui.plan_today_dialog import PlanTodayDialog
from crmbid_desktop.ui.window_state import WindowState
from tests.helpers.qt import child


def test_off_by_default_then_used_by_dashboard_and_timetable(
    qtbot: Any, main_window: MainWindow, workspace: Workspace, app_paths: AppPaths
) -> None:
    label = child(main_window, QLabel, "planTodayState")
    assert workspace.plan_today is None and not label.isVisible()

    def choose() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PlanTodayDialog)
        assert not dialog.enabled.isChecked() and not dialog.day_edit.isEnabled()
        dialog.enabled.setChecked(True)
        qtbot.keyClicks(dialog.day_edit, "4/8/2005")
        dialog.accept()

    QTimer.singleShot(0, choose)
    main_window.ask_plan_today()
    assert workspace.plan_today == date(2005, 8, 4)
    assert label.isVisible() and label.text() == "This bid plans as if today is Thu 4 Aug 2005"

    main_window.go_to(0)
    steps = child(main_window, QListWidget, "dashboardNextSteps")
    assert steps.item(0).text().endswith("was due Tue 2 Aug 2005, 2 days ago.")
    main_window.go_to(2)
    summary = main_window.current_page().summary.text()  # type: ignore[attr-defined]
    assert summary.startswith("Planning as if today is Thu 4 Aug 2005 · ")

    # Kept in the bid: the next window on it plans from the same day, nothing on the computer.
    again = MainWindow(workspace, WindowState(app_paths.settings_file))
    qtbot.addWidget(again)
    assert workspace.plan_today == date(2005, 8, 4)
    assert WindowState(app_paths.settings_file).plan_today(workspace.path) is None

    again.set_plan_today(None)
    assert workspace.plan_today is None


def test_undo_takes_the_day_back_and_every_page_plans_again(
    qtbot: Any, main_window: MainWindow, workspace: Workspace
) -> None:
    label = child(main_window, QLabel, "planTodayState")
    main_window.go_to(0)
    steps = child(main_window, QListWidget, "dashboardNextSteps")
    main_window.go_to(2)
    summary = main_window.current_page().summary  # type: ignore[attr-defined]
    main_window.set_plan_today(date(2005, 8, 4))
    assert label.isVisible()
    assert steps.item(0).text().endswith("was due Tue 2 Aug 2005, 2 days ago.")
    assert summary.text().startswith("Planning as if today is Thu 4 Aug 2005 · ")

    main_window.undo_action.trigger()
    assert workspace.plan_today is None
    assert not label.isVisible()
    assert not summary.text().startswith("Planning as if today is")
    assert not steps.item(0).text().endswith(", 2 days ago.")  # it counts from today again
    main_window.redo_action.trigger()
    assert workspace.plan_today == date(2005, 8, 4) and label.isVisible()
    assert summary.text().startswith("Planning as if today is Thu 4 Aug 2005 · ")


@pytest.mark.file_only  # earlier versions kept the day per bid file; none could open a server
def test_a_day_an_earlier_version_kept_on_this_computer_moves_into_the_bid_once(
    qtbot: Any, workspace: Workspace, app_paths: AppPaths
) -> None:
    state = WindowState(app_paths.settings_file)
    state.save_plan_today(workspace.path, date(2005, 8, 4))
    window = MainWindow(workspace, state)
    qtbot.addWidget(window)
    assert workspace.plan_today == date(2005, 8, 4)
    assert state.plan_today(workspace.path) is None  # moved, not copied
    label = child(window, QLabel, "planTodayState")
    assert label.text() == "This bid plans as if today is Thu 4 Aug 2005"
    assert "Kept in the bid" in label.toolTip()

    # A bid with a day of its own keeps it over a day another computer still holds.
    state.save_plan_today(workspace.path, date(2005, 9, 1))
    other = MainWindow(workspace, state)
    qtbot.addWidget(other)
    assert workspace.plan_today == date(2005, 8, 4)
    assert state.plan_today(workspace.path) is None


def test_the_dialog_says_the_day_is_the_bids(qtbot: Any) -> None:
    dialog = PlanTodayDialog(None)
    qtbot.addWidget(dialog)
    intro = next(
        label for label in dialog.findChildren(QLabel) if "saved in the bid" in label.text()
    )
    assert "every partner's copy" in intro.text()


def test_a_date_not_understood_keeps_the_dialog_open(qtbot: Any) -> None:
    dialog = PlanTodayDialog(None)
    qtbot.addWidget(dialog)
    dialog.enabled.setChecked(True)
    dialog.day_edit.setText("the 40th of Smarch")
    dialog.accept()
    assert dialog.result() == 0
    assert dialog.message.text().startswith("Plan as if today is “the 40th of Smarch”:")
