"""Dates as the bid shows them: always with the weekday ("Fri 26 Aug 2005")."""

from __future__ import annotations

from datetime import date


def format_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"
