"""Show and read dates the way UK council staff write them ("Fri 26 Aug 2005", "26/08/2005").

Every weekday and month name the program prints comes from here: pages and tables, the Word
proposal ("Friday 26 August 2005"), the letter ("5 August 2005") and the Gantt chart ("Fr").
"""

from __future__ import annotations

import re
from datetime import date, time

# Fixed English names rather than strftime's %a/%b: those follow the process locale, and a
# council PC set to Welsh (or a test runner set to anything) would change the output.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

#: Two letters a day, so Tuesday and Thursday (and Saturday and Sunday) are told apart.
_WEEKDAY_INITIALS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")

_MONTH_BY_WORD: dict[str, int] = {
    **{name.lower(): i for i, name in enumerate(_MONTHS, start=1)},
    **{name.lower(): i for i, name in enumerate(_MONTH_NAMES, start=1)},
    "sept": 9,  # common in UK correspondence ("26 Sept 2005")
}
_WEEKDAY_BY_WORD: dict[str, int] = {
    **{name.lower(): i for i, name in enumerate(_WEEKDAYS)},
    **{name.lower(): i for i, name in enumerate(_WEEKDAY_NAMES)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}

ACCEPTED_FORMS = "26/08/2005, 26/8/05, 26 Aug 2005, 26 August 2005, Fri 26 Aug 2005 or 2005-08-26"

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# Day first, always: UK users never mean 08/26/2005.
_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
_WORDS = re.compile(
    r"(?:(?P<weekday>[a-z]+),?\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[a-z]+)\.?,?\s+"
    r"(?P<year>\d{4})"
)


def format_date(d: date) -> str:
    """Return ``d`` as "Fri 26 Aug 2005" (day without a leading zero)."""
    return f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"


def long_date(d: date) -> str:
    """Return ``d`` as "Friday 26 August 2005", for the proposal's cover."""
    return f"{_WEEKDAY_NAMES[d.weekday()]} {d.day} {_MONTH_NAMES[d.month - 1]} {d.year}"


def letter_date(d: date) -> str:
    """Return ``d`` as "5 August 2005", as a British letter is dated."""
    return f"{d.day} {_MONTH_NAMES[d.month - 1]} {d.year}"


def weekday_initials(d: date) -> str:
    """Return ``d``'s weekday as two letters ("Fr"), where a chart has room for little more."""
    return _WEEKDAY_INITIALS[d.weekday()]


def optional_date(d: date | None) -> str:
    """Return "Fri 26 Aug 2005", or "" when there is no date (an empty table cell)."""
    return format_date(d) if d else ""


def format_date_time(d: date, t: time | None) -> str:
    """Return "Fri 26 Aug 2005 14:30", or just the date when there is no time."""
    if t is None:
        return format_date(d)
    return f"{format_date(d)} {t.hour:02d}:{t.minute:02d}"


def _two_digit_year(yy: int) -> int:
    # Same pivot as strptime's %y, so the app agrees with anything else the user runs.
    return 2000 + yy if yy <= 68 else 1900 + yy


def _build(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(
            f"{text!r} is not a real date ({exc}). Dates are read day first, e.g. {ACCEPTED_FORMS}."
        ) from None


def parse_date(text: str) -> date:
    """Read a date typed by a UK user, day first.

    Accepts 26/08/2005, 26/8/05 (also with "." or "-"), 2005-08-26, 26 Aug 2005,
    26 August 2005, 26th August 2005, and any of the word forms with a leading weekday such as
    "Fri 26 Aug 2005". Two-digit years 00-68 mean 2000-2068, 69-99 mean 1969-1999.
    A weekday that does not match the date is refused, because that is exactly the mistake in
    ODPM's letter ("Thursday, 26 August" 2005 was a Friday) and the team must notice it.

    Raises ValueError quoting ``text`` and listing the accepted forms.
    """
    cleaned = " ".join(text.strip().lower().split())
    if m := _ISO.fullmatch(cleaned):
        return _build(text, int(m[1]), int(m[2]), int(m[3]))
    if m := _NUMERIC.fullmatch(cleaned):
        year = int(m[3]) if len(m[3]) == 4 else _two_digit_year(int(m[3]))
        return _build(text, year, int(m[2]), int(m[1]))
    if (m := _WORDS.fullmatch(cleaned)) and m["month"] in _MONTH_BY_WORD:
        weekday = m["weekday"]
        if weekday is not None and weekday not in _WEEKDAY_BY_WORD:
            raise ValueError(f"Cannot read {text!r} as a date: unknown weekday {weekday!r}.")
        result = _build(text, int(m["year"]), _MONTH_BY_WORD[m["month"]], int(m["day"]))
        if weekday is not None and _WEEKDAY_BY_WORD[weekday] != result.weekday():
            raise ValueError(
                f"{text!r} does not add up: {result.day} {_MONTH_NAMES[result.month - 1]} "
                f"{result.year} is a {_WEEKDAY_NAMES[result.weekday()]}, "
                f"not a {_WEEKDAY_NAMES[_WEEKDAY_BY_WORD[weekday]]}."
            )
        return result
    raise ValueError(f"Cannot read {text!r} as a date. Type the day first, e.g. {ACCEPTED_FORMS}.")
