"""Budget lines, drawn lines, totals, surplus or gap, print rows, and the formula workbook."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from crmbid_desktop import cli
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import budget
from crmbid_desktop.services.spreadsheets.budget_xlsx import BALANCE_FORMAT
from crmbid_desktop.services.word.proposal_export import proposal_content
from crmbid_desktop.store.models import Bid, Partner, Product


def _fill(workspace: Workspace) -> None:
    with workspace.edit("test partners and products") as session:
        leeds, newham = session.scalars(select(Partner).order_by(Partner.position)).all()
        leeds.contribution_pence = 50_000_00
        newham.contribution_pence = 10_000_50
        session.add(Partner(name="Gone Council", status="withdrawn", contribution_pence=99_99))
        products = session.scalars(select(Product).order_by(Product.id)).all()
        products[0].yearly_cost_pence = 2_000_00
        products[1].yearly_cost_pence = 1_500_25
        products[1].decision = "retire"
        products[2].yearly_cost_pence = 10
    budget.set_amount(workspace, "income", "subscriptions", 2005, 20_000_00)
    budget.set_amount(workspace, "income", "grant", 2006, 1)
    budget.set_amount(workspace, "cost", "staff", 2005, 90_000_00)
    budget.set_amount(workspace, "cost", "hosting", 2009, 3_000_00)


def test_default_budget_has_every_standard_line_and_five_years(workspace: Workspace) -> None:
    with workspace.reading() as session:
        table = budget.budget_table(session)
    assert table.year_labels == ["2005/06", "2006/07", "2007/08", "2008/09", "2009/10"]
    assert [r.label for r in table.income] == [
        "Partner contributions",
        "Subscriptions",
        "Paid services",
        "Sponsorship",
        "Grant",
    ]
    assert [r.label for r in table.costs] == [
        "Staff",
        "Hosting",
        "Product maintenance",
        "Promotion and events",
    ]
    assert all(t.balance_pence == 0 for t in table.totals)


def test_drawn_lines_follow_the_registers_and_totals_are_exact(workspace: Workspace) -> None:
    _fill(workspace)
    with workspace.reading() as session:
        table = budget.budget_table(session)
    partners = table.income[0]
    maintenance = table.costs[2]
    assert partners.drawn_from == "partner register"
    # The withdrawn council's 99.99 is left out; the retired product's cost too.
    assert set(partners.amounts.values()) == {60_000_50}
    assert set(maintenance.amounts.values()) == {2_000_10}
    first = table.totals[0]
    assert first.income_pence == 60_000_50 + 20_000_00
    assert first.cost_pence == 90_000_00 + 2_000_10
    assert first.balance_pence == -11_999_60
    assert table.totals[1].income_pence == 60_000_51


def test_drawn_lines_cannot_be_typed_into(workspace: Workspace) -> None:
    with pytest.raises(budget.ReadOnlyLineError, match="drawn from the products register"):
        budget.set_amount(workspace, "cost", "products", 2005, 1)


def test_set_amount_says_what_is_saved_now(workspace: Workspace) -> None:
    first = budget.set_amount(workspace, "cost", "staff", 2005, 5, shown=0)
    assert first.clean and first.written == ("amount_pence",)
    assert first.now.values == {"amount_pence": 5}
    again = budget.set_amount(workspace, "cost", "staff", 2005, 7, shown=5)
    assert again.now.values == {"amount_pence": 7} and again.now.version > first.now.version
    same = budget.set_amount(workspace, "cost", "staff", 2005, 7, shown=5)
    assert same.clean and same.written == ()  # already saved: nothing to write
    with pytest.raises(ValueError, match="2012/13 is outside"):
        budget.set_amount(workspace, "cost", "staff", 2012, 1)


def test_years_are_adjustable(workspace: Workspace) -> None:
    budget.set_amount(workspace, "cost", "staff", 2005, 5)
    saved = budget.set_budget_years(workspace, 2006, 3)
    assert saved.written == ("budget_first_year", "budget_year_count")
    assert saved.summary == "Budget covers 2006/07 to 2008/09"
    with workspace.reading() as session:
        table = budget.budget_table(session)
    assert table.year_labels == ["2006/07", "2007/08", "2008/09"]
    assert table.totals[0].cost_pence == 0
    with pytest.raises(ValueError, match="1 to 10 years"):
        budget.set_budget_years(workspace, 2005, 11)


def test_the_proposal_prints_the_budget_as_the_page_shows_it(workspace: Workspace) -> None:
    """The Word proposal's budget table, read from the register (pounds and pence)."""
    _fill(workspace)
    with workspace.edit("print pence") as session:
        session.scalars(select(Bid)).one().money_whole_pounds = False
    printed = proposal_content(workspace).budget
    assert printed is not None
    assert printed.headers[:2] == ["Budget line (£, to the penny)", "2005/06"]
    styles = [row.style for row in printed.rows]
    assert styles[0] == "heading" and styles[-1] == "balance"
    by_label = {row.cells[0]: row.cells for row in printed.rows}
    assert by_label["Partner contributions (from the partner register)"][1] == "£60,000.50"
    assert by_label["Total income"][1] == "£80,000.50"
    assert by_label["Surplus or gap"][1] == "£11,999.60 gap"
    assert by_label["Surplus or gap"][2] == "£58,000.41 surplus"


