"""The timetable as an iCalendar (.ics) file that Outlook imports, and re-imports as updates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.services.bid.file_io import ExportOptions, ExportResult
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.store.models import Bid, Milestone, Partner, Task

PRODID = "-//CRM Bid Desktop//Timetable//EN"
UID_DOMAIN = "crmbid-desktop"
TIMEZONE = "Europe/London"
#: A timed milestone (a meeting, a noon deadline) shows as an hour in the diary.
TIMED_LENGTH = timedelta(hours=1)
# SEQUENCE counts minutes since this moment, so a later change always has a higher sequence and
# Outlook replaces the old copy instead of adding a second one.
_SEQUENCE_EPOCH = datetime(2005, 1, 1)


def event_uid(row_uuid: str) -> str:
    """Stable UID of a milestone's or task's event: the same row always gives the same UID."""
    return f"{row_uuid}@{UID_DOMAIN}"


def _sequence(modified_at: datetime) -> int:
    return max(0, int((modified_at - _SEQUENCE_EPOCH).total_seconds() // 60))


@dataclass(frozen=True)
class CalendarItem:
    """One event before it is written: all-day when ``start_time`` is None."""

    uuid: str
    summary: str
    description: str
    first_day: date
    last_day: date
    start_time: time | None
    modified_at: datetime
    category: str
    busy: bool


def calendar_items(workspace: Workspace) -> tuple[str, list[CalendarItem]]:
    """The bid's title and one item per milestone and per dated task."""
    with workspace.reading() as session:
        title = session.scalars(select(Bid.title)).first() or "Bid"
        milestones = list(session.scalars(select(Milestone).order_by(Milestone.due_on)))
        tasks = list(session.scalars(select(Task).order_by(Task.due_on, Task.position)))
        councils = {k: v for k, v in session.execute(select(Partner.id, Partner.name))}
    milestone_titles = {m.id: m.title for m in milestones}
    items: list[CalendarItem] = []
    for m in milestones:
        lines = [f"Milestone: {m.kind}{' (set by the department)' if m.external else ''}"]
        if m.flag:
            lines.append(f"WARNING: {m.flag}")
        if m.notes:
            lines.append(m.notes)
        items.append(
            CalendarItem(
                m.uuid,
                f"[{title}] {m.title}",
                "\n".join(lines),
                m.due_on,
                m.due_on,
                m.due_time,
                m.modified_at,
                "Milestone",
                m.kind == "meeting",
            )
        )
    for t in tasks:
        if t.start_on is None and t.due_on is None:
            continue
        first = t.start_on or t.due_on
        last = t.due_on or t.start_on
        assert first is not None and last is not None
        owner = " — ".join(
            part for part in (councils.get(t.owner_partner_id or -1, ""), t.owner_person) if part
        )
        lines = [
            f"Task: {t.status}, {t.priority} priority, {t.effort_days} working days",
            f"Due {format_date(last)}",
        ]
        if owner:
            lines.append(f"Owner: {owner}")
        if t.milestone_id in milestone_titles:
            lines.append(f"For: {milestone_titles[t.milestone_id]}")
        if t.description:
            lines.append(t.description)
        items.append(
            CalendarItem(
                t.uuid,
                f"[{title}] {t.title}",
                "\n".join(lines),
                min(first, last),
                max(first, last),
                None,
                t.modified_at,
                "Task",
                False,
            )
        )
    return title, items


def build_calendar(workspace: Workspace) -> bytes:
    """The .ics bytes: VERSION 2.0, PRODID, METHOD:PUBLISH, a VTIMEZONE for timed events."""
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event

    title, items = calendar_items(workspace)
    london = ZoneInfo(TIMEZONE)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{title}: timetable")
    calendar.add("x-wr-timezone", TIMEZONE)
    for item in items:
        event = Event()
        event.add("uid", event_uid(item.uuid))
        # Derived from the row's last change, not the clock: exporting twice without an edit
        # gives the same file, and an edited row carries a later stamp and a higher sequence.
        stamp = item.modified_at.replace(tzinfo=UTC)
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("sequence", _sequence(item.modified_at))
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("categories", [item.category])
        if item.start_time is None:
            event.add("dtstart", item.first_day)
            event.add("dtend", item.last_day + timedelta(days=1))  # DTEND is exclusive
        else:
            start = datetime.combine(item.first_day, item.start_time, tzinfo=london)
            event.add("dtstart", start)
            event.add("dtend", start + TIMED_LENGTH)
        event.add("transp", "OPAQUE" if item.busy else "TRANSPARENT")
        event.add("x-microsoft-cdo-busystatus", "BUSY" if item.busy else "FREE")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def export_calendar(workspace: Workspace, target: Path, options: ExportOptions) -> ExportResult:
    """Write the .ics all or nothing (a failed write leaves the previous file as it was)."""
    from crmbid_desktop.services.bid.atomic_files import atomic_write_bytes

    data = build_calendar(workspace)
    atomic_write_bytes(target, data)
    count = data.count(b"BEGIN:VEVENT")
    return ExportResult(target, f"Wrote {count} calendar events to {target}")
