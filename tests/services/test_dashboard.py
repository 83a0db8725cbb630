"""The dashboard's figures over the ODPM template bid, with `today` fixed."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.views import dashboard as svc
from crmbid_desktop.store.models import Milestone, Partner, Section, SectionCriterion


def test_countdown_in_calendar_and_working_days(workspace: Workspace) -> None:
    with workspace.reading() as session:
        first = session.scalars(
            select(Milestone).where(Milestone.external.is_(True)).order_by(Milestone.due_on)
        ).first()
    assert first is not None
    today = first.due_on - timedelta(days=30)
    board = svc.dashboard(workspace, today)
    countdown = board.countdown
    assert countdown is not None and not countdown.all_past
    assert countdown.milestone_id == first.id
    assert countdown.calendar_days == (first.due_on - today).days
    assert countdown.working_days is not None
    assert 0 < countdown.working_days < countdown.calendar_days
    assert "calendar days" in countdown.text and "working days" in countdown.text


def test_known_countdown_over_a_bank_holiday(workspace: Workspace) -> None:
    with workspace.edit("Deadline") as session:
        session.add(
            Milestone(title="Test deadline", due_on=date(2005, 1, 4), external=True)  # Tue
        )
    with workspace.reading() as session:
        from crmbid_desktop.services.registers.planning import working_calendar

        found = svc.countdown(session, date(2004, 12, 31), working_calendar())  # Fri
    assert found is not None
    # Mon 3 Jan 2005 is the New Year substitute holiday: only Tue 4 Jan counts.
    assert (found.calendar_days, found.working_days) == (4, 1)


def test_all_deadlines_past_says_so_and_names_the_last(workspace: Workspace) -> None:
    board = svc.dashboard(workspace, date(2026, 5, 1))
    countdown = board.countdown
    assert countdown is not None and countdown.all_past
    with workspace.reading() as session:
        last = session.scalars(
            select(Milestone).where(Milestone.external.is_(True)).order_by(Milestone.due_on.desc())
        ).first()
    assert last is not None
    assert countdown.milestone_id == last.id
    assert countdown.text.startswith("Every external deadline has passed.")
    assert countdown.working_days is None


def test_overdue_tasks_in_2026(workspace: Workspace) -> None:
    board = svc.dashboard(workspace, date(2026, 5, 1))
    assert board.overdue, "every unfinished 2005 task is overdue in 2026"
    assert all(alert.reason == "overdue" for alert in board.overdue)
    assert not {a.id for a in board.overdue} & {a.id for a in board.at_risk}


def test_sections_coverage_and_sign_off(workspace: Workspace) -> None:
    with workspace.edit("Set up") as session:
        section = session.scalars(
            select(Section).where(Section.word_limit.is_not(None)).order_by(Section.id)
        ).first()
        assert section is not None and section.word_limit is not None
        section.body = " ".join(["word"] * (section.word_limit + 5))
        section_id = section.id
        leeds = session.scalars(select(Partner).order_by(Partner.id)).first()
        assert leeds is not None
        leeds.status = "signed off"
        session.add(Partner(name="Gone", status="withdrawn"))
        links = session.scalars(select(SectionCriterion)).all()
        for link in links:
            session.delete(link)
    board = svc.dashboard(workspace, date(2005, 6, 1))
    over = next(s for s in board.sections if s.id == section_id)
    assert over.level == "over" and over.words == over.word_limit + 5  # type: ignore[operator]
    assert [status for status, _ in board.by_status][:4] == [
        "not started",
        "drafting",
        "ready for review",
        "approved",
    ]
    assert sum(n for _, n in board.by_status) == len(board.sections) == 14
    assert board.coverage.total == 10 and board.coverage.addressed == 0
    assert len(board.coverage.uncovered) == 10
    assert (board.sign_off.signed, board.sign_off.active) == (1, 2)
    assert [name for _, name, _ in board.sign_off.waiting] == ["London Borough of Newham"]


def test_what_to_do_next_on_thursday_4_august(workspace: Workspace) -> None:
    """Overdue first, then this week's tasks, then partners to sign off; plain words throughout."""
    board = svc.dashboard(workspace, date(2005, 8, 4))
    urgencies = [step.urgency for step in board.next_steps]
    assert urgencies == sorted(urgencies, key=svc.URGENCY_ORDER.index)
    assert urgencies[0] == svc.OVERDUE
    overdue = [s for s in board.next_steps if s.urgency == svc.OVERDUE]
    assert all(s.kind == "task" and "was due" in s.text and "ago" in s.text for s in overdue)
    this_week = [s for s in board.next_steps if s.urgency == svc.THIS_WEEK]
    eoi = next(s for s in this_week if s.text.startswith("Write and send the expression"))
    assert "due Fri 5 Aug 2005, in 1 day." in eoi.text
    assert all(s.due_on is not None and s.due_on < date(2005, 8, 11) for s in this_week)
    partners = [s for s in board.next_steps if s.kind == "partner" and s.urgency == svc.TO_DO]
    assert [s.text for s in partners] == [
        "Leeds City Council has not signed off yet (it is interested).",
        "London Borough of Newham has not signed off yet (it is interested).",
    ]
    assert not any("slack" in s.text or "-1" in s.text for s in board.next_steps)


