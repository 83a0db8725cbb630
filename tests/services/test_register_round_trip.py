"""Every register's export re-imports as zero changes, in each format (issue 20 item 10)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crmbid_desktop.app import main
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import products
from crmbid_desktop.services.registers.partners import partner_rows
from crmbid_desktop.services.registers.products import ProductFields
from crmbid_desktop.store.models import ChangeLogEntry


def _open(bid: Path) -> Workspace:
    from crmbid_desktop.paths import AppPaths
    from crmbid_desktop.services.bid.bid_files import open_workspace

    return open_workspace(bid, AppPaths.for_user())


def _log_lines(bid: Path) -> int:
    workspace = _open(bid)
    try:
        with workspace.reading() as session:
            return session.scalar(select(func.count()).select_from(ChangeLogEntry)) or 0
    finally:
        workspace.close()


def _rich_products(bid: Path) -> None:
    """A product with every column filled, so each one is exported and read back."""
    workspace = _open(bid)
    try:
        owner = next(
            row.id for row in partner_rows(workspace) if row.fields.name.startswith("Leeds")
        )
        products.PRODUCTS.add(
            workspace,
            ProductFields(
                name="Roadmap = Framework, “quoted”; and more",
                category="toolkit",
                description="-starts like a formula\nand spans two lines",
                current_state="@live on the Academy site",
                decision="refresh",
                decision_reason="+ needs updating for 2006",
                owner_partner_id=owner,
                yearly_cost_pence=1_234_567,
                downloads=1500,
                councils_using=84,
                next_review_on=date(2005, 12, 1),
            ),
        )
    finally:
        workspace.close()


@pytest.mark.parametrize("register", ["products", "partners"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_is_no_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], register: str, suffix: str
) -> None:
    bid = tmp_path / "bid.crmbid"
    assert main(["new", str(bid)]) == 0
    _rich_products(bid)
    exported = tmp_path / f"{register}{suffix}"
    assert main(["export", str(bid), str(exported)]) == 0
    capsys.readouterr()
    assert main(["import", str(bid), str(exported), "--dry-run"]) == 0
    text = capsys.readouterr().out
    if register == "products":
        assert "would update 0" in text and "Would add 0 products" in text, text
        assert "9 unchanged" in text, text
    else:
        assert "0 to add, 0 to update" in text, text
    logged = _log_lines(bid)
    assert main(["import", str(bid), str(exported)]) == 0
    assert _log_lines(bid) == logged, "a no-change import must not write a change-log line"


def test_a_real_change_is_still_an_update(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bid = tmp_path / "bid.crmbid"
    assert main(["new", str(bid)]) == 0
    exported = tmp_path / "products.csv"
    assert main(["export", str(bid), str(exported)]) == 0
    lines = exported.read_text(encoding="utf-8-sig").splitlines()
    header, first, rest = lines[0], lines[1], lines[2:]
    cells = first.split(",")
    downloads = header.split(",").index("Downloads")
    cells[downloads] = "999"
    exported.write_text("\n".join([header, ",".join(cells), *rest]) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(bid), str(exported), "--dry-run"]) == 0
    assert "would update 1" in capsys.readouterr().out
