"""Tests for working-day arithmetic around the 2005 bid's bank holidays."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmbid_desktop.domain.working_days import EXTRA_CLOSURE_REASON, WorkingCalendar

THU_25_AUG = date(2005, 8, 25)
FRI_26_AUG = date(2005, 8, 26)
SAT_27_AUG = date(2005, 8, 27)
SUN_28_AUG = date(2005, 8, 28)
SUMMER_BANK_HOLIDAY = date(2005, 8, 29)
TUE_30_AUG = date(2005, 8, 30)

# One calendar for the whole module: building it is what the lazy cache is for.
CAL = WorkingCalendar()


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (FRI_26_AUG, None),
        (SAT_27_AUG, "Saturday"),
        (SUN_28_AUG, "Sunday"),
        (SUMMER_BANK_HOLIDAY, "Late Summer Bank Holiday"),
        (date(2005, 12, 25), "Christmas Day"),  # a Sunday: the holiday name is more useful
        (date(2005, 12, 26), "Boxing Day"),
        (date(2005, 12, 27), "Christmas Day (observed)"),
        (date(2006, 1, 2), "New Year's Day (observed)"),
        (date(2005, 12, 28), None),
    ],
)
def test_non_working_reason(day: date, reason: str | None) -> None:
    assert CAL.non_working_reason(day) == reason
    assert CAL.is_working_day(day) is (reason is None)


def test_summer_bank_holiday_is_skipped() -> None:
    assert CAL.add_working_days(FRI_26_AUG, 1) == TUE_30_AUG
    assert CAL.add_working_days(TUE_30_AUG, -1) == FRI_26_AUG
    assert CAL.next_working_day(FRI_26_AUG) == TUE_30_AUG
    assert CAL.previous_working_day(TUE_30_AUG) == FRI_26_AUG
    # Clarifications in the week after submission: 30 Aug - 1 Sep are 3 working days.
    assert CAL.working_days_between(FRI_26_AUG, date(2005, 9, 1)) == 3


def test_year_end_2005_substitute_days() -> None:
    fri_23_dec = date(2005, 12, 23)
    # Mon 26 Boxing Day and Tue 27 Christmas Day (observed) are both skipped.
    assert CAL.add_working_days(fri_23_dec, 1) == date(2005, 12, 28)
    assert CAL.add_working_days(fri_23_dec, 3) == date(2005, 12, 30)
    assert CAL.add_working_days(date(2005, 12, 28), -1) == fri_23_dec
    assert CAL.working_days_between(fri_23_dec, date(2005, 12, 30)) == 3


def test_across_new_year() -> None:
    fri_30_dec = date(2005, 12, 30)
    assert CAL.add_working_days(fri_30_dec, 1) == date(2006, 1, 3)
    assert CAL.add_working_days(date(2006, 1, 3), -1) == fri_30_dec
    assert CAL.add_working_days(date(2005, 12, 23), 4) == date(2006, 1, 3)
    assert CAL.working_days_between(date(2005, 12, 23), date(2006, 1, 3)) == 4


def test_negative_n_counts_back_over_weekend_and_holiday() -> None:
    assert CAL.add_working_days(TUE_30_AUG, -3) == date(2005, 8, 24)
    # "3 working days before submission": full draft on Mon 22 Aug for Thu 25 Aug.
    assert CAL.working_days_before(THU_25_AUG, 3) == date(2005, 8, 22)
    assert CAL.working_days_before(THU_25_AUG, 0) == THU_25_AUG


def test_working_days_before_refuses_negative_n() -> None:
    with pytest.raises(ValueError, match="n >= 0"):
        CAL.working_days_before(THU_25_AUG, -1)


@pytest.mark.parametrize("weekend_day", [SAT_27_AUG, SUN_28_AUG, SUMMER_BANK_HOLIDAY])
def test_non_working_inputs(weekend_day: date) -> None:
    # Adding 0 moves nothing, even from a non-working day.
    assert CAL.add_working_days(weekend_day, 0) == weekend_day
    # +1 is the first working day after it; -1 the last one before it.
    assert CAL.add_working_days(weekend_day, 1) == TUE_30_AUG
    assert CAL.add_working_days(weekend_day, -1) == FRI_26_AUG
    assert CAL.working_day_on_or_after(weekend_day) == TUE_30_AUG
    assert CAL.working_day_on_or_before(weekend_day) == FRI_26_AUG


def test_on_or_after_keeps_working_days() -> None:
    assert CAL.working_day_on_or_after(FRI_26_AUG) == FRI_26_AUG
    assert CAL.working_day_on_or_before(FRI_26_AUG) == FRI_26_AUG


def test_working_days_between_is_half_open_and_antisymmetric() -> None:
    # (start, end]: the start day is not counted, the end day is.
    assert CAL.working_days_between(THU_25_AUG, FRI_26_AUG) == 1
    assert CAL.working_days_between(FRI_26_AUG, FRI_26_AUG) == 0
    assert CAL.working_days_between(FRI_26_AUG, SUMMER_BANK_HOLIDAY) == 0
    assert CAL.working_days_between(SAT_27_AUG, TUE_30_AUG) == 1
    assert CAL.working_days_between(FRI_26_AUG, THU_25_AUG) == -1
    assert CAL.working_days_between(date(2005, 1, 1), date(2005, 12, 31)) == 252


def test_extra_closures_as_dates_or_with_reasons() -> None:
    staff_day = date(2005, 8, 24)
    plain = WorkingCalendar([staff_day])
    named = WorkingCalendar({staff_day: "Staff training day"})
    assert plain.non_working_reason(staff_day) == EXTRA_CLOSURE_REASON
    assert named.non_working_reason(staff_day) == "Staff training day"
    assert not named.is_working_day(staff_day)
    assert named.add_working_days(date(2005, 8, 23), 1) == THU_25_AUG
    assert named.working_days_before(THU_25_AUG, 2) == date(2005, 8, 22)


def test_long_jumps_extend_the_index_both_ways() -> None:
    cal = WorkingCalendar()
    far = cal.add_working_days(FRI_26_AUG, 2500)
    assert far.year == 2015
    assert cal.add_working_days(far, -2500) == FRI_26_AUG
    early = cal.add_working_days(FRI_26_AUG, -2500)
    assert early.year == 1995
    assert cal.working_days_between(early, far) == 5000


def test_beyond_the_last_date_overflows() -> None:
    with pytest.raises(OverflowError):
        WorkingCalendar().add_working_days(date(9999, 12, 30), 10)


def test_add_working_days_is_fast() -> None:
    cal = WorkingCalendar()
    rng = random.Random(2005)
    cases = [
        (date(2005, 1, 1) + timedelta(days=rng.randrange(730)), rng.randint(-60, 60))
        for _ in range(10_000)
    ]
    cal.add_working_days(date(2005, 1, 1), 1)  # first-use cost (import of holidays) not timed
    started = time.perf_counter()
    for day, n in cases:
        cal.add_working_days(day, n)
    assert time.perf_counter() - started < 0.5


days_2000s = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))


@given(days_2000s, st.integers(min_value=-300, max_value=300))
def test_there_and_back_returns_the_working_day(d: date, n: int) -> None:
    start = CAL.working_day_on_or_after(d)
    assert CAL.add_working_days(CAL.add_working_days(start, n), -n) == start


@given(days_2000s, st.integers(min_value=0, max_value=300))
def test_between_inverts_add(d: date, n: int) -> None:
    later = CAL.add_working_days(d, n)
    assert CAL.working_days_between(d, later) == n
    assert n == 0 or CAL.is_working_day(later)


@given(days_2000s, st.integers(min_value=1, max_value=40))
def test_add_matches_a_day_by_day_walk(d: date, n: int) -> None:
    walked, left = d, n
    while left:
        walked += timedelta(days=1)
        if walked.weekday() < 5 and CAL.non_working_reason(walked) is None:
            left -= 1
    assert CAL.add_working_days(d, n) == walked
