"""Every page shows the bid as it is now: an edit anywhere reaches every built page as a change
set, and pages update the rows it names without a full reload (refreshes are counted)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import partners as partner_service
from crmbid_desktop.services.registers import planning, products
from crmbid_desktop.services.registers.products import ProductFields
from crmbid_desktop.store.models import Partner, Task
from crmbid_desktop.ui.main_window import PAGES, MainWindow
from crmbid_desktop.ui.pages.base import Page


def _cells(model: QAbstractItemModel, parent: QModelIndex | None = None) -> Iterator[str]:
    # Only public calls: list and tree models keep columnCount/hasChildren protected in PySide.
    parent = parent or QModelIndex()
    for row in range(model.rowCount(parent)):
        for column in range(64):
            index = model.index(row, column, parent)
            if not index.isValid():
                break
            value = model.data(index, Qt.ItemDataRole.DisplayRole)
            if value is not None:
                yield str(value)
            if column == 0 and model.rowCount(index) > 0:
                yield from _cells(model, index)
    if not parent.isValid():
        for section in range(model.rowCount(parent)):
            value = model.headerData(section, Qt.Orientation.Vertical)
            if value is not None:
                yield str(value)


def shown_text(page: QWidget) -> str:
    """Everything a page shows in words: labels, fields, lists, tables, trees and choices."""
    parts: list[str] = []
    for label in page.findChildren(QLabel):
        parts.append(label.text())
    for edit in page.findChildren(QLineEdit):
        parts.append(edit.text())
    for button in page.findChildren(QAbstractButton):
        parts.append(button.text())
    for combo in page.findChildren(QComboBox):
        parts.extend(combo.itemText(i) for i in range(combo.count()))
    for view in page.findChildren(QAbstractItemView):
        model = view.model()
        if model is not None:
            parts.extend(_cells(model))
    return "\n".join(parts)


def _page(window: MainWindow, name: str) -> Any:
    return window.page(next(i for i, spec in enumerate(PAGES) if spec.object_name == name))


def _go(window: MainWindow, name: str) -> None:
    window.go_to(next(i for i, spec in enumerate(PAGES) if spec.object_name == name))


@pytest.fixture
def counted(main_window: MainWindow) -> dict[str, int]:
    """Build every page, then count each one's full reloads from here on."""
    counts: dict[str, int] = {}
    for page in main_window.pages:
        counts[page.object_name] = 0

        def counting(original: Any = page.refresh, name: str = page.object_name) -> Any:
            def refresh(*args: Any, **kwargs: Any) -> Any:
                counts[name] += 1
                return original(*args, **kwargs)

            return refresh

        page.refresh = counting()  # type: ignore[method-assign]
    return counts


LIST_PAGES = (
    "partnersPage",
    "timetablePage",
    "sectionsPage",
    "criteriaPage",
    "clarificationsPage",
    "sustainabilityPage",
)


def _no_reloads(counts: dict[str, int]) -> None:
    reloaded = {name: count for name, count in counts.items() if name in LIST_PAGES and count}
    assert reloaded == {}, f"pages reloaded whole: {reloaded}"


