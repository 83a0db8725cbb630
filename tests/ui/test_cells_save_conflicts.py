"""Two windows on one bid, each its own user, on the budget grid, a council's contacts and the
bid's details: a save
over someone else's meanwhile brings up the conflict dialog, Keep mine / Keep theirs land, and
the other user's change to anything else is kept."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid import bid_details
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import budget, partners
from crmbid_desktop.services.registers.partners import ContactFields
from crmbid_desktop.ui.bid_details_dialog import BidDetailsDialog
from crmbid_desktop.ui.pages.partners_page import PartnersPage
from crmbid_desktop.ui.save_conflicts import SaveConflictDialog
from crmbid_desktop.ui.sustainability.budget_tab import BudgetTab
from tests.helpers import partner_saves
from tests.ui.test_save_conflicts import ALICE, BOB, _answer
from tests.ui.test_save_conflicts import partner_windows as partner_windows  # the fixture


@pytest.fixture
def budget_tabs(
    qtbot: QtBot, workspace: Workspace, app_paths: AppPaths
) -> Iterator[tuple[BudgetTab, BudgetTab]]:
    """Alice's and Bob's Budget tabs on the same bid, each with its own Workspace, both shown."""
    workspace.user = ALICE
    bob = open_workspace(workspace.place, app_paths, user=BOB)
    tabs = []
    for each in (workspace, bob):
        tab = BudgetTab(each, QUndoStack())
        qtbot.addWidget(tab)
        tab.resize(1024, 600)
        tab.refresh()
        tab.show()
        tabs.append(tab)
    yield tabs[0], tabs[1]
    for tab in tabs:
        tab.close()
    bob.close()


def _cell(tab: BudgetTab, label: str, column: int) -> QModelIndex:
    model = tab.model
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == label:
            return model.index(row, column)
    raise AssertionError(f"no budget line {label}")


def _saved(workspace: Workspace, source: str, year: int) -> int:
    with workspace.reading() as session:
        table = budget.budget_table(session)
    return next(r for r in (*table.income, *table.costs) if r.source == source).amount(year)


@pytest.mark.parametrize("mine", [True, False], ids=["keep mine", "keep theirs"])
def test_a_budget_cell_saved_meanwhile_asks_and_the_choice_lands(
    qtbot: QtBot, budget_tabs: tuple[BudgetTab, BudgetTab], tmp_path: Path, mine: bool
) -> None:
    alice, bob = budget_tabs
    # Bob types two cells; Alice's grid, read before, still shows £0 in both.
    assert bob.model.setData(_cell(bob, "Staff", 1), "2,000")
    assert bob.model.setData(_cell(bob, "Hosting", 1), "300")
    seen: list[SaveConflictDialog] = []

    def choose(dialog: SaveConflictDialog) -> None:
        assert dialog.fields.item(0).text() == "Staff 2005/06: to settle"
        assert BOB in dialog.fields.item(0).toolTip()
        assert dialog.panel.theirs.toPlainText() == "£2,000.00"  # money, not pence
        if mine:
            dialog.resize(900, 500)
            dialog.grab().save(str(tmp_path / "budget_conflict.png"))
        dialog.keep(budget.AMOUNT, mine=mine)
        dialog.accept()

    _answer(choose, seen)
    assert alice.model.setData(_cell(alice, "Staff", 1), "2,500")  # the same cell: a conflict
    qtbot.waitUntil(lambda: len(seen) == 1)
    wanted = "£2,500.00" if mine else "£2,000.00"
    qtbot.waitUntil(lambda: _cell(alice, "Staff", 1).data() == wanted)  # the grid as saved
    assert _saved(bob.workspace, "staff", 2005) == (2_500_00 if mine else 2_000_00)
    assert _saved(bob.workspace, "hosting", 2005) == 300_00  # Bob's other cell stands
    assert _cell(alice, "Hosting", 1).data() == "£300.00"
    # A different cell of Alice's stale grid is no conflict: written without asking.
    assert alice.model.setData(_cell(alice, "Grant", 2), "50")
    assert len(seen) == 1 and _saved(bob.workspace, "grant", 2006) == 50_00


def test_the_budgets_years_changed_meanwhile_merge_without_asking(
    budget_tabs: tuple[BudgetTab, BudgetTab],
) -> None:
    alice, bob = budget_tabs
    bob.year_count_spin.setValue(3)
    alice.first_year_box.setCurrentIndex(alice.first_year_box.findData(2006))
    alice.first_year_box.activated.emit(alice.first_year_box.currentIndex())
    assert budget.load_budget_years(bob.workspace).values == {
        "budget_first_year": 2006,
        "budget_year_count": 3,  # Bob's count kept under Alice's new first year
    }
    assert alice.year_count_spin.value() == 3


def _partners_with_contacts(alice: PartnersPage, bob: PartnersPage) -> None:
    """Leeds with Jane and Raj, loaded in both pages."""
    leeds = partners.partner_rows(alice.workspace)[0]
    contacts = [
        ContactFields("Jane Doe", "Head of CRM", "jane@leeds.gov.uk"),
        ContactFields("Raj Patel", "Finance", "raj@leeds.gov.uk"),
    ]
    partner_saves.save_partner(alice.workspace, leeds.id, leeds.fields, contacts)
    for page in (alice, bob):
        page.refresh(select_id=leeds.id)
        assert [c.name for c in page.form.contacts()] == ["Jane Doe", "Raj Patel"]


def _type_contact(page: PartnersPage, row: int, column: int, text: str) -> None:
    item = page.form.contacts_table.item(row, column)
    assert item is not None
    item.setText(text)  # the table's itemChanged saves it, as when the user leaves the cell


@pytest.mark.parametrize("mine", [True, False], ids=["keep mine", "keep theirs"])
def test_a_contact_saved_meanwhile_asks_and_the_other_change_is_kept(
    qtbot: QtBot, partner_windows: tuple[PartnersPage, PartnersPage], tmp_path: Path, mine: bool
) -> None:
    alice, bob = partner_windows
    _partners_with_contacts(alice, bob)
    _type_contact(bob, 0, 2, "jd@wakefield.gov.uk")  # Jane's email
    _type_contact(bob, 1, 3, "0113 222 4444")  # Raj's phone
    seen: list[SaveConflictDialog] = []

    def choose(dialog: SaveConflictDialog) -> None:
        assert dialog.fields.item(0).text() == "Contact Jane Doe: email: to settle"
        assert BOB in dialog.fields.item(0).toolTip()
        if mine:
            dialog.resize(900, 500)
            dialog.grab().save(str(tmp_path / "contact_conflict.png"))
        [field] = [c.field for c in dialog.conflicts]
        dialog.keep(field, mine=mine)
        dialog.accept()

    _answer(choose, seen)
    _type_contact(alice, 0, 2, "jane.doe@leeds.gov.uk")
    qtbot.waitUntil(lambda: len(seen) == 1)
    saved = {c.name: c for c in partners.partner_detail(bob.workspace, alice.current_id).contacts}  # type: ignore[arg-type]
    email = "jane.doe@leeds.gov.uk" if mine else "jd@wakefield.gov.uk"
    assert saved["Jane Doe"].email == email
    assert saved["Raj Patel"].phone == "0113 222 4444"  # Bob's other change stands
    shown = {c.name: c for c in alice.form.contacts()}
    assert (shown["Jane Doe"].email, shown["Raj Patel"].phone) == (email, "0113 222 4444")
    assert len(saved) == 2  # nothing added twice


def test_a_contact_added_in_one_window_stays_when_the_other_saves(
    partner_windows: tuple[PartnersPage, PartnersPage],
) -> None:
    alice, bob = partner_windows
    _partners_with_contacts(alice, bob)
    alice.form._add_contact_row()
    _type_contact(alice, 2, 0, "Ann Lee")
    _type_contact(bob, 1, 1, "Finance Director")  # Bob's page never saw Ann
    assert [c.name for c in bob.form.contacts()] == ["Jane Doe", "Raj Patel", "Ann Lee"]
    _type_contact(alice, 2, 1, "Communications")  # Ann's row now has her uuid: not added again
    contacts = partners.partner_detail(bob.workspace, alice.current_id).contacts  # type: ignore[arg-type]
    assert [(c.name, c.job_title) for c in contacts] == [
        ("Jane Doe", "Head of CRM"),
        ("Raj Patel", "Finance Director"),
        ("Ann Lee", "Communications"),
    ]


def test_the_bid_details_dialog_merges_and_asks_about_a_clash(
    qtbot: QtBot, workspace: Workspace, app_paths: AppPaths
) -> None:
    workspace.user = ALICE
    dialog = BidDetailsDialog(workspace)
    qtbot.addWidget(dialog)
    bob = open_workspace(workspace.place, app_paths, user=BOB)
    try:
        # Bob saves while Alice's dialog is open: a new reference and a phone number.
        shown = bid_details.read(bob)
        bid_details.save(bob, replace(shown, reference="BOB/1", contact_phone="0113 222 4444"))
    finally:
        bob.close()
    dialog.reference.setText("ALICE/1")
    dialog.contact_name.setText("Alice Smith")
    seen: list[SaveConflictDialog] = []

    def keep_theirs(conflicts: SaveConflictDialog) -> None:
        assert conflicts.fields.item(0).text() == "Reference: to settle"
        conflicts.keep("reference", mine=False)
        conflicts.accept()

    _answer(keep_theirs, seen)
    dialog.accept()
    assert len(seen) == 1 and dialog.result() == QDialog.DialogCode.Accepted
    saved = bid_details.read(workspace)
    assert (saved.reference, saved.contact_name, saved.contact_phone) == (
        "BOB/1",
        "Alice Smith",
        "0113 222 4444",  # Bob's phone: Alice's dialog still showed none, and it stands
    )
    assert dialog.changed == ["contact_name"]
