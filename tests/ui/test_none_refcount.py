"""Guard against the PySide6 6.12.0 bug that frees None on Python 3.11 (pinned out in pyproject).

Each call of a Qt method returning void dropped one reference to None without taking it; after a
few thousand calls (a Gantt chart painting its bars) the process aborted with "deallocating None".
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QPainterPath


def test_void_qt_calls_leave_none_alone() -> None:
    path = QPainterPath()
    before = sys.getrefcount(None)
    for _ in range(5_000):
        path.moveTo(1.0, 2.0)
    # Other code may take or drop a few references meanwhile; the bug dropped one per call.
    assert sys.getrefcount(None) > before - 100