def test_preflight_problems_follow_the_dated_steps(workspace: Workspace) -> None:
    """The Export page's problems are next steps too, once each, each opening its place."""
    board = svc.dashboard(workspace, date(2005, 8, 4))
    before = [s for s in board.next_steps if s.urgency == svc.BEFORE_EXPORT]
    assert board.next_steps[-len(before) :] == before
    assert any(s.kind == "section" and s.text.endswith("has no text yet.") for s in before)
    assert any(s.kind == "bid" for s in before)
    assert not any("has not signed off" in s.text for s in before)


def test_a_section_behind_its_due_date_is_a_next_step(workspace: Workspace) -> None:
    with workspace.edit("Due") as session:
        section = session.scalars(select(Section).order_by(Section.id)).first()
        assert section is not None
        section.due_on = date(2005, 8, 1)
        section.status = "drafting"
        section_id = section.id
    board = svc.dashboard(workspace, date(2005, 8, 4))
    behind = [s for s in board.next_steps if s.urgency == svc.BEHIND]
    assert [(s.kind, s.key) for s in behind] == [("section", section_id)]
    assert behind[0].text == (
        "Section 1 Executive summary was due Mon 1 Aug 2005 (3 days ago) and is drafting: "
        "0 / 400 words."
    )
    with workspace.edit("Approved") as session:
        approved = session.get(Section, section_id)
        assert approved is not None
        approved.status = "approved"
    board = svc.dashboard(workspace, date(2005, 8, 4))
    assert not [s for s in board.next_steps if s.urgency == svc.BEHIND]


def test_coverage_counts_a_criterion_only_when_a_linked_section_has_text(
    workspace: Workspace,
) -> None:
    board = svc.dashboard(workspace, date(2005, 6, 1))
    # The template links every criterion to a section, but no section has any text yet.
    assert board.coverage.addressed == 0
    assert board.coverage.linked_only == 10
    with workspace.reading() as session:
        link = session.scalars(select(SectionCriterion).order_by(SectionCriterion.id)).first()
        assert link is not None
        section_id = link.section_id
        linked = {
            c.criterion_id
            for c in session.scalars(
                select(SectionCriterion).where(SectionCriterion.section_id == section_id)
            )
        }
    with workspace.edit("Write") as session:
        section = session.get(Section, section_id)
        assert section is not None
        section.body = "The partnership will keep every product alive."
    board = svc.dashboard(workspace, date(2005, 6, 1))
    assert board.coverage.addressed == len(linked)
    assert board.coverage.linked_only == 10 - len(linked)


def test_countdown_urgency_in_words_and_for_colour(workspace: Workspace) -> None:
    on_the_day = svc.dashboard(workspace, date(2005, 8, 8)).countdown
    assert on_the_day is not None
    assert on_the_day.urgency == "now"
    assert on_the_day.text == "Today, Mon 8 Aug 2005: Expressions of interest due."
    early = svc.dashboard(workspace, date(2005, 7, 1)).countdown
    assert early is not None and early.urgency == ""
    assert "is due" not in early.text
