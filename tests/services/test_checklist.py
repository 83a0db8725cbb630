"""The bid's checklist follows change sets: it reads again only the sections a write names, and
what it works out is always what a checklist reading the whole bid afresh works out."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from crmbid_desktop.domain.word_meter import meter_level
from crmbid_desktop.domain.wordcount import SECTION_WORDS
from crmbid_desktop.services.bid.versioned import Loaded
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import clarifications, planning, section_saves
from crmbid_desktop.services.registers import criteria as criteria_service
from crmbid_desktop.services.registers import partners as partner_service
from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.services.views import dashboard
from crmbid_desktop.services.views.checklist import BidChecklist, checklist_for
from tests.helpers import partner_saves

TODAY = date(2005, 8, 15)
#: What an unticked cell of the criteria matrix shows, for a tick saved over it.
UNTICKED = Loaded(0, {"linked": False, "note": ""})


def _afresh(workspace: Workspace) -> BidChecklist:
    """A checklist that has followed nothing: it reads the whole bid."""
    return BidChecklist(workspace)


def _section_ids(workspace: Workspace) -> list[int]:
    return [s.fact.id for s in _afresh(workspace).sections()]


def test_saving_one_section_reads_and_counts_only_that_section(workspace: Workspace) -> None:
    checklist = checklist_for(workspace)
    checklist.preflight(TODAY)
    assert checklist.reads == {
        "all sections": 1, "bid": 1, "criteria": 1, "partners": 1, "timetable": 1,
        "clarifications": 1,
    }  # fmt: skip
    first = _section_ids(workspace)[0]
    parsed = SECTION_WORDS.parsed
    section_service.save_body(workspace, first, "Leeds and Newham will keep the **Academy**.")
    problems = checklist.preflight(TODAY)
    assert checklist.reads["all sections"] == 1  # not read again
    assert checklist.reads["changed sections"] == 1
    assert SECTION_WORDS.parsed == parsed + 1  # one text counted, not every section's
    assert checklist.reads["partners"] == 1 and checklist.reads["criteria"] == 1
    assert problems == _afresh(workspace).preflight(TODAY)
    shown = next(s for s in checklist.sections() if s.fact.id == first)
    assert shown.fact.words == 7 and shown.fact.has_text


def test_every_kind_of_write_leaves_the_checklist_as_a_fresh_read_would(
    workspace: Workspace,
) -> None:
    checklist = checklist_for(workspace)
    checklist.preflight(TODAY)
    ids = _section_ids(workspace)
    added = section_service.add_section(workspace, "Appendix C: letters")
    section_service.save_body(workspace, ids[1], "| a | b |\n|---|---|\n| one | two |\n")
    section_saves.save_details(
        workspace,
        ids[2],
        section_saves.load_details(workspace, ids[2]),
        title="Strategic fit, revised",
    )
    section_service.delete_section(workspace, ids[3])
    leeds = partner_service.partner_rows(workspace)[0]
    partner_saves.save_partner(
        workspace, leeds.id, partner_service.PartnerFields("Leeds City Council (lead)"), []
    )
    criterion = criteria_service.criteria(workspace)[0]
    criteria_service.save_link(workspace, added, criterion.id, UNTICKED, True)
    criteria_service.save_criterion_field(
        workspace, criterion.id, criterion.loaded("description"), "description", "What ODPM wants"
    )
    fresh = _afresh(workspace)
    assert checklist.preflight(TODAY) == fresh.preflight(TODAY)
    assert checklist.sections() == fresh.sections()
    assert checklist.reads["all sections"] == 1
    # The dashboard reads through the same checklist and agrees with a fresh read.
    tables = fresh.bid().count_table_words
    assert dashboard.progress(workspace, TODAY).sections == [
        dashboard.SectionProgress(
            s.fact.id,
            f"{s.number} {s.fact.title}".strip(),
            s.fact.status,
            s.fact.words_counted(tables),
            s.fact.word_limit,
            meter_level(s.fact.words_counted(tables), s.fact.word_limit),
            s.fact.due_on,
        )
        for s in fresh.sections()
    ]


def test_a_section_text_edit_keeps_the_worked_out_plan(workspace: Workspace) -> None:
    checklist = checklist_for(workspace)
    plan = checklist.plan(TODAY)
    first = _section_ids(workspace)[0]
    section_service.save_body(workspace, first, "Some words at last.")
    assert checklist.plan(TODAY) is plan  # the text of a section is not in the plan
    section_saves.save_details(
        workspace, first, section_saves.load_details(workspace, first), title="Summary"
    )
    assert checklist.plan(TODAY) is not plan  # a task may name the section by its title
    assert checklist.reads["plan"] == 2


def test_the_word_export_and_the_pages_get_the_same_preflight_facts(
    workspace: Workspace, tmp_path: Path
) -> None:
    """services/bid/preflight (the Word export's final check, read afresh) and the pages'
    checklist (kept up to date by change sets) build their facts with the same functions
    (services/bid/preflight_facts): every kind of fact, changed, gives the same checklist."""
    from crmbid_desktop.services.bid import preflight

    checklist = checklist_for(workspace)
    assert preflight.preflight(workspace, today=TODAY) == checklist.preflight(TODAY)
    ids = _section_ids(workspace)
    # A section over its word limit, with a sub-section, counted with its tables.
    child = section_service.add_section(workspace, "Delivery detail", parent_id=ids[1])
    section_saves.save_details(
        workspace, ids[1], section_saves.load_details(workspace, ids[1]), word_limit=3, reviewer=""
    )
    section_service.save_body(workspace, ids[1], "One two three four.\n\n| five | six |\n|--|--|\n")
    section_service.save_body(workspace, child, "Appendix words here.")
    # A criterion nobody addresses, then one addressed by two sections.
    lone = criteria_service.add_criterion(workspace, "Value for money", 1000)
    criterion = criteria_service.criteria(workspace)[0]
    criteria_service.save_link(workspace, ids[1], criterion.id, UNTICKED, True)
    criteria_service.save_link(workspace, child, criterion.id, UNTICKED, True)
    # A council with a letter of support, one withdrawn; an unanswered clarification.
    councils = partner_service.partner_rows(workspace)
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(b"%PDF-1.4\n% letter of support\n")
    partner_service.add_attachment(workspace, councils[0].id, letter)
    partner_saves.save_partner(
        workspace,
        councils[1].id,
        dataclasses.replace(councils[1].fields, status="withdrawn"),
        [],
    )
    clarifications.add_question(workspace, "May the lead council sign for all?", TODAY, set())
    # A missed milestone: due last week at ODPM, with an unfinished task linked to it.
    milestone = planning.add_milestone(
        workspace, planning.MilestoneInput("Readers' review", date(2005, 8, 12), external=True)
    )
    planning.add_task(
        workspace,
        planning.TaskInput(
            "Send drafts to the readers", due_on=date(2005, 8, 11), milestone_id=milestone
        ),
    )

    afresh = preflight.preflight(workspace, today=TODAY)
    kept = checklist.preflight(TODAY)
    assert kept == afresh
    assert kept == _afresh(workspace).preflight(TODAY)
    named = {(item.item_kind, item.item_key) for item in kept}
    # The changed facts are really checked (so the comparison is not of two empty lists).
    assert ("criterion", lone) in named
    assert ("section", ids[1]) in named
    assert ("milestone", milestone) in named
    assert any(kind == "clarification" for kind, _key in named)
