"""Count every section's words once, off the GUI thread, before a whole-bid summary first shows.

Counting is the one cost of the dashboard and the preflight checklist in proportion to all of
the bid's text (about a millisecond a section). The texts are read here on the GUI thread (a
plain read) and counted on a pool thread (plain Python, no widget), which then reads the rest of
the summaries' facts and works out the plan (in sessions of its own); the pages that waited are
called back on the GUI thread. After that, a change set re-counts only the sections it names
(services/views/checklist.py).
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from datetime import date
from threading import Event

from PySide6.QtCore import QCoreApplication

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.views import checklist
from crmbid_desktop.ui.worker import Job

log = logging.getLogger(__name__)

_RUNNING: weakref.WeakKeyDictionary[Workspace, Job] = weakref.WeakKeyDictionary()

#: Up to this much uncounted text (about 40 ms of counting) is counted at once on the GUI thread:
#: a small bid shows its figures straight away; a big one shows them when the count is done.
COUNT_NOW_CHARACTERS = 150_000


def _count_and_warm_up(
    texts: list[tuple[str, str]], facts: checklist.BidChecklist, today: date, closing: Event
) -> int:
    counted = checklist.count_texts(texts)
    checklist.warm_up_plan()  # the dashboard's next need, loaded here rather than on the GUI
    if not closing.is_set():
        # The summaries' other facts and the plan (a few hundred milliseconds on a big bid)
        # are read here too, so the page that waited only puts them together on the GUI.
        try:
            facts.warm_up(today)
        except Exception:  # the bid closing under it, say: the page reads what it needs
            log.debug("Warming up the bid's summaries failed", exc_info=True)
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
        facts, today, closing, done = (
            checklist.checklist_for(workspace),
            workspace.today(),
            Event(),
            Event(),
        )

        def work(_report: object) -> int:
            try:
                return _count_and_warm_up(texts, facts, today, closing)
            finally:
                done.set()

        def wait_for_the_count() -> None:
            # Closing the bid waits for the reads under way (a second at most) rather than
            # closing the file under them.
            closing.set()
            done.wait(timeout=30)

        workspace.on_close(wait_for_the_count)
        job = Job(work, QCoreApplication.instance())
        job.finished.connect(job.deleteLater)
        job.failed.connect(job.deleteLater)
        _RUNNING[workspace] = job
        job.start()
    job.finished.connect(then)
    job.failed.connect(then)
    return False