def test_renaming_a_council_shows_on_every_page_without_a_reload(
    main_window: MainWindow, workspace: Workspace, counted: dict[str, int], qtbot: QtBot
) -> None:
    window = main_window
    timetable = _page(window, "timetablePage")
    assert any(row.council == "Leeds City Council" for row in timetable.tasks.model.rows)
    _go(window, "partnersPage")
    partners = _page(window, "partnersPage")
    partners.form.name_edit.setText("Leeds City Council (lead authority)")
    partners.form.name_edit.textEdited.emit("Leeds City Council (lead authority)")  # typed
    partners.form.name_edit.editingFinished.emit()
    with workspace.reading() as session:
        assert session.scalars(select(Partner.name).order_by(Partner.id)).first() == (
            "Leeds City Council (lead authority)"
        )

    # Timetable & Tasks: the owners in the table and the council filter's choices.
    owners = {row.council for row in timetable.tasks.model.rows}
    assert "Leeds City Council (lead authority)" in owners
    assert "Leeds City Council" not in owners
    filter_choices = [
        timetable.tasks.council_filter.itemText(i)
        for i in range(timetable.tasks.council_filter.count())
    ]
    assert "Leeds City Council (lead authority)" in filter_choices
    assert "Leeds City Council" not in filter_choices
    # Every filter keeps its "any" choice however its list was filled.
    assert timetable.tasks.council_filter.itemText(0) == "Any council"
    assert timetable.tasks.person_filter.itemText(0) == "Any person"
    # Sections (author's council) and Sustainability (product owners) list it too.
    for name in ("sectionsPage", "sustainabilityPage"):
        assert "Leeds City Council (lead authority)" in shown_text(_page(window, name)), name
    _no_reloads(counted)

    # The dashboard is a whole-bid summary: it brings its figures up to date when shown,
    # from the change set, without a full reload.
    _go(window, "dashboardPage")
    assert "Leeds City Council (lead authority)" in shown_text(_page(window, "dashboardPage"))
    assert counted["dashboardPage"] == 0

    # Undo goes the same way: every page shows the old name again, none reloads.
    window.undo_action.trigger()
    owners = {row.council for row in timetable.tasks.model.rows}
    assert "Leeds City Council" in owners
    assert "Leeds City Council (lead authority)" not in owners
    assert partners.form.name_edit.text() == "Leeds City Council"
    assert "Leeds City Council (lead authority)" not in shown_text(_page(window, "sectionsPage"))
    _no_reloads(counted)


def test_a_council_renamed_reads_again_only_the_products_it_owns(
    main_window: MainWindow,
    workspace: Workspace,
    counted: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    leeds, wakefield = (row.id for row in partner_service.partner_rows(workspace)[:2])
    owned = products.PRODUCTS.add(workspace, ProductFields("Leeds's form", owner_partner_id=leeds))
    products.PRODUCTS.add(workspace, ProductFields("Wakefield's form", owner_partner_id=wakefield))
    _go(main_window, "sustainabilityPage")
    _go(main_window, "partnersPage")
    read: list[Any] = []
    real_rows = products.PRODUCTS.rows

    def rows(workspace: Workspace, uuids: Any = None) -> Any:
        read.append(None if uuids is None else set(uuids))
        return real_rows(workspace, uuids)

    monkeypatch.setattr(products.PRODUCTS, "rows", rows)
    partners = _page(main_window, "partnersPage")
    partners.form.name_edit.setText("Leeds City Council (lead authority)")
    partners.form.name_edit.textEdited.emit("Leeds City Council (lead authority)")
    partners.form.name_edit.editingFinished.emit()
    # Only the product Leeds owns was read again (not the whole register), and it shows the
    # new name.
    owned_uuid = next(r.uuid for r in real_rows(workspace) if r.id == owned)
    assert read == [{owned_uuid}]
    tab = _page(main_window, "sustainabilityPage").products
    shown = {row.name: row.owner_name for row in tab.model.rows}
    assert shown["Leeds's form"] == "Leeds City Council (lead authority)"
    assert shown["Wakefield's form"] != "Leeds City Council (lead authority)"
    _no_reloads(counted)


def test_a_share_edited_on_partners_reaches_the_budget_and_dashboard(
    main_window: MainWindow, workspace: Workspace, counted: dict[str, int]
) -> None:
    window = main_window
    _go(window, "partnersPage")
    partners = _page(window, "partnersPage")
    partners.form.status_combo.setCurrentText("signed off")
    assert partner_service.partner_rows(workspace)[0].fields.status == "signed off"
    row = partners.model.rows[0]
    assert row.fields.status == "signed off"  # the table row, updated in place
    _no_reloads(counted)
    _go(window, "dashboardPage")
    assert "1 of 2" in shown_text(_page(window, "dashboardPage"))


def test_a_section_renamed_shows_in_criteria_clarifications_and_timetable(
    main_window: MainWindow, workspace: Workspace, counted: dict[str, int]
) -> None:
    window = main_window
    _go(window, "sectionsPage")
    sections = _page(window, "sectionsPage")
    builds = sections.outline_builds
    sections.title_edit.setText("Executive summary, as sent")
    sections.title_edit.editingFinished.emit()
    assert sections.outline_builds == builds  # one item changed, the tree was not rebuilt
    assert "Executive summary, as sent" in sections.items[sections.section_id].text(0)
    for name in ("criteriaPage", "clarificationsPage"):
        assert "Executive summary, as sent" in shown_text(_page(window, name)), name
    _no_reloads(counted)


def test_typing_in_a_section_touches_no_other_list_page(
    main_window: MainWindow, workspace: Workspace, counted: dict[str, int]
) -> None:
    window = main_window
    _go(window, "sectionsPage")
    sections = _page(window, "sectionsPage")
    timetable = _page(window, "timetablePage")
    builds, gantt_builds = sections.outline_builds, timetable.gantt.gantt_scene.builds
    sections.editor.selectAll()
    sections.editor.insertPlainText("Leeds and Newham will keep the Academy going.")
    sections.flush_text()
    words = sections.items[sections.section_id].text(2)
    assert words.startswith("8 ")
    assert sections.outline_builds == builds
    assert timetable.gantt.gantt_scene.builds == gantt_builds
    _no_reloads(counted)


def test_a_gantt_drag_moves_only_the_bars_that_moved(
    main_window: MainWindow, workspace: Workspace, counted: dict[str, int], qtmodeltester: Any
) -> None:
    window = main_window
    _go(window, "timetablePage")
    timetable = _page(window, "timetablePage")
    qtmodeltester.check(timetable.tasks.model)  # keeps watching the in-place updates
    qtmodeltester.check(timetable.tasks.proxy)
    scene = timetable.gantt.gantt_scene
    builds = scene.builds
    with workspace.reading() as session:
        task = session.scalars(
            select(Task).where(Task.start_on.is_not(None)).order_by(Task.id)
        ).first()
        assert task is not None
    before = scene.bars[task.id].x()
    timetable.move_task(task.id, 1)
    assert scene.builds == builds  # bars moved in place, the chart was not rebuilt
    moved = next(row for row in timetable.tasks.model.rows if row.id == task.id)
    assert moved.start_on is not None and task.start_on is not None
    assert moved.start_on > task.start_on
    assert scene.bars[task.id].x() > before
    _no_reloads(counted)
    window.undo_action.trigger()
    back = next(row for row in timetable.tasks.model.rows if row.id == task.id)
    assert back.start_on == task.start_on
    assert scene.bars[task.id].x() == before
    _no_reloads(counted)


def test_an_edit_from_a_worker_thread_reaches_the_pages(
    main_window: MainWindow, workspace: Workspace, counted: dict[str, int], qtbot: QtBot
) -> None:
    import threading

    window = main_window
    partners = _page(window, "partnersPage")
    qtbot_count = partners.model.rowCount()

    def work() -> None:
        partner_service.add_partner(workspace, partner_service.PartnerFields("Kent County Council"))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=20)
    qtbot.waitUntil(lambda: partners.model.rowCount() == qtbot_count + 1)
    timetable = _page(window, "timetablePage")
    qtbot.waitUntil(
        lambda: (
            "Kent County Council"
            in [
                timetable.tasks.council_filter.itemText(i)
                for i in range(timetable.tasks.council_filter.count())
            ]
        )
    )
    _no_reloads(counted)


