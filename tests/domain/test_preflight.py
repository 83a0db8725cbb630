"""Preflight rules for a final proposal, without Qt or a database."""

from __future__ import annotations

from datetime import date

from crmbid_desktop.domain import preflight as rules
from crmbid_desktop.domain.preflight import (
    ClarificationFacts,
    ContactFacts,
    CriterionFacts,
    LetterFacts,
    MilestoneFacts,
    PartnerFacts,
    SectionFacts,
)

TODAY = date(2005, 8, 24)


def _check(**facts: object) -> list[rules.PreflightItem]:
    defaults: dict[str, object] = {
        "sections": [],
        "criteria": [],
        "partners": [],
        "milestones": [],
        "today": TODAY,
    }
    defaults.update(facts)
    return rules.check(**defaults)  # type: ignore[arg-type]


def test_a_clean_bid_has_no_problems() -> None:
    assert (
        _check(
            sections=[
                SectionFacts("1", "Executive summary", "Approved", 400, 400, reviewer="Anne")
            ],
            criteria=[CriterionFacts("Strategic fit", 2, "Understanding of the programme")],
            partners=[PartnerFacts("Leeds City Council", "signed off", None, "lead", 12_000_00)],
            milestones=[MilestoneFacts("EOI due", date(2005, 8, 8), True, "hard deadline", ())],
            clarifications=[ClarificationFacts("Page limit?", answered=True)],
            contact=ContactFacts("Jane Smith", "jane@leeds.gov.uk", "0113 222 4444"),
        )
        == []
    )


def test_word_limit_and_approval_name_the_section() -> None:
    items = _check(sections=[SectionFacts("4.1", "Products", "drafting", 600, 650)])
    assert [(i.kind, i.message) for i in items] == [
        (rules.WORD_LIMIT, "Section 4.1 “Products” has 650 words; its limit is 600 (50 over)."),
        (rules.NOT_APPROVED, "Section 4.1 “Products” is not approved (drafting)."),
    ]


def test_appendix_without_a_limit_is_only_checked_for_approval() -> None:
    items = _check(sections=[SectionFacts("", "Appendices", "", None, 9999)])
    assert [i.message for i in items] == ["Appendix “Appendices” is not approved (no status)."]


def test_unaddressed_criterion() -> None:
    items = _check(
        criteria=[CriterionFacts("Risk management", 0, "x"), CriterionFacts("Fit", 1, "y")]
    )
    assert [i.message for i in items] == [
        "Criterion “Risk management” is not addressed by any section."
    ]


def test_sign_off_by_status_or_date_and_withdrawn_partners_ignored() -> None:
    items = _check(
        partners=[
            PartnerFacts("Leeds City Council", "Signed off", None, "lead", 1),
            PartnerFacts("Bradford", "interested", date(2005, 8, 24), "joint", 1, 0, 0, True),
            PartnerFacts("Newham", "interested", None, "supporting", 0, 0, 1, True),
            PartnerFacts("Kirklees", "Withdrawn", None),
        ]
    )
    assert [i.message for i in items] == ["Newham has not signed off (interested)."]


def test_missed_milestone_rule() -> None:
    past_open = MilestoneFacts("EOI due", date(2005, 8, 8), False, "hard deadline", ("Write EOI",))
    past_done = MilestoneFacts("Letter", date(2005, 7, 27), True, "internal", ())
    future = MilestoneFacts("Proposal due", date(2005, 8, 26), True, "hard deadline", ("Draft",))
    internal = MilestoneFacts("Team review", date(2005, 8, 1), False, "internal", ("Review",))
    today_due = MilestoneFacts("Sign-off", TODAY, True, "hard deadline", ("Sign",))
    items = _check(milestones=[past_open, past_done, future, internal, today_due])
    assert [i.kind for i in items] == [rules.MISSED_MILESTONE]
    assert items[0].message == (
        "“EOI due” was due Mon 8 Aug 2005 and 1 linked task is not done: Write EOI."
    )
    assert rules.is_missed(future, date(2005, 8, 27))
    assert not rules.is_missed(internal, date(2006, 1, 1))


