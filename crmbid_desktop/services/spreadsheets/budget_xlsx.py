"""`crmbid-desktop export FILE budget.xlsx`: the budget as a workbook whose totals are Excel formulas.

Each formula cell also carries the value it computes to, so a previewer that does not calculate
(Outlook's attachment preview, a phone) shows the totals rather than empty cells.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from crmbid_desktop.domain.budget_rules import balance_words
from crmbid_desktop.services.bid.file_io import ExportOptions, ExportResult
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers.budget import BudgetRow, BudgetTable, budget_table
from crmbid_desktop.store.models import Bid

#: Pounds and pence; surpluses green, gaps red and signed, so colour is never the only cue.
MONEY_FORMAT = '"£"#,##0.00;-"£"#,##0.00'
BALANCE_FORMAT = '[Color10]"£"#,##0.00" surplus";[Red]"£"#,##0.00" gap";"£"0.00'
HEADER_ROW = 4


def pounds(pence: int) -> Decimal:
    """Exact pounds for the cell: Decimal, never float, so 0.10 stays 0.10."""
    return Decimal(pence) / 100


def write_budget_workbook(table: BudgetTable, title: str, target: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = "Budget"
    bold = Font(bold=True)
    sheet["A1"] = f"{title}: budget"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = "Amounts in pounds. Totals and the surplus or gap are formulas."
    columns = [get_column_letter(2 + offset) for offset in range(len(table.years))]
    notes_column = get_column_letter(2 + len(table.years))

    sheet.cell(HEADER_ROW, 1, "Budget line").font = bold
    for column, label in zip(columns, table.year_labels, strict=True):
        cell = sheet[f"{column}{HEADER_ROW}"]
        cell.value = label
        cell.font = bold
    sheet[f"{notes_column}{HEADER_ROW}"] = "Notes"
    sheet[f"{notes_column}{HEADER_ROW}"].font = bold

    row_number = HEADER_ROW + 1
    #: Cell reference -> the value its formula computes to, written in as the cached value.
    computed: dict[str, Decimal] = {}

    def block(heading: str, lines: list[BudgetRow], total_label: str, totals: list[int]) -> int:
        nonlocal row_number
        sheet.cell(row_number, 1, heading).font = bold
        row_number += 1
        first = row_number
        for line in lines:
            sheet.cell(row_number, 1, line.label)
            for column, year in zip(columns, table.years, strict=True):
                cell = sheet[f"{column}{row_number}"]
                cell.value = pounds(line.amount(year))
                cell.number_format = MONEY_FORMAT
            if line.drawn_from:
                sheet[f"{notes_column}{row_number}"] = f"Drawn from the {line.drawn_from}"
            row_number += 1
        last = row_number - 1
        total_row = row_number
        sheet.cell(total_row, 1, total_label).font = bold
        for column, total_pence in zip(columns, totals, strict=True):
            cell = sheet[f"{column}{total_row}"]
            # An empty block still needs a formula that says 0, not a SUM over the heading.
            cell.value = f"=SUM({column}{first}:{column}{last})" if lines else "=0"
            computed[f"{column}{total_row}"] = pounds(total_pence)
            cell.number_format = MONEY_FORMAT
            cell.font = bold
        row_number += 2
        return total_row

    income_total = block(
        "Income", table.income, "Total income", [t.income_pence for t in table.totals]
    )
    cost_total = block("Costs", table.costs, "Total costs", [t.cost_pence for t in table.totals])
    sheet.cell(row_number, 1, "Surplus or gap").font = bold
    for column, totals in zip(columns, table.totals, strict=True):
        cell = sheet[f"{column}{row_number}"]
        cell.value = f"={column}{income_total}-{column}{cost_total}"
        computed[f"{column}{row_number}"] = pounds(totals.balance_pence)
        cell.number_format = BALANCE_FORMAT
        cell.font = bold
    sheet[f"{notes_column}{row_number}"] = "Green is a surplus, red a gap"

    sheet.column_dimensions["A"].width = 34
    for column in columns:
        sheet.column_dimensions[column].width = 18
    sheet.column_dimensions[notes_column].width = 32
    sheet.freeze_panes = sheet[f"B{HEADER_ROW + 1}"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    _atomic_write(target, with_cached_values(buffer.getvalue(), computed))


_FORMULA_CELL = re.compile(r'(<c r="([A-Z]+[0-9]+)"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(?:</v>)?')


def with_cached_values(workbook: bytes, computed: dict[str, Decimal]) -> bytes:
    """The workbook with each formula's computed value stored beside it (openpyxl writes none).

    Excel and LibreOffice still recalculate on opening; the stored value is what a viewer that
    does not calculate shows.
    """

    def fill(match: re.Match[str]) -> str:
        value = computed.get(match.group(2))
        if value is None:
            return match.group(0)
        return f"{match.group(1)}{match.group(3)}<v>{value.normalize():f}</v>"

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = _FORMULA_CELL.sub(fill, data.decode("utf-8")).encode("utf-8")
            dst.writestr(info, data)
    return out.getvalue()


def _atomic_write(target: Path, data: bytes) -> None:
    """A failed export never leaves half a workbook where the last good one was."""
    from crmbid_desktop.services.bid.atomic_files import atomic_write_bytes

    atomic_write_bytes(target, data)


def export_budget_xlsx(workspace: Workspace, target: Path, options: ExportOptions) -> ExportResult:
    with workspace.reading() as session:
        table = budget_table(session)
        title = session.scalars(select(Bid.title)).one()
    write_budget_workbook(table, title, target)
    first, last = table.totals[0], table.totals[-1]
    summary = (
        f"Wrote the budget to {target}: {first.label} to {last.label}, "
        f"{len(table.income)} income and {len(table.costs)} cost lines; "
        + "; ".join(f"{t.label} {balance_words(t.balance_pence)}" for t in table.totals)
        + "."
    )
    return ExportResult(target, summary)
