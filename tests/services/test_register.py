"""The generic register base, through the two registers declared on it (products and risks)."""

from __future__ import annotations

import pytest

from crmbid_desktop.services.bid.workspace import RecordedEdit, Workspace
from crmbid_desktop.services.registers.products import PRODUCTS
from crmbid_desktop.services.registers.risks import RISKS


def test_rows_deleted_elsewhere_are_named_not_a_traceback(workspace: Workspace) -> None:
    new_id = RISKS.add(workspace, RISKS.fields_type(RISKS.new_title_for(workspace)))
    assert RISKS.new_title_for(workspace) == "New risk 2"
    RISKS.delete(workspace, new_id)
    for attempt in (
        lambda: RISKS.delete(workspace, new_id),
        lambda: RISKS.update(workspace, new_id, RISKS.fields_type("Back")),
    ):
        with pytest.raises(LookupError, match="That risk is no longer in the bid"):
            attempt()


def test_add_and_delete_are_one_undo_step_each(workspace: Workspace) -> None:
    recorded: list[RecordedEdit] = []
    workspace.on_recorded(recorded.append)
    new_id = PRODUCTS.add(workspace, PRODUCTS.fields_type("Channel shift guide"))
    PRODUCTS.delete(workspace, new_id)
    assert [edit.summary for edit in recorded] == [
        "Added product “Channel shift guide”",
        "Deleted product “Channel shift guide”",
    ]
    workspace.take_back(recorded[-1])
    assert any(row.id == new_id for row in PRODUCTS.rows(workspace))
