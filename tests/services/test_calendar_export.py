"""The .ics export parsed back: one event per milestone and dated task, stable UIDs, all-day dates."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

from icalendar import Calendar

from crmbid_desktop.services import formats
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import planning
from crmbid_desktop.services.registers.planning import MilestoneInput
from crmbid_desktop.services.spreadsheets.calendar_export import build_calendar, event_uid

TODAY = date(2005, 8, 15)


def _events(data: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(data)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_ics_has_every_milestone_and_task_with_stable_uids(workspace: Workspace) -> None:
    data = build_calendar(workspace)
    calendar = Calendar.from_ical(data)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert "CRM Bid Desktop" in str(calendar["PRODID"])
    events = _events(data)
    view = planning.plan_view(workspace, TODAY)
    expected = {event_uid(m.uuid) for m in view.milestones} | {
        event_uid(t.uuid) for t in view.tasks
    }
    assert set(events) == expected and len(events) == 20

    eoi = next(m for m in view.milestones if m.title == "Expressions of interest due")
    event = events[event_uid(eoi.uuid)]
    assert str(event["SUMMARY"]) == (  # type: ignore[index]
        "[Ownership of the CRM National Project] Expressions of interest due"
    )
    assert event["DTSTART"].dt == date(2005, 8, 8)  # type: ignore[index]
    assert event["DTEND"].dt == date(2005, 8, 9)  # type: ignore[index]

    draft = next(t for t in view.tasks if t.title == "Full draft of the proposal")
    task_event = events[event_uid(draft.uuid)]
    assert task_event["DTSTART"].dt == date(2005, 8, 11)  # type: ignore[index]
    assert task_event["DTEND"].dt == date(2005, 8, 23)  # type: ignore[index]

    # Exporting again without an edit gives the same bytes: Outlook sees no change.
    assert build_calendar(workspace) == data


def test_timed_milestone_in_london_time_and_edits_raise_the_sequence(workspace: Workspace) -> None:
    milestone_id = planning.add_milestone(
        workspace, MilestoneInput("Meet ODPM in London", date(2005, 8, 10), time(14, 30), "meeting")
    )
    first = _events(build_calendar(workspace))
    uuid = next(
        m.uuid for m in planning.plan_view(workspace, TODAY).milestones if m.id == milestone_id
    )
    event = first[event_uid(uuid)]
    start = event["DTSTART"].dt  # type: ignore[index]
    assert isinstance(start, datetime)
    assert (start.hour, start.minute, str(start.tzinfo)) == (14, 30, "Europe/London")
    assert start.utcoffset() == timedelta(hours=1)  # British Summer Time
    assert b"BEGIN:VTIMEZONE" in build_calendar(workspace)

    planning.save_milestone_fields(
        workspace,
        milestone_id,
        planning.load_milestone(workspace, milestone_id),
        MilestoneInput("Meet ODPM in London", date(2005, 8, 11), time(14, 30), "meeting"),
    )
    second = _events(build_calendar(workspace))[event_uid(uuid)]
    assert second["DTSTART"].dt.date() == date(2005, 8, 11)  # type: ignore[index]
    assert int(second["SEQUENCE"]) >= int(event["SEQUENCE"])  # type: ignore[index]
    assert second["DTSTAMP"].dt >= event["DTSTAMP"].dt  # type: ignore[index]


def test_registry_chooses_the_calendar_for_ics(workspace: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "timetable.ics"
    result = formats.export(workspace, target, formats.ExportOptions())
    assert result.summary == f"Wrote 20 calendar events to {target}"
    assert len(_events(target.read_bytes())) == 20


def test_command_line_export(bid_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "timetable.ics"
    done = subprocess.run(
        [sys.executable, "-m", "crmbid_desktop", "export", str(bid_path), str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Wrote 20 calendar events" in done.stdout
    assert b"[Ownership of the CRM National Project]" in target.read_bytes().replace(b"\r\n ", b"")
