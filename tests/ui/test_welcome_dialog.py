"""First start asks for the user's name and council once; they then sign what the user records."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from crmbid_desktop import settings as user_settings
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import sections
from crmbid_desktop.settings import UNNAMED, Settings
from crmbid_desktop.ui.main_window import MainWindow
from crmbid_desktop.ui.welcome_dialog import WelcomeDialog
from crmbid_desktop.ui.window_state import WindowState
from tests.helpers.qt import assert_controls_named


def _window(qtbot: QtBot, workspace: Workspace, app_paths: AppPaths) -> MainWindow:
    window = MainWindow(workspace, WindowState(app_paths.settings_file))
    qtbot.addWidget(window)
    window.show()
    return window


def _answer(qtbot: QtBot, act: object) -> list[WelcomeDialog]:
    seen: list[WelcomeDialog] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, WelcomeDialog)
        seen.append(dialog)
        act(dialog)  # type: ignore[operator]

    QTimer.singleShot(0, answer)
    return seen


def test_first_start_asks_and_the_name_signs_comments_and_versions(
    qtbot: QtBot, workspace: Workspace, app_paths: AppPaths
) -> None:
    window = _window(qtbot, workspace, app_paths)
    assert window.workspace.user == UNNAMED  # never the computer's login name

    def fill(dialog: WelcomeDialog) -> None:
        assert_controls_named(dialog)
        assert [dialog.council.itemText(i) for i in range(dialog.council.count())] == [
            "Leeds City Council",
            "London Borough of Newham",
        ]
        qtbot.keyClicks(dialog.user_name, "Jo Smith")
        dialog.council.setCurrentIndex(1)
        dialog.save_button.click()

    seen = _answer(qtbot, fill)
    window.ask_name_on_first_start()
    assert seen
    saved = user_settings.load(app_paths.config_dir)
    assert (saved.user_name, saved.council, saved.name_asked) == (
        "Jo Smith",
        "London Borough of Newham",
        "yes",
    )
    assert window.workspace.user == "Jo Smith (London Borough of Newham)"
    with window.workspace.reading() as session:
        first = sections.outline(session)[0].id
    comment = sections.add_comment(window.workspace, first, "Needs figures")
    sections.save_body(window.workspace, first, "Some words")
    assert next(
        c for c in sections.comments(window.workspace, first) if c.id == comment
    ).author == ("Jo Smith (London Borough of Newham)")
    assert sections.versions(window.workspace, first)[0].saved_by == (
        "Jo Smith (London Borough of Newham)"
    )
    # Asked once: a second start does not ask again.
    window.ask_name_on_first_start()
    assert len(seen) == 1


def test_skipping_records_no_login_name_and_is_not_asked_again(
    qtbot: QtBot, workspace: Workspace, app_paths: AppPaths
) -> None:
    window = _window(qtbot, workspace, app_paths)
    seen = _answer(qtbot, lambda dialog: dialog.skip_button.click())
    window.ask_name_on_first_start()
    assert seen
    saved = user_settings.load(app_paths.config_dir)
    assert saved.name_asked == "yes" and saved.user_name == ""
    assert window.workspace.user == UNNAMED
    window.ask_name_on_first_start()
    assert len(seen) == 1


def test_settings_dialog_keeps_the_first_start_answer(app_paths: AppPaths) -> None:
    from crmbid_desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings(user_name="Jo", name_asked="yes"))
    assert dialog.settings().name_asked == "yes"
    dialog.deleteLater()
