"""The GUI on a bid on a real PostgreSQL server: open from server, move a file there, recent bids."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.store.models import Partner
from crmbid_desktop.ui import server_dialog
from crmbid_desktop.ui.bid_controller import BidController
from crmbid_desktop.ui.server_dialog import ServerAddressDialog
from crmbid_desktop.ui.window_state import WindowState


@pytest.fixture
def controller(
    app_paths: AppPaths, qtbot: object, monkeypatch: pytest.MonkeyPatch
) -> Iterator[BidController]:
    made = BidController(app_paths, WindowState(app_paths.settings_file))
    errors: list[tuple[str, str]] = []
    monkeypatch.setattr(
        made, "show_error", lambda _parent, title, message: errors.append((title, message))
    )
    made.errors = errors  # type: ignore[attr-defined]
    yield made
    made.close()


def test_the_dialog_builds_the_address_and_says_what_is_missing(
    qtbot: object, tmp_path: Path
) -> None:
    dialog = ServerAddressDialog(None, "Open a bid from a server", "Open a shared bid.")
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.accept()
    assert "server's name" in dialog.problem.text()
    dialog.host.setText("bids.leeds.gov.uk")
    dialog.accept()
    assert "database's name" in dialog.problem.text()
    dialog.database.setText("crm_bid_2005")
    dialog.sslmode.setCurrentText("verify-full")
    assert (
        dialog.address() == "postgresql://bids.leeds.gov.uk:5432/crm_bid_2005?sslmode=verify-full"
    )
    dialog.resize(1024, 768)
    dialog.grab().save(str(tmp_path / "server-dialog.png"))


def test_open_from_server_shows_the_bid_and_remembers_the_address(
    controller: BidController,
    server_bid: str,
    bid_path: Path,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = controller.start(bid_path)
    assert window is not None
    qtbot.addWidget(window)
    monkeypatch.setattr(server_dialog, "ask_server_address", lambda *_args: server_bid)
    qtbot.waitUntil(
        lambda: not controller.backing_up
    )  # the file's backup on open, in the background
    backups_of_the_file = sorted(controller.paths.backups_dir.glob("*"))
    action = window.findChild(QAction, "openFromServerAction")
    assert action is not None
    action.trigger()
    assert controller.errors == []  # type: ignore[attr-defined]
    assert window.workspace.bid.on_server
    assert window.workspace.place == server_bid
    assert "on 127.0.0.1" in window.windowTitle()
    assert controller.window_state.recent_files()[0] == server_bid
    # An edit from the window reaches the server, and no file backup is taken.
    with window.workspace.edit("Rename") as session:
        partner = session.scalars(select(Partner).order_by(Partner.id)).first()
        assert partner is not None
        partner.name = "Leeds"
    assert controller.guarded is not None and controller.guarded.backup_now() is None
    controller.tick()  # the minute timer: no timed file backup of a bid on a server
    assert controller.backup_job is None
    assert sorted(controller.paths.backups_dir.glob("*")) == backups_of_the_file


def test_move_to_a_server_copies_the_file_and_opens_it_there(
    controller: BidController,
    server_database: str,
    bid_path: Path,
    qtbot: object,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    window = controller.start(bid_path)
    assert window is not None
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    before = window.workspace.bid.counts()
    monkeypatch.setattr(server_dialog, "ask_server_address", lambda *_args: server_database)
    monkeypatch.setattr(
        QMessageBox, "question", lambda *_args, **_kw: QMessageBox.StandardButton.Yes
    )
    action = window.findChild(QAction, "moveToServerAction")
    assert action is not None
    action.trigger()
    assert controller.errors == []  # type: ignore[attr-defined]
    assert window.workspace.bid.on_server
    assert window.workspace.bid.counts() == before
    window.resize(1024, 768)
    window.grab().save(str(tmp_path / "window-on-server.png"))


def test_a_password_in_an_address_is_refused_with_a_message(
    controller: BidController, bid_path: Path, qtbot: object
) -> None:
    window = controller.start(bid_path)
    assert window is not None
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    controller.open("postgresql://alice:s3cret@127.0.0.1/bid")
    assert window.workspace.path == bid_path.resolve()
    ((_title, message),) = controller.errors  # type: ignore[attr-defined]
    assert "pgpass" in message and "s3cret" not in message
