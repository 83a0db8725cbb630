"""The tolerant spreadsheet reader and the safe writers, on files shaped like councils' own."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from crmbid_desktop.services.spreadsheets.tabular import (
    FieldSpec,
    TabularError,
    read_table,
    write_csv,
    write_xlsx,
)

FIELDS = [
    FieldSpec("name", "Council", ("Authority", "Council name"), required=True),
    FieldSpec("email", "Email", ("E-mail address",)),
    FieldSpec("share", "Share of funding (%)", ("Share",)),
]


def test_utf8_bom_comma_with_synonyms_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(
        "\ufeffAuthority,E-MAIL,Colour\r\n\r\nLeeds City Council,a@leeds.gov.uk,red\r\n"
        "  ,  ,  \r\nNewham,,blue\r\n".encode()
    )
    table = read_table(path, FIELDS)
    assert table.header_row == 1
    assert table.ignored_columns == ["Colour"]
    assert [(row.number, row.values["name"]) for row in table.rows] == [
        (3, "Leeds City Council"),
        (5, "Newham"),
    ]
    assert table.rows[0].values["email"] == "a@leeds.gov.uk"
    assert "share" not in table.rows[0].values


def test_cp1252_semicolon(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes("Council name;Share\nSaint-Étienne Borough;12,5\n".encode("cp1252"))
    table = read_table(path, FIELDS)
    assert table.rows[0].values == {"name": "Saint-Étienne Borough", "share": "12,5"}


def test_quoted_multiline_cell_keeps_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text('Council,Email\n"Leeds\nCity",x\nNewham,y\n', encoding="utf-8")
    rows = read_table(path, FIELDS).rows
    assert [row.number for row in rows] == [2, 4]


def test_missing_required_column_names_it(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("Email,Share\nx,1\n", encoding="utf-8")
    with pytest.raises(TabularError, match="no column for “Council”"):
        read_table(path, FIELDS)


def test_file_level_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(TabularError, match=r"missing\.csv"):
        read_table(tmp_path / "missing.csv", FIELDS)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(TabularError, match="empty"):
        read_table(empty, FIELDS)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip", encoding="utf-8")
    with pytest.raises(TabularError, match=r"fake\.xlsx.*not a readable Excel"):
        read_table(fake, FIELDS)
    with pytest.raises(TabularError, match=r"\.xls\)"):
        read_table(tmp_path / "old.xls", FIELDS)
    with pytest.raises(TabularError, match="no header row"):
        nothing = tmp_path / "nothing.csv"
        nothing.write_text("a,b\n1,2\n", encoding="utf-8")
        read_table(nothing, FIELDS)


def test_xlsx_merged_title_row_and_blank_rows(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "Partner councils, August 2005"
    sheet.merge_cells("A1:D1")
    sheet.append(["Authority", "E-mail", "Share", "Extra"])
    sheet.append(["Leeds City Council", "a@leeds.gov.uk", 60, "x"])
    sheet.append([])
    sheet.append(["Newham", None, 40.5, None])
    path = tmp_path / "p.xlsx"
    workbook.save(path)
    table = read_table(path, FIELDS)
    assert table.header_row == 2
    assert table.ignored_columns == ["Extra"]
    assert [(row.number, row.values["name"], row.values["share"]) for row in table.rows] == [
        (3, "Leeds City Council", "60"),
        (5, "Newham", "40.5"),
    ]


def test_write_csv_neutralises_formulas_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    dangerous = ["=1+1", "+44 20", "-cmd", "@SUM(A1)", "\tx", "\rx", "plain"]
    write_csv(path, ["Council", "Amount"], [[text, -5] for text in dangerous])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [row[0] for row in rows[1:]] == ["'" + text for text in dangerous[:-1]] + ["plain"]
    assert rows[1][1] == "-5"  # a number is not a formula


def test_failed_write_leaves_old_file_and_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text("old", encoding="utf-8")

    def rows() -> object:
        yield ["a"]
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_csv(path, ["h"], rows())  # type: ignore[arg-type]
    assert path.read_text(encoding="utf-8") == "old"
    assert not list(tmp_path.glob("*.tmp"))


def test_write_xlsx_sheets_keep_formula_like_text_as_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "out.xlsx"
    write_xlsx(
        path,
        {
            "Partners": (["Council", "Signed"], [["=HYPERLINK(1)", date(2005, 8, 24)]]),
            "Contacts": (["Name"], [["Ann\x01"]]),
        },
    )
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Partners", "Contacts"]
    cell = workbook["Partners"]["A2"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"
    assert workbook["Contacts"]["A2"].value == "Ann"
    table = read_table(path, [FieldSpec("name", "Council", required=True)])
    assert table.rows[0].values["name"] == "=HYPERLINK(1)"


def test_our_neutralised_csv_reads_back_as_typed(tmp_path: Path) -> None:
    path = tmp_path / "round.csv"
    write_csv(path, ["Council", "Email"], [["=cmd", "@x"], ["'quoted", "-"]])
    rows = read_table(path, FIELDS).rows
    assert [(r.values["name"], r.values["email"]) for r in rows] == [
        ("=cmd", "@x"),
        ("'quoted", "-"),
    ]
