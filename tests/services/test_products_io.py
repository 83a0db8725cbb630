"""Products register import and export: round trips, tolerant headings, a row-by-row report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crmbid_desktop import cli
from crmbid_desktop.services import formats
from crmbid_desktop.services.bid import queries
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.formats import ExportOptions, ImportOptions
from crmbid_desktop.services.registers import products
from crmbid_desktop.services.registers.products import ProductFields


def _rows(workspace: Workspace) -> dict[str, ProductFields]:
    return {row.name: row.fields for row in products.product_rows(workspace)}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_round_trips(workspace: Workspace, tmp_path: Path, suffix: str) -> None:
    with workspace.reading() as session:
        leeds = queries.partners(session)[0]
    first = next(iter(_rows(workspace)))
    first_id = products.product_rows(workspace)[0].id
    products.update_product(
        workspace,
        first_id,
        ProductFields(
            name=first,
            category="guide",
            decision="merge",
            decision_reason="=HYPERLINK(evil)",
            owner_partner_id=leeds.id,
            yearly_cost_pence=1_250_05,
            downloads=1200,
            councils_using=80,
            next_review_on=date(2006, 3, 31),
        ),
    )
    before = _rows(workspace)
    target = tmp_path / f"products{suffix}"
    result = formats.export(workspace, target, ExportOptions())
    assert "Wrote 8 products" in result.summary
    if suffix == ".csv":
        assert "'=HYPERLINK(evil)" in target.read_text(encoding="utf-8-sig")

    report = formats.import_file(workspace, target, ImportOptions())
    assert report.rejected == 0, report.lines
    assert "Added 0 products, updated 0, 8 unchanged; 0 rows skipped." in report.lines
    after = _rows(workspace)
    reason = after[first].decision_reason
    assert reason.lstrip("'") == "=HYPERLINK(evil)"
    assert {k: v for k, v in after.items() if k != first} == {
        k: v for k, v in before.items() if k != first
    }
    assert after[first].yearly_cost_pence == 1_250_05
    assert after[first].owner_partner_id == leeds.id
    assert after[first].next_review_on == date(2006, 3, 31)


MESSY = (
    "CRM Academy product audit;;;;\n"
    "\n"
    "Product name;Type;Annual cost;Recommendation;Councils;Colour\n"
    "Channel shift toolkit;Toolkit;£1,250.50;keep;35;blue\n"
    "Business case building toolkit;toolkit;(100);retire;;\n"
    "Bad cost product;guide;12.345;keep;;\n"
    "Bad decision product;guide;5;sell it;;\n"
    "Channel shift toolkit;toolkit;1;keep;;\n"
)


def test_messy_file_is_read_and_every_bad_row_named(workspace: Workspace, tmp_path: Path) -> None:
    source = tmp_path / "audit products.csv"
    source.write_text(MESSY, encoding="cp1252")
    dry = formats.import_file(workspace, source, ImportOptions(dry_run=True))
    assert "Dry run: nothing was changed." in dry.lines
    assert len(_rows(workspace)) == 8

    report = formats.import_file(workspace, source, ImportOptions())
    text = "\n".join(report.lines)
    assert "(headings on row 3)" in text
    assert "Ignored columns: Colour." in text
    assert "Row 5: skipped: Yearly cost cannot be negative." in text
    assert "Row 6: skipped: Yearly cost “12.345” has more than two decimal places" in text
    assert "Row 7: skipped: Decision “sell it” is not one of" in text
    assert "Row 8: skipped: “Channel shift toolkit” is already on row 4." in text
    assert report.rejected == 4
    assert "9 of 41 products recorded." in text
    added = _rows(workspace)["Channel shift toolkit"]
    assert (added.category, added.yearly_cost_pence, added.councils_using) == (
        "toolkit",
        1_250_50,
        35,
    )


def test_cli_import_exits_1_when_rows_are_skipped(
    bid_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "products.csv"
    source.write_text(
        "Product,Owner council\nNew guide,Nowhere District Council\n", encoding="utf-8"
    )
    assert cli.run(["import", str(bid_path), str(source)]) == 1
    assert "owner council “Nowhere District Council” is not a partner" in capsys.readouterr().out


def test_file_without_a_product_column_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    source = tmp_path / "products.csv"
    source.write_text("Colour,Size\nblue,4\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no header row this program recognises"):
        formats.import_file(workspace, source, ImportOptions())
