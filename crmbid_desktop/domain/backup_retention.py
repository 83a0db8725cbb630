"""Which automatic backups to keep: all of the last day, one a day for two weeks, one a week after."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

KEEP_ALL_FOR = timedelta(days=1)
KEEP_DAILY_FOR = timedelta(days=14)


def backups_to_keep(taken: Iterable[datetime], now: datetime) -> set[datetime]:
    """The backup times to keep; every other backup may be deleted.

    Within each day (or week) the newest backup is the one kept, because it holds the most work.
    The newest backup overall is always kept, however old, so a bid never loses its last backup.
    """
    ordered = sorted(set(taken), reverse=True)
    keep: set[datetime] = set(ordered[:1])
    days_seen: set[date] = set()
    weeks_seen: set[tuple[int, int]] = set()
    for moment in ordered:
        age = now - moment
        if age <= KEEP_ALL_FOR:  # includes times "in the future" after a clock change
            keep.add(moment)
        elif age <= KEEP_DAILY_FOR:
            if moment.date() not in days_seen:
                days_seen.add(moment.date())
                keep.add(moment)
        else:
            iso = moment.isocalendar()
            week = (iso.year, iso.week)
            if week not in weeks_seen:
                weeks_seen.add(week)
                keep.add(moment)
    return keep


def backups_to_remove(taken: Iterable[datetime], now: datetime) -> list[datetime]:
    """The backup times the rule lets go, oldest first."""
    moments = set(taken)
    return sorted(moments - backups_to_keep(moments, now))
