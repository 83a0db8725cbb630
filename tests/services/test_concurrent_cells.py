"""Two people on one bid at once, on the cells that were whoever-saved-last: budget amounts (the
first amount of a line included, typed by both at once), the budget's years, the bid's details
and a council's contacts. Nothing either saves is lost; only a real conflict comes back."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from crmbid_desktop.services.bid import bid_details
from crmbid_desktop.services.bid.versioned import SaveResult
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import budget, partners
from crmbid_desktop.services.registers import partner_contacts as contacts
from crmbid_desktop.services.registers.partners import ContactFields
from crmbid_desktop.store.models import BudgetAmount, BudgetLine, new_uuid
from tests.helpers import partner_saves
from tests.services.test_concurrent_saves import ALICE, BOB
from tests.services.test_concurrent_saves import pair as pair  # Alice and Bob: the fixture

AMOUNT = budget.AMOUNT


def _amount(workspace: Workspace, source: str, year: int) -> int:
    with workspace.reading() as session:
        table = budget.budget_table(session)
    row = next(r for r in (*table.income, *table.costs) if r.source == source)
    return row.amount(year)


def _rows(workspace: Workspace, source: str) -> tuple[int, int]:
    """How many lines, and amounts on them, the budget stores for `source`."""
    with workspace.reading() as session:
        lines = session.scalar(
            select(func.count()).select_from(BudgetLine).where(BudgetLine.source == source)
        )
        amounts = session.scalar(
            select(func.count())
            .select_from(BudgetAmount)
            .join(BudgetLine, BudgetAmount.line_id == BudgetLine.id)
            .where(BudgetLine.source == source)
        )
    return int(lines or 0), int(amounts or 0)


# -- budget cells ------------------------------------------------------------------------------


def test_different_cells_of_the_budget_are_both_kept(pair) -> None:
    alice, bob = pair
    budget.set_amount(alice, "cost", "staff", 2005, 100_00, shown=0)
    # Bob's grid was read before Alice's save: his cells show £0 (the next year's too).
    theirs = budget.set_amount(bob, "cost", "staff", 2006, 200_00, shown=0)
    assert theirs.clean and theirs.written == (AMOUNT,)
    assert (_amount(alice, "staff", 2005), _amount(alice, "staff", 2006)) == (100_00, 200_00)
    assert _rows(alice, "staff") == (1, 2)


def test_the_same_cell_changed_by_both_is_a_conflict_naming_who(pair) -> None:
    alice, bob = pair
    budget.set_amount(alice, "cost", "staff", 2005, 100_00, shown=0)
    stale = budget.set_amount(bob, "cost", "staff", 2005, 300_00, shown=0)
    assert not stale.written
    [conflict] = stale.conflicts
    assert (conflict.field, conflict.mine, conflict.theirs) == (AMOUNT, 300_00, 100_00)
    assert (conflict.loaded, conflict.who) == (0, ALICE)
    assert _amount(bob, "staff", 2005) == 100_00  # Alice's save stands until Bob settles
    # Typing what is already saved is no conflict: we agree.
    assert budget.set_amount(bob, "cost", "staff", 2005, 100_00, shown=0).clean


def test_keep_mine_lands_unless_a_third_save_came_meanwhile(pair) -> None:
    alice, bob = pair
    budget.set_amount(alice, "cost", "hosting", 2005, 100_00, shown=0)
    stale = budget.set_amount(bob, "cost", "hosting", 2005, 300_00, shown=0)
    seen = stale.now  # the dialog shows Alice's £100 as "theirs"
    assert seen.values == {AMOUNT: 100_00}
    # While Bob's dialog is open Alice saves again: his "Keep mine" must not go over that unseen.
    budget.set_amount(alice, "cost", "hosting", 2005, 150_00, shown=100_00)
    again = budget.set_amount(bob, "cost", "hosting", 2005, 300_00, shown=100_00)
    [conflict] = again.conflicts
    assert (conflict.theirs, conflict.who) == (150_00, ALICE)
    assert _amount(bob, "hosting", 2005) == 150_00
    kept = budget.set_amount(bob, "cost", "hosting", 2005, 300_00, shown=150_00)
    assert kept.clean and kept.written == (AMOUNT,)
    assert _amount(alice, "hosting", 2005) == 300_00


def _both_at_once(
    alice: Workspace, bob: Workspace, monkeypatch: pytest.MonkeyPatch, amounts: tuple[int, int]
) -> list[SaveResult]:
    """Alice and Bob type the first amount of a never-used line's year at the same moment."""
    # Both read the cell as empty before either saves; on a server both are then inside their
    # edits together, at the point where the first would insert the rows.
    read_empty = threading.Barrier(2, timeout=20)
    on_server = isinstance(alice.place, str)
    inside = threading.Barrier(2, timeout=20)
    store = budget._store_amount
    waited: set[int] = set()

    def uuid_once_both_read() -> str:
        read_empty.wait()
        return new_uuid()

    def store_together(*args: object, **kwargs: object) -> object:
        if on_server and threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            inside.wait()
        return store(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(budget, "new_uuid", uuid_once_both_read)
    monkeypatch.setattr(budget, "_store_amount", store_together)
    results: list[SaveResult] = []
    errors: list[BaseException] = []

    def type_in(workspace: Workspace, pence: int) -> Callable[[], None]:
        def run() -> None:
            try:
                results.append(
                    budget.set_amount(workspace, "income", "grant", 2007, pence, shown=0)
                )
            except BaseException as error:  # reported by the test below
                errors.append(error)

        return run

    threads = [
        threading.Thread(target=type_in(alice, amounts[0])),
        threading.Thread(target=type_in(bob, amounts[1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(results) == 2
    return results


def test_the_same_first_amount_typed_at_once_makes_one_line_and_one_amount(
    pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = pair
    assert _rows(alice, "grant") == (0, 0)
    results = _both_at_once(alice, bob, monkeypatch, (500_00, 500_00))
    assert all(result.clean for result in results)  # the second finds the same amount: agreed
    assert sorted(len(result.written) for result in results) == [0, 1]
    assert _rows(alice, "grant") == (1, 1)
    assert _amount(bob, "grant", 2007) == 500_00


def test_different_first_amounts_typed_at_once_leave_one_saved_and_one_conflict(
    pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = pair
    results = _both_at_once(alice, bob, monkeypatch, (500_00, 700_00))
    [landed] = [result for result in results if result.written]
    [clash] = [result for result in results if result.conflicts]
    saved = landed.now.values[AMOUNT]
    assert clash.conflicts[0].theirs == saved
    assert clash.conflicts[0].who in (ALICE, BOB)
    assert _rows(alice, "grant") == (1, 1)
    assert _amount(alice, "grant", 2007) == saved


def test_the_budgets_years_merge_and_a_real_conflict_names_who(pair) -> None:
    alice, bob = pair
    alice_form = budget.load_budget_years(alice)
    bob_form = budget.load_budget_years(bob)
    assert alice_form.values == {"budget_first_year": 2005, "budget_year_count": 5}
    assert budget.set_budget_years(alice, 2005, 3, alice_form).written == ("budget_year_count",)
    # Bob's tab still shows five years from 2005; he moves the start: both changes stand.
    theirs = budget.set_budget_years(bob, 2006, 5, bob_form)
    assert theirs.clean and theirs.written == ("budget_first_year",)
    assert budget.load_budget_years(alice).values == {
        "budget_first_year": 2006,
        "budget_year_count": 3,
    }
    # Bob, still on his stale form, also asks for four years: Alice's three are not overwritten.
    clash = budget.set_budget_years(bob, 2006, 4, bob_form)
    [conflict] = clash.conflicts
    assert (conflict.field, conflict.mine, conflict.theirs, conflict.who) == (
        "budget_year_count",
        4,
        3,
        ALICE,
    )
    assert budget.load_budget_years(bob).values["budget_year_count"] == 3


# -- the bid's details -------------------------------------------------------------------------


def test_the_bids_details_merge_field_by_field(pair) -> None:
    alice, bob = pair
    alice_form, bob_form = bid_details.load(alice), bid_details.load(bob)
    shown = bid_details.details_of(alice_form.values)
    bid_details.save(alice, replace(shown, reference="CRM/2005/1"), alice_form)
    theirs = bid_details.save(bob, replace(shown, contact_name="Bob Jones"), bob_form)
    assert theirs.clean and theirs.written == ("contact_name",)
    saved = bid_details.read(alice)
    assert (saved.reference, saved.contact_name) == ("CRM/2005/1", "Bob Jones")
    clash = bid_details.save(bob, replace(shown, reference="CRM/05"), bob_form)
    [conflict] = clash.conflicts
    assert (conflict.field, conflict.mine, conflict.theirs, conflict.who) == (
        "reference",
        "CRM/05",
        "CRM/2005/1",
        ALICE,
    )
    assert bid_details.read(bob).reference == "CRM/2005/1"


# -- a council's contacts ----------------------------------------------------------------------


def _council_with_two_contacts(workspace: Workspace) -> int:
    leeds = partners.partner_rows(workspace)[0]
    partner_saves.save_partner(
        workspace,
        leeds.id,
        leeds.fields,
        [
            ContactFields("Jane Doe", "Head of CRM", "jane@leeds.gov.uk"),
            ContactFields("Raj Patel", "Finance", "raj@leeds.gov.uk"),
        ],
    )
    return leeds.id


def _contacts(workspace: Workspace, partner_id: int) -> dict[str, ContactFields]:
    return {c.name: c for c in partners.partner_detail(workspace, partner_id).contacts}


def _edited(form: contacts.LoadedContacts, name: str, **change: str) -> list[ContactFields]:
    """The form's contacts with the one called `name` changed as typed."""
    return [replace(c, **change) if c.name == name else c for c in form.contacts()]


def test_a_contact_added_and_another_edited_meanwhile_are_both_kept(pair) -> None:
    alice, bob = pair
    leeds = _council_with_two_contacts(alice)
    alice_form = contacts.load_contacts(alice, leeds)
    bob_form = contacts.load_contacts(bob, leeds)
    added = contacts.save_contacts(
        alice, leeds, alice_form, [*alice_form.contacts(), ContactFields("Ann Lee", "Comms")]
    )
    assert added.clean and added.written == ("added Ann Lee",)
    edited = contacts.save_contacts(
        bob, leeds, bob_form, _edited(bob_form, "Raj Patel", phone="0113 222 4444")
    )
    assert edited.clean and edited.written == ("changed Raj Patel's phone",)
    assert (
        edited.summary == "Changed partner Leeds City Council's contacts: changed Raj Patel's phone"
    )
    saved = _contacts(alice, leeds)
    assert set(saved) == {"Jane Doe", "Raj Patel", "Ann Lee"}  # Ann, added by Alice, stays
    assert saved["Raj Patel"].phone == "0113 222 4444"
    assert [c.name for c in edited.now.contacts()] == ["Jane Doe", "Raj Patel", "Ann Lee"]


def test_the_same_email_changed_by_both_is_a_conflict_naming_who(pair) -> None:
    alice, bob = pair
    leeds = _council_with_two_contacts(alice)
    alice_form = contacts.load_contacts(alice, leeds)
    bob_form = contacts.load_contacts(bob, leeds)
    contacts.save_contacts(bob, leeds, bob_form, _edited(bob_form, "Jane Doe", email="jd@bob.uk"))
    mine = _edited(alice_form, "Jane Doe", email="jane.doe@leeds.gov.uk", phone="0113 222 4441")
    clash = contacts.save_contacts(alice, leeds, alice_form, mine)
    [conflict] = clash.conflicts
    assert (conflict.mine, conflict.theirs, conflict.who) == (
        "jane.doe@leeds.gov.uk",
        "jd@bob.uk",
        BOB,
    )
    assert clash.labels[conflict.field] == "Contact Jane Doe: email"
    assert clash.written == ("changed Jane Doe's phone",)  # her other change went in
    saved = _contacts(bob, leeds)["Jane Doe"]
    assert (saved.email, saved.phone) == ("jd@bob.uk", "0113 222 4441")


def test_keep_mine_is_merged_again_when_a_third_save_came_meanwhile(pair) -> None:
    alice, bob = pair
    leeds = _council_with_two_contacts(alice)
    alice_form = contacts.load_contacts(alice, leeds)
    bob_form = contacts.load_contacts(bob, leeds)
    contacts.save_contacts(bob, leeds, bob_form, _edited(bob_form, "Jane Doe", email="jd@bob.uk"))
    clash = contacts.save_contacts(
        alice, leeds, alice_form, _edited(alice_form, "Jane Doe", email="jane@alice.uk")
    )
    [conflict] = clash.conflicts
    # While Alice's dialog is open Bob saves the email again, and Jane's job title.
    bob_now = contacts.load_contacts(bob, leeds)
    contacts.save_contacts(
        bob, leeds, bob_now, _edited(bob_now, "Jane Doe", email="jd2@bob.uk", job_title="Director")
    )
    keep_mine = contacts.kept_contacts(clash, {conflict.field: conflict.mine})
    again = contacts.save_contacts(alice, leeds, clash.now, keep_mine)
    [second] = again.conflicts  # not written over Bob's newer email unseen
    assert (second.mine, second.theirs) == ("jane@alice.uk", "jd2@bob.uk")
    assert _contacts(alice, leeds)["Jane Doe"].email == "jd2@bob.uk"
    final = contacts.save_contacts(
        alice, leeds, again.now, contacts.kept_contacts(again, {second.field: second.mine})
    )
    assert final.clean
    jane = _contacts(alice, leeds)["Jane Doe"]
    assert (jane.email, jane.job_title) == ("jane@alice.uk", "Director")  # Bob's title stands


def test_a_contact_deleted_by_one_and_edited_by_the_other_is_a_conflict(pair) -> None:
    alice, bob = pair
    leeds = _council_with_two_contacts(alice)
    alice_form = contacts.load_contacts(alice, leeds)
    bob_form = contacts.load_contacts(bob, leeds)
    removed = contacts.save_contacts(
        bob, leeds, bob_form, [c for c in bob_form.contacts() if c.name != "Raj Patel"]
    )
    assert removed.written == ("removed Raj Patel",)
    clash = contacts.save_contacts(
        alice, leeds, alice_form, _edited(alice_form, "Raj Patel", phone="0113 222 4449")
    )
    [conflict] = clash.conflicts
    assert conflict.who == BOB and conflict.theirs is None
    assert clash.labels[conflict.field] == f"Contact Raj Patel: deleted by {BOB}"
    assert "Raj Patel" not in _contacts(alice, leeds)  # Bob's deletion stands until settled
    # Keep mine puts Raj back, with Alice's phone.
    back = contacts.save_contacts(
        alice, leeds, clash.now, contacts.kept_contacts(clash, {conflict.field: conflict.mine})
    )
    assert back.clean and back.written == ("added Raj Patel",)
    assert _contacts(alice, leeds)["Raj Patel"].phone == "0113 222 4449"


def test_removing_a_contact_someone_changed_since_is_a_conflict(pair) -> None:
    alice, bob = pair
    leeds = _council_with_two_contacts(alice)
    alice_form = contacts.load_contacts(alice, leeds)
    bob_form = contacts.load_contacts(bob, leeds)
    contacts.save_contacts(
        bob, leeds, bob_form, _edited(bob_form, "Jane Doe", phone="0113 222 4445")
    )
    clash = contacts.save_contacts(
        alice, leeds, alice_form, [c for c in alice_form.contacts() if c.name != "Jane Doe"]
    )
    [conflict] = clash.conflicts
    assert conflict.mine is None and conflict.who == BOB
    assert "Jane Doe" in _contacts(alice, leeds)  # not removed over Bob's change unseen
    gone = contacts.save_contacts(
        alice, leeds, clash.now, contacts.kept_contacts(clash, {conflict.field: None})
    )
    assert gone.written == ("removed Jane Doe",)
    assert set(_contacts(bob, leeds)) == {"Raj Patel"}
    # A contact nobody changed is simply removed.
    raj_gone = contacts.save_contacts(alice, leeds, gone.now, [])
    assert raj_gone.clean and _contacts(bob, leeds) == {}
