"""Two people on one bid at once (two Workspaces on one file, or on one server database): no
save is lost, only real conflicts come back, and undo never takes back another user's change."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select, update

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid import versioned
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.workspace import RecordedEdit, UndoRefusedError, Workspace
from crmbid_desktop.services.registers import partners, section_saves, task_saves
from crmbid_desktop.services.registers.planning import TaskInput, add_task
from crmbid_desktop.services.registers.products import PRODUCTS, ProductFields
from crmbid_desktop.services.registers.sections import delete_section, outline_rows
from crmbid_desktop.store.models import Partner, Section
from tests.helpers import partner_saves

ALICE = "Alice Smith (Leeds)"
BOB = "Bob Jones (Wakefield)"
NOW = datetime(2005, 8, 1, 10, 0)


@pytest.fixture
def pair(workspace: Workspace, app_paths: AppPaths) -> Iterator[tuple[Workspace, Workspace]]:
    """Alice and Bob, each with a Workspace of their own on the same bid (file or server)."""
    workspace.user = ALICE
    bob = open_workspace(workspace.place, app_paths, user=BOB)
    try:
        yield workspace, bob
    finally:
        bob.close()


def first_partner(workspace: Workspace) -> int:
    with workspace.reading() as session:
        found = session.scalars(select(Partner.id).order_by(Partner.id)).first()
    if found is None:
        found = partners.add_partner(workspace, partners.PartnerFields(name="Leeds"))
    return int(found)


def partner_fields(workspace: Workspace, partner_id: int) -> partners.PartnerFields:
    return partners.partner_detail(workspace, partner_id).row.fields


def two_sections(workspace: Workspace) -> tuple[int, int]:
    rows = outline_rows(workspace, text=False)
    return rows[0].id, rows[1].id


def test_a_save_bumps_the_row_version_however_it_is_made(pair) -> None:
    alice, bob = pair
    partner_id = first_partner(alice)
    start = partners.load_partner(alice, partner_id).version
    fields = partner_fields(alice, partner_id)
    partner_saves.save_partner(alice, partner_id, dataclasses.replace(fields, region="North"))
    assert partners.load_partner(bob, partner_id).version == start + 1
    with bob.edit("A raw statement") as session:  # not through the ORM
        session.execute(update(Partner).where(Partner.id == partner_id).values(signatory="X"))
    assert partners.load_partner(alice, partner_id).version == start + 2


def test_different_fields_of_one_row_are_both_kept(pair) -> None:
    alice, bob = pair
    partner_id = first_partner(alice)
    alice_form = partners.load_partner(alice, partner_id)
    bob_form = partners.load_partner(bob, partner_id)
    fields = partner_fields(alice, partner_id)
    mine = partners.save_partner_fields(
        alice, partner_id, alice_form, dataclasses.replace(fields, region="Yorkshire")
    )
    assert mine.clean and mine.written == ("region",)
    # Bob's form still shows the region as it was; he changes only the signatory.
    theirs = partners.save_partner_fields(
        bob, partner_id, bob_form, dataclasses.replace(fields, signatory="Chief Executive")
    )
    assert theirs.clean and theirs.written == ("signatory",)
    final = partner_fields(alice, partner_id)
    assert (final.region, final.signatory) == ("Yorkshire", "Chief Executive")
    assert theirs.now.version == alice_form.version + 2


def test_the_same_field_is_a_conflict_and_nothing_is_lost(pair) -> None:
    alice, bob = pair
    partner_id = first_partner(alice)
    alice_form = partners.load_partner(alice, partner_id)
    bob_form = partners.load_partner(bob, partner_id)
    fields = partner_fields(alice, partner_id)
    partners.save_partner_fields(
        alice, partner_id, alice_form, dataclasses.replace(fields, signatory="Leader")
    )
    stale = partners.save_partner_fields(
        bob,
        partner_id,
        bob_form,
        dataclasses.replace(fields, signatory="Chief Executive", staff_days=12),
    )
    assert [c.field for c in stale.conflicts] == ["signatory"]
    conflict = stale.conflicts[0]
    assert (conflict.mine, conflict.theirs, conflict.who) == ("Chief Executive", "Leader", ALICE)
    assert stale.written == ("staff_days",)  # his other change went in
    saved = partner_fields(alice, partner_id)
    assert (saved.signatory, saved.staff_days) == ("Leader", 12)  # Alice's save stands
    # Bob keeps his: written knowingly over Alice's, from the version the conflict was seen at.
    kept = versioned.save_fields(
        bob,
        Partner,
        partner_id,
        stale.now,  # saved over the version the conflict was seen at
        {"signatory": conflict.mine},
        describe=lambda writes: "Kept Bob's signatory",
        entity="partner",
    )
    assert kept.clean and partner_fields(alice, partner_id).signatory == "Chief Executive"


def test_section_text_in_different_paragraphs_is_merged(pair) -> None:
    alice, bob = pair
    section_id, _ = two_sections(alice)
    base = "First paragraph.\n\nSecond paragraph.\n\nThird paragraph."
    section_saves.save_body(alice, section_id, section_saves.load_body(alice, section_id), base)
    alice_form = section_saves.load_body(alice, section_id)
    bob_form = section_saves.load_body(bob, section_id)
    section_saves.save_body(
        alice, section_id, alice_form, base.replace("First", "Alice's first"), now=NOW
    )
    merged = section_saves.save_body(
        bob, section_id, bob_form, base.replace("Third", "Bob's third"), now=NOW
    )
    assert merged.clean and merged.merged == ("body",)
    text = str(merged.now.values["body"])
    assert "Alice's first paragraph." in text and "Bob's third paragraph." in text
    assert "Second paragraph." in text


def test_section_text_in_the_same_paragraph_is_a_conflict(pair) -> None:
    alice, bob = pair
    section_id, _ = two_sections(alice)
    base = "One.\n\nTwo."
    section_saves.save_body(alice, section_id, section_saves.load_body(alice, section_id), base)
    alice_form = section_saves.load_body(alice, section_id)
    bob_form = section_saves.load_body(bob, section_id)
    section_saves.save_body(alice, section_id, alice_form, "One, by Alice.\n\nTwo.", now=NOW)
    clash = section_saves.save_body(bob, section_id, bob_form, "One, by Bob.\n\nTwo.", now=NOW)
    assert [(c.field, c.who) for c in clash.conflicts] == [("body", ALICE)]
    assert clash.conflicts[0].mine == "One, by Bob.\n\nTwo."  # Bob's text comes back to him
    assert section_saves.load_body(bob, section_id).values["body"] == "One, by Alice.\n\nTwo."
    assert clash.written == ()


def test_different_sections_never_conflict(pair) -> None:
    alice, bob = pair
    first, second = two_sections(alice)
    alice_form = section_saves.load_body(alice, first)
    bob_form = section_saves.load_body(bob, second)
    assert section_saves.save_body(alice, first, alice_form, "Alice wrote this.").clean
    assert section_saves.save_body(bob, second, bob_form, "Bob wrote this.").clean
    assert section_saves.load_body(bob, first).values["body"] == "Alice wrote this."
    assert section_saves.load_body(alice, second).values["body"] == "Bob wrote this."


def test_section_details_merge_field_by_field(pair) -> None:
    alice, bob = pair
    section_id, _ = two_sections(alice)
    alice_form = section_saves.load_details(alice, section_id)
    bob_form = section_saves.load_details(bob, section_id)
    assert section_saves.save_details(alice, section_id, alice_form, word_limit=500).clean
    result = section_saves.save_details(bob, section_id, bob_form, reviewer="Bob", word_limit=750)
    assert [c.field for c in result.conflicts] == ["word_limit"] and result.written == ("reviewer",)
    now = section_saves.load_details(alice, section_id).values
    assert (now["word_limit"], now["reviewer"]) == (500, "Bob")


def test_a_row_deleted_meanwhile_says_so_and_keeps_the_typing(pair) -> None:
    alice, bob = pair
    product_id = PRODUCTS.add(alice, ProductFields(name="Planning portal"))
    bob_form = PRODUCTS.load(bob, product_id)
    PRODUCTS.delete(alice, product_id)
    with pytest.raises(versioned.RowGoneError, match="deleted by someone else") as refused:
        PRODUCTS.save(
            bob, product_id, bob_form, ProductFields(name="Planning portal", decision="keep")
        )
    assert refused.value.mine["decision"] == "keep"


def test_registers_and_tasks_save_field_wise(pair) -> None:
    alice, bob = pair
    product_id = PRODUCTS.add(alice, ProductFields(name="Planning portal"))
    a, b = PRODUCTS.load(alice, product_id), PRODUCTS.load(bob, product_id)
    assert PRODUCTS.save(
        alice, product_id, a, ProductFields(name="Planning portal", downloads=40)
    ).clean
    result = PRODUCTS.save(
        bob, product_id, b, ProductFields(name="Planning portal", decision="keep")
    )
    assert result.clean
    row = PRODUCTS.rows(alice)[-1]
    assert (row.fields.downloads, row.fields.decision) == (40, "keep")

    task_id = add_task(alice, TaskInput(title="Gather usage data"))
    a, b = task_saves.load_task(alice, task_id), task_saves.load_task(bob, task_id)
    assert task_saves.save_task_fields(
        alice, task_id, a, TaskInput(title="Gather usage data", owner_person="Alice")
    ).clean
    result = task_saves.save_task_fields(
        bob, task_id, b, TaskInput(title="Gather usage data", effort_days=3)
    )
    assert result.clean
    now = task_saves.load_task(alice, task_id).values
    assert (now["owner_person"], now["effort_days"]) == ("Alice", 3)


def test_undo_refuses_after_another_users_change(pair) -> None:
    alice, bob = pair
    partner_id = first_partner(alice)
    edits: list[RecordedEdit] = []
    alice.on_recorded(edits.append)
    fields = partner_fields(alice, partner_id)
    partner_saves.save_partner(alice, partner_id, dataclasses.replace(fields, region="North"))
    partner_saves.save_partner(
        bob, partner_id, dataclasses.replace(fields, region="North", notes="x")
    )
    with pytest.raises(UndoRefusedError, match=f"{re.escape(BOB)} has changed partner .* since"):
        alice.take_back(edits[-1])
    saved = partner_fields(bob, partner_id)
    assert (saved.region, saved.notes) == ("North", "x")  # nothing was changed


def test_undo_passes_over_the_users_own_later_edits_only(pair) -> None:
    alice, bob = pair
    partner_id = first_partner(alice)
    edits: list[RecordedEdit] = []
    alice.on_recorded(edits.append)
    bob_edits: list[RecordedEdit] = []
    bob.on_recorded(bob_edits.append)
    fields = partner_fields(alice, partner_id)
    partner_saves.save_partner(alice, partner_id, dataclasses.replace(fields, region="North"))
    partner_saves.save_partner(alice, partner_id, dataclasses.replace(fields, region="South"))
    alice.take_back(edits[-1])  # her own newest first
    alice.take_back(edits[-2])  # then the older one: only her versions lie in between
    assert partner_fields(bob, partner_id).region == fields.region
    # Bob's history holds nothing of Alice's: undo in his window takes back only his own edits.
    assert bob_edits == []
    partner_saves.save_partner(bob, partner_id, dataclasses.replace(fields, region="East"))
    bob.take_back(bob_edits[-1])
    assert partner_fields(alice, partner_id).region == fields.region


def test_redo_refuses_too(pair) -> None:
    alice, bob = pair
    section_id, _ = two_sections(alice)
    edits: list[RecordedEdit] = []
    alice.on_recorded(edits.append)
    section_saves.save_body(alice, section_id, section_saves.load_body(alice, section_id), "A.")
    redo = alice.take_back(edits[-1])
    section_saves.save_body(bob, section_id, section_saves.load_body(bob, section_id), "B.")
    with pytest.raises(UndoRefusedError, match=f"{re.escape(BOB)} has changed section .* redo"):
        alice.take_back(redo, "Redid")
    with bob.reading() as session:
        assert session.scalar(select(Section.body).where(Section.id == section_id)) == "B."


def test_a_section_deleted_meanwhile_keeps_the_text(pair) -> None:
    alice, bob = pair
    section_id, _ = two_sections(alice)
    bob_form = section_saves.load_body(bob, section_id)
    delete_section(alice, section_id)
    with pytest.raises(versioned.RowGoneError, match="Your text is kept") as refused:
        section_saves.save_body(bob, section_id, bob_form, "Bob's paragraph.")
    assert refused.value.mine == {"body": "Bob's paragraph."}


def test_a_row_that_keeps_moving_is_merged_under_its_lock_not_refused(pair, monkeypatch) -> None:
    """Many people saving one row at once: the last attempt merges under the row's lock.

    With one attempt left, Bob saves between Alice's read and her lock: her save is still
    merged with his and written, and the change log says what she wrote.
    """
    alice, bob = pair
    partner_id = first_partner(alice)
    alice_form = partners.load_partner(alice, partner_id)
    bob_form = partners.load_partner(bob, partner_id)
    fields = partner_fields(alice, partner_id)
    monkeypatch.setattr(versioned, "ATTEMPTS", 1)
    real_merged = versioned._merged
    bob_saved: list[versioned.SaveResult] = []
    started: list[bool] = []

    def merged_then_bob_saves(*args: Any, **kwargs: Any) -> Any:
        result = real_merged(*args, **kwargs)
        if not started:  # once: between Alice's read and her lock
            started.append(True)
            bob_saved.append(
                partners.save_partner_fields(
                    bob, partner_id, bob_form, dataclasses.replace(fields, signatory="Bob's")
                )
            )
        return result

    monkeypatch.setattr(versioned, "_merged", merged_then_bob_saves)
    mine = partners.save_partner_fields(
        alice, partner_id, alice_form, dataclasses.replace(fields, region="Yorkshire")
    )
    assert bob_saved and bob_saved[0].clean
    assert mine.clean and mine.written == ("region",)
    final = partner_fields(bob, partner_id)
    assert (final.region, final.signatory) == ("Yorkshire", "Bob's")
    assert mine.now.version == partners.load_partner(bob, partner_id).version
