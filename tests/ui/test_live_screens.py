"""Two windows on one bid on a real PostgreSQL server: other users' edits, presence, lost
connection. Each window is a user of its own (own settings: name and council)."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import event, select

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.settings import Settings, UserSettings
from crmbid_desktop.store.models import Section
from crmbid_desktop.ui.live_status import LiveStatus
from crmbid_desktop.ui.main_window import PAGES, MainWindow
from crmbid_desktop.ui.window_state import WindowState

#: Where the 1024×768 renders go, to be looked at (CRMBID_SCREENSHOTS, else the temp folder).
SCREENSHOTS = Path(os.environ.get("CRMBID_SCREENSHOTS", tempfile.gettempdir())) / "crmbid-live"


def _window(place: str, app_paths: AppPaths, tmp: Path, name: str, council: str) -> MainWindow:
    folder = tmp / name
    folder.mkdir()
    user = UserSettings(folder)
    user.save(Settings(user_name=name, council=council, name_asked="yes"))
    workspace = open_workspace(place, app_paths)
    return MainWindow(workspace, WindowState(folder / "window.ini", user))


@pytest.fixture
def two_windows(
    server_bid: str, app_paths: AppPaths, tmp_path: Path, qtbot: QtBot
) -> Iterator[tuple[MainWindow, MainWindow]]:
    alice = _window(server_bid, app_paths, tmp_path, "Alice", "Leeds")
    bob = _window(server_bid, app_paths, tmp_path, "Bob", "Newham")
    for window in (alice, bob):
        qtbot.addWidget(window)
        window.show()
    yield alice, bob
    for window in (alice, bob):
        window.close()
        window.workspace.close()


def _page(window: MainWindow, name: str) -> Any:
    return window.page(next(i for i, spec in enumerate(PAGES) if spec.object_name == name))


def _go(window: MainWindow, name: str) -> None:
    window.go_to(next(i for i, spec in enumerate(PAGES) if spec.object_name == name))


def _save(window: MainWindow, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window.resize(1024, 768)
    path = SCREENSHOTS / name
    window.grab().save(str(path))
    return path


def test_a_council_renamed_in_one_window_shows_in_the_other_within_a_second(
    two_windows: tuple[MainWindow, MainWindow], qtbot: QtBot
) -> None:
    alice, bob = two_windows
    assert alice.live_status is not None and bob.live_status is not None
    assert _live(bob).connection_label.text().startswith("Connected to crmbid_test_")
    bob_partners = _page(bob, "partnersPage")
    bob_timetable = _page(bob, "timetablePage")
    refreshes = {"partners": 0, "timetable": 0}
    for key, page in (("partners", bob_partners), ("timetable", bob_timetable)):

        def counting(original: Any = page.refresh, key: str = key) -> Any:
            def refresh(*args: Any, **kwargs: Any) -> Any:
                refreshes[key] += 1
                return original(*args, **kwargs)

            return refresh

        page.refresh = counting()
    new_name = "Leeds City Council (lead authority)"
    _go(alice, "partnersPage")
    form = _page(alice, "partnersPage").form
    form.name_edit.setText(new_name)
    form.name_edit.textEdited.emit(new_name)  # typed
    committed: list[float] = []  # when Alice's COMMIT is sent: the other window's clock starts
    gui_thread = threading.get_ident()  # presence checks commit on the listening thread

    def on_commit(_connection: object) -> None:
        if threading.get_ident() == gui_thread:
            committed.append(time.monotonic())

    event.listen(alice.workspace.bid.engine, "commit", on_commit)
    form.name_edit.editingFinished.emit()
    # Both windows share this test's one GUI thread (as two programs they would not): Bob's
    # window can only start once Alice's has shown her own edit on her pages.
    alice_done = time.monotonic()
    shown_at: list[float] = []

    def shown() -> None:
        assert new_name in {row.council for row in bob_timetable.tasks.model.rows}
        assert new_name in {row.fields.name for row in bob_partners.model.rows}
        shown_at.append(time.monotonic())

    qtbot.waitUntil(shown, timeout=2000)
    assert len(committed) == 1
    assert shown_at[0] - max(committed[0], alice_done) < 1.0
    assert refreshes == {"partners": 0, "timetable": 0}  # rows updated, no full reload
    assert (
        bob.statusBar()
        .currentMessage()
        .startswith("Alice (Leeds): Changed partner Leeds City Council (lead authority)")
    )
    # Bob's own undo history is untouched by Alice's edit.
    assert bob.undo_group.activeStack() is None or not bob.undo_group.canUndo()


def test_typing_in_a_form_survives_another_users_change_to_the_same_row(
    two_windows: tuple[MainWindow, MainWindow], qtbot: QtBot
) -> None:
    alice, bob = two_windows
    _go(bob, "partnersPage")
    bob_form = _page(bob, "partnersPage").form
    # A field that saves when it is finished (Enter, leaving it): Bob has not finished yet.
    bob_form.name_edit.setFocus()
    qtbot.keyClicks(bob_form.name_edit, " - Bob is still typing")
    _go(alice, "partnersPage")
    alice_form = _page(alice, "partnersPage").form
    alice_form.signatory_edit.setText("Tom Riordan")
    alice_form.signatory_edit.textEdited.emit("Tom Riordan")
    alice_form.signatory_edit.editingFinished.emit()
    bob_partners = _page(bob, "partnersPage")
    qtbot.waitUntil(
        lambda: any(row.fields.signatory == "Tom Riordan" for row in bob_partners.model.rows),
        timeout=2000,
    )
    assert " - Bob is still typing" in bob_form.name_edit.text()
    assert bob_form.dirty


def _live(window: MainWindow) -> LiveStatus:
    """The window's live status: every window on a server bid has one."""
    assert window.live_status is not None
    return window.live_status


