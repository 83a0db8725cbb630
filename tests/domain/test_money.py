"""Money typed by users becomes exact pence and reads back the same."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmbid_desktop.domain.money import (
    format_pence,
    format_pence_plain,
    format_pounds_for_field,
    parse_cost,
    parse_money,
)


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("£12,500.50", 1_250_050),
        ("12500", 1_250_000),
        ("12,500.5", 1_250_050),
        ("(1,000)", -100_000),
        ("(£1,000.00)", -100_000),
        ("-£250", -25_000),
        ("£-250", -25_000),
        (" £ 0.01 ", 1),
        (".5", 50),
        ("GBP 1,234,567.89", 123_456_789),
        ("0.10", 10),
        ("12500.", 1_250_000),
    ],
)
def test_parses_what_users_type(text: str, pence: int) -> None:
    assert parse_money(text) == pence


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Amount is empty"),
        ("12.345", "more than two decimal places"),
        ("1,50", "commas in the wrong places"),
        ("twelve", "is not an amount in pounds"),
        ("£12e3", "is not an amount in pounds"),
        ("$5", "is not an amount in pounds"),
    ],
)
def test_refuses_with_a_message_naming_the_text(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        parse_money(text, "Amount")
    if text:
        assert text in str(caught.value)


def test_message_names_the_field() -> None:
    with pytest.raises(ValueError, match="Staff 2005/06"):
        parse_money("abc", "Staff 2005/06")


def test_formats_pounds_and_pence() -> None:
    assert format_pence(1_250_050) == "£12,500.50"
    assert format_pence(-100_000) == "-£1,000.00"
    assert format_pence(5) == "£0.05"
    assert format_pence_plain(-1_250_005) == "-12500.05"


def test_tenths_add_up_exactly() -> None:
    # 0.1 + 0.2 != 0.3 in floats; in pence it is exact.
    assert parse_money("0.10") + parse_money("0.20") == parse_money("0.30")
    assert sum(parse_money("0.10") for _ in range(1000)) == parse_money("100")


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_format_then_parse_round_trips(pence: int) -> None:
    assert parse_money(format_pence(pence)) == pence
    assert parse_money(format_pence_plain(pence)) == pence


# -- the one grammar (README "Typing amounts"): the Partners form and the Budget grid agree ------


@pytest.mark.parametrize(
    ("text", "pence"),
    [("(100)", -10_000), ("(1,000.50)", -100_050), ("(£250)", -25_000), ("GBP 1 000", 100_000)],
)
def test_accounting_negatives_and_spaced_thousands_are_amounts(text: str, pence: int) -> None:
    assert parse_money(text) == pence


@pytest.mark.parametrize("text", ["1e3", "1E3", "2.5e2", "inf", "NaN", "12,50", "1,2,3", "£"])
def test_scientific_notation_and_misplaced_commas_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="Amount"):
        parse_money(text)


def test_a_cost_is_blank_for_nothing_and_never_negative() -> None:
    assert parse_cost("") == 0
    assert parse_cost(" £12,500.50 ") == 1_250_050
    with pytest.raises(ValueError, match=r"Contribution “\(100\)” cannot be negative"):
        parse_cost("(100)", "Contribution")
    with pytest.raises(ValueError, match="not an amount in pounds"):
        parse_cost("1e3", "Contribution")


def test_a_form_field_shows_pounds_grouped_and_reads_them_back() -> None:
    assert format_pounds_for_field(1_250_050) == "12,500.50"
    assert format_pounds_for_field(-5) == "-0.05"
    assert parse_money(format_pounds_for_field(123_456_789)) == 123_456_789
