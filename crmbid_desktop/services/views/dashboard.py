"""The dashboard's figures: next deadline, tasks in trouble, section word limits, coverage, sign-off."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmbid_desktop.domain.coverage import coverage
from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.domain.outline import OutlineItem, number_outline
from crmbid_desktop.domain.partner_rules import WITHDRAWN
from crmbid_desktop.domain.preflight import SIGN_OFF, PreflightItem
from crmbid_desktop.domain.section_workflow import STATUSES as SECTION_STATUSES
from crmbid_desktop.domain.word_meter import meter_level
from crmbid_desktop.domain.working_days import WorkingCalendar
from crmbid_desktop.services.bid.workspace import Workspace

# The dashboard is the first screen: it reads through table clauses, not the ORM models, so the
# window paints before the models are declared (see store/table_clauses.py).
from crmbid_desktop.store.table_clauses import bid as bid_table
from crmbid_desktop.store.table_clauses import criterion as criterion_table
from crmbid_desktop.store.table_clauses import milestone as milestone_table
from crmbid_desktop.store.table_clauses import partner as partner_table
from crmbid_desktop.store.table_clauses import section as section_table
from crmbid_desktop.store.table_clauses import section_criterion as link_table

if TYPE_CHECKING:  # planning (critical path, calendar) loads after the first paint
    from crmbid_desktop.services.registers import planning
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
            return f"Today, {when}: {self.title}."
        working = self.working_days or 0
        return (
            f"{self.title}: {when}, in {self.calendar_days:,} calendar "
            f"{'day' if self.calendar_days == 1 else 'days'} ({working:,} working "
            f"{'day' if working == 1 else 'days'})."
        )

    @property
    def urgency(self) -> str:
        """How soon, for colour: "past", "now" (today or within 2 working days), "soon" (within
        5), or "" when there is time."""
        if self.all_past:
            return "past"
        if self.calendar_days == 0 or (self.working_days or 0) <= 2:
            return "now"
        if (self.working_days or 0) <= 5:
            return "soon"
        return ""


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


#: Urgency of a next step, most urgent first; the page colours them danger, warning, or plain.
OVERDUE, TODAY, THIS_WEEK, BEHIND, TO_DO = "overdue", "today", "this week", "behind", "to do"
#: A preflight problem (domain/preflight.py): to fix before the final proposal goes out.
BEFORE_EXPORT = "before export"
URGENCY_ORDER = (OVERDUE, TODAY, BEHIND, THIS_WEEK, TO_DO, BEFORE_EXPORT)
#: "Due this week": due within this many calendar days from today.
WEEK_DAYS = 7


@dataclass(frozen=True)
class NextStep:
    """One thing the team should do next, with the page and item that does it."""

    urgency: str  # one of URGENCY_ORDER
    kind: str  # "task", "section", "partner": what opens it
    key: int
    text: str
    due_on: date | None = None


def _days(count: int) -> str:
    return f"{count:,} {'day' if count == 1 else 'days'}"


def section_steps(sections: list[SectionProgress], today: date) -> list[NextStep]:
    """Sections past their own due date and not yet approved."""
    steps = []
    for section in sections:
        if section.due_on is None or section.status == "approved" or section.due_on >= today:
            continue
        late = (today - section.due_on).days
        steps.append(
            NextStep(
                BEHIND,
                "section",
                section.id,
                f"Section {section.label} was due {format_date(section.due_on)} "
                f"({_days(late)} ago) and is {section.status}: {section.words_text} words.",
                section.due_on,
            )
        )
    return steps


def sign_off_steps(sign_off: SignOff) -> list[NextStep]:
    """Partner councils still to sign off the bid."""
    return [
        NextStep(TO_DO, "partner", partner_id, f"{name} has not signed off yet (it is {status}).")
        for partner_id, name, status in sign_off.waiting
    ]


def task_steps(tasks: list[planning.TaskRow], today: date) -> list[NextStep]:
    """Unfinished tasks that are overdue, due today, at risk, or due within the week."""
    steps = []
    for task in tasks:
        if task.status == "done" or task.due_on is None:
            continue
        owner = f" ({task.owner})" if task.owner else ""
        due = format_date(task.due_on)
        days_left = (task.due_on - today).days
        if task.due_on < today:
            steps.append(
                NextStep(
                    OVERDUE,
                    "task",
                    task.id,
                    f"{task.title}{owner}: was due {due}, {_days(-days_left)} ago.",
                    task.due_on,
                )
            )
        elif days_left == 0:
            steps.append(
                NextStep(TODAY, "task", task.id, f"{task.title}{owner}: due today.", task.due_on)
            )
        elif days_left < WEEK_DAYS:
            spare = ""
            if task.at_risk and task.schedule is not None:
                slack = task.schedule.slack
                spare = (
                    " It is already late for the deadline it leads to."
                    if slack < 0
                    else " No time to spare before the deadline it leads to."
                    if slack == 0
                    else f" Only {_days(slack)} to spare before the deadline it leads to."
                )
            steps.append(
                NextStep(
                    THIS_WEEK,
                    "task",
                    task.id,
                    f"{task.title}{owner}: due {due}, in {_days(days_left)}.{spare}",
                    task.due_on,
                )
            )
    return steps


def preflight_steps(items: list[PreflightItem], already: list[NextStep]) -> list[NextStep]:
    """The Export page's preflight problems as steps, each opening the place that fixes it.

    A partner already listed as still to sign off is not listed twice for the same reason.
    """
    listed = {(step.kind, step.key) for step in already if step.kind == "partner"}
    return [
        NextStep(BEFORE_EXPORT, item.item_kind or "bid", item.item_key or 0, item.message)
        for item in items
        if not (item.kind == SIGN_OFF and (item.item_kind, item.item_key) in listed)
    ]


def order_steps(steps: list[NextStep]) -> list[NextStep]:
    """Most urgent first; within one urgency, the earliest date first."""
    return sorted(
        steps,
        key=lambda step: (
            URGENCY_ORDER.index(step.urgency),
            step.due_on or date.max,
            step.text,
        ),
    )


@dataclass(frozen=True)
class TaskAlert:
    id: int
    title: str
    due_on: date | None
    owner: str
    reason: str  # "overdue" or "at risk: 2 days to spare"

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
    due_on: date | None = None

    @property
    def words_text(self) -> str:
        return f"{self.words:,} / {self.word_limit:,}" if self.word_limit else f"{self.words:,}"


@dataclass(frozen=True)
class CriteriaCoverage:
    """Criteria addressed by a section that has text: a link to an empty section counts for
    nothing yet."""

    addressed: int
    total: int
    uncovered: tuple[tuple[int, str], ...]  # (criterion id, title)
    linked_only: int = 0  # linked to sections, but none of them has text yet


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
    next_steps: list[NextStep] = field(default_factory=list)


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
    next_steps: list[NextStep] = field(default_factory=list)  # sections and partners only


@dataclass(frozen=True)
class TimetableFigures:
    """The part that needs the bank-holiday calendar and the critical path."""

    countdown: Countdown | None
    overdue: list[TaskAlert]
    at_risk: list[TaskAlert]
    plan_problem: str = ""
    next_steps: list[NextStep] = field(default_factory=list)  # tasks only


def progress(
    workspace: Workspace, today: date | None = None, *, count_words: bool = True
) -> Progress:
    """Sections, criteria coverage and sign-off: cheap, so the first paint can show them.

    With `today`, the next steps for sections behind their due date and partners still to sign
    off come too. Without `count_words` no section text is read or counted (words show as 0):
    counting is work in proportion to the bid, so before the first paint the dashboard leaves it
    to the full read that follows straight after.
    """
    if not count_words:
        return _first_paint_progress(workspace, today)
    from crmbid_desktop.services.views.checklist import checklist_for

    checklist = checklist_for(workspace)
    bid = checklist.bid()
    numbered = checklist.sections()
    sections = [
        SectionProgress(
            s.fact.id,
            f"{s.number} {s.fact.title}".strip(),
            s.fact.status,
            words := s.fact.words_counted(bid.count_table_words),
            s.fact.word_limit,
            meter_level(words, s.fact.word_limit),
            s.fact.due_on,
        )
        for s in numbered
    ]
    found = checklist.criteria()
    criteria = [(key, title) for key, title, _description in found.criteria]
    written = [s.fact.id for s in numbered if s.fact.has_text]
    partners = [(p.id, p.name, p.status) for p in checklist.partners()]
    return _progress(
        bid.title,
        bid.funding_body,
        sections,
        criteria,
        [s.fact.id for s in numbered],
        list(found.links),
        written,
        partners,
        today,
    )


def _first_paint_progress(workspace: Workspace, today: date | None) -> Progress:
    """Progress read through table clauses, before the ORM models load, counting no words."""
    s_, c_, l_, p_, b_ = (
        section_table.c,
        criterion_table.c,
        link_table.c,
        partner_table.c,
        bid_table.c,
    )
    with workspace.reading() as session:
        heading = session.execute(select(b_.title, b_.funding_body).order_by(b_.id).limit(1)).one()
        rows = session.execute(
            select(
                s_.id,
                s_.parent_id,
                s_.position,
                s_.title,
                s_.status,
                s_.word_limit,
                s_.is_appendix,
                s_.due_on,
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
    by_id = {row.id: row for row in rows}
    sections = []
    for item in number_outline(OutlineItem(r.id, r.parent_id, r.position) for r in rows):
        row = by_id[item.key]
        number = "" if row.is_appendix else item.number
        sections.append(
            SectionProgress(
                row.id,
                f"{number} {row.title}".strip(),
                row.status,
                0,
                row.word_limit,
                meter_level(0, row.word_limit),
                row.due_on,
            )
        )
    return _progress(
        heading.title,
        heading.funding_body,
        sections,
        [(c.id, c.title) for c in criteria],
        [r.id for r in rows],
        links,
        [],  # no text read yet: no criterion counts as addressed until the full read
        [(p.id, p.name, p.status) for p in partners],
        today,
    )


def _progress(
    title: str,
    funding_body: str,
    sections: list[SectionProgress],
    criteria: list[tuple[int, str]],
    section_ids: list[int],
    links: list[tuple[int, int]],
    written: list[int],
    partners: list[tuple[int, str, str]],
    today: date | None,
) -> Progress:
    counts: dict[str, int] = {}
    for section in sections:
        counts[section.status] = counts.get(section.status, 0) + 1
    by_status = [(status, counts.pop(status, 0)) for status in SECTION_STATUSES]
    by_status += sorted(counts.items())

    # A criterion is addressed only by a section that says something: links to empty
    # sections are plans, not coverage.
    # The rule is domain.coverage's, shared with the Criteria page's gap line.
    found = coverage([key for key, _ in criteria], section_ids, links, written=written)
    uncovered = tuple((key, name) for key, name in criteria if key in found.uncovered_criteria)
    linked_only = len(found.linked_only)
    active = [p for p in partners if p[2] != WITHDRAWN]
    waiting = tuple(p for p in active if p[2] != SIGNED_OFF)
    sign_off = SignOff(len(active) - len(waiting), len(active), waiting)
    steps = section_steps(sections, today) + sign_off_steps(sign_off) if today else []
    return Progress(
        title=title,
        funding_body=funding_body,
        sections=sections,
        by_status=by_status,
        coverage=CriteriaCoverage(
            len(criteria) - len(uncovered), len(criteria), uncovered, linked_only
        ),
        sign_off=sign_off,
        next_steps=steps,
    )


def timetable_figures(workspace: Workspace, today: date) -> TimetableFigures:
    """The countdown in working days and the overdue and at-risk tasks."""
    from crmbid_desktop.services.registers import planning
    from crmbid_desktop.services.views.checklist import checklist_for

    calendar = planning.working_calendar()
    plan = checklist_for(workspace).plan(today)
    with workspace.reading() as session:
        next_deadline = countdown(session, today, calendar)
    overdue = [_alert(t, "overdue") for t in plan.tasks if t.overdue]
    at_risk = [
        _alert(
            t, f"at risk: {_days(max(t.schedule.slack, 0))} to spare" if t.schedule else "at risk"
        )
        for t in plan.tasks
        if t.at_risk and not t.overdue
    ]
    steps = task_steps(list(plan.tasks), today)
    return TimetableFigures(next_deadline, overdue, at_risk, plan.problem, steps)


def dashboard(workspace: Workspace, today: date) -> Dashboard:
    """Everything the dashboard shows, read in one go."""
    read = progress(workspace, today)
    figures = timetable_figures(workspace, today)
    steps = figures.next_steps + read.next_steps
    from crmbid_desktop.services.views.checklist import checklist_for

    problems = checklist_for(workspace).preflight(today)
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
        # Preflight keeps its own order (section by section), after everything with a date.
        next_steps=order_steps(steps) + preflight_steps(problems, steps),
    )
