"""Start-up: what the main window's first paint shows, and what it does not wait for."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
import weakref
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMainWindow
from pytestqt.qtbot import QtBot

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.ui.application import AfterFirstPaint, resume_garbage_collection
from crmbid_desktop.ui.idle_collection import FULL_COLLECTION_DUE, IdleCollector

ROOT = Path(__file__).resolve().parents[2]

# Runs the real entry point with the start-up probe on, and reports the state of the process at
# the moment the probe prints the first paint's time.
AT_FIRST_PAINT = """
import builtins, gc, json, sys

real_print = builtins.print

def report(*args, **kwargs):
    if args and str(args[0]).startswith("painted "):
        from PySide6.QtWidgets import QApplication, QMainWindow, QTreeWidget
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow))
        sections = window.findChild(QTreeWidget, "dashboardSections")
        state = {
            "models_loaded": "crmbid_desktop.store.models" in sys.modules,
            "title": window.windowTitle(),
            "dashboard_sections": sections.topLevelItemCount() if sections else -1,
            "first_section": sections.topLevelItem(0).text(0) if sections else "",
            "collector_on": gc.isenabled(),
        }
        real_print("state " + json.dumps(state), flush=True)
    real_print(*args, **kwargs)

builtins.print = report
from crmbid_desktop.app import main
sys.exit(main(["--no-crash-dialog"]))
"""


def start_with_probe(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run `python ARGS` with the start-up probe on: it prints the first paint's time and quits."""
    env = dict(
        os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), CRMBID_STARTUP_PROBE="1"
    )
    result = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    return result


def state_at_first_paint() -> dict[str, object]:
    result = start_with_probe(["-c", AT_FIRST_PAINT])
    lines = [line for line in result.stdout.splitlines() if line.startswith("state ")]
    assert len(lines) == 1, result.stdout + result.stderr
    state: dict[str, object] = json.loads(lines[0].removeprefix("state "))
    return state


@pytest.mark.slow
def test_startup_probe_reports_the_first_paint(app_paths: AppPaths) -> None:
    started = time.time()
    result = start_with_probe(["-m", "crmbid_desktop", "--no-crash-dialog"])
    painted = [line for line in result.stdout.splitlines() if line.startswith("painted ")]
    assert len(painted) == 1, result.stdout
    assert started < float(painted[0].split()[1]) < time.time()
    assert app_paths.default_bid.exists()


@pytest.mark.slow
def test_first_paint_shows_the_bid_without_waiting_for_the_orm_models(
    app_paths: AppPaths,
) -> None:
    state_at_first_paint()  # the first start creates the default bid (that needs the models)
    state = state_at_first_paint()
    # The window is up with the bid's own title and its sections' progress...
    assert "CRM National Project" in str(state["title"]), state
    assert state["dashboard_sections"] == 14, state
    assert str(state["first_section"]).startswith("1 "), state
    # ...before the ORM models were declared (store/table_clauses.py says why), and before the
    # collector was switched back on (app.main).
    assert state["models_loaded"] is False, state
    assert state["collector_on"] is False, state


def window_watched(qtbot: QtBot, fallback_ms: int) -> tuple[QMainWindow, list[str]]:
    """A main window not yet shown, and the calls its AfterFirstPaint has made so far."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = QMainWindow()
    qtbot.addWidget(window)
    calls: list[str] = []
    AfterFirstPaint(app, window, lambda: calls.append("ran"), fallback_ms=fallback_ms)
    return window, calls


def test_after_first_paint_runs_once_the_window_has_painted(qtbot: QtBot) -> None:
    window, calls = window_watched(qtbot, fallback_ms=60_000)
    qtbot.wait(20)
    assert calls == []  # not shown, so not painted: nothing yet
    window.show()
    qtbot.waitUntil(lambda: calls == ["ran"])
    window.update()
    qtbot.wait(50)
    assert calls == ["ran"]  # once only


def test_after_first_paint_runs_even_if_the_window_never_paints(qtbot: QtBot) -> None:
    _window, calls = window_watched(qtbot, fallback_ms=30)
    qtbot.waitUntil(lambda: calls == ["ran"])


def test_resume_garbage_collection_switches_the_collector_back_on(qapp) -> None:
    thresholds = gc.get_threshold()
    gc.disable()
    collector = resume_garbage_collection(qapp)
    try:
        assert gc.isenabled()
        # The young generations are collected as Python does; the full collection is the
        # timer's, so Python never starts one in the middle of an action.
        assert gc.get_threshold()[:2] == thresholds[:2]
        assert gc.get_threshold()[2] > 1_000_000
    finally:
        collector.stop()
        gc.unfreeze()
        gc.enable()
    assert gc.get_threshold() == thresholds


class _Ring:
    """An object that refers to itself: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_a_full_collection_runs_between_actions_when_python_would_have_run_one(qapp) -> None:
    collector = IdleCollector(qapp)
    try:
        gc.collect()  # every generation's count starts from nothing
        assert not collector.collect_if_due()
        ring = _Ring()
        gone = weakref.ref(ring)
        gc.collect(1)  # it survives into the oldest generation...
        del ring  # ...and becomes garbage there, which only a full collection finds
        # The program goes on making objects: Python collects the young generations by itself
        # many times over, but no longer starts the full collection in the middle of that.
        kept: list[list[object]] = [[] for _ in range(2 * FULL_COLLECTION_DUE * 10 * 700)]
        assert gc.get_count()[2] >= FULL_COLLECTION_DUE
        assert gone() is not None
        assert collector.collect_if_due()  # the timer's turn: due, so it runs
        assert gone() is None
        assert gc.get_count()[2] == 0
        assert collector.full_collections == 1
        del kept
    finally:
        collector.stop()


# Imports each page a form-filling user visits first, in a fresh interpreter, and prints which
# of the program's modules for exchanging sections with partners and writing Word came with it.
PAGE_IMPORTS = """
import importlib, json, sys

for name in sys.argv[1:]:
    importlib.import_module(name)
heavy = ("crmbid_desktop.services.exchange", "crmbid_desktop.services.word.docx")
print(json.dumps(sorted(m for m in sys.modules if m.startswith(heavy))))
"""


def test_the_form_pages_load_without_the_exchange_and_word_code() -> None:
    # Each page is built on its first visit, so what it imports is paid then, on the GUI thread:
    # the dialog for others' saves draws on the exchange code (word diffs), which loaded with
    # the Partners page cost its first visit ~90 ms. That code loads when a dialog first needs it.
    pages = [
        f"crmbid_desktop.ui.pages.{name}"
        for name in (
            "partners_page",
            "timetable_page",
            "criteria_page",
            "clarifications_page",
            "sustainability_page",
        )
    ]
    result = subprocess.run(
        [sys.executable, "-c", PAGE_IMPORTS, *pages],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
        check=True,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
