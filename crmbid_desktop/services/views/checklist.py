"""What the dashboard and the preflight checklist know about a bid, kept up to date by change sets.

Both summaries look at the whole bid, but a write changes a few rows. `BidChecklist` keeps the
facts they need, per section (with its word counts) and per table group, and takes each change set
as it is made (`Workspace.on_changed`, undo and redo included): a changed section is read again
by itself, a removed one dropped, and a group of small tables (criteria, councils, timetable,
clarifications, the bid's own row) is read again only when one of its tables changed. So saving
a section's text costs one row read and one word count, not a read and a count of every section.
"""

from __future__ import annotations

import threading
import weakref
from collections import deque
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select

from crmbid_desktop.domain import preflight as rules
from crmbid_desktop.domain.preflight import PreflightItem
from crmbid_desktop.domain.wordcount import SECTION_WORDS
from crmbid_desktop.services.bid import preflight_facts as facts
from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.preflight_facts import (
    BidRow,
    CriteriaFacts,
    NumberedSection,
    PartnerRow,
    SectionFact,
)
from crmbid_desktop.services.bid.workspace import Workspace

#: Each group of small tables, read again whole when any of its tables changed.
GROUP_TABLES: dict[str, frozenset[str]] = {
    "bid": frozenset({"bid"}),
    "criteria": frozenset({"criterion", "section_criterion"}),
    "partners": frozenset({"partner", "attachment"}),
    "timetable": frozenset({"milestone", "task"}),
    "clarifications": frozenset({"clarification"}),
}

#: What the timetable's plan is worked out from (besides section titles, compared on their own).
PLAN_TABLES = ("task", "milestone", "task_dependency", "partner", "bid")


def uncounted_texts(workspace: Workspace) -> list[tuple[str, str]]:
    """(section uuid, text) of every section whose words are not counted yet.

    Counting is the one cost in proportion to the bid's text: the GUI reads these, then counts
    them off its thread (`count_texts`) before the first full dashboard or checklist.
    """
    from crmbid_desktop.store.models import Section

    with workspace.reading() as session:
        rows = session.execute(select(Section.uuid, Section.body)).all()
    return [
        (str(uuid), body)
        for uuid, body in rows
        if body and body.strip() and not SECTION_WORDS.known(str(uuid), body)
    ]


def count_texts(texts: Iterable[tuple[str, str]]) -> int:
    """Count and keep the words of each (uuid, text); plain Python, safe on a worker thread."""
    counted = 0
    for uuid, body in texts:
        SECTION_WORDS.counts(uuid, body)
        counted += 1
    return counted


def warm_up_plan() -> None:
    """Load what working out the plan first needs (the planning code and the bank-holiday
    tables, a few hundred milliseconds of imports); plain Python, safe on a worker thread."""
    import holidays

    from crmbid_desktop.services.registers import planning  # noqa: F401  (imported to load it)

    holidays.country_holidays("GB", subdiv="ENG", years=2005)


