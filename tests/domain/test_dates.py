"""Tests for showing and reading dates the UK way."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmbid_desktop.domain.dates import format_date, format_date_time, parse_date

DEADLINE = date(2005, 8, 26)


def test_format_date_has_weekday_and_no_leading_zero() -> None:
    assert format_date(DEADLINE) == "Fri 26 Aug 2005"
    assert format_date(date(2005, 8, 8)) == "Mon 8 Aug 2005"


def test_format_date_time_with_and_without_time() -> None:
    assert format_date_time(DEADLINE, time(14, 30)) == "Fri 26 Aug 2005 14:30"
    assert format_date_time(DEADLINE, time(9, 5)) == "Fri 26 Aug 2005 09:05"
    assert format_date_time(DEADLINE, None) == "Fri 26 Aug 2005"


@pytest.mark.parametrize(
    "text",
    [
        "26/08/2005",
        "26/8/05",
        "26.08.2005",
        "26-08-2005",
        "2005-08-26",
        "26 Aug 2005",
        "Fri 26 Aug 2005",
        "26 August 2005",
        "Friday, 26th August 2005",
        "  fri   26 AUG 2005 ",
    ],
)
def test_parse_date_accepts_what_uk_users_type(text: str) -> None:
    assert parse_date(text) == DEADLINE


def test_parse_date_is_day_first() -> None:
    assert parse_date("08/09/2005") == date(2005, 9, 8)
    assert parse_date("2/1/06") == date(2006, 1, 2)
    assert parse_date("26 Sept 2005") == date(2005, 9, 26)


def test_two_digit_years_pivot_like_strptime() -> None:
    assert parse_date("1/1/68").year == 2068
    assert parse_date("1/1/69").year == 1969


@pytest.mark.parametrize("text", ["", "tomorrow", "26 Aug", "26 Foo 2005", "2005/08/26x"])
def test_unreadable_text_is_quoted_and_forms_listed(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_date(text)
    message = str(caught.value)
    assert repr(text) in message
    assert "26/08/2005" in message and "Fri 26 Aug 2005" in message


def test_month_first_us_date_is_refused_with_day_first_hint() -> None:
    with pytest.raises(ValueError, match=r"'08/26/2005' is not a real date.*day first"):
        parse_date("08/26/2005")


def test_impossible_date_is_refused() -> None:
    with pytest.raises(ValueError, match="'31/02/2005' is not a real date"):
        parse_date("31/02/2005")


def test_wrong_weekday_is_refused() -> None:
    # The ODPM letter's own mistake: 26 August 2005 was a Friday.
    with pytest.raises(ValueError, match="26 August 2005 is a Friday, not a Thursday"):
        parse_date("Thursday, 26 August 2005")


def test_unknown_weekday_word_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown weekday 'someday'"):
        parse_date("Someday 26 Aug 2005")


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_format_then_parse_round_trips(d: date) -> None:
    assert parse_date(format_date(d)) == d


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_numeric_and_iso_forms_round_trip(d: date) -> None:
    assert parse_date(f"{d.day}/{d.month}/{d.year}") == d
    assert parse_date(d.isoformat()) == d
