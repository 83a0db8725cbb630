"""Saving a task's form when others may have saved the same task since it was loaded.

Only the fields its user changed are written, merged with others' saves (the description by
paragraph); real conflicts come back unwritten (services/bid/versioned.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from crmbid_desktop.services.bid import versioned
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers.planning import (
    TaskInput,
    _check_task,
    _fill_task,
    _set_predecessors,
)
from crmbid_desktop.store.models import Task

#: The task's own columns a form edits (its predecessors are rows of their own).
TASK_FIELDS = tuple(f.name for f in dataclasses.fields(TaskInput) if f.name != "predecessor_ids")


def load_task(workspace: Workspace, task_id: int) -> versioned.Loaded:
    """The task's row version and fields, for its form to keep until it saves."""
    return versioned.load(workspace, Task, task_id, TASK_FIELDS)


def save_task_fields(
    workspace: Workspace,
    task_id: int,
    loaded: versioned.Loaded,
    data: TaskInput,
    *,
    predecessors_changed: bool = False,
) -> versioned.SaveResult:
    """Save the task's form over what it `loaded`; its predecessors are set too when the user
    changed them (`predecessors_changed`), refused with nothing written if that makes a cycle."""
    _check_task(data)
    data = dataclasses.replace(
        data, title=data.title.strip(), owner_person=data.owner_person.strip()
    )
    wanted = {name: getattr(data, name) for name in TASK_FIELDS}

    def apply(session: Session, row: Any, writes: Mapping[str, object]) -> None:
        current = {name: getattr(row, name) for name in TASK_FIELDS}
        merged = TaskInput(**{**current, **writes})
        _fill_task(session, row, merged)
        if predecessors_changed:
            _set_predecessors(session, row, data.predecessor_ids)

    def describe(writes: Mapping[str, object]) -> str:
        return f"Changed task “{writes.get('title', loaded.values.get('title', data.title))}”"

    result = versioned.save_fields(
        workspace,
        Task,
        task_id,
        loaded,
        wanted,
        describe=describe,
        entity="task",
        texts=("description",),
        apply=apply,
        gone=(
            f"The task “{data.title}” was deleted by someone else while you edited it. What you "
            "typed is still in the form: add it again, or undo the deletion."
        ),
    )
    if predecessors_changed and not result.written:
        # Only the predecessors changed: they are rows of their own, set as one edit.
        with workspace.edit(
            f"Changed the predecessors of task “{data.title}”", entity="task"
        ) as session:
            task = session.get(Task, task_id)
            if task is not None:
                _set_predecessors(session, task, data.predecessor_ids)
    return result
