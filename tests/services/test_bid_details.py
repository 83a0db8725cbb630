"""Bid details: read, saved as one edit, bad input named, settings used by the word counts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crmbid_desktop.services.bid import bid_details
from crmbid_desktop.services.bid.bid_details import BidDetailsError
from crmbid_desktop.services.bid.workspace import Workspace


def test_template_details_are_read(workspace: Workspace) -> None:
    details = bid_details.read(workspace)
    assert details.title == "Ownership of the CRM National Project"
    assert details.expected_products == 41
    assert details.count_table_words is True


def test_saving_changes_only_what_changed_with_one_change_log_line(workspace: Workspace) -> None:
    details = replace(
        bid_details.read(workspace),
        contact_name="  Jane Smith ",
        contact_email="jane.smith@leeds.gov.uk",
        count_table_words=False,
    )
    changed = bid_details.save(workspace, details)
    assert changed.written == ("contact_name", "contact_email", "count_table_words")
    assert changed.summary == "Changed the bid's contact name, contact email, count table words"
    again = bid_details.read(workspace)
    assert (again.contact_name, again.count_table_words) == ("Jane Smith", False)
    assert bid_details.save(workspace, again).written == ()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "   "}, "Title"),
        ({"contact_email": "jane at leeds"}, "Contact email"),
        ({"expected_products": -1}, "Expected products"),
    ],
)
def test_bad_details_name_the_field_and_change_nothing(
    workspace: Workspace, change: dict[str, object], field: str
) -> None:
    before = bid_details.read(workspace)
    with pytest.raises(BidDetailsError, match=field):
        bid_details.save(workspace, replace(before, **change))  # type: ignore[arg-type]
    assert bid_details.read(workspace) == before
