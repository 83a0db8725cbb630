"""One undo history for the whole bid: Ctrl+Z takes back the last edit wherever it was made."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import partners as partner_service
from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.ui.main_window import PAGES, MainWindow


def _go(window: MainWindow, object_name: str) -> None:
    window.go_to(next(i for i, spec in enumerate(PAGES) if spec.object_name == object_name))


def _section_titles(workspace: Workspace) -> list[str]:
    with workspace.reading() as session:
        return [row.title for row in section_service.outline(session)]


def test_ctrl_z_undoes_edits_on_two_pages_from_a_third_and_ctrl_y_redoes(
    main_window: MainWindow, workspace: Workspace, qtbot: object
) -> None:
    window = main_window
    titles_before = _section_titles(workspace)

    _go(window, "partnersPage")
    partners = window.current_page()
    partners.form.status_combo.setCurrentText("signed off")  # type: ignore[attr-defined]
    assert partner_service.partner_rows(workspace)[0].fields.status == "signed off"

    _go(window, "sectionsPage")
    sections = window.current_page()
    sections.title_edit.setText("Our approach, renamed")  # type: ignore[attr-defined]
    sections.title_edit.editingFinished.emit()  # type: ignore[attr-defined]
    assert "Our approach, renamed" in _section_titles(workspace)

    _go(window, "timetablePage")
    assert partners.undo_stack is sections.undo_stack  # one history, every page
    focus = window.findChild(QWidget, "pageNavigation")
    assert focus is not None
    focus.setFocus()

    qtbot.keyClick(focus, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    assert _section_titles(workspace) == titles_before
    assert window.current_page() is sections  # undo shows the page the edit was made on
    assert sections.title_edit.text() != "Our approach, renamed"  # type: ignore[attr-defined]

    qtbot.keyClick(window.navigation, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    assert partner_service.partner_rows(workspace)[0].fields.status == "interested"
    assert window.current_page() is partners
    assert partners.form.status_combo.currentText() == "interested"  # type: ignore[attr-defined]

    qtbot.keyClick(window.navigation, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    assert partner_service.partner_rows(workspace)[0].fields.status == "signed off"
    qtbot.keyClick(window.navigation, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    assert "Our approach, renamed" in _section_titles(workspace)

    with workspace.reading() as session:
        from sqlalchemy import select

        from crmbid_desktop.store.models import ChangeLogEntry

        summaries = list(session.scalars(select(ChangeLogEntry.summary)))
    assert any(s.startswith("Undid ") for s in summaries)
    assert any(s.startswith("Redid ") for s in summaries)


def _notes(workspace: Workspace) -> str:
    return partner_service.partner_rows(workspace)[0].fields.notes


def test_edit_undo_saves_what_is_being_typed_first_so_undo_takes_back_only_that(
    main_window: MainWindow, workspace: Workspace, qtbot: QtBot
) -> None:
    _go(main_window, "partnersPage")
    form = main_window.current_page().form  # type: ignore[attr-defined]
    form.notes_edit.setPlainText("Leads on governance.")
    main_window.current_page().flush()  # type: ignore[attr-defined]
    assert _notes(workspace) == "Leads on governance."
    # More typing, still inside the pause before it is saved, when Edit > Undo is clicked.
    form.notes_edit.setPlainText("Leads on governance. Hosts the user group.")
    assert _notes(workspace) == "Leads on governance."

    main_window.undo_action.trigger()
    # The typing became its own step and was the one taken back; the earlier save stands.
    assert _notes(workspace) == "Leads on governance."
    assert form.notes_edit.toPlainText() == "Leads on governance."
    main_window.redo_action.trigger()
    assert _notes(workspace) == "Leads on governance. Hosts the user group."  # nothing lost


def test_edit_undo_finishes_a_field_still_being_typed_in(
    main_window: MainWindow, workspace: Workspace, qtbot: QtBot
) -> None:
    _go(main_window, "sectionsPage")
    sections = main_window.current_page()
    title_edit = sections.title_edit  # type: ignore[attr-defined]
    sections.limit_spin.setValue(450)  # type: ignore[attr-defined]
    sections.limit_spin.editingFinished.emit()  # type: ignore[attr-defined]  # a saved edit
    main_window.activateWindow()
    title_edit.setFocus()
    qtbot.waitUntil(title_edit.hasFocus)
    title_edit.selectAll()
    qtbot.keyClicks(title_edit, "Summary for ODPM")  # typed, not finished: not saved yet
    assert "Summary for ODPM" not in _section_titles(workspace)

    main_window.undo_action.trigger()
    assert "Summary for ODPM" not in _section_titles(workspace)
    assert sections.limit_spin.value() == 450  # type: ignore[attr-defined]  # still saved
    main_window.redo_action.trigger()
    assert "Summary for ODPM" in _section_titles(workspace)  # it was saved, then undone


def test_edit_undo_waits_while_what_is_typed_cannot_be_saved(
    main_window: MainWindow, workspace: Workspace, qtbot: QtBot
) -> None:
    _go(main_window, "partnersPage")
    form = main_window.current_page().form  # type: ignore[attr-defined]
    form.status_combo.setCurrentText("signed off")  # saved at once
    assert partner_service.partner_rows(workspace)[0].fields.status == "signed off"
    main_window.activateWindow()
    form.name_edit.setFocus()
    qtbot.waitUntil(form.name_edit.hasFocus)
    form.name_edit.selectAll()
    qtbot.keyClick(form.name_edit, Qt.Key.Key_Delete)  # a council must have a name

    main_window.undo_action.trigger()
    # Nothing undone, nothing reloaded: the user sees why and keeps what they typed.
    assert partner_service.partner_rows(workspace)[0].fields.status == "signed off"
    assert form.name_edit.text() == ""
    assert "Nothing was undone" in main_window.statusBar().currentMessage()


def test_edit_undo_saves_a_product_description_being_typed(
    main_window: MainWindow, workspace: Workspace
) -> None:
    from crmbid_desktop.services.registers import products as product_service

    def description() -> str:
        return product_service.product_rows(workspace)[0].fields.description

    _go(main_window, "sustainabilityPage")
    tab = main_window.current_page().products  # type: ignore[attr-defined]
    tab.description_edit.setPlainText("Toolkit for councils.")
    tab.flush()
    tab.description_edit.setPlainText("Toolkit for councils. Updated yearly.")  # within the pause
    main_window.undo_action.trigger()
    assert description() == "Toolkit for councils."
    main_window.redo_action.trigger()
    assert description() == "Toolkit for councils. Updated yearly."
