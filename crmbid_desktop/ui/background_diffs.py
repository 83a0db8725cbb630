"""Differences computed off the GUI thread, once per pair of texts, for windows that compare.

A window asks for the comparison it wants to show now; if it is known, it gets it at once,
otherwise the work is started on a pool thread and `ready` is emitted on the GUI thread when it
ends. Only one comparison runs at a time and only the latest request waits behind it: when the
user moves on, the comparison asked for before is dropped before it starts (a running one is
bounded by the diff's deadline and its answer kept, since the user may come back to it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

from crmbid_desktop.ui.worker import Job

log = logging.getLogger(__name__)

#: What a text browser shows while its comparison is being worked out.
COMPARING = "Comparing…"


class BackgroundDiffs(QObject):
    """A cache of comparisons keyed by what was compared, filled by one worker thread."""

    #: (key, result) on the GUI thread; result is the work's return value.
    ready = Signal(object, object)
    #: (key, error) when the work raised; the window says so instead of waiting for ever.
    failed = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._results: dict[Hashable, Any] = {}
        self._waiting: tuple[Hashable, Callable[[], Any]] | None = None
        self._running: Job | None = None
        self._running_key: Hashable | None = None
        # A private pool of one thread: comparisons never queue behind an export, nor each other.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        #: How many comparisons were actually worked out (a test checks each is done once).
        self.computed = 0

    def get(self, key: Hashable, work: Callable[[], Any]) -> Any | None:
        """The result for `key` if known; otherwise None, and `work` is run for it off-thread."""
        if key in self._results:
            return self._results[key]
        if key == self._running_key:
            self._waiting = None  # back to the one running: what waited is no longer wanted
        else:
            self._waiting = (key, work)  # replaces, i.e. cancels, whatever waited before
            self._start_next()
        return None

    @property
    def busy(self) -> bool:
        return self._running is not None or self._waiting is not None

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        """Drop what waits, then block until no comparison runs (for closing the window)."""
        self._waiting = None
        return self._pool.waitForDone(timeout_ms)

    def _start_next(self) -> None:
        if self._running is not None or self._waiting is None:
            return
        key, work = self._waiting
        self._waiting = None
        job = Job(lambda _progress: work(), self)
        # Bound methods of this GUI-thread object: Qt queues the calls onto the GUI thread.
        job.finished.connect(self._finished)
        job.failed.connect(self._failed)
        self._running, self._running_key = job, key
        job.start(self._pool)

    def _finished(self, result: Any) -> None:
        key = self._running_key
        self._results[key] = result
        self.computed += 1
        self._done()
        self.ready.emit(key, result)

    def _failed(self, error: BaseException) -> None:
        key = self._running_key
        log.warning("A comparison failed: %s", error)
        self._done()
        self.failed.emit(key, error)

    def _done(self) -> None:
        if self._running is not None:
            self._running.deleteLater()
        self._running, self._running_key = None, None
        self._start_next()
