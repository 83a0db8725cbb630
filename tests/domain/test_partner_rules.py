"""Partnership rules without Qt or a database: lead, shares, contacts, money, names."""

from __future__ import annotations

import pytest

from crmbid_desktop.domain.money import format_pounds_for_field
from crmbid_desktop.domain.partner_rules import (
    COUNCIL_TYPES,
    ROLES,
    STATUSES,
    PartnerStanding,
    RuleError,
    check_partnership,
    council_key,
    email_problem,
    parse_pence,
    parse_share_bp,
    parse_staff_days,
    phone_problem,
    read_choice,
)
from crmbid_desktop.domain.percentages import format_percent_number


def standing(name: str, role: str = "supporting", share: int = 0, status: str = "interested"):
    return PartnerStanding(name, role, status, share)


def test_one_lead_and_shares_of_100_percent_is_sound() -> None:
    check = check_partnership([standing("Leeds", "lead", 6667), standing("Newham", share=3333)])
    assert check.sound and check.leads == ("Leeds",) and check.total_share_bp == 10_000


def test_no_lead_and_two_leads_are_problems() -> None:
    assert "No lead" in check_partnership([standing("A", share=10_000)]).problems[0]
    two = check_partnership([standing("A", "lead", 5000), standing("B", "lead", 5000)])
    assert two.problems == ("2 lead councils (A, B): the partnership needs exactly one.",)


def test_shares_short_or_over_say_by_how_much() -> None:
    short = check_partnership([standing("A", "lead", 9950)])
    assert short.problems == (
        "Shares of funding total 99.5%, 0.5 points short of 100% "
        "(councils that have withdrawn are left out).",
    )
    over = check_partnership([standing("A", "lead", 10_000), standing("B", share=1)])
    assert "100.01%, 0.01 points over" in over.problems[0]


def test_withdrawn_council_leaves_the_totals_and_the_lead_count() -> None:
    check = check_partnership(
        [
            standing("A", "lead", 10_000),
            standing("B", "lead", 5000, status="withdrawn"),
        ]
    )
    assert check.sound and check.active_count == 1


def test_money_is_read_exactly_with_decimal() -> None:
    assert parse_pence("£12,500") == 1_250_000
    assert parse_pence("12500.50") == 1_250_050
    assert parse_pence(" £0.10 ") == 10
    assert parse_pence("") == 0
    assert parse_pence("GBP 1 000") == 100_000
    for bad, message in [("12.345", "two decimal"), ("-5", "negative"), ("lots", "not an amount")]:
        with pytest.raises(RuleError, match=message):
            parse_pence(bad)
    assert format_pounds_for_field(1_250_050) == "12,500.50"


def test_shares_in_basis_points() -> None:
    assert parse_share_bp("33.33") == 3333
    assert parse_share_bp("12,5%") == 1250
    assert parse_share_bp("100") == 10_000
    assert parse_share_bp("") == 0
    with pytest.raises(RuleError, match="between 0% and 100%"):
        parse_share_bp("101")
    with pytest.raises(RuleError, match="two decimal"):
        parse_share_bp("1.001")
    assert [format_percent_number(v) for v in (10_000, 3333, 1250, 5)] == [
        "100",
        "33.33",
        "12.5",
        "0.05",
    ]


def test_staff_days() -> None:
    assert parse_staff_days("20") == 20 and parse_staff_days("") == 0
    with pytest.raises(RuleError, match="whole number"):
        parse_staff_days("2.5")


@pytest.mark.parametrize("good", ["", "j.smith@leeds.gov.uk", "a+b@newham.gov.uk"])
def test_good_emails(good: str) -> None:
    assert email_problem(good) is None


@pytest.mark.parametrize(
    "bad", ["j.smith", "a@b", "a b@leeds.gov.uk", "a@@leeds.gov.uk", "a..b@x.uk"]
)
def test_bad_emails_say_why(bad: str) -> None:
    assert email_problem(bad)


@pytest.mark.parametrize(
    "good",
    [
        "",
        "0113 222 4444",
        "+44 (0)20 7946 0000",
        "020-7946-0000",
        "07700 900123",
        "01632 960 001 ext 12",
    ],
)
def test_good_uk_phones(good: str) -> None:
    assert phone_problem(good) is None


@pytest.mark.parametrize(
    ("bad", "why"),
    [("0113 222", "digits"), ("+33 1 23 45 67 89", "not a UK"), ("call me", "only digits")],
)
def test_bad_phones_say_why(bad: str, why: str) -> None:
    problem = phone_problem(bad)
    assert problem is not None and why in problem


def test_choices_tolerate_case_and_synonyms() -> None:
    assert read_choice("LONDON BOROUGH", COUNCIL_TYPES, "council type") == "London borough"
    assert read_choice("Joint", ROLES, "role") == "joint bidder"
    assert read_choice("EOI authorised", STATUSES, "status") == "expression of interest authorised"
    with pytest.raises(RuleError, match="use one of: lead, joint bidder, supporting"):
        read_choice("boss", ROLES, "role")


def test_council_key_matches_the_same_council_predictably() -> None:
    assert council_key("Leeds City Council") == council_key("LEEDS") == council_key("Leeds City")
    assert council_key("Brighton & Hove") == council_key("Brighton and Hove City Council")
    assert council_key("The Wigan Metropolitan Borough Council") == "wigan"
    assert council_key("London Borough of Newham") != council_key("Newham")
    assert council_key("Council") == "council"
