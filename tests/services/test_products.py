"""The products register: counter, edits, deletion with restore, print rows."""

from __future__ import annotations

from datetime import date

import pytest

from crmbid_desktop.services.bid.workspace import RecordedEdit, Workspace
from crmbid_desktop.services.registers import products
from crmbid_desktop.services.registers.products import ProductFields


def test_default_bid_counts_eight_of_forty_one(workspace: Workspace) -> None:
    assert products.product_count_text(workspace) == "8 of 41 products recorded"
    rows = products.product_rows(workspace)
    assert rows[0].name == "Integrated e-Government Delivery Roadmap Framework"


def test_add_update_delete_and_restore(workspace: Workspace) -> None:
    new_id = products.add_product(
        workspace,
        ProductFields(
            name="  Channel migration toolkit ",
            category="Toolkit",
            decision="merge into another product",
            decision_reason="Overlaps the roadmap",
            yearly_cost_pence=1_250_50,
            downloads=1200,
            councils_using=35,
            next_review_on=date(2006, 3, 31),
        ),
    )
    row = next(r for r in products.product_rows(workspace) if r.id == new_id)
    assert products.product_count_text(workspace) == "9 of 41 products recorded"
    printed = products.products_print_rows(workspace)[-1]
    assert row.name == "Channel migration toolkit"
    assert row.fields.category == "toolkit"
    assert row.decision_text == "merge into another product"
    assert printed == [
        "Channel migration toolkit",
        "toolkit",
        "merge into another product",
        "Overlaps the roadmap",
        "",
        "£1,250.50",
        "1,200 downloads, 35 councils",
        "Fri 31 Mar 2006",
    ]

    products.update_product(workspace, new_id, ProductFields(name="Renamed", decision="retire"))
    recorded: list[RecordedEdit] = []
    workspace.on_recorded(recorded.append)
    products.delete_product(workspace, new_id)
    assert products.product_count(workspace) == (8, 41)
    workspace.take_back(recorded[-1])  # what Edit > Undo does
    again = next(r for r in products.product_rows(workspace) if r.id == new_id)
    assert again.uuid == row.uuid and again.name == "Renamed" and again.fields.decision == "retire"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (ProductFields(name=" "), "needs a name"),
        (ProductFields(name="x", category="leaflet"), "Category “leaflet”"),
        (ProductFields(name="x", decision="sell"), "Decision “sell”"),
        (ProductFields(name="x", yearly_cost_pence=-1), "Yearly cost cannot be negative"),
    ],
)
def test_bad_fields_are_refused_by_name(
    workspace: Workspace, fields: ProductFields, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        products.add_product(workspace, fields)
