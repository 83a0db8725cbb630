"""Habits of Windows programs: Edit > Cut/Copy/Paste/Select All, Ctrl+S, menus, empty states."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QLabel, QLineEdit, QMenu, QTableView, QTextEdit

from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.ui.main_window import MainWindow
from crmbid_desktop.ui.pages.sections_page import SectionsPage
from crmbid_desktop.ui.widgets import EmptyStateTableView
from tests.helpers.qt import child


def _trigger(window: MainWindow, name: str) -> None:
    action = window.findChild(QAction, name)
    assert action is not None, name
    window.edit_menu.aboutToShow.emit()  # as when the user opens the menu
    assert action.isEnabled(), f"{name} is greyed out"
    window.edit_menu.aboutToHide.emit()
    action.trigger()


def test_cut_copy_paste_and_select_all_in_a_field(qtbot: Any, main_window: MainWindow) -> None:
    main_window.activateWindow()
    main_window.go_to(1)
    name = child(main_window, QLineEdit, "partnerName")
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    _trigger(main_window, "selectAllAction")
    assert name.selectedText() == "Leeds City Council"
    _trigger(main_window, "copyAction")
    assert QGuiApplication.clipboard().text() == "Leeds City Council"
    _trigger(main_window, "cutAction")
    assert name.text() == ""
    _trigger(main_window, "pasteAction")
    _trigger(main_window, "pasteAction")
    assert name.text() == "Leeds City CouncilLeeds City Council"


def test_copy_and_select_all_in_a_table_and_paste_into_a_budget_cell(
    qtbot: Any, main_window: MainWindow
) -> None:
    main_window.activateWindow()
    main_window.go_to(1)
    table = child(main_window, QTableView, "partnersTable")
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    table.selectRow(1)
    _trigger(main_window, "copyAction")
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("London Borough of Newham\tsupporting\t")
    # The partners table selects one council at a time: Select All is greyed out there.
    main_window.edit_menu.aboutToShow.emit()
    assert not child(main_window, QAction, "selectAllAction").isEnabled()
    main_window.edit_menu.aboutToHide.emit()

    main_window.go_to(6)
    page = main_window.current_page()
    page.tabs.setCurrentIndex(2)  # type: ignore[attr-defined]
    budget = child(main_window, QTableView, "budgetTable")
    model = budget.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "Subscriptions")
    budget.setFocus()
    qtbot.waitUntil(budget.hasFocus)
    budget.setCurrentIndex(model.index(row, 1))
    QGuiApplication.clipboard().setText("12,500.50")
    _trigger(main_window, "pasteAction")
    qtbot.waitUntil(lambda: model.index(row, 1).data() == "£12,500.50")  # saved, then shown


def test_ctrl_s_saves_what_is_being_typed_and_says_so(qtbot: Any, main_window: MainWindow) -> None:
    main_window.activateWindow()
    main_window.go_to(3)
    page = main_window.current_page()
    assert isinstance(page, SectionsPage)
    editor = child(page, QTextEdit, "sectionEditor")
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    qtbot.keyClicks(editor, "Leeds will lead")
    section_id = page.section_id
    with main_window.workspace.reading() as session:
        assert section_service.outline(session)[0].body == ""  # still only being typed
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    with main_window.workspace.reading() as session:
        saved = next(r for r in section_service.outline(session) if r.id == section_id)
    assert saved.body == "Leeds will lead\n"
    assert main_window.save_state_label.text() == "All changes saved"
    assert main_window.statusBar().currentMessage().startswith("All changes saved.")


def test_menus_escape_ampersands_and_the_shortcut_list_names_commands(
    main_window: MainWindow,
) -> None:
    go = child(main_window, QMenu, "goMenu")
    texts = [action.text() for action in go.actions()]
    assert "Timetable && Tasks" in texts  # shown as "Timetable & Tasks", no accelerator
    rows = main_window.shortcut_rows()
    named = {(row.where, row.what) for row in rows}  # type: ignore[attr-defined]
    assert ("Edit", "Undo") in named and ("Edit", "Redo") in named
    assert ("Go", "Timetable & Tasks") in named
    assert ("File", "Save") in named and ("Edit", "Paste") in named


def test_empty_tables_say_what_to_do(qtbot: Any, main_window: MainWindow) -> None:
    main_window.go_to(5)
    table = child(main_window, EmptyStateTableView, "clarificationsTable")
    assert table.message().startswith("No questions to the department yet: press New question")
    main_window.go_to(1)
    partners = child(main_window, EmptyStateTableView, "partnersTable")
    assert partners.message() == ""
    filter_box = child(main_window, QLineEdit, "partnersFilter")
    filter_box.setText("no council is called this")
    assert partners.message().startswith("No rows match the filter")


def test_an_empty_budget_does_not_break_even_in_green(main_window: MainWindow) -> None:
    main_window.go_to(6)
    main_window.current_page().tabs.setCurrentIndex(2)  # type: ignore[attr-defined]
    budget = child(main_window, QTableView, "budgetTable")
    model = budget.model()
    balance = model.rowCount() - 1
    assert model.index(balance, 0).data() == "Surplus or gap"
    assert {model.index(balance, c).data() for c in range(1, model.columnCount())} == {"—"}
    assert model.index(balance, 1).data(Qt.ItemDataRole.BackgroundRole) is None
    summary = child(main_window.current_page(), QLabel, "budgetBalanceSummary")
    assert summary.text().startswith("No figures yet")


def test_buttons_qt_adds_inside_fields_are_named(main_window: MainWindow) -> None:
    from PySide6.QtWidgets import QAbstractButton

    main_window.go_to(1)
    filter_box = child(main_window, QLineEdit, "partnersFilter")
    names = [button.accessibleName() for button in filter_box.findChildren(QAbstractButton)]
    assert names == ["Clear Filter partner councils"]


def test_a_council_is_added_and_named_by_keyboard_alone(
    qtbot: Any, main_window: MainWindow
) -> None:
    from crmbid_desktop.services.registers import partners as partner_service

    main_window.activateWindow()
    qtbot.waitUntil(main_window.isActiveWindow)
    qtbot.keyClick(main_window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # Go > Partners
    assert main_window.current_page().object_name == "partnersPage"
    qtbot.keyClick(main_window.current_page(), Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    name = child(main_window, QLineEdit, "partnerName")
    qtbot.waitUntil(name.hasFocus)
    qtbot.keyClicks(name, "Kirklees Council")  # replaces the selected "New council"
    qtbot.keyClick(name, Qt.Key.Key_Tab)
    names = [row.fields.name for row in partner_service.partner_rows(main_window.workspace)]
    assert "Kirklees Council" in names
