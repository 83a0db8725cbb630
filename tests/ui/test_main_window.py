"""The main window opens on the default bid and every page shows the bid's real data."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTableView, QTreeWidget

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.ui.main_window import MainWindow
from crmbid_desktop.ui.table_model import Column, RowTableModel
from crmbid_desktop.ui.window_state import WindowState
from tests.helpers.qt import assert_controls_named, child


def _table_text(view: QTableView) -> list[list[str]]:
    model = view.model()
    return [
        [str(model.index(row, column).data()) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def test_every_page_shows_the_default_bid(main_window: MainWindow) -> None:
    titles = [page.title for page in main_window.pages]
    assert titles == [
        "Dashboard",
        "Partners",
        "Timetable & Tasks",
        "Sections",
        "Criteria",
        "Clarifications",
        "Sustainability",
        "Export",
    ]

    main_window.go_to(1)
    partners = _table_text(child(main_window, QTableView, "partnersTable"))
    assert [row[0] for row in partners] == ["Leeds City Council", "London Borough of Newham"]

    main_window.go_to(2)
    milestones = _table_text(child(main_window, QTableView, "milestonesTable"))
    proposal = next(row for row in milestones if row[1].startswith("Proposal and long-term"))
    assert proposal[0] == "Fri 26 Aug 2005"
    assert "Thursday, 26 August" in proposal[4]
    tasks = _table_text(child(main_window, QTableView, "tasksTable"))
    assert len(tasks) == 13

    main_window.go_to(3)
    outline = child(main_window, QTreeWidget, "sectionsOutline")
    assert outline.topLevelItemCount() == 14
    first = outline.topLevelItem(0)
    assert first is not None and first.text(0) == "1 Executive summary"

    main_window.go_to(4)
    criteria = _table_text(child(main_window, QTableView, "criteriaTable"))
    assert len(criteria) == 10
    assert child(main_window, QLabel, "criteriaWeightTotal").text().startswith("Weights total 100%")

    main_window.go_to(0)
    assert (
        "Ownership of the CRM National Project"
        in child(main_window, QLabel, "dashboardBidTitle").text()
    )


def test_title_names_the_bid_and_its_file(main_window: MainWindow) -> None:
    title = main_window.windowTitle()
    assert "Ownership of the CRM National Project" in title
    assert str(main_window.workspace.path) in title


def test_interactive_widgets_have_object_and_accessible_names(main_window: MainWindow) -> None:
    assert_controls_named(main_window)


def test_geometry_page_and_recent_files_are_remembered(
    qtbot: object, workspace: object, app_paths: AppPaths
) -> None:
    state = WindowState(app_paths.settings_file)
    window = MainWindow(workspace, state)  # type: ignore[arg-type]
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    window.resize(700, 500)
    window.go_to(3)
    window.close()

    again = MainWindow(workspace, WindowState(app_paths.settings_file))  # type: ignore[arg-type]
    qtbot.addWidget(again)  # type: ignore[attr-defined]
    assert again.navigation.currentRow() == 3
    assert (again.width(), again.height()) == (700, 500)
    # A file's path, or a bid on a server's postgresql:// address (what File > Open Recent opens).
    assert WindowState(app_paths.settings_file).recent_files()[0] == workspace.place  # type: ignore[attr-defined]


def test_row_table_model_passes_qtmodeltester(qtmodeltester: object) -> None:
    model: RowTableModel[tuple[str, int]] = RowTableModel(
        [Column("Name", lambda r: r[0]), Column("Number", lambda r: str(r[1]), lambda r: r[1])],
        [("a", 2), ("b", 1)],
    )
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_page_specs_name_their_pages_truly() -> None:
    from crmbid_desktop.ui.main_window import PAGES

    for spec in PAGES:
        page_type = spec.load()
        assert (page_type.title, page_type.object_name) == (spec.title, spec.object_name)


def test_start_up_imports_only_the_page_it_shows() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import crmbid_desktop.ui.application; "
        "print(sorted(m for m in sys.modules if m.startswith('crmbid_desktop.ui.pages.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "export_page" not in result.stdout and "timetable_page" not in result.stdout
    assert "docx" not in result.stdout


def test_a_closed_window_stops_listening_for_saves(
    qtbot: object, workspace: object, app_paths: AppPaths
) -> None:
    from crmbid_desktop.store.models import Partner

    window = MainWindow(workspace, WindowState(app_paths.settings_file))  # type: ignore[arg-type]
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    with workspace.edit("Added a council") as session:  # type: ignore[attr-defined]
        session.add(Partner(name="Bradford"))
    assert window.save_state_label.text() == "All changes saved"
    window.close()
    qtbot.waitUntil(lambda: window._on_saved not in workspace._saved_listeners)  # type: ignore[attr-defined]
