"""The bid's "plan as if today is …" day: set, cleared, or moved in from one computer's settings.

It belongs to the bid (a team rehearsing a past bid all plan from the same day, and a partner's
copy carries it), so it is stored in `bid.planning_date` and changed like every other detail:
one edit, a change-log line, a change set, and undo.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.store import table_clauses

_bid = table_clauses.bid


def read(workspace: Workspace) -> date | None:
    """The day the bid plans from, or None when it plans from the computer's date."""
    return workspace.plan_today


def summary(day: date | None) -> str:
    """The change-log line for planning from `day` (None: from the computer's date again)."""
    if day is None:
        return "Stopped planning as if today were another day: the bid plans from today's date"
    return f"Planning as if today is {format_date(day)}"


def set_day(workspace: Workspace, day: date | None) -> bool:
    """Plan the bid as if today were `day` (None: the computer's date); False when unchanged."""
    if read(workspace) == day:
        return False
    with workspace.edit(summary(day), action="edit", entity="bid") as session:
        session.execute(update(_bid).values(planning_date=day))
    return True


def adopt_computer_day(workspace: Workspace, day: date | None) -> bool:
    """Move a day kept on this computer (the older way) into the bid, unless it has its own.

    True when the bid took it; the caller then forgets the computer's copy either way, so this
    happens once. A bid that already has a day keeps it: the bid is the one the team shares.
    """
    if day is None or workspace.read_only or read(workspace) is not None:
        return False
    with workspace.edit(
        f"Moved “plan as if today is {format_date(day)}” from this computer into the bid",
        action="edit",
        entity="bid",
    ) as session:
        session.execute(update(_bid).values(planning_date=day))
    return True