def test_every_page_declares_what_it_shows(main_window: MainWindow) -> None:
    for page in main_window.pages:
        assert isinstance(page, Page)
        assert page.shows_tables, page.object_name


def test_deleting_a_task_and_undoing_it_updates_the_table_in_place(
    main_window: MainWindow, workspace: Workspace, counted: dict[str, int], qtmodeltester: Any
) -> None:
    timetable = _page(main_window, "timetablePage")
    qtmodeltester.check(timetable.tasks.model)
    count = timetable.tasks.model.rowCount()
    task_id = timetable.tasks.model.rows[0].id
    planning.delete_task(workspace, task_id)
    assert timetable.tasks.model.rowCount() == count - 1
    main_window.undo_action.trigger()
    assert timetable.tasks.model.rowCount() == count
    _no_reloads(counted)


def test_the_history_is_bounded_by_steps_and_by_memory(
    workspace: Workspace, tmp_path: Any, qtbot: QtBot
) -> None:
    from crmbid_desktop.ui.undo import MAX_STEPS, history_for

    history = history_for(workspace)
    assert history.undoLimit() == MAX_STEPS == 200
    leeds = partner_service.partner_rows(workspace)[0]
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(b"%PDF-1.4 " + b"x" * 300_000)
    history.max_bytes = 1_000_000  # a small budget, so three removed letters overflow it
    for _ in range(4):
        row = partner_service.add_attachment(workspace, leeds.id, letter)
        partner_service.remove_attachment(workspace, row.id)
    assert history.kept_bytes() <= history.max_bytes
    assert history.count() < 8  # the oldest steps fell off
    history.undo()  # what is left still undoes: the last removed letter comes back whole
    with workspace.reading() as session:
        from crmbid_desktop.store.models import Attachment

        back = list(session.scalars(select(Attachment.data)))
    assert back == [letter.read_bytes()]


