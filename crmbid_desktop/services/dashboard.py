"""The dashboard's figures: next deadline, tasks in trouble, section word limits, coverage, sign-off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from crmbid_desktop.domain.coverage import coverage
from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.domain.outline import OutlineItem, number_outline
from crmbid_desktop.domain.partner_rules import WITHDRAWN
from crmbid_desktop.domain.section_workflow import STATUSES as SECTION_STATUSES
from crmbid_desktop.domain.word_meter import meter_level
from crmbid_desktop.domain.wordcount import SECTION_WORDS
from crmbid_desktop.domain.working_days import WorkingCalendar
from crmbid_desktop.services.workspace import Workspace

# The dashboard is the first screen: it reads through table clauses, not the ORM models, so the
# window paints before the models are declared (see store/table_clauses.py).
from crmbid_desktop.store.table_clauses import bid as bid_table
from crmbid_desktop.store.table_clauses import criterion as criterion_table
from crmbid_desktop.store.table_clauses import milestone as milestone_table
from crmbid_desktop.store.table_clauses import partner as partner_table
from crmbid_desktop.store.table_clauses import section as section_table
from crmbid_desktop.store.table_clauses import section_criterion as link_table

if TYPE_CHECKING:  # planning (critical path, calendar) loads after the first paint
    from crmbid_desktop.services import planning

SIGNED_OFF = "signed off"


@dataclass(frozen=True)
class Countdown:
    """The next external deadline, or the last one when every deadline has passed."""

    milestone_id: int
    title: str
    due_on: date
    calendar_days: int  # negative once past
    working_days: int | None  # None once past: counting working days back years says nothing
    all_past: bool

    @property
    def text(self) -> str:
        when = format_date(self.due_on)
        if self.all_past:
            ago = -self.calendar_days
            return (
                f"Every external deadline has passed. The last was “{self.title}” on {when}, "
                f"{ago:,} calendar {'day' if ago == 1 else 'days'} ago."
            )
        if self.calendar_days == 0:
            return f"“{self.title}” is due today, {when}."
        working = self.working_days or 0
        return (
            f"“{self.title}” is due {when}: in {self.calendar_days:,} calendar "
            f"{'day' if self.calendar_days == 1 else 'days'}, {working:,} working "
            f"{'day' if working == 1 else 'days'}."
        )


def countdown(session: Session, today: date, calendar: WorkingCalendar) -> Countdown | None:
    m_ = milestone_table.c
    deadlines = session.execute(
        select(m_.id, m_.title, m_.due_on).where(m_.external.is_(True)).order_by(m_.due_on, m_.id)
    ).all()
    if not deadlines:
        return None
    upcoming = [m for m in deadlines if m.due_on >= today]
    if upcoming:
        m = upcoming[0]
        return Countdown(
            m.id,
            m.title,
            m.due_on,
            (m.due_on - today).days,
            calendar.working_days_between(today, m.due_on),
            False,
        )
    m = deadlines[-1]
    return Countdown(m.id, m.title, m.due_on, (m.due_on - today).days, None, True)


@dataclass(frozen=True)
class TaskAlert:
    id: int
    title: str
    due_on: date | None
    owner: str
    reason: str  # "overdue" or "at risk (2 days slack)"

    @property
    def text(self) -> str:
        due = f", due {format_date(self.due_on)}" if self.due_on else ""
        owner = f" — {self.owner}" if self.owner else ""
        return f"{self.title}{due}{owner} ({self.reason})"


@dataclass(frozen=True)
class SectionProgress:
    id: int
    label: str  # "4.1 Governance"
    status: str
    words: int
    word_limit: int | None
    level: str  # word_meter level: ok, near, over

    @property
    def words_text(self) -> str:
        return f"{self.words:,} / {self.word_limit:,}" if self.word_limit else f"{self.words:,}"


@dataclass(frozen=True)
class CriteriaCoverage:
    addressed: int
    total: int
    uncovered: tuple[tuple[int, str], ...]  # (criterion id, title)


@dataclass(frozen=True)
class SignOff:
    signed: int
    active: int
    waiting: tuple[tuple[int, str, str], ...]  # (partner id, name, status)


@dataclass(frozen=True)
class Dashboard:
    title: str
    funding_body: str
    today: date
    countdown: Countdown | None
    overdue: list[TaskAlert]
    at_risk: list[TaskAlert]
    sections: list[SectionProgress]
    by_status: list[tuple[str, int]]  # every workflow status in order, then any other
    coverage: CriteriaCoverage
    sign_off: SignOff
    plan_problem: str = ""


def _alert(row: planning.TaskRow, reason: str) -> TaskAlert:
    return TaskAlert(row.id, row.title, row.due_on, row.owner, reason)


@dataclass(frozen=True)
class Progress:
    """The part of the dashboard read straight from the bid (no calendar needed)."""

    title: str
    funding_body: str
    sections: list[SectionProgress]
    by_status: list[tuple[str, int]]
    coverage: CriteriaCoverage
    sign_off: SignOff


@dataclass(frozen=True)
class TimetableFigures:
    """The part that needs the bank-holiday calendar and the critical path."""

    countdown: Countdown | None
    overdue: list[TaskAlert]
    at_risk: list[TaskAlert]
    plan_problem: str = ""


def progress(workspace: Workspace, *, count_words: bool = True) -> Progress:
    """Sections, criteria coverage and sign-off: cheap, so the first paint can show them.

    Without `count_words` no section text is read or counted (words show as 0): counting is
    work in proportion to the bid, so before the first paint the dashboard leaves it to the
    full read that follows straight after.
    """
    s_, c_, l_, p_, b_ = (
        section_table.c,
        criterion_table.c,
        link_table.c,
        partner_table.c,
        bid_table.c,
    )
    with workspace.reading() as session:
        heading = session.execute(
            select(b_.title, b_.funding_body, b_.count_table_words).order_by(b_.id).limit(1)
        ).one()
        rows = session.execute(
            select(
                s_.id,
                s_.uuid,
                s_.parent_id,
                s_.position,
                s_.title,
                s_.status,
                s_.word_limit,
                s_.body if count_words else literal("").label("body"),
                s_.is_appendix,
            )
        ).all()
        criteria = session.execute(select(c_.id, c_.title).order_by(c_.position, c_.id)).all()
        links = [
            (section_id, criterion_id)
            for section_id, criterion_id in session.execute(select(l_.section_id, l_.criterion_id))
        ]
        partners = session.execute(
            select(p_.id, p_.name, p_.status).order_by(p_.position, p_.id)
        ).all()

    include_tables = bool(heading.count_table_words)
    by_id = {row.id: row for row in rows}
    sections = []
    for item in number_outline(OutlineItem(r.id, r.parent_id, r.position) for r in rows):
        row = by_id[item.key]
        number = "" if row.is_appendix else item.number
        words = (
            SECTION_WORDS.count(row.uuid, row.body or "", include_tables=include_tables)
            if count_words
            else 0
        )
        sections.append(
            SectionProgress(
                row.id,
                f"{number} {row.title}".strip(),
                row.status,
                words,
                row.word_limit,
                meter_level(words, row.word_limit),
            )
        )
    counts: dict[str, int] = {}
    for section in sections:
        counts[section.status] = counts.get(section.status, 0) + 1
    by_status = [(status, counts.pop(status, 0)) for status in SECTION_STATUSES]
    by_status += sorted(counts.items())

    found = coverage([c.id for c in criteria], [r.id for r in rows], links)
    uncovered = tuple((c.id, c.title) for c in criteria if c.id in found.uncovered_criteria)
    active = [p for p in partners if p.status != WITHDRAWN]
    waiting = tuple((p.id, p.name, p.status) for p in active if p.status != SIGNED_OFF)
    return Progress(
        title=heading.title,
        funding_body=heading.funding_body,
        sections=sections,
        by_status=by_status,
        coverage=CriteriaCoverage(len(criteria) - len(uncovered), len(criteria), uncovered),
        sign_off=SignOff(len(active) - len(waiting), len(active), waiting),
    )


def timetable_figures(workspace: Workspace, today: date) -> TimetableFigures:
    """The countdown in working days and the overdue and at-risk tasks."""
    from crmbid_desktop.services import planning

    calendar = planning.working_calendar()
    plan = planning.plan_view(workspace, today)
    with workspace.reading() as session:
        next_deadline = countdown(session, today, calendar)
    overdue = [_alert(t, "overdue") for t in plan.tasks if t.overdue]
    at_risk = [
        _alert(t, f"at risk: {t.schedule.slack} days slack" if t.schedule else "at risk")
        for t in plan.tasks
        if t.at_risk and not t.overdue
    ]
    return TimetableFigures(next_deadline, overdue, at_risk, plan.problem)


def dashboard(workspace: Workspace, today: date) -> Dashboard:
    """Everything the dashboard shows, read in one go."""
    read = progress(workspace)
    figures = timetable_figures(workspace, today)
    return Dashboard(
        title=read.title,
        funding_body=read.funding_body,
        today=today,
        countdown=figures.countdown,
        overdue=figures.overdue,
        at_risk=figures.at_risk,
        sections=read.sections,
        by_status=read.by_status,
        coverage=read.coverage,
        sign_off=read.sign_off,
        plan_problem=figures.plan_problem,
    )
