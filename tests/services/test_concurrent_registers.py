"""Two people saving one milestone, clarification or criterion at once (issue 22): what only one
changed is kept, a field both changed differently comes back as a conflict naming the other, a
row deleted meanwhile says so, and two ticks of the same matrix cell at once make one link."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from crmbid_desktop.services.bid.versioned import Loaded, RowGoneError, SaveResult
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import clarifications, criteria, planning
from crmbid_desktop.services.registers.planning import MilestoneInput
from crmbid_desktop.services.registers.sections import outline_rows
from crmbid_desktop.store.models import SectionCriterion
from tests.services import test_concurrent_saves as saves

BOB = saves.BOB
#: Alice and Bob, each with a Workspace of their own on the same bid (file or server).
pair = saves.pair
Pair = tuple[Workspace, Workspace]
UNTICKED = Loaded(0, {"linked": False, "note": ""})


# -- milestones -------------------------------------------------------------------------------


def _milestone(workspace: Workspace) -> tuple[int, MilestoneInput]:
    data = MilestoneInput("Bid submitted", date(2005, 9, 30), notes="Online portal.")
    return planning.add_milestone(workspace, data), data


def _milestone_now(workspace: Workspace, milestone_id: int) -> MilestoneInput:
    values = planning.load_milestone(workspace, milestone_id).values
    return MilestoneInput(**values)  # type: ignore[arg-type]


def test_milestone_fields_each_changed_by_one_are_both_kept(pair: Pair) -> None:
    alice, bob = pair
    milestone_id, data = _milestone(alice)
    alice_form = planning.load_milestone(alice, milestone_id)
    bob_form = planning.load_milestone(bob, milestone_id)
    theirs = planning.save_milestone_fields(
        bob, milestone_id, bob_form, replace(data, kind="meeting")
    )
    assert theirs.written == ("kind",)
    # Alice's dialog still shows kind "internal"; she moves the date only.
    mine = planning.save_milestone_fields(
        alice, milestone_id, alice_form, replace(data, due_on=date(2005, 10, 3))
    )
    assert mine.clean and mine.written == ("due_on",)
    now = _milestone_now(bob, milestone_id)
    assert (now.kind, now.due_on) == ("meeting", date(2005, 10, 3))


def test_a_milestone_field_both_changed_is_a_conflict_naming_bob(pair: Pair) -> None:
    alice, bob = pair
    milestone_id, data = _milestone(alice)
    alice_form = planning.load_milestone(alice, milestone_id)
    planning.save_milestone_fields(
        bob, milestone_id, planning.load_milestone(bob, milestone_id), replace(data, title="Sent")
    )
    clash = planning.save_milestone_fields(
        alice, milestone_id, alice_form, replace(data, title="Posted", external=True)
    )
    assert clash.written == ("external",)  # what did not clash is saved
    assert [(c.field, c.mine, c.theirs, c.who) for c in clash.conflicts] == [
        ("title", "Posted", "Sent", BOB)
    ]
    assert _milestone_now(alice, milestone_id).title == "Sent"  # nothing written over Bob's


def test_milestone_notes_merge_by_paragraph(pair: Pair) -> None:
    alice, bob = pair
    data = MilestoneInput("Interview", date(2005, 10, 12), notes="Room booked.\n\nBring slides.")
    milestone_id = planning.add_milestone(alice, data)
    alice_form = planning.load_milestone(alice, milestone_id)
    planning.save_milestone_fields(
        bob,
        milestone_id,
        planning.load_milestone(bob, milestone_id),
        replace(data, notes="Room 4 booked.\n\nBring slides."),
    )
    mine = planning.save_milestone_fields(
        alice, milestone_id, alice_form, replace(data, notes="Room booked.\n\nBring 10 slides.")
    )
    assert mine.clean and mine.merged == ("notes",)
    assert _milestone_now(bob, milestone_id).notes == "Room 4 booked.\n\nBring 10 slides."


def test_a_milestone_deleted_meanwhile_says_so_and_keeps_the_typing(pair: Pair) -> None:
    alice, bob = pair
    milestone_id, data = _milestone(alice)
    alice_form = planning.load_milestone(alice, milestone_id)
    planning.delete_milestone(bob, milestone_id)
    with pytest.raises(RowGoneError, match="deleted by someone else") as gone:
        planning.save_milestone_fields(alice, milestone_id, alice_form, replace(data, title="X"))
    assert gone.value.mine["title"] == "X"


# -- clarifications ---------------------------------------------------------------------------


def _question(workspace: Workspace, sections: set[int]) -> int:
    return clarifications.add_question(
        workspace, "May the owner charge councils?", date(2005, 8, 30), sections
    )


def _loaded(workspace: Workspace, question_id: int) -> clarifications.QuestionLoaded:
    row = next(r for r in clarifications.clarifications(workspace) if r.id == question_id)
    return clarifications.question_loaded(row)


def _form(loaded: clarifications.QuestionLoaded, **changes: object) -> clarifications.QuestionForm:
    values = loaded.fields.values
    form = clarifications.QuestionForm(
        str(values["question"]),
        values["asked_on"],  # type: ignore[arg-type]
        loaded.section_ids,
    )
    return replace(form, **changes)  # type: ignore[arg-type]


def _row(workspace: Workspace, question_id: int) -> clarifications.ClarificationRow:
    return next(r for r in clarifications.clarifications(workspace) if r.id == question_id)


def test_question_fields_each_changed_by_one_are_both_kept(pair: Pair) -> None:
    alice, bob = pair
    question_id = _question(alice, set())
    alice_form, bob_form = _loaded(alice, question_id), _loaded(bob, question_id)
    clarifications.save_question(bob, question_id, bob_form, _form(bob_form, asked_on=None))
    mine = clarifications.save_question(
        alice, question_id, alice_form, _form(alice_form, question="May the lead charge?")
    )
    assert mine.result.clean and mine.result.written == ("question",)
    row = _row(bob, question_id)
    assert (row.question, row.asked_on) == ("May the lead charge?", None)


def test_a_question_both_changed_is_a_conflict_naming_bob(pair: Pair) -> None:
    alice, bob = pair
    question_id = _question(alice, set())
    alice_form, bob_form = _loaded(alice, question_id), _loaded(bob, question_id)
    clarifications.save_question(
        bob, question_id, bob_form, _form(bob_form, asked_on=date(2005, 9, 2))
    )
    clash = clarifications.save_question(
        alice, question_id, alice_form, _form(alice_form, asked_on=date(2005, 9, 5))
    )
    assert [(c.field, c.mine, c.theirs, c.who) for c in clash.result.conflicts] == [
        ("asked_on", date(2005, 9, 5), date(2005, 9, 2), BOB)
    ]
    assert _row(alice, question_id).asked_on == date(2005, 9, 2)


def test_answers_merge_by_paragraph_and_clash_in_one(pair: Pair) -> None:
    alice, bob = pair
    question_id = _question(alice, set())
    base = _loaded(alice, question_id)
    answered = date(2005, 9, 1)
    clarifications.save_question(
        alice, question_id, base, _form(base, answer="Yes.\n\nCore free.", answered_on=answered)
    )
    alice_form, bob_form = _loaded(alice, question_id), _loaded(bob, question_id)
    clarifications.save_question(
        bob,
        question_id,
        bob_form,
        _form(bob_form, answer="Yes, in part.\n\nCore free.", answered_on=answered),
    )
    mine = clarifications.save_question(
        alice,
        question_id,
        alice_form,
        _form(alice_form, answer="Yes.\n\nCore stays free.", answered_on=answered),
    )
    assert mine.result.clean and mine.result.merged == ("answer",)
    assert _row(bob, question_id).answer == "Yes, in part.\n\nCore stays free."
    again = _loaded(alice, question_id)
    clarifications.save_question(
        bob,
        question_id,
        _loaded(bob, question_id),
        _form(again, answer="No.\n\nCore stays free.", answered_on=answered),
    )
    clash = clarifications.save_question(
        alice,
        question_id,
        again,
        _form(again, answer="Maybe.\n\nCore stays free.", answered_on=answered),
    )
    assert [(c.field, c.who) for c in clash.result.conflicts] == [("answer", BOB)]
    assert _row(alice, question_id).answer == "No.\n\nCore stays free."


def test_ticked_sections_merge_as_a_set(pair: Pair) -> None:
    alice, bob = pair
    one, two, three, four = (row.id for row in outline_rows(alice, text=False)[:4])
    question_id = _question(alice, {one, two})
    alice_form, bob_form = _loaded(alice, question_id), _loaded(bob, question_id)
    # Bob unticks one and ticks three; Alice, from the same start, unticks two and ticks four.
    clarifications.save_question(
        bob, question_id, bob_form, _form(bob_form, section_ids=frozenset({two, three}))
    )
    mine = clarifications.save_question(
        alice, question_id, alice_form, _form(alice_form, section_ids=frozenset({one, four}))
    )
    assert mine.result.clean
    assert set(_row(bob, question_id).section_ids) == {three, four}


def test_a_question_deleted_meanwhile_says_so(pair: Pair) -> None:
    alice, bob = pair
    question_id = _question(alice, set())
    alice_form = _loaded(alice, question_id)
    clarifications.delete_question(bob, question_id)
    with pytest.raises(RowGoneError, match="deleted by someone else") as gone:
        clarifications.save_question(
            alice, question_id, alice_form, _form(alice_form, question="Still asking?")
        )
    assert gone.value.mine["question"] == "Still asking?"


# -- criteria ---------------------------------------------------------------------------------


def _criterion(workspace: Workspace, criterion_id: int) -> criteria.CriterionInfo:
    return next(c for c in criteria.criteria(workspace) if c.id == criterion_id)


def test_a_cell_edit_keeps_bob_s_change_to_another_cell(pair: Pair) -> None:
    alice, bob = pair
    shown = criteria.criteria(alice)[0]  # what Alice's table shows
    criteria.save_criterion_field(bob, shown.id, shown.loaded("weight_bp"), "weight_bp", 1234)
    mine = criteria.save_criterion_field(alice, shown.id, shown.loaded("title"), "title", "Reach")
    assert mine.result.clean and mine.result.written == ("title",)
    assert (mine.row.title, mine.row.weight_bp) == ("Reach", 1234)


def test_a_cell_both_changed_is_a_conflict_naming_bob(pair: Pair) -> None:
    alice, bob = pair
    shown = criteria.criteria(alice)[0]
    criteria.save_criterion_field(bob, shown.id, shown.loaded("weight_bp"), "weight_bp", 1234)
    clash = criteria.save_criterion_field(
        alice, shown.id, shown.loaded("weight_bp"), "weight_bp", 2000
    )
    assert [(c.field, c.mine, c.theirs, c.who) for c in clash.result.conflicts] == [
        ("weight_bp", 2000, 1234, BOB)
    ]
    assert _criterion(alice, shown.id).weight_bp == 1234


def test_a_criterion_deleted_meanwhile_says_so(pair: Pair) -> None:
    alice, bob = pair
    shown = criteria.criteria(alice)[0]
    criteria.delete_criterion(bob, shown.id)
    with pytest.raises(RowGoneError, match="deleted by someone else"):
        criteria.save_criterion_field(alice, shown.id, shown.loaded("title"), "title", "Reach")


def _cell(workspace: Workspace) -> tuple[int, int]:
    matrix = criteria.matrix(workspace)
    return next(
        (s.id, c.id)
        for s in matrix.sections
        for c in matrix.criteria
        if (s.id, c.id) not in matrix.links
    )


def _shown(workspace: Workspace, cell: tuple[int, int]) -> Loaded:
    return criteria.matrix(workspace).shown(*cell)


def _links(workspace: Workspace, cell: tuple[int, int]) -> list[str]:
    with workspace.reading() as session:
        return list(
            session.scalars(
                select(SectionCriterion.note).where(
                    SectionCriterion.section_id == cell[0],
                    SectionCriterion.criterion_id == cell[1],
                )
            )
        )


def test_a_tick_keeps_bob_s_note_and_a_note_merges_by_paragraph(pair: Pair) -> None:
    alice, bob = pair
    cell = _cell(alice)
    alice_cell = _shown(alice, cell)  # unticked
    criteria.save_link(bob, *cell, _shown(bob, cell), True, "Second paragraph.\n\nTable 2.")
    mine = criteria.save_link(alice, *cell, alice_cell, True, "")
    assert mine.clean and mine.written == ()
    assert _links(alice, cell) == ["Second paragraph.\n\nTable 2."]
    alice_cell, bob_cell = _shown(alice, cell), _shown(bob, cell)
    criteria.save_link(bob, *cell, bob_cell, True, "Third paragraph.\n\nTable 2.")
    merged = criteria.save_link(alice, *cell, alice_cell, True, "Second paragraph.\n\nTable 3.")
    assert merged.clean and merged.merged == ("note",)
    assert _links(bob, cell) == ["Third paragraph.\n\nTable 3."]


def test_unticking_a_link_bob_wrote_a_note_on_is_a_conflict(pair: Pair) -> None:
    alice, bob = pair
    cell = _cell(alice)
    criteria.save_link(alice, *cell, _shown(alice, cell), True, "intro")
    alice_cell = _shown(alice, cell)
    criteria.save_link(bob, *cell, _shown(bob, cell), True, "intro and 4.2")
    clash = criteria.save_link(alice, *cell, alice_cell, False)
    assert [(c.field, c.mine, c.theirs, c.who) for c in clash.conflicts] == [
        ("linked", False, True, BOB)
    ]
    assert _links(alice, cell) == ["intro and 4.2"]  # stays ticked with Bob's note
    # Keep mine: the untick saved over the version the conflict was seen at.
    kept = criteria.save_link(alice, *cell, clash.now, False)
    assert kept.written == ("linked",) and _links(alice, cell) == []


def test_a_tick_whose_criterion_was_deleted_says_so(pair: Pair) -> None:
    alice, bob = pair
    cell = _cell(alice)
    criteria.delete_criterion(bob, cell[1])
    with pytest.raises(RowGoneError, match="criterion was deleted by someone else"):
        criteria.save_link(alice, *cell, UNTICKED, True)


def test_two_ticks_of_one_cell_at_once_make_one_link(pair: Pair) -> None:
    """Bob's tick is written but not yet committed while Alice's save runs: on a server her
    insert then meets his row in the unique index; on a file her edit waits for his."""
    alice, bob = pair
    cell = _cell(alice)
    done: list[SaveResult | BaseException] = []

    def alice_ticks() -> None:
        try:
            done.append(criteria.save_link(alice, *cell, UNTICKED, True, "Alice's place"))
        except BaseException as error:  # reported below
            done.append(error)

    worker = threading.Thread(target=alice_ticks)
    with bob.edit("Bob ticks the same cell", action="link") as session:
        session.add(SectionCriterion(section_id=cell[0], criterion_id=cell[1], note=""))
        session.flush()
        worker.start()
        time.sleep(1.0)  # Alice's save is now waiting on Bob's row
    worker.join(timeout=30)
    assert len(done) == 1 and isinstance(done[0], SaveResult), done
    # Bob's tick had no note: Alice's note is written onto his link, not a second link.
    assert done[0].written == ("note",)
    assert _links(alice, cell) == ["Alice's place"]
