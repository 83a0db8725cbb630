"""Count every section's words once, off the GUI thread, before a whole-bid summary first shows.

Counting is the one cost of the dashboard and the preflight checklist in proportion to all of
the bid's text (about a millisecond a section). The texts are read here on the GUI thread (a
plain read), counted on a pool thread (plain Python, no bid session, no widget), and the pages
that waited are called back on the GUI thread. After that, a change set re-counts only the
sections it names (services/views/checklist.py).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.views import checklist
from crmbid_desktop.ui.worker import Job

_RUNNING: weakref.WeakKeyDictionary[Workspace, Job] = weakref.WeakKeyDictionary()

#: Up to this much uncounted text (about 40 ms of counting) is counted at once on the GUI thread:
#: a small bid shows its figures straight away; a big one shows them when the count is done.
COUNT_NOW_CHARACTERS = 150_000


def _count_and_warm_up(texts: list[tuple[str, str]]) -> int:
    counted = checklist.count_texts(texts)
    checklist.warm_up_plan()  # the dashboard's next need, loaded here rather than on the GUI
    return counted


def words_counted(workspace: Workspace, then: Callable[[object], None]) -> bool:
    """True when every section's words are known (counting a little now if need be).

    Otherwise counts the rest on a pool thread and returns False; `then` (a bound method of a
    widget, so Qt forgets it if the widget goes) is called on the GUI thread when counting ends,
    or fails (the summary then counts what is left itself), so a page never waits for ever.
    Several pages asking at once share one count.
    """
    if checklist.checklist_for(workspace).counted():
        return True
    job = _RUNNING.get(workspace)
    if job is None or not job.running:
        texts = checklist.uncounted_texts(workspace)
        if sum(len(text) for _uuid, text in texts) <= COUNT_NOW_CHARACTERS:
            checklist.count_texts(texts)
            return True
        # Owned by the application, so closing the bid meanwhile cannot delete it under its
        # own thread; it deletes itself once it has told everyone.
        job = Job(lambda _report: _count_and_warm_up(texts), QCoreApplication.instance())
        job.finished.connect(job.deleteLater)
        job.failed.connect(job.deleteLater)
        _RUNNING[workspace] = job
        job.start()
    job.finished.connect(then)
    job.failed.connect(then)
    return False
