"""Preflight rules for a final proposal, without Qt or a database."""

from __future__ import annotations

from datetime import date

from crmbid_desktop.domain import preflight as rules
from crmbid_desktop.domain.preflight import (
    CriterionFacts,
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
            sections=[SectionFacts("1", "Executive summary", "Approved", 400, 400)],
            criteria=[CriterionFacts("Strategic fit", 2)],
            partners=[PartnerFacts("Leeds City Council", "signed off", None)],
            milestones=[MilestoneFacts("EOI due", date(2005, 8, 8), True, "hard deadline", ())],
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
    items = _check(criteria=[CriterionFacts("Risk management", 0), CriterionFacts("Fit", 1)])
    assert [i.message for i in items] == [
        "Criterion “Risk management” is not addressed by any section."
    ]


def test_sign_off_by_status_or_date_and_withdrawn_partners_ignored() -> None:
    items = _check(
        partners=[
            PartnerFacts("Leeds City Council", "Signed off", None),
            PartnerFacts("Bradford", "interested", date(2005, 8, 24)),
            PartnerFacts("Newham", "interested", None),
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
        partners=[PartnerFacts("Newham", "", None)],
        criteria=[CriterionFacts("Fit", 0)],
        sections=[SectionFacts("1", "Summary", "approved", 1, 2)],
    )
    assert [i.kind for i in items] == [rules.WORD_LIMIT, rules.CRITERION, rules.SIGN_OFF]
