"""The PySide6 front end: windows, pages, Qt models and dialogs. The only place Qt lives."""

from __future__ import annotations

import sys


def _keep_none_alive() -> None:
    """Work around PySide6 6.12 on Python 3.11: each call of a Qt method returning void drops
    one reference to None without taking it, so after a few thousand calls (a Gantt chart
    painting its bars) Python aborts with "deallocating None". From Python 3.12 None is immortal
    and this does nothing; the lasting fix is Python 3.12+ or PySide6 < 6.12 (see the report).
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import ctypes

    # ob_refcnt is the first field of every CPython object in a release build.
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40


_keep_none_alive()
