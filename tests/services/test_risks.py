"""The risk register: scores, order, heat-map counts, deletion with restore, print rows."""

from __future__ import annotations

import pytest

from crmbid_desktop.services.bid.workspace import RecordedEdit, Workspace
from crmbid_desktop.services.registers import risks
from crmbid_desktop.services.registers.risks import RiskFields


def test_default_risks_sorted_by_score(workspace: Workspace) -> None:
    rows = risks.risk_rows(workspace)
    printed = risks.risks_print_rows(workspace)
    assert [row.score for row in rows] == [12, 9, 8]
    assert rows[0].rating == "high"
    assert printed[0][4] == "12 (high)"
    assert printed[0][2] == "3 (possible)"
    counts = risks.heat_map(rows)
    assert counts[(3, 4)] == 1 and counts[(2, 4)] == 1 and sum(counts.values()) == 3


def test_closed_risks_leave_the_heat_map(workspace: Workspace) -> None:
    new_id = risks.add_risk(
        workspace, RiskFields("Key officer leaves", likelihood=5, impact=5, status="Closed")
    )
    rows = risks.risk_rows(workspace)
    assert rows[0].id == new_id and rows[0].fields.status == "closed"
    assert risks.heat_map(rows)[(5, 5)] == 0


def test_undoing_a_delete_keeps_the_uuid(workspace: Workspace) -> None:
    recorded: list[RecordedEdit] = []
    workspace.on_recorded(recorded.append)
    first = risks.risk_rows(workspace)[0]
    risks.delete_risk(workspace, first.id)
    assert all(row.id != first.id for row in risks.risk_rows(workspace))
    workspace.take_back(recorded[-1])
    again = next(row for row in risks.risk_rows(workspace) if row.id == first.id)
    assert again.uuid == first.uuid and again.fields == first.fields


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (RiskFields(""), "needs a description"),
        (RiskFields("x", likelihood=0), "Likelihood must be"),
        (RiskFields("x", impact=6), "Impact must be"),
        (RiskFields("x", status="forgotten"), "Status “forgotten”"),
    ],
)
def test_bad_fields_are_refused(workspace: Workspace, fields: RiskFields, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        risks.add_risk(workspace, fields)


def test_update_changes_score(workspace: Workspace) -> None:
    first = risks.risk_rows(workspace)[-1]
    risks.update_risk(
        workspace, first.id, RiskFields(first.fields.description, likelihood=5, impact=5)
    )
    assert risks.risk_rows(workspace)[0].score == 25
