"""The timetable's fixed choices: what a task's status and priority and a milestone's kind may be."""

from __future__ import annotations

TASK_STATUSES = ("not started", "in progress", "blocked", "done")
TASK_PRIORITIES = ("low", "normal", "high")
#: "announcement": a date set outside the team that asks nothing by it (a letter, a cut-off).
MILESTONE_KINDS = ("hard deadline", "meeting", "announcement", "internal")
