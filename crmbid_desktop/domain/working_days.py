"""Working-day arithmetic for England and Wales: weekends, bank holidays and local closures."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from datetime import MAXYEAR, MINYEAR, date

# Rough working days in a year; only used to guess how far ahead to extend the index at once.
_WORKING_DAYS_PER_YEAR = 250
EXTRA_CLOSURE_REASON = "Office closed"


class WorkingCalendar:
    """Which days a council team can work on, and arithmetic in working days.

    A day is a working day when it is Monday to Friday, not an England and Wales bank holiday
    (from the ``holidays`` package, substitute days included, e.g. Tue 27 Dec 2005) and not
    one of the extra non-working dates given to the constructor (a council's own closure days).

    Bank holidays are loaded lazily, one year at a time, and the calendar keeps a sorted index
    of working days (as ordinals) over a contiguous range of years, so that every arithmetic
    call is a binary search rather than a day-by-day walk.

    Rules chosen:
    - ``add_working_days(d, n)``: for n > 0 the n-th working day strictly after ``d``; for
      n < 0 the |n|-th working day strictly before ``d``; for n == 0 ``d`` itself, unchanged
      even if it is not a working day (adding nothing moves nothing). So Sat + 1 = Mon and
      Sat - 1 = Fri; for a working day ``d``, ``add_working_days(add_working_days(d, n), -n)``
      is ``d`` again.
    - ``working_days_between(start, end)`` counts working days in the half-open range
      (start, end]: the number of working-day steps from ``start`` to ``end``. It is the
      inverse of ``add_working_days``: ``working_days_between(d, add_working_days(d, n)) == n``
      for n >= 0 from any day, and for every n from a working day. It is antisymmetric: when
      ``end`` is before ``start`` the result is minus the count for (end, start].

    The lazy caches make instances unsafe to share between threads while they are still
    filling; call :meth:`preload` first if a worker thread will use the same calendar.
    """

    def __init__(self, extra_non_working: Mapping[date, str] | Iterable[date] = ()) -> None:
        if isinstance(extra_non_working, Mapping):
            self._extra: dict[date, str] = dict(extra_non_working)
        else:
            self._extra = dict.fromkeys(extra_non_working, EXTRA_CLOSURE_REASON)
        self._bank_holidays: dict[date, str] = {}
        self._loaded_years: set[int] = set()
        self._closed_ordinals: set[int] = {d.toordinal() for d in self._extra}
        # Sorted ordinals of every working day from 1 Jan of _first_year to 31 Dec of _last_year.
        self._working: list[int] = []
        self._first_year = 0
        self._last_year = -1

    # -- loading -----------------------------------------------------------------------------

    def _load_year(self, year: int) -> None:
        if year in self._loaded_years:
            return
        # Imported here: the holidays package is large and only needed once dates are used,
        # which keeps the application's start-up fast.
        import holidays

        for day, name in holidays.country_holidays("GB", subdiv="ENG", years=year).items():
            self._bank_holidays[day] = name
            self._closed_ordinals.add(day.toordinal())
        self._loaded_years.add(year)

    def _working_ordinals_of(self, year: int) -> list[int]:
        self._load_year(year)
        first = date(year, 1, 1).toordinal()
        last = date(year, 12, 31).toordinal()
        closed = self._closed_ordinals
        # Ordinal 1 (1 Jan of year 1) was a Monday, so (ordinal - 1) % 7 is date.weekday().
        return [o for o in range(first, last + 1) if (o - 1) % 7 < 5 and o not in closed]

    def _cover(self, first_year: int, last_year: int) -> None:
        """Extend the working-day index so it spans at least first_year..last_year."""
        if first_year < MINYEAR or last_year > MAXYEAR:
            raise OverflowError("date value out of range")
        if self._last_year < self._first_year:  # empty index
            self._first_year = self._last_year = first_year
            self._working = self._working_ordinals_of(first_year)
        if first_year < self._first_year:
            earlier: list[int] = []
            for year in range(first_year, self._first_year):
                earlier.extend(self._working_ordinals_of(year))
            self._working = earlier + self._working
            self._first_year = first_year
        if last_year > self._last_year:
            for year in range(self._last_year + 1, last_year + 1):
                self._working.extend(self._working_ordinals_of(year))
            self._last_year = last_year

    def preload(self, first_year: int, last_year: int) -> None:
        """Load bank holidays and build the index for these years now rather than on demand."""
        self._cover(first_year, last_year)

    # -- questions about one day -------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """True when ``d`` is a weekday that is neither a bank holiday nor an extra closure."""
        if d.weekday() >= 5:
            return False
        self._load_year(d.year)
        return d.toordinal() not in self._closed_ordinals

    def non_working_reason(self, d: date) -> str | None:
        """Why nobody works on ``d``, or None on a working day.

        A bank holiday's name wins over the weekday (Sun 25 Dec 2005 gives "Christmas Day"),
        then an extra closure's reason, then "Saturday" or "Sunday".
        """
        self._load_year(d.year)
        if d in self._bank_holidays:
            return self._bank_holidays[d]
        if d in self._extra:
            return self._extra[d]
        if d.weekday() == 5:
            return "Saturday"
        if d.weekday() == 6:
            return "Sunday"
        return None

    # -- arithmetic --------------------------------------------------------------------------

    def add_working_days(self, d: date, n: int) -> date:
        """Move ``n`` working days from ``d`` (see the class docstring for the exact rule)."""
        if n == 0:
            return d
        ordinal = d.toordinal()
        self._cover(d.year, d.year)
        if n > 0:
            while True:
                i = bisect_right(self._working, ordinal) + n - 1
                if i < len(self._working):
                    return date.fromordinal(self._working[i])
                short_by = i - len(self._working) + 1
                self._cover(
                    self._first_year, self._last_year + 1 + short_by // _WORKING_DAYS_PER_YEAR
                )
        while True:
            i = bisect_left(self._working, ordinal) + n
            if i >= 0:
                return date.fromordinal(self._working[i])
            self._cover(self._first_year - 1 - (-i) // _WORKING_DAYS_PER_YEAR, self._last_year)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        self._cover(start.year, end.year)
        return bisect_right(self._working, end.toordinal()) - bisect_right(
            self._working, start.toordinal()
        )

    def working_days_before(self, anchor: date, n: int) -> date:
        """The date ``n`` working days before ``anchor`` ("3 working days before submission").

        ``n`` must be zero or more; 0 returns ``anchor`` unchanged.
        """
        if n < 0:
            raise ValueError(f"working_days_before needs n >= 0, got {n}")
        return self.add_working_days(anchor, -n)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return self.add_working_days(d, 1)

    def previous_working_day(self, d: date) -> date:
        """The last working day strictly before ``d``."""
        return self.add_working_days(d, -1)

    def working_day_on_or_after(self, d: date) -> date:
        """``d`` if it is a working day, else the next one (a start date rolls forward)."""
        return d if self.is_working_day(d) else self.next_working_day(d)

    def working_day_on_or_before(self, d: date) -> date:
        """``d`` if it is a working day, else the previous one (a due date rolls back)."""
        return d if self.is_working_day(d) else self.previous_working_day(d)
