"""File menu behaviour: open, new from template or blank, save a copy, and refusals shown to the user."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.ui.bid_controller import BidController
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


def test_first_start_creates_and_opens_the_default_bid(
    controller: BidController, app_paths: AppPaths, qtbot: object
) -> None:
    window = controller.start(None)
    assert window is not None
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    assert window.workspace.path == app_paths.default_bid.resolve()
    assert window.workspace.bid.counts().sections == 14


def test_open_a_file_that_is_not_a_bid_tells_the_user_and_keeps_the_window(
    controller: BidController, tmp_path: Path, qtbot: object
) -> None:
    window = controller.start(None)
    assert window is not None
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    before = window.workspace.path
    bad = tmp_path / "minutes.crmbid"
    bad.write_text("Minutes of the bid team meeting", encoding="utf-8")
    controller.open(bad)
    assert window.workspace.path == before
    [(title, message)] = controller.errors  # type: ignore[attr-defined]
    assert title == "Cannot open the bid"
    assert "minutes.crmbid" in message and "not a CRM Bid Desktop file" in message
    assert bad.read_text(encoding="utf-8") == "Minutes of the bid team meeting"


def test_new_blank_bid_then_open_the_previous_one_again(
    controller: BidController, tmp_path: Path, qtbot: object
) -> None:
    window = controller.start(None)
    assert window is not None
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    first = window.workspace.path
    controller.create("blank", tmp_path / "blank.crmbid")
    assert window.workspace.path == (tmp_path / "blank.crmbid").resolve()
    assert window.workspace.bid.counts().partners == 0
    assert "New bid" in window.windowTitle()
    controller.open(first)
    assert window.workspace.path == first
    assert window.workspace.bid.counts().partners == 2
    recent = WindowState(controller.paths.settings_file).recent_files()
    assert recent[:2] == [first, (tmp_path / "blank.crmbid").resolve()]


def test_new_bid_over_an_existing_file_is_refused(
    controller: BidController, tmp_path: Path, qtbot: object
) -> None:
    window = controller.start(None)
    assert window is not None
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    existing = tmp_path / "taken.crmbid"
    existing.write_bytes(b"keep me")
    controller.create("odpm-crm-2005", existing)
    assert existing.read_bytes() == b"keep me"
    assert "already exists" in controller.errors[0][1]  # type: ignore[attr-defined]


def test_save_a_copy_is_a_sound_bid_and_the_open_bid_stays(
    controller: BidController, tmp_path: Path, qtbot: object
) -> None:
    from crmbid_desktop.store.bidfile import check_bid

    window = controller.start(None)
    assert window is not None
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    original = window.workspace.path
    copy = tmp_path / "copy for Newham.crmbid"
    controller.copy(copy)
    assert window.workspace.path == original
    report = check_bid(copy)
    assert report.sound and report.counts is not None and report.counts.partners == 2
    controller.copy(original)
    assert "cannot replace the bid that is open" in controller.errors[-1][1]  # type: ignore[attr-defined]


def test_the_window_and_the_controller_use_the_one_settings_object(
    app_paths: AppPaths, tmp_path: Path, qtbot: object
) -> None:
    from crmbid_desktop.settings import Settings, UserSettings

    user = UserSettings(app_paths.config_dir)
    user.save(Settings("Jane Smith", "London Borough of Newham", name_asked="yes"))
    controller = BidController(app_paths, WindowState(app_paths.settings_file, user))
    try:
        window = controller.start(None)
        assert window is not None
        qtbot.addWidget(window)  # type: ignore[attr-defined]
        assert window.window_state.user is user and window.settings is user.current
        assert window.workspace.user == "Jane Smith (London Borough of Newham)"
        elsewhere = tmp_path / "team share backups"
        window.apply_settings(Settings("Jane Smith", backups_dir=str(elsewhere)))
        # Saved through the one object, and the controller's backups follow it at once.
        assert user.current.backups_path == elsewhere
        assert controller.paths.backups_dir == elsewhere
        assert controller.guarded is not None and controller.guarded.paths.backups_dir == elsewhere
    finally:
        controller.close()
