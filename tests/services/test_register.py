"""The generic register base, through the two registers declared on it (products and risks)."""

from __future__ import annotations

import pytest

from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.workspace import RecordedEdit, Workspace
from crmbid_desktop.services.registers.products import PRODUCTS
from crmbid_desktop.services.registers.risks import RISKS


def test_edit_field_changes_only_that_field_and_says_so(workspace: Workspace) -> None:
    changes: list[ChangeSet] = []
    workspace.on_changed(changes.append)
    first = PRODUCTS.rows(workspace)[0]
    summary = PRODUCTS.edit_field(workspace, first.id, "decision", "retire")
    assert summary == f"Changed the decision of “{first.name}” to retire"
    again = next(row for row in PRODUCTS.rows(workspace) if row.id == first.id)
    assert again.fields.decision == "retire"
    assert again.fields.description == first.fields.description
    assert changes[-1].changed_in("product") == {first.uuid}
    assert PRODUCTS.edit_field(workspace, first.id, "decision", "retire") == ""  # no change


def test_edit_field_refuses_a_bad_value_or_field_by_name(workspace: Workspace) -> None:
    worst = RISKS.rows(workspace)[0]
    with pytest.raises(ValueError, match="Impact must be"):
        RISKS.edit_field(workspace, worst.id, "impact", 9)
    with pytest.raises(ValueError, match="A risk has no field “colour”"):
        RISKS.edit_field(workspace, worst.id, "colour", "red")
    assert RISKS.rows(workspace)[0] == worst  # nothing saved


def test_rows_deleted_elsewhere_are_named_not_a_traceback(workspace: Workspace) -> None:
    new_id = RISKS.add(workspace, RISKS.fields_type(RISKS.new_title_for(workspace)))
    assert RISKS.new_title_for(workspace) == "New risk 2"
    RISKS.delete(workspace, new_id)
    for attempt in (
        lambda: RISKS.delete(workspace, new_id),
        lambda: RISKS.edit_field(workspace, new_id, "owner", "Leeds"),
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
