"""The main window fits where the bid lives: on a server, what only a bid file can do (timed
backups, moving it to a server) is greyed out with its reason, and Save a Copy makes a file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.ui.bid_controller import BidController
from crmbid_desktop.ui.main_window import MainWindow
from crmbid_desktop.ui.window_state import WindowState


def _action(window: MainWindow, name: str) -> QAction:
    action = window.findChild(QAction, name)
    assert action is not None
    return action


def _gone(window: MainWindow) -> None:
    """Close and delete a window and its pages before its bid is closed: a page's first load,
    still queued, would otherwise read the bid after it was closed (and its database dropped)."""
    window.close()
    window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_the_file_menu_fits_a_file_and_a_server(main_window: MainWindow, tmp_path: Path) -> None:
    backups = _action(main_window, "backupsAction")
    move = _action(main_window, "moveToServerAction")
    copy = _action(main_window, "saveCopyAction")
    title = main_window.windowTitle()
    assert "Ownership of the CRM National Project" in title
    if main_window.workspace.bid.on_server:
        assert not backups.isEnabled() and "IT team (pg_dump)" in backups.toolTip()
        assert not move.isEnabled() and "already on a server" in move.toolTip()
        assert copy.isEnabled() and copy.text() == "Save a &Copy as a File…"
        assert "on 127.0.0.1" in title and "—  —" not in title
    else:
        assert backups.isEnabled() and move.isEnabled() and copy.text() == "Save a &Copy As…"
        assert str(main_window.workspace.path) in title
    menu = main_window.menuBar().findChild(QMenu, "fileMenu")
    assert menu is not None and menu.toolTipsVisible()
    main_window.resize(1024, 768)
    main_window.grab().save(str(tmp_path / "main-window.png"))
    menu.adjustSize()
    menu.grab().save(str(tmp_path / "file-menu.png"))
    (tmp_path / "title.txt").write_text(title, encoding="utf-8")


def test_a_window_moved_from_a_server_to_a_file_gets_its_file_commands_back(
    qtbot: object, server_bid: str, bid_path: Path, app_paths: AppPaths
) -> None:
    on_server = open_workspace(server_bid, app_paths)
    window = MainWindow(on_server, WindowState(app_paths.settings_file))
    in_file = open_workspace(bid_path, app_paths)
    try:
        assert not _action(window, "backupsAction").isEnabled()
        window.set_workspace(in_file)  # File > Open of a bid file in the same window
        assert _action(window, "backupsAction").isEnabled()
        assert _action(window, "moveToServerAction").isEnabled()
        assert _action(window, "saveCopyAction").text() == "Save a &Copy As…"
        assert _action(window, "backupsAction").toolTip() == "Backups"
    finally:
        _gone(window)
        in_file.close()
        on_server.close()


@pytest.fixture
def controller(app_paths: AppPaths, qtbot: object) -> Iterator[BidController]:
    made = BidController(app_paths, WindowState(app_paths.settings_file))
    yield made
    made.close()


def test_save_a_copy_as_a_file_from_a_server_makes_an_equal_bid_file(
    controller: BidController,
    server_bid: str,
    app_paths: AppPaths,
    qtbot: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = controller.start(server_bid)
    assert window is not None
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    assert window.workspace.bid.on_server
    assert controller.backups_dialog() is None  # no timed file backups of a bid on a server
    started: list[str] = []
    target = app_paths.documents_dir / "snapshot.crmbid"

    def save_dialog(*args: object) -> tuple[str, str]:
        started.append(str(args[2]))
        return str(target.with_suffix("")), ""  # no suffix typed: the program adds it

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    _action(window, "saveCopyAction").trigger()
    assert Path(started[0]).parent == app_paths.documents_dir
    assert target.is_file()
    assert f"Copy saved as {target}" in window.statusBar().currentMessage()
    copy = open_workspace(target, app_paths)
    try:
        assert not copy.bid.on_server
        assert copy.bid.counts() == window.workspace.bid.counts()
    finally:
        copy.close()


def test_a_read_only_bid_on_a_server_says_its_copy_is_a_file(
    qtbot: object, server_bid: str, app_paths: AppPaths, tmp_path: Path
) -> None:
    read_only = open_workspace(server_bid, app_paths, read_only=True)
    window = MainWindow(read_only, WindowState(app_paths.settings_file))
    try:
        window.show()
        banner = window.read_only_banner.text()
        assert window.read_only_banner.isVisible()
        assert "on the server was opened read-only" in banner
        assert "File > Save a Copy as a File…" in banner and "open elsewhere" not in banner
        assert _action(window, "saveCopyAction").isEnabled()  # the way out stays open
        window.resize(1024, 768)
        window.grab().save(str(tmp_path / "read-only-on-server.png"))
    finally:
        _gone(window)
        read_only.close()


def test_no_computer_kept_planning_day_is_put_into_a_bid_on_a_server(
    server_bid: str, app_paths: AppPaths
) -> None:
    # Earlier versions kept "plan as if today is" per bid file on this computer; a server bid's
    # name in words must not pick up a day kept for some file that happened to share it.
    on_server = open_workspace(server_bid, app_paths)
    state = WindowState(app_paths.settings_file)
    state.save_plan_today(on_server.path, date(2005, 8, 4))
    window = MainWindow(on_server, state)
    try:
        assert on_server.plan_today is None
    finally:
        _gone(window)
        on_server.close()