ALL_PAGES = tuple(spec.object_name for spec in PAGES)

LEEDS_CSV = (
    "Council name,Type,Region,Role\nKent County Council,county council,South East,supporting\n"
)


def _all_visited(window: MainWindow) -> None:
    """Show every page once (as a user clicking through), ending on Partners."""
    from PySide6.QtWidgets import QApplication

    for name in ALL_PAGES:
        _go(window, name)
        QApplication.processEvents()  # what a page does after its first paint, it does now
    _go(window, "partnersPage")


def test_all_eight_pages_follow_an_edit_an_undo_and_an_import_without_a_reload(
    main_window: MainWindow, workspace: Workspace, counted: dict[str, int], tmp_path: Any
) -> None:
    """Each write reaches every page; none of the eight reloads whole, the two whole-bid
    summaries included: they rewrite only the rows that differ and the bid's checklist reads
    again only the section that changed."""
    from crmbid_desktop.services.spreadsheets import partner_import
    from crmbid_desktop.services.views.checklist import checklist_for

    window = main_window
    assert set(counted) == set(ALL_PAGES) and len(ALL_PAGES) == 8
    _all_visited(window)
    for name in counted:  # from here on: the dashboard's first full read is behind us
        counted[name] = 0
    dashboard, export = _page(window, "dashboardPage"), _page(window, "exportPage")
    checklist = checklist_for(workspace)
    full_reads = checklist.reads.get("all sections", 0)
    assert full_reads == 1  # read once, when the dashboard first showed its figures

    # 1. An edit on another page: a section renamed on Sections.
    _go(window, "sectionsPage")
    sections = _page(window, "sectionsPage")
    first = sections.section_id
    old_title = sections.title_edit.text()
    assert first is not None and old_title
    shown_rows = dashboard.sections.topLevelItemCount()
    before = dashboard.rows_rewritten, export.rows_rewritten
    sections.title_edit.setText("Executive summary, as sent")
    sections.title_edit.editingFinished.emit()
    for name in ("criteriaPage", "clarificationsPage", "sectionsPage"):
        assert "Executive summary, as sent" in shown_text(_page(window, name)), name
    _go(window, "dashboardPage")
    assert "Executive summary, as sent" in shown_text(dashboard)
    # One row of the sections list (and the steps naming it) rewritten, not the whole list.
    assert 1 <= dashboard.rows_rewritten - before[0] < shown_rows
    _go(window, "exportPage")
    assert export.rows_rewritten - before[1] < max(len(export.problems), 1)
    assert checklist.reads.get("all sections", 0) == full_reads
    assert checklist.reads.get("changed sections", 0) >= 1
    assert all(count == 0 for count in counted.values()), counted

    # 2. Undo (from the Edit menu, on another page than the edit's).
    window.undo_action.trigger()
    for name in ("criteriaPage", "clarificationsPage", "sectionsPage", "dashboardPage"):
        _go(window, name)  # a hidden summary brings itself up to date when shown
        text = shown_text(_page(window, name))
        assert "Executive summary, as sent" not in text, name
        assert old_title in text, name
    assert all(count == 0 for count in counted.values()), counted

    # 3. An import: a council added from a spreadsheet, as the Partners page's import does.
    source = tmp_path / "councils.csv"
    source.write_text(LEEDS_CSV, encoding="utf-8")
    added, _updated = partner_import.apply_preview(
        workspace, partner_import.build_preview(workspace, source)
    )
    assert added == 1
    for name in ("partnersPage", "timetablePage", "sustainabilityPage"):
        _go(window, name)
        assert "Kent County Council" in shown_text(_page(window, name)), name
    _go(window, "dashboardPage")
    assert "Kent County Council" in shown_text(dashboard)  # still to sign off
    _go(window, "exportPage")
    assert "Kent County Council" in shown_text(export)  # no letter of support yet
    assert checklist.reads.get("all sections", 0) == full_reads
    assert all(count == 0 for count in counted.values()), counted
