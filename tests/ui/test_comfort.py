"""Everyday comfort driven from the keyboard: Find, Go shortcuts, Settings, the shortcuts list, open_item."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer
from PySide6.QtWidgets import QApplication, QTableView, QTreeWidget

from crmbid_desktop import settings as user_settings
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.settings import Settings
from crmbid_desktop.ui.main_window import PAGES, MainWindow
from crmbid_desktop.ui.pages.dashboard_page import ITEM_ROLE, DashboardPage
from crmbid_desktop.ui.search_dialog import SearchDialog
from crmbid_desktop.ui.settings_dialog import SettingsDialog
from crmbid_desktop.ui.window_state import WindowState
from tests.helpers.qt import assert_controls_named, child


def _active(qtbot: object, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # type: ignore[attr-defined]


def _selected_text(view: QTableView, column: int = 0) -> str:
    rows = view.selectionModel().selectedRows(column)
    return str(rows[0].data()) if rows else ""


def test_ctrl_f_finds_a_partner_and_enter_opens_it(qtbot: object, main_window: MainWindow) -> None:
    _active(qtbot, main_window)
    qtbot.keyClick(main_window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    dialog = main_window.search_dialog()
    assert isinstance(dialog, SearchDialog)
    qtbot.waitUntil(dialog.isVisible)  # type: ignore[attr-defined]
    qtbot.keyClicks(dialog.box, "newham")  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog.results.topLevelItemCount() > 0)  # type: ignore[attr-defined]
    first = dialog.results.topLevelItem(0)
    assert first is not None and first.text(0) == "Partner"
    qtbot.keyClick(dialog.box, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert not dialog.isVisible()
    assert main_window.current_page().object_name == "partnersPage"
    table = child(main_window, QTableView, "partnersTable")
    assert _selected_text(table) == "London Borough of Newham"


def test_search_opens_a_section_and_a_task(qtbot: object, main_window: MainWindow) -> None:
    dialog = main_window.search_dialog()
    assert isinstance(dialog, SearchDialog)
    dialog.start()
    dialog.box.setText("Governance")
    dialog.run_search()
    found = [dialog.results.topLevelItem(i) for i in range(dialog.results.topLevelItemCount())]
    kinds = [item.text(0) for item in found if item is not None]
    assert "Section" in kinds
    # Down moves through the results without leaving the box.
    while dialog.results.currentItem().text(0) != "Section":  # type: ignore[union-attr]
        qtbot.keyClick(dialog.box, Qt.Key.Key_Down)  # type: ignore[attr-defined]
    qtbot.keyClick(dialog.box, Qt.Key.Key_Enter)  # type: ignore[attr-defined]
    outline = child(main_window, QTreeWidget, "sectionsOutline")
    assert main_window.current_page().object_name == "sectionsPage"
    current = outline.currentItem()
    assert current is not None and current.text(0) == "9 Governance"

    task_title = main_window.page(2).plan.tasks[3].title  # type: ignore[attr-defined]
    dialog.start()
    dialog.box.setText(task_title)
    dialog.run_search()
    item = next(
        dialog.results.topLevelItem(i)
        for i in range(dialog.results.topLevelItemCount())
        if dialog.results.topLevelItem(i).text(0) == "Task"  # type: ignore[union-attr]
    )
    assert item is not None
    dialog.results.itemActivated.emit(item, 0)
    assert main_window.current_page().object_name == "timetablePage"
    tasks = child(main_window, QTableView, "tasksTable")
    assert task_title in [str(i.data()) for i in tasks.selectionModel().selectedRows(0)] + [
        str(tasks.currentIndex().siblingAtColumn(c).data()) for c in range(3)
    ]


def test_ctrl_number_goes_to_each_page(qtbot: object, main_window: MainWindow) -> None:
    _active(qtbot, main_window)
    for index in reversed(range(len(PAGES))):
        key = getattr(Qt.Key, f"Key_{index + 1}")
        qtbot.keyClick(main_window, key, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
        assert main_window.navigation.currentRow() == index
        assert main_window.current_page().object_name == PAGES[index].object_name


def test_ctrl_comma_opens_settings_and_they_are_used(
    qtbot: object, main_window: MainWindow, app_paths: AppPaths, tmp_path: Path
) -> None:
    _active(qtbot, main_window)
    template = tmp_path / "council.dotx"
    template.write_bytes(b"not really a template, but a file")
    seen: list[SettingsDialog] = []

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SettingsDialog)
        seen.append(dialog)
        dialog.user_name.setText("Jane Smith")
        dialog.council.setText("Leeds City Council")
        dialog.template.setText(str(template))
        dialog.backups.setText(str(tmp_path / "my backups"))
        assert_controls_named(dialog)
        dialog.accept()

    QTimer.singleShot(0, fill)
    qtbot.keyClick(main_window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    assert seen, "Ctrl+, did not open the settings"
    saved = user_settings.load(app_paths.config_dir)
    assert saved.author == "Jane Smith (Leeds City Council)"
    assert main_window.workspace.user == "Jane Smith (Leeds City Council)"
    export = main_window.page(7)
    assert export.template == template  # type: ignore[attr-defined]


def test_settings_dialog_refuses_a_missing_template(qtbot: object, tmp_path: Path) -> None:
    dialog = SettingsDialog(Settings(default_template=str(tmp_path / "gone.dotx")))
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.accept()
    assert dialog.result() == 0
    assert "does not exist" in dialog.error.text() and "gone.dotx" in dialog.error.text()


def test_settings_name_the_user_when_a_bid_opens(
    qtbot: object, workspace: object, app_paths: AppPaths
) -> None:
    user_settings.save(app_paths.config_dir, Settings("Jane Smith", "Newham"))
    window = MainWindow(workspace, WindowState(app_paths.settings_file))  # type: ignore[arg-type]
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    assert window.workspace.user == "Jane Smith (Newham)"
    from crmbid_desktop.services.registers import sections

    with window.workspace.reading() as session:
        first = sections.outline(session)[0].id
    comment = sections.add_comment(window.workspace, first, "Looks good")
    rows = sections.comments(window.workspace, first)
    assert next(r for r in rows if r.id == comment).author == "Jane Smith (Newham)"


def test_backups_folder_setting_reaches_the_controller(app_paths: AppPaths, tmp_path: Path) -> None:
    from crmbid_desktop.ui.bid_controller import BidController

    state = WindowState(app_paths.settings_file)
    assert BidController(app_paths, state).paths.backups_dir == app_paths.backups_dir
    # Chosen in File > Settings: saved through the one settings object, read by the next start.
    state.user.save(Settings(backups_dir=str(tmp_path / "elsewhere")))
    controller = BidController(app_paths, WindowState(app_paths.settings_file))
    assert controller.paths.backups_dir == tmp_path / "elsewhere"
    controller.use_settings(Settings())
    assert controller.paths.backups_dir == app_paths.backups_dir


def test_shortcuts_list_is_built_from_the_menus_and_pages(main_window: MainWindow) -> None:
    rows = main_window.shortcut_rows()
    keys = {(row.what, row.keys) for row in rows}  # type: ignore[attr-defined]
    assert ("Find", "Ctrl+F") in keys
    assert ("Settings", "Ctrl+,") in keys
    assert ("Keyboard shortcuts", "F1") in keys
    assert ("Dashboard", "Ctrl+1") in keys and ("Export", "Ctrl+8") in keys
    assert ("Undo", "Ctrl+Z") in keys
    assert ("Find and replace in the section text", "Ctrl+H") in keys
    assert ("Bold", "Ctrl+B") in keys
    # Every menu action with a shortcut is listed: the list cannot go stale.
    from PySide6.QtGui import QAction

    listed = {key for row in rows for key in row.keys.split(", ")}  # type: ignore[attr-defined]
    for action in main_window.findChildren(QAction):
        if action.shortcut().toString() and action.parent() is main_window:
            assert action.shortcut().toString() in listed, action.text()


def test_dashboard_items_open_their_pages(qtbot: object, main_window: MainWindow) -> None:
    dashboard = main_window.page(0)
    assert isinstance(dashboard, DashboardPage)
    dashboard.today = lambda: date(2026, 5, 1)
    dashboard.refresh()
    assert dashboard.countdown.text().startswith("Every external deadline has passed.")
    task_item = dashboard.next_steps.item(0)
    assert task_item is not None and task_item.text().startswith("Overdue: ")
    kind, key = task_item.data(ITEM_ROLE)
    assert kind == "task"
    dashboard.next_steps.itemActivated.emit(task_item)
    assert main_window.current_page().object_name == "timetablePage"
    tasks = child(main_window, QTableView, "tasksTable")
    selected = tasks.selectionModel().selectedRows()
    proxy = tasks.model()
    assert isinstance(proxy, QSortFilterProxyModel)
    assert selected and proxy.mapToSource(selected[0]).row() == next(
        i
        for i, row in enumerate(proxy.sourceModel().rows)  # type: ignore[attr-defined]
        if row.id == key
    )

    main_window.go_to(0)
    partner = dashboard.waiting.item(0)
    dashboard.waiting.itemActivated.emit(partner)
    assert main_window.current_page().object_name == "partnersPage"
    assert _selected_text(child(main_window, QTableView, "partnersTable")) == "Leeds City Council"

    main_window.go_to(0)
    section = dashboard.sections.topLevelItem(2)
    dashboard.sections.itemActivated.emit(section, 0)
    outline = child(main_window, QTreeWidget, "sectionsOutline")
    current = outline.currentItem()
    assert current is not None and current.text(0) == "3 Strategic fit"

    main_window.go_to(0)
    dashboard.countdown_button.click()
    assert main_window.current_page().object_name == "timetablePage"


def test_open_item_reports_a_missing_item(main_window: MainWindow) -> None:
    assert main_window.open_item("criterion", 99_999) is False
    assert "no longer in the bid" in main_window.statusBar().currentMessage()
    assert main_window.open_item("nonsense", 1) is False


@pytest.mark.parametrize("dialog_name", ["search", "shortcuts"])
def test_dialogs_name_their_controls(main_window: MainWindow, dialog_name: str) -> None:
    if dialog_name == "search":
        dialog = main_window.search_dialog()
    else:
        from crmbid_desktop.ui.shortcuts_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(main_window.shortcut_rows(), main_window)  # type: ignore[arg-type]
    assert_controls_named(dialog)


def test_every_page_names_its_controls(main_window: MainWindow) -> None:
    for page in main_window.pages:
        main_window.go_to(PAGES.index(next(s for s in PAGES if s.object_name == page.object_name)))
        assert_controls_named(page)


def test_tab_goes_from_the_navigation_into_the_page(qtbot: object, main_window: MainWindow) -> None:
    _active(qtbot, main_window)
    main_window.go_to(1)
    main_window.navigation.setFocus()
    qtbot.keyClick(main_window.navigation, Qt.Key.Key_Tab)  # type: ignore[attr-defined]
    focused = QApplication.focusWidget()
    assert focused is not None and main_window.current_page().isAncestorOf(focused)