# -- the workbook ----------------------------------------------------------------------------------

_REF = r"\$?([A-Z]+)\$?(\d+)"


def _evaluate(sheet: object, ref: str, depth: int = 0) -> Decimal:
    """A tiny evaluator for what the exporter writes: numbers, =SUM(A1:A9), =A1-B2, =0."""
    assert depth < 20, "formula loop"
    value = sheet[ref].value  # type: ignore[index]
    if value is None:
        return Decimal(0)
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    assert isinstance(value, str) and value.startswith("="), f"{ref} holds {value!r}"
    formula = value[1:]
    if match := re.fullmatch(rf"SUM\({_REF}:{_REF}\)", formula):
        column, start, end_column, end = match.groups()
        assert column == end_column
        return sum(
            (
                _evaluate(sheet, f"{column}{row}", depth + 1)
                for row in range(int(start), int(end) + 1)
            ),
            Decimal(0),
        )
    if match := re.fullmatch(rf"{_REF}([+-]){_REF}", formula):
        left = _evaluate(sheet, f"{match.group(1)}{match.group(2)}", depth + 1)
        right = _evaluate(sheet, f"{match.group(4)}{match.group(5)}", depth + 1)
        return left + right if match.group(3) == "+" else left - right
    if re.fullmatch(r"\d+", formula):
        return Decimal(formula)
    raise AssertionError(f"unexpected formula {value!r} in {ref}")


def test_cli_exports_a_workbook_whose_formulas_compute_the_app_totals(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    _fill(workspace)
    with workspace.reading() as session:
        table = budget.budget_table(session)
    workspace.close()
    target = tmp_path / "budget.xlsx"
    assert cli.run(["export", str(workspace.place), str(target)]) == 0
    assert "2005/06 gap £11,999.60" in capsys.readouterr().out

    sheet = load_workbook(target).active

    assert sheet is not None
    labels = {sheet.cell(row, 1).value: row for row in range(1, sheet.max_row + 1)}
    assert sheet["B4"].value == "2005/06" and sheet["F4"].value == "2009/10"
    for offset, totals in enumerate(table.totals):
        column = "BCDEF"[offset]
        income = sheet[f"{column}{labels['Total income']}"]
        balance = sheet[f"{column}{labels['Surplus or gap']}"]
        assert str(income.value).startswith("=SUM(")
        assert str(balance.value).startswith("=")
        assert _evaluate(sheet, income.coordinate) * 100 == totals.income_pence
        assert _evaluate(sheet, f"{column}{labels['Total costs']}") * 100 == totals.cost_pence
        assert _evaluate(sheet, balance.coordinate) * 100 == totals.balance_pence
        assert balance.number_format == BALANCE_FORMAT
    staff = sheet[f"B{labels['Staff']}"]
    assert isinstance(staff.value, (int, float)) and "£" in staff.number_format
    assert sheet[f"G{labels['Partner contributions']}"].value == "Drawn from the partner register"