def test_problem_groups_come_in_a_fixed_order() -> None:
    items = _check(
        partners=[PartnerFacts("Newham", "", None, key=7)],
        criteria=[CriterionFacts("Fit", 0, key=3)],
        sections=[SectionFacts("1", "Summary", "approved", 1, 2, key=5)],
    )
    assert [i.kind for i in items] == [
        rules.WORD_LIMIT,
        rules.NO_REVIEWER,
        rules.CRITERION,
        rules.CRITERION_DESCRIPTION,
        rules.SIGN_OFF,
        rules.PARTNER_FUNDING,
        rules.LETTER_OF_SUPPORT,
    ]
    # Each item says what to open to fix it.
    assert [(i.item_kind, i.item_key) for i in items] == [
        ("section", 5),
        ("section", 5),
        ("criterion", 3),
        ("criterion", 3),
        ("partner", 7),
        ("partner", 7),
        ("partner", 7),
    ]
    assert items[0].line().endswith("(fix in: Sections page)")


def test_empty_thin_and_reviewer_checks() -> None:
    items = _check(
        sections=[
            SectionFacts("1", "Summary", "not started", 400, 0, key=1),
            SectionFacts("2", "Partnership", "drafting", 500, 0, has_subsections=True, key=2),
            SectionFacts("2.1", "Track record", "drafting", 400, 40, key=3),
            SectionFacts("3", "Fit", "approved", 400, 200, reviewer="", key=4),
        ]
    )
    assert [(i.kind, i.message) for i in items if i.kind != rules.NOT_APPROVED] == [
        (rules.EMPTY_SECTION, "Section 1 “Summary” has no text yet."),
        (rules.THIN_SECTION, "Section 2.1 “Track record” has only 40 of its 400 words."),
        (
            rules.NO_REVIEWER,
            "Section 3 “Fit” is approved but names no reviewer: set who reviewed it.",
        ),
    ]


def test_contact_clarifications_and_flagged_deadline() -> None:
    flagged = MilestoneFacts(
        "Proposal due",
        date(2005, 8, 26),
        True,
        "hard deadline",
        flag="The letter says Thursday; 26 August 2005 is a Friday.",
        key=9,
    )
    items = _check(
        milestones=[flagged],
        clarifications=[ClarificationFacts("Is there a page limit?", answered=False, key=4)],
        contact=ContactFacts("", "jane@leeds.gov.uk", ""),
    )
    assert [(i.kind, i.message, i.item_kind) for i in items] == [
        (rules.CONTACT, "The bid's named contact has no name or telephone.", "bid"),
        (rules.CLARIFICATION, "“Is there a page limit?” has no answer recorded.", "clarification"),
        (
            rules.DEADLINE,
            "“Proposal due” (Fri 26 Aug 2005) is flagged: The letter says Thursday; 26 August "
            "2005 is a Friday. Clear the flag once it is confirmed.",
            "milestone",
        ),
    ]


def test_letter_needs_recipient_signatory_title_and_contact() -> None:
    contact = ContactFacts("Jane Smith", "jane@leeds.gov.uk", "0113 222 4444")
    ready = LetterFacts(
        "Mr Julian Bowrey",
        "Divisional Manager for Local e-Government",
        "ODPM\nEland House",
        "Leeds City Council",
        "Paul Rogerson",
        "Chief Executive",
        1,
    )
    assert rules.check_letter(ready, contact) == []
    bare = LetterFacts("Julian Bowrey", "", "", "Leeds City Council", "Paul Rogerson", "", 1)
    messages = [i.message for i in rules.check_letter(bare, ContactFacts("", "", ""))]
    assert messages == [
        "The letter has no recipient's title or recipient's address.",
        "Put Mr, Mrs, Ms or Dr before the recipient's name “Julian Bowrey” so the letter can "
        "open “Dear Mr …”.",
        "Leeds City Council's signatory Paul Rogerson has no job title: add them as a contact "
        "of the council with their job title.",
        "The bid's named contact has no name, e-mail or telephone.",
    ]
