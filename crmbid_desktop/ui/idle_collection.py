"""Full garbage collections on a timer between actions, never inside one the user just started.

Python's collector runs a full collection (every object the program holds) whenever enough
younger collections have happened: at some moment no one chooses, usually in the middle of
building a page or saving, where on a big bid it adds tens of milliseconds to that one action.
Here the young generations are still collected as Python does (they are cheap), but the full
collection is taken off Python's schedule and run from a timer when it is due, at the same
cadence Python would have run it, so memory is freed just as often. This is what desktop
programs written in Python do for the same reason (qutebrowser's GC handling, for one).
"""

from __future__ import annotations

import gc
import logging
import time

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

#: Python's default number of second-generation collections before a full one is due.
FULL_COLLECTION_DUE = 10
#: How often the timer looks whether a full collection is due.
CHECK_EVERY_MS = 3000
#: A threshold for the oldest generation that Python never reaches, so it never starts a full
#: collection itself (the count of second-generation collections would take years to get there).
_NEVER = 2**30


class IdleCollector(QObject):
    """Owns the full collections while it runs; `stop()` gives them back to Python."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        young, middle, _full = self._thresholds
        gc.set_threshold(young, middle, _NEVER)
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_EVERY_MS)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start()
        self.full_collections = 0  # how many this collector ran: for tests and the log

    def collect_if_due(self) -> bool:
        """Run a full collection if Python would have by now; True when one ran."""
        if gc.get_count()[2] < FULL_COLLECTION_DUE:
            return False
        began = time.perf_counter()
        freed = gc.collect()
        self.full_collections += 1
        log.debug(
            "Full collection %d between actions: %d objects freed in %.0f ms",
            self.full_collections,
            freed,
            (time.perf_counter() - began) * 1000,
        )
        return True

    def stop(self) -> None:
        """Stop the timer and let Python schedule full collections again, as before."""
        self._timer.stop()
        gc.set_threshold(*self._thresholds)
