"""One undo history for the whole bid: Ctrl+Z takes back the last edit wherever it was made."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from crmbid_desktop.services import partners as partner_service
from crmbid_desktop.services import sections as section_service
from crmbid_desktop.services.workspace import Workspace
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
