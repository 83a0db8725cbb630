"""PySide6 6.12 on Python 3.11 leaks None references on void calls; the ui package guards it."""

from __future__ import annotations

import sys

from PySide6.QtGui import QPainterPath

import crmbid_desktop.ui  # noqa: F401  (the guard runs on import)


def test_many_void_qt_calls_cannot_free_none() -> None:
    path = QPainterPath()
    for _ in range(20_000):
        path.moveTo(1.0, 2.0)
    assert sys.getrefcount(None) > 1_000_000
