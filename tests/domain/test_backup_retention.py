"""The thinning rule: every backup of the last day, one a day for two weeks, one a week after."""

from __future__ import annotations

from datetime import datetime, timedelta

from crmbid_desktop.domain.backup_retention import backups_to_keep, backups_to_remove

NOW = datetime(2005, 8, 26, 17, 0)


def test_every_backup_of_the_last_day_is_kept() -> None:
    taken = [NOW - timedelta(minutes=10 * n) for n in range(144)]  # one every 10 min for a day
    assert backups_to_keep(taken, NOW) == set(taken)


def test_one_a_day_for_two_weeks_the_newest_of_each_day() -> None:
    taken = [datetime(2005, 8, 20, hour, 0) for hour in (9, 12, 16)] + [
        datetime(2005, 8, 19, 11, 0)
    ]
    kept = backups_to_keep(taken, NOW)
    assert kept == {datetime(2005, 8, 20, 16, 0), datetime(2005, 8, 19, 11, 0)}
    assert backups_to_remove(taken, NOW) == [
        datetime(2005, 8, 20, 9, 0),
        datetime(2005, 8, 20, 12, 0),
    ]


def test_one_a_week_after_two_weeks() -> None:
    # Mon 1 Aug .. Sun 7 Aug 2005 is ISO week 31; Fri 29 Jul is week 30.
    week_31 = [datetime(2005, 8, day, 10, 0) for day in range(1, 8)]
    week_30 = [datetime(2005, 7, 29, 10, 0), datetime(2005, 7, 26, 10, 0)]
    kept = backups_to_keep([*week_31, *week_30], NOW + timedelta(days=14))
    # The newest backup overall is always kept; week 31's newest is that one.
    assert kept == {datetime(2005, 8, 7, 10, 0), datetime(2005, 7, 29, 10, 0)}


def test_the_newest_backup_is_kept_however_old() -> None:
    old = datetime(2004, 3, 1, 9, 0)
    assert backups_to_keep([old], NOW) == {old}


def test_times_after_now_after_a_clock_change_are_kept() -> None:
    future = NOW + timedelta(hours=2)
    assert future in backups_to_keep([future, NOW - timedelta(days=30)], NOW)


def test_a_month_of_ten_minute_backups_thins_to_a_few_dozen() -> None:
    taken = [NOW - timedelta(minutes=10 * n) for n in range(6 * 24 * 31)]
    kept = backups_to_keep(taken, NOW)
    # 145 of the last day (inclusive), 14 days and up to 3 weeks.
    assert 145 + 13 <= len(kept) <= 145 + 14 + 4
