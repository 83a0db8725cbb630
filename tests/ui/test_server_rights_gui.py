"""A partner council's login on a server bid: another council's section is read-only, says
who may edit it, and an edit the server refuses shows that in a message box (issue 22, item 6).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.rights import EVERYTHING
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.ui.main_window import PAGES, MainWindow
from crmbid_desktop.ui.window_state import WindowState
from tests.helpers.pg_server import TestServer
from tests.helpers.team_bid import LEAD, LEEDS, NEWHAM, TeamBid, team_bid

SHOTS = Path("/tmp/rls-shots")


@pytest.fixture
def team(pg_server: TestServer, server_database: str, app_paths: AppPaths) -> Iterator[TeamBid]:
    with team_bid(pg_server, server_database, app_paths) as made:
        yield made


@pytest.fixture
def leeds(team: TeamBid, app_paths: AppPaths) -> Iterator[Workspace]:
    workspace = open_workspace(team.urls[LEEDS], app_paths, user="Alice (Leeds)")
    yield workspace
    workspace.close()


def _sections_page(qtbot: QtBot, workspace: Workspace, app_paths: AppPaths) -> Any:
    window = MainWindow(workspace, WindowState(app_paths.settings_file))
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    index = next(i for i, spec in enumerate(PAGES) if spec.object_name == "sectionsPage")
    window.go_to(index)
    page: Any = window.page(index)
    page.window_ = window  # kept alive with the page the test works on
    return page


def _select(page: Any, section_id: int) -> None:
    page.outline.setCurrentItem(page.outline.find_item(section_id))


def test_another_council_s_section_is_read_only_and_says_who_may_edit_it(
    qtbot: QtBot, team: TeamBid, leeds: Workspace, app_paths: AppPaths
) -> None:
    page = _sections_page(qtbot, leeds, app_paths)
    _select(page, team.governance_id)
    said = f"Only {NEWHAM} or the lead ({LEAD}) may change 9 'Governance'."
    assert page.editor.isReadOnly()
    assert page.editor.toolTip() == said
    assert page.rights_note.isVisible()
    assert page.rights_note.text().startswith(said)
    assert not page.title_edit.isEnabled()
    assert not page.council_combo.isEnabled()
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        qtbot.wait(50)  # the layout settles
        page.window_.grab().save(str(SHOTS / "partner-reads-another-section.png"))
    # Its own section: editable (but giving it to another council is the lead's to do).
    _select(page, team.strategic_fit_id)
    assert not page.editor.isReadOnly()
    assert not page.rights_note.isVisible()
    assert page.editor.toolTip() == ""
    assert page.title_edit.isEnabled()
    assert not page.council_combo.isEnabled()
    _type(page, "Leeds's strategic fit.")
    page.flush_text()
    with leeds.reading() as session:
        from crmbid_desktop.store.models import Section

        saved = session.get(Section, team.strategic_fit_id)
        assert saved is not None and saved.body.strip() == "Leeds's strategic fit."


def _type(page: Any, text: str) -> None:
    """As the user types: into the editor, marking it changed."""
    page.editor.selectAll()
    page.editor.insertPlainText(text)


def test_a_refused_edit_shows_who_may_make_it_and_keeps_the_typing(
    qtbot: QtBot,
    team: TeamBid,
    leeds: Workspace,
    app_paths: AppPaths,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = _sections_page(qtbot, leeds, app_paths)
    # As if the page had been opened before the lead gave the section to Newham.
    page.rights = EVERYTHING
    _select(page, team.governance_id)
    assert not page.editor.isReadOnly()
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, title, text, *a: told.append((title, text))
    )
    _type(page, "Leeds writes Newham's part.")
    page.flush_text()
    assert told == [
        (
            "The text could not be saved",
            f"Only {NEWHAM} or the lead ({LEAD}) may change 9 'Governance'.\n\n"
            "Nothing of this change was saved.",
        )
    ]
    assert page.editor.markdown().strip() == "Leeds writes Newham's part."  # typing kept
    assert page.editor.document().isModified()
    # The page has read the rights again: the section is read-only now, and saying so once is
    # enough (the next pause or switch does not try, and tell, again).
    assert page.editor.isReadOnly()
    assert page.rights_note.text().startswith(f"Only {NEWHAM} or the lead ({LEAD})")
    page.flush_text()
    assert len(told) == 1
    assert page.editor.markdown().strip() == "Leeds writes Newham's part."
    with leeds.reading() as session:
        from crmbid_desktop.store.models import Section

        kept = session.get(Section, team.governance_id)
        assert kept is not None and kept.body == ""  # nothing saved


def test_a_refusal_no_page_catches_gets_a_message_box_not_a_crash(
    qtbot: QtBot, team: TeamBid, leeds: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crmbid_desktop.services.bid.errors import RefusedEditError
    from crmbid_desktop.services.registers import partners
    from crmbid_desktop.ui.application import read_only_excepthook

    shown: list[tuple[str, str]] = []

    def exec_(box: QMessageBox) -> int:
        shown.append((box.objectName(), box.text()))
        if SHOTS.parent.exists():
            SHOTS.mkdir(exist_ok=True)
            box.show()  # laid out as exec() would
            box.adjustSize()
            box.grab().save(str(SHOTS / "refused-edit-box.png"))
            box.hide()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    with pytest.raises(RefusedEditError) as refused:
        partners.delete_partner(leeds, team.partner_ids[LEEDS])
    crashed: list[BaseException] = []
    hook = read_only_excepthook(lambda _k, value, _t: crashed.append(value), lambda: None)
    hook(RefusedEditError, refused.value, None)
    assert crashed == []
    assert shown == [
        (
            "refusedEditDialog",
            f"Only the lead ({LEAD}) may add councils to the partnership or remove them.\n\n"
            "Nothing of this change was saved.",
        )
    ]


def test_another_council_s_details_are_read_only_on_the_partners_page(
    qtbot: QtBot, team: TeamBid, leeds: Workspace, app_paths: AppPaths
) -> None:
    window = MainWindow(leeds, WindowState(app_paths.settings_file))
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    index = next(i for i, spec in enumerate(PAGES) if spec.object_name == "partnersPage")
    window.go_to(index)
    page: Any = window.page(index)
    page._select(team.partner_ids[NEWHAM])
    said = f"Only {NEWHAM} or the lead ({LEAD}) may change {NEWHAM}'s details. You can read them."
    assert page.form.rights_note.isVisible()
    assert page.form.rights_note.text() == said
    assert not page.form.name_edit.isEnabled()
    assert page.form.name_edit.toolTip() == said
    assert not page.form.notes_edit.isEnabled()
    assert not page.form.add_contact_button.isEnabled()
    assert not page.add_button.isEnabled() and not page.delete_button.isEnabled()
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        qtbot.wait(50)
        window.grab().save(str(SHOTS / "partner-reads-another-council.png"))
    page._select(team.partner_ids[LEEDS])
    assert not page.form.rights_note.isVisible()
    assert page.form.name_edit.isEnabled() and page.form.notes_edit.isEnabled()
    assert not page.delete_button.isEnabled()  # removing councils is the lead's


def test_another_council_s_task_cannot_be_edited_from_the_timetable(
    qtbot: QtBot,
    team: TeamBid,
    leeds: Workspace,
    app_paths: AppPaths,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = MainWindow(leeds, WindowState(app_paths.settings_file))
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    index = next(i for i, spec in enumerate(PAGES) if spec.object_name == "timetablePage")
    window.go_to(index)
    page: Any = window.page(index)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: told.append(text))
    page.tasks.select_task(team.other_task_id)
    assert not page.tasks.edit_button.isEnabled()
    assert not page.tasks.delete_button.isEnabled()
    tip = page.tasks.edit_button.toolTip()
    assert tip.startswith(f"Only the lead ({LEAD}) may change the task '")
    page.tasks._edit_selected()  # as a double-click does
    assert told == [tip]
    page.tasks.select_task(team.leeds_task_id)
    assert page.tasks.edit_button.isEnabled() and page.tasks.delete_button.isEnabled()
    assert page.tasks.edit_button.toolTip() == ""  # its own tip again (none)


def test_products_and_risks_say_who_may_change_them(
    qtbot: QtBot, team: TeamBid, leeds: Workspace, app_paths: AppPaths
) -> None:
    from sqlalchemy import select

    from crmbid_desktop.store.models import Product

    it = open_workspace(team.it_url, app_paths, user="IT")
    try:
        with it.edit("Give Leeds a product") as session:
            products = list(session.scalars(select(Product).order_by(Product.id)))
            products[0].owner_partner_id = team.partner_ids[LEEDS]
            mine, other = products[0].id, products[1].id
            other_name = products[1].name
    finally:
        it.close()
    window = MainWindow(leeds, WindowState(app_paths.settings_file))
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    index = next(i for i, spec in enumerate(PAGES) if spec.object_name == "sustainabilityPage")
    window.go_to(index)
    page: Any = window.page(index)
    tab = page.products
    assert not tab.new_button.isEnabled()  # a new product would be nobody's: the lead's
    tab._select(other)
    said = f"Only the lead ({LEAD}) may change the product '{other_name}'."
    assert not tab.form_box.isEnabled() and not tab.delete_button.isEnabled()
    assert tab.form_box.toolTip() == said and tab.error.text() == said
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        qtbot.wait(50)
        window.grab().save(str(SHOTS / "partner-reads-another-product.png"))
    tab._select(mine)
    assert tab.form_box.isEnabled() and tab.delete_button.isEnabled()
    assert tab.form_box.toolTip() == "" and tab.error.isHidden()
    risks = page.risks
    page.tabs.setCurrentWidget(risks)
    first = risks._all_rows[0].id
    risks._select(first)
    assert not risks.form_box.isEnabled()
    assert risks.form_box.toolTip() == f"Only the lead ({LEAD}) may change the risk register."
    assert not risks.new_button.isEnabled()


def test_the_budget_is_the_lead_s_and_a_partner_s_typing_is_refused_with_the_words(
    qtbot: QtBot, team: TeamBid, leeds: Workspace, app_paths: AppPaths
) -> None:
    from PySide6.QtCore import Qt

    from crmbid_desktop.services.registers import budget

    window = MainWindow(leeds, WindowState(app_paths.settings_file))
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    index = next(i for i, spec in enumerate(PAGES) if spec.object_name == "sustainabilityPage")
    window.go_to(index)
    page: Any = window.page(index)
    tab = page.budget
    model = tab.model
    cell = next(
        model.index(r, 1)
        for r in range(model.rowCount())
        if model.flags(model.index(r, 1)) & Qt.ItemFlag.ItemIsEditable
    )
    before = budget.read_budget(leeds).table
    assert not model.setData(cell, "1,000", Qt.ItemDataRole.EditRole)
    assert tab.error.text() == (
        f"Only the lead ({LEAD}) may change the budget.\n\nNothing of this change was saved."
    )
    assert budget.read_budget(leeds).table == before
    # The budget's years are the bid's settings: the lead's too, said the same way.
    tab.error.clear()
    tab.year_count_spin.setValue(3)
    assert tab.error.text() == (
        f"Only the lead ({LEAD}) may change the bid's details.\n\nNothing of this change was saved."
    )
    assert tab.year_count_spin.value() == 5  # the years as saved, not as chosen


def test_milestones_criteria_and_questions_are_the_lead_s_and_their_saves_say_so(
    qtbot: QtBot, team: TeamBid, leeds: Workspace, app_paths: AppPaths
) -> None:
    """The versioned saves of issue 22 are refused with the words, not taken for a row that
    was deleted (the server hides a row this login may not change from FOR UPDATE)."""
    from datetime import date

    from PySide6.QtCore import Qt

    from crmbid_desktop.services.bid.errors import RefusedEditError
    from crmbid_desktop.services.registers import clarifications, criteria, planning
    from crmbid_desktop.ui.pages.criteria_page import TITLE, CriteriaPage

    it = open_workspace(team.it_url, app_paths, user="IT")
    try:
        question_id = clarifications.add_question(it, "Page limit?", date(2005, 8, 30), set())
    finally:
        it.close()
    refusal = "Only the lead ({}) may change {}.\n\nNothing of this change was saved."
    milestone = planning.plan_view(leeds, date(2005, 8, 15)).milestones[0]
    with pytest.raises(RefusedEditError) as refused:
        planning.save_milestone_fields(
            leeds,
            milestone.id,
            planning.load_milestone(leeds, milestone.id),
            planning.MilestoneInput("Moved by Leeds", milestone.due_on),
        )
    assert str(refused.value) == refusal.format(LEAD, "the milestones")
    row = next(r for r in clarifications.clarifications(leeds) if r.id == question_id)
    loaded = clarifications.question_loaded(row)
    with pytest.raises(RefusedEditError) as refused:
        clarifications.save_question(
            leeds,
            question_id,
            loaded,
            clarifications.QuestionForm("Word limit?", row.asked_on, loaded.section_ids),
        )
    assert str(refused.value) == refusal.format(LEAD, "the clarification questions")
    # From the Criteria page: the refusal is not swallowed as a bad value, so the window's
    # handler shows it in the "Not yours to change" box (test above).
    page = CriteriaPage(leeds)
    qtbot.addWidget(page)
    with pytest.raises(RefusedEditError) as refused:
        page.model.setData(page.model.index(0, TITLE), "Renamed by Leeds", Qt.ItemDataRole.EditRole)
    assert str(refused.value) == refusal.format(LEAD, "the evaluation criteria")
    assert criteria.criteria(leeds)[0].title != "Renamed by Leeds"
