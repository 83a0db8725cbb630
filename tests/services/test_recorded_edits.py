"""Every edit is recorded with what takes it back; undo restores rows removed with a deletion."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from crmbid_desktop.services.bid.workspace import RecordedEdit, Workspace
from crmbid_desktop.store.models import ChangeLogEntry, Contact, Partner, Task


def _count(workspace: Workspace, model: type) -> int:
    with workspace.reading() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_undoing_a_deletion_restores_its_contacts_and_the_tasks_it_owned(
    workspace: Workspace,
) -> None:
    recorded: list[RecordedEdit] = []
    workspace.on_recorded(recorded.append)
    with workspace.reading() as session:
        leeds = session.scalars(select(Partner).order_by(Partner.id)).first()
        assert leeds is not None
        leeds_id = leeds.id
        owned = list(session.scalars(select(Task.id).where(Task.owner_partner_id == leeds_id)))
    with workspace.edit("Added a contact") as session:
        session.add(Contact(partner_id=leeds_id, name="Tom Riordan"))
    contacts = _count(workspace, Contact)
    assert owned  # the template gives Leeds tasks, so the SET NULL is exercised
    with workspace.edit("Deleted Leeds", action="delete", entity="partner") as session:
        session.delete(session.get(Partner, leeds_id))
    assert _count(workspace, Contact) < contacts

    redo = workspace.take_back(recorded[-1])
    assert _count(workspace, Contact) == contacts
    with workspace.reading() as session:
        assert session.get(Partner, leeds_id) is not None
        back = set(session.scalars(select(Task.id).where(Task.owner_partner_id == leeds_id)))
    assert back == set(owned)

    workspace.take_back(redo, "Redid")
    with workspace.reading() as session:
        assert session.get(Partner, leeds_id) is None
        log = list(session.scalars(select(ChangeLogEntry.summary)))
    assert "Undid deleted Leeds" in log and "Redid deleted Leeds" in log
    assert len(recorded) == 2  # stepping through the history is not a new edit


def test_an_edit_on_a_worker_thread_and_a_read_on_this_one_work_together(
    workspace: Workspace,
) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with workspace.edit("Added a council from a worker", action="add") as session:
                session.add(Partner(name="Kent County Council"))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=20)
    assert not errors
    with workspace.reading() as session:
        names = list(session.scalars(select(Partner.name)))
    assert "Kent County Council" in names


def test_a_cancelled_import_apply_leaves_no_partial_change(
    workspace: Workspace, tmp_path: object
) -> None:
    from pathlib import Path

    import pytest

    from crmbid_desktop.services.bid.cancel import Cancelled
    from crmbid_desktop.services.spreadsheets import partner_import

    source = Path(str(tmp_path)) / "many.csv"
    source.write_text(
        "Council;Share\n" + "".join(f"Council number {n};0\n" for n in range(600)),
        encoding="utf-8",
    )
    preview = partner_import.build_preview(workspace, source)
    before = _count(workspace, Partner)
    calls: list[int] = []

    def cancel_on_second(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 2:
            raise Cancelled

    with pytest.raises(Cancelled):
        partner_import.apply_preview(workspace, preview, cancel_on_second)
    assert _count(workspace, Partner) == before
    assert partner_import.apply_preview(workspace, preview) == (600, 0)
    assert _count(workspace, Partner) == before + 600
