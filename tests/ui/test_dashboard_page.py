"""The dashboard leads with what to do next: urgency in colour and words, each item a link."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QListWidget, QTableView
from pytestqt.qtbot import QtBot

from crmbid_desktop.services.registers import planning
from crmbid_desktop.services.views import checklist
from crmbid_desktop.ui.colours import text_colour
from crmbid_desktop.ui.main_window import MainWindow
from crmbid_desktop.ui.pages import word_counting
from crmbid_desktop.ui.pages.dashboard_page import ITEM_ROLE, DashboardPage
from crmbid_desktop.ui.table_model import ROW_ROLE
from tests.helpers.qt import child


def _dashboard(main_window: MainWindow, today: date) -> DashboardPage:
    page = main_window.page(0)
    assert isinstance(page, DashboardPage)
    page.today = lambda: today
    page.refresh()
    return page


def test_what_to_do_next_comes_first_with_urgency_in_colour_and_words(
    main_window: MainWindow,
) -> None:
    page = _dashboard(main_window, date(2005, 8, 4))
    steps = child(page, QListWidget, "dashboardNextSteps")
    box = child(page, QLabel, "dashboardNextCaption")
    assert box.text().startswith(
        "2 overdue, 3 due this week, 2 still to sign off, 42 to fix before export."
    )
    texts = [steps.item(row).text() for row in range(steps.count())]
    assert texts[0].startswith("Overdue: Decide whether to bid and with whom")
    assert any(text.startswith("This week: Write and send the expression") for text in texts)
    to_do = [text for text in texts if text.startswith("To do:")]
    assert to_do[-1] == "To do: London Borough of Newham has not signed off yet (it is interested)."
    assert texts.index(to_do[-1]) < texts.index(
        "Before export: The bid's named contact has no name, e-mail or telephone."
    )
    colours = {
        steps.item(row).text().split(":")[0]: steps.item(row) for row in range(steps.count())
    }
    assert colours["Overdue"].foreground().color() == text_colour("danger", page)
    assert colours["This week"].foreground().color() == text_colour("warning", page)
    # What to do next sits above the sections' list (it leads the page).
    sections = child(page, QListWidget, "dashboardNextSteps")
    assert (
        sections.mapTo(page, sections.rect().topLeft()).y()
        < page.sections.mapTo(page, page.sections.rect().topLeft()).y()
    )


def test_enter_on_a_next_step_opens_the_task(qtbot: object, main_window: MainWindow) -> None:
    page = _dashboard(main_window, date(2005, 8, 4))
    steps = child(page, QListWidget, "dashboardNextSteps")
    steps.setFocus()
    steps.setCurrentRow(0)
    _kind, key = steps.item(0).data(ITEM_ROLE)
    QTest.keyClick(steps, Qt.Key.Key_Return)
    assert main_window.current_page().object_name == "timetablePage"
    tasks = child(main_window, QTableView, "tasksTable")
    selected = tasks.selectionModel().selectedRows()
    assert selected and selected[0].data(ROW_ROLE).id == key


def test_preflight_problems_are_listed_and_enter_opens_their_place(
    qtbot: object, main_window: MainWindow
) -> None:
    page = _dashboard(main_window, date(2005, 8, 4))
    steps = child(page, QListWidget, "dashboardNextSteps")
    texts = [steps.item(row).text() for row in range(steps.count())]
    # The same problems the Export page lists, each once, after the dated steps.
    assert "Before export: Section 9 “Governance” has no text yet." in texts
    assert any("is flagged" in text and text.startswith("Before export:") for text in texts)
    # A partner still to sign off is listed once, not again as a preflight problem.
    assert sum("Newham has not signed off" in text for text in texts) == 1
    # Its other problems (no contribution, no letter) are still listed before export.
    assert any(text.startswith("Before export: London Borough of Newham") for text in texts)
    row = texts.index("Before export: Section 9 “Governance” has no text yet.")
    steps.setFocus()
    steps.setCurrentRow(row)
    kind, key = steps.item(row).data(ITEM_ROLE)
    assert kind == "section"
    QTest.keyClick(steps, Qt.Key.Key_Return)
    assert main_window.current_page().object_name == "sectionsPage"
    assert main_window.current_page().section_id == key  # type: ignore[attr-defined]


def test_deadline_day_reads_in_the_danger_colour(main_window: MainWindow) -> None:
    page = _dashboard(main_window, date(2005, 8, 8))
    assert page.countdown.text() == "Today, Mon 8 Aug 2005: Expressions of interest due."
    assert text_colour("danger", page).name() in page.countdown.styleSheet()
    page = _dashboard(main_window, date(2005, 7, 1))
    assert page.countdown.styleSheet() == ""


def test_a_big_bids_figures_are_read_off_the_gui_thread_while_its_words_are_counted(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, main_window: MainWindow
) -> None:
    # Counted at once on the GUI thread only up to a little text: never here, so this bid is
    # as a big one is, its words counted (and its other facts read) on a pool thread.
    monkeypatch.setattr(word_counting, "COUNT_NOW_CHARACTERS", -1)
    workspace = main_window.workspace
    checklist._CHECKLISTS.pop(workspace, None)  # nothing known of the bid yet, as on opening
    planned_on: list[threading.Thread] = []
    real_plan_view = planning.plan_view

    def plan_view(*args: Any, **kwargs: Any) -> Any:
        planned_on.append(threading.current_thread())
        return real_plan_view(*args, **kwargs)

    monkeypatch.setattr(planning, "plan_view", plan_view)
    main_window.go_to(0)
    page = main_window.page(0)
    assert isinstance(page, DashboardPage)
    page.today = workspace.today
    page.refresh()
    assert page.next_caption.text() == "Counting the words of every section…"
    qtbot.waitUntil(lambda: page.next_caption.text() != "Counting the words of every section…")
    # The plan, the dearest of the figures, was worked out once, on the counting thread; the
    # page only put the figures together.
    assert planned_on and all(thread is not threading.main_thread() for thread in planned_on)
    facts = checklist.checklist_for(workspace)
    assert facts.reads.get("all sections") == 1 and facts.reads.get("plan") == 1
    assert page.board is not None and page.board.sections
