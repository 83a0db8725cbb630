"""Cancelling long work: the exception a progress callback raises when the user pressed Cancel."""

from __future__ import annotations


class Cancelled(Exception):
    """The user cancelled; the work stops and undoes what it had started."""