def _section_row(window: MainWindow, number: str) -> Any:
    page = _page(window, "sectionsPage")
    return next(row for row in page.rows.values() if row.number == number)


def test_presence_shows_who_edits_which_section_and_ends_when_they_leave(
    two_windows: tuple[MainWindow, MainWindow], qtbot: QtBot
) -> None:
    alice, bob = two_windows
    _go(bob, "sectionsPage")
    bob_sections = _page(bob, "sectionsPage")
    _go(alice, "sectionsPage")
    alice_sections = _page(alice, "sectionsPage")
    row = _section_row(alice, "2")
    alice_sections.select_section(row.id)
    expected = "Alice (Leeds) is editing 2"
    status = _live(bob).presence_label
    qtbot.waitUntil(lambda: status.isVisible() and status.text() == expected, timeout=3000)
    item = bob_sections.items[row.id]
    assert expected in item.toolTip(0)
    assert not item.icon(0).isNull()
    # Bob opens the same section: the note over his editor names Alice.
    bob_sections.select_section(row.id)
    note = bob_sections.presence.note
    assert note.isVisible() and note.text() == "Alice (Leeds) is editing this section too"
    alice_status = _live(alice).presence_label
    qtbot.waitUntil(lambda: alice_status.text() == "Bob (Newham) is editing 2", timeout=3000)
    print("presence PNG:", _save(bob, "live-presence.png"))
    # Alice moves to another section, then leaves the page: Bob sees it each time.
    other = _section_row(alice, "3")
    alice_sections.select_section(other.id)
    qtbot.waitUntil(lambda: status.text() == "Alice (Leeds) is editing 3", timeout=3000)
    assert not note.isVisible()
    assert item.icon(0).isNull()
    _go(alice, "dashboardPage")
    qtbot.waitUntil(lambda: not status.isVisible(), timeout=3000)
    assert expected not in bob_sections.items[other.id].toolTip(0)


def test_a_lost_connection_makes_the_window_read_only_keeps_typing_and_comes_back(
    two_windows: tuple[MainWindow, MainWindow], qtbot: QtBot, pg_server: Any
) -> None:
    _alice, bob = two_windows
    dashboard = _page(bob, "dashboardPage")
    qtbot.waitUntil(lambda: dashboard._loaded, timeout=3000)  # the start-up paint's first load
    _go(bob, "sectionsPage")
    page = _page(bob, "sectionsPage")
    row = _section_row(bob, "3")
    page.select_section(row.id)
    page.editor.setFocus()
    qtbot.keyClicks(page.editor, "Typed while the network went away")
    database = bob.workspace.bid.backend.location.database  # type: ignore[attr-defined]
    pg_server.admin(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
    try:
        pg_server.admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        )
        banner = bob.read_only_banner
        qtbot.waitUntil(lambda: banner.isVisible(), timeout=4000)
        assert banner.text().startswith("The connection to the server was lost at ")
        assert "your typing is kept" in banner.text()
        assert _live(bob).connection_label.text() == "Reconnecting…"
        assert bob.workspace.read_only
        assert page.editor.isReadOnly()
        page.flush_text()  # an autosave while the server is away: nothing lost, no error
        assert "Typed while the network went away" in page.editor.toPlainText()
        assert page.editor.document().isModified()
        print("banner PNG:", _save(bob, "live-connection-lost.png"))
    finally:
        pg_server.admin(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
    qtbot.waitUntil(lambda: not bob.read_only_banner.isVisible(), timeout=6000)
    assert _live(bob).connection_label.text().startswith("Connected to ")
    assert not bob.workspace.read_only
    assert not page.editor.isReadOnly()

    def saved() -> None:
        with bob.workspace.reading() as session:
            body = session.scalar(select(Section.body).where(Section.id == row.id))
        assert body is not None and "Typed while the network went away" in body

    qtbot.waitUntil(saved, timeout=5000)  # the kept typing is saved once editing resumes
    assert bob.save_state_label.text() == "All changes saved"


@pytest.mark.file_only
def test_a_bid_file_shows_no_connection(main_window: MainWindow) -> None:
    assert main_window.live_status is None
    assert not main_window.read_only_banner.isVisible()


def test_a_read_failing_for_a_lost_connection_is_logged_not_shown_as_a_crash(
    pg_server: Any, app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch, qapp: Any
) -> None:
    from PySide6.QtWidgets import QMessageBox
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    from crmbid_desktop.ui import crash

    shown: list[QMessageBox] = []

    def shown_instead(box: QMessageBox) -> int:
        shown.append(box)
        return 0

    monkeypatch.setattr(QMessageBox, "exec", shown_instead)
    hook = crash.make_excepthook(show_dialog=True, log_file=str(app_paths.log_file))
    url = pg_server.url("no_such_database").replace("postgresql://", "postgresql+psycopg://")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        hook(type(error), error, error.__traceback__)
    finally:
        engine.dispose()
    assert shown == []
    try:
        raise ValueError("anything else")
    except ValueError as error:
        hook(ValueError, error, error.__traceback__)
    assert len(shown) == 1  # other errors still reach the crash dialog
