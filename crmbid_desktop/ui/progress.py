"""A progress window with Cancel for long work run off the GUI thread (import, merge, restore).

`run_with_progress` starts a `Job`, shows a window-modal progress dialog (the rest of the
program keeps repainting; the user cannot start a second edit meanwhile), and returns the
work's result, raises its error, or returns `CANCELLED` when the user pressed Cancel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from crmbid_desktop.ui.worker import Job, ProgressCallback

#: Returned by `run_with_progress` when the user cancelled (the work undid what it started).
CANCELLED = object()
#: Work quicker than this never shows the dialog, so short imports do not flash a window.
SHOW_AFTER_MS = 400


class ProgressDialog(QProgressDialog):
    """A progress bar and Cancel button following a `Job`."""

    def __init__(self, job: Job, title: str, label: str, parent: QWidget | None) -> None:
        super().__init__(label, "Cancel", 0, 0, parent)
        self.setObjectName("progressDialog")
        self.setAccessibleName(title)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(SHOW_AFTER_MS)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.job = job
        job.progress.connect(self._on_progress)
        self.canceled.connect(self._cancel)

    def _on_progress(self, done: int, total: int) -> None:
        if total <= 0:  # not known yet (rows of a spreadsheet being read): a busy bar
            self.setMaximum(0)
            return
        self.setMaximum(total)
        self.setValue(min(done, total))

    def _cancel(self) -> None:
        self.setLabelText("Cancelling…")
        self.job.cancel()


def run_with_progress(
    parent: QWidget | None, title: str, label: str, work: Callable[[ProgressCallback], Any]
) -> Any:
    """Run `work` on a pool thread with a progress dialog; the GUI keeps processing events."""
    job = Job(work)
    dialog = ProgressDialog(job, title, label, parent)
    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def finished(result: object) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(error: object) -> None:
        outcome["error"] = error
        loop.quit()

    def cancelled() -> None:
        outcome["result"] = CANCELLED
        loop.quit()

    job.finished.connect(finished)
    job.failed.connect(failed)
    job.cancelled.connect(cancelled)
    job.start()
    loop.exec()
    dialog.reset()
    dialog.deleteLater()
    if "error" in outcome:
        error = outcome["error"]
        assert isinstance(error, BaseException)
        raise error
    return outcome["result"]