class BidChecklist:
    """The facts of one open bid that its whole-bid summaries need, updated by change sets."""

    def __init__(self, workspace: Workspace) -> None:
        # Weak, so the registry below does not keep a closed bid's workspace alive.
        self._workspace = weakref.ref(workspace)
        self._lock = threading.Lock()  # change sets may come from a worker thread's write
        self._sections: dict[str, SectionFact] | None = None
        self._numbered: list[NumberedSection] | None = None  # the outline of `_sections`
        self._dirty: set[str] = set()  # section uuids to read again
        self._groups: dict[str, Any] = {}
        # Bumped by every change set that touches a group: a read that a write overtook is
        # used once but not kept.
        self._generation: dict[str, int] = {}
        self._seen: deque[ChangeSet] = deque(maxlen=16)  # the last change sets taken
        self.reads: dict[str, int] = {}  # how often each part was read: for tests
        self._plan: tuple[date, Any, tuple[tuple[int, str], ...]] | None = None
        workspace.on_changed(self.apply_changes)

    @property
    def workspace(self) -> Workspace:
        found = self._workspace()
        if found is None:
            raise RuntimeError("The bid this checklist follows is closed.")
        return found

    # -- change sets ---------------------------------------------------------------------------
    def apply_changes(self, changes: ChangeSet) -> None:
        """Forget just what `changes` made out of date (called on the writing thread).

        A page that is told of a write may be told before this checklist is (listeners run in
        the order they came): it calls this first itself. A change set is taken once.
        """
        with self._lock:
            if any(seen is changes for seen in self._seen):
                return
            self._seen.append(changes)
            if changes.touches("section"):
                # Removed rows too: reading them again finds nothing and drops them, even when
                # a read already under way puts back what it had.
                self._dirty |= changes.rows("section")
            for group, tables in GROUP_TABLES.items():
                if changes.touches(*tables):
                    self._groups.pop(group, None)
                    self._generation[group] = self._generation.get(group, 0) + 1
            if changes.touches(*PLAN_TABLES):
                self._plan = None
                self._generation["plan"] = self._generation.get("plan", 0) + 1

    def _count(self, part: str) -> None:
        self.reads[part] = self.reads.get(part, 0) + 1

    # -- sections ------------------------------------------------------------------------------
    def counted(self) -> bool:
        """Whether every section's words are known already (no text to read and count)."""
        return self._sections is not None

    def sections(self) -> list[NumberedSection]:
        """Every section in outline order, numbered, with its word counts."""
        with self._lock:
            known = self._sections
            dirty = set(self._dirty)
            self._dirty.clear()
            if known is not None and not dirty and self._numbered is not None:
                return self._numbered
        if known is None:
            with self.workspace.reading() as session:
                known = facts.read_sections(session)
            self._count("all sections")
        elif dirty:
            from crmbid_desktop.store.models import Section

            with self.workspace.reading() as session:
                rows = session.execute(
                    select(*facts.section_columns()).where(Section.uuid.in_(sorted(dirty)))
                ).all()
            self._count("changed sections")
            found = {str(row.uuid): facts.section_fact(row) for row in rows}
            known = dict(known)
            for uuid in dirty:
                if uuid in found:
                    known[uuid] = found[uuid]
                else:  # removed again in a later write
                    known.pop(uuid, None)
        with self._lock:
            self._sections = known
            self._numbered = None
        numbered = facts.numbered_sections(known.values())
        with self._lock:
            if self._sections is known:
                self._numbered = numbered
        return numbered

    # -- groups of small tables ----------------------------------------------------------------
    def _group(self, name: str) -> Any:
        with self._lock:
            kept = self._groups.get(name)
            generation = self._generation.get(name, 0)
        if kept is not None:
            return kept
        with self.workspace.reading() as session:
            value = getattr(self, f"_read_{name}")(session)
        self._count(name)
        with self._lock:
            if self._generation.get(name, 0) == generation:
                self._groups[name] = value
        return value

    def bid(self) -> BidRow:
        return self._group("bid")  # type: ignore[no-any-return]

    def criteria(self) -> CriteriaFacts:
        return self._group("criteria")  # type: ignore[no-any-return]

    def partners(self) -> tuple[PartnerRow, ...]:
        return self._group("partners")  # type: ignore[no-any-return]

    # The groups' readers, looked up by name in `_group`: the one home of these facts.
    _read_bid = staticmethod(facts.read_bid)
    _read_criteria = staticmethod(facts.read_criteria)
    _read_partners = staticmethod(facts.read_partners)
    _read_timetable = staticmethod(facts.read_milestones)
    _read_clarifications = staticmethod(facts.read_clarifications)

    # -- what the summaries ask ----------------------------------------------------------------
    def warm_up(self, today: date) -> None:
        """Read every fact the whole-bid summaries show and work out the plan for `today`, so
        that the first summary only puts them together; safe on a worker thread (each read is
        a session of its own, and a write meanwhile makes what it overtook be read again)."""
        self.sections()
        for group in ("bid", "criteria", "partners", "timetable", "clarifications"):
            self._group(group)
        self.plan(today)

    def preflight(self, today: date) -> list[PreflightItem]:
        """The proposal's preflight problems (domain/preflight.py's rules) from the kept facts."""
        bid = self.bid()
        return rules.check(
            sections=facts.section_facts(self.sections(), bid.count_table_words),
            criteria=facts.criterion_facts(self.criteria()),
            partners=[row.facts for row in self.partners()],
            milestones=list(self._group("timetable")),
            today=today,
            clarifications=list(self._group("clarifications")),
            contact=bid.contact,
        )

    def plan(self, today: date) -> Any:
        """planning.plan_view for `today`, worked out again only when the timetable, the
        councils, the bid or a section's title changed (a section's text does not matter)."""
        titles = tuple((s.fact.id, s.fact.title) for s in self.sections())
        with self._lock:
            kept = self._plan
            generation = self._generation.get("plan", 0)
        if kept is not None and kept[0] == today and kept[2] == titles:
            return kept[1]
        from crmbid_desktop.services.registers import planning

        view = planning.plan_view(self.workspace, today)
        self._count("plan")
        with self._lock:
            if self._generation.get("plan", 0) == generation:
                self._plan = (today, view, titles)
        return view


_CHECKLISTS: weakref.WeakKeyDictionary[Workspace, BidChecklist] = weakref.WeakKeyDictionary()


def checklist_for(workspace: Workspace) -> BidChecklist:
    """The one `BidChecklist` of an open bid (made on first use; it follows every write after)."""
    found = _CHECKLISTS.get(workspace)
    if found is None:
        found = _CHECKLISTS[workspace] = BidChecklist(workspace)
    return found


def document_checklist(
    workspace: Workspace, document: str, *, today: date | None = None
) -> list[PreflightItem]:
    """The Export page's checklist for the chosen document, from this bid's kept facts.

    The proposal's comes from the cache above (a big bid's words are not counted again); the
    letter's few facts are read as they are (services/bid/preflight.py), as is the whole
    proposal checklist when the Word export itself checks a final export.
    """
    from crmbid_desktop.services.bid.preflight import EOI, letter_preflight

    if document == EOI:
        return letter_preflight(workspace)
    return checklist_for(workspace).preflight(today or date.today())


def written_sections(workspace: Workspace) -> frozenset[int]:
    """Sections with text (domain.coverage.has_text): only they address a criterion.

    From the bid's checklist, which counts each section's words once per version of its text.
    """
    return frozenset(s.fact.id for s in checklist_for(workspace).sections() if s.fact.has_text)
