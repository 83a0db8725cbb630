"""Run slow work (exports, imports) off the GUI thread, hear about it on the GUI thread, cancel it.

Cancelling is cooperative: `Job.cancel()` sets a flag, and the next time the work reports
progress the callback raises `Cancelled`, so the work stops at a point where it can clean up
(a database edit rolls back, an export deletes its temporary file). The job then emits
`cancelled` instead of `failed`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from crmbid_desktop.services.bid.cancel import Cancelled

log = logging.getLogger(__name__)

#: What the work calls to report progress: (done, total).
ProgressCallback = Callable[[int, int], None]


class _Runnable(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self._job = job

    def run(self) -> None:
        job = self._job
        try:
            result = job.work(job.report)
        except Cancelled:
            job.cancelled.emit()
        except BaseException as error:  # the GUI decides what to tell the user
            log.info("Background job failed", exc_info=True)
            job.failed.emit(error)
        else:
            job.finished.emit(result)


class Job(QObject):
    """One piece of work run on a pool thread.

    `work` gets a progress callback and may call it from its own thread; `progress`, `finished`
    (with the work's result) and `failed` (with the exception) are delivered to slots on the GUI
    thread, since the job object lives there. Touch no widget and no open bid session inside
    `work`: read what it needs first and pass it in.
    """

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)
    #: The work stopped because `cancel()` was called; whatever it started was undone.
    cancelled = Signal()

    def __init__(self, work: Callable[[ProgressCallback], Any], parent: QObject | None = None):
        super().__init__(parent)
        self.work = work
        self.running = False
        self.cancel_requested = False
        self.finished.connect(self._stopped)
        self.failed.connect(self._stopped)
        self.cancelled.connect(lambda: self._stopped(None))

    def cancel(self) -> None:
        """Ask the work to stop: its next progress report raises `Cancelled` on its thread."""
        self.cancel_requested = True

    def report(self, done: int, total: int) -> None:
        """The progress callback handed to the work (called on the work's thread)."""
        if self.cancel_requested:
            raise Cancelled
        self.progress.emit(done, total)

    def start(self, pool: QThreadPool | None = None) -> None:
        self.running = True
        runnable = _Runnable(self)
        runnable.setAutoDelete(True)
        (pool or QThreadPool.globalInstance()).start(runnable)

    def _stopped(self, _result: object) -> None:
        self.running = False
