"""Hostile Word files, templates and spreadsheets end in a message naming the file and the part.

Each case of issue 20 items 1, 8 and 9 (input files): encrypted, corrupt-deflate and LZMA
entries, DOCTYPEs in UTF-8 and UTF-16, list levels that are not numbers, template zip bombs, and
spreadsheets with a far cell, very wide rows or a shared-strings bomb.
"""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from crmbid_desktop.services.bid.cancel import Cancelled
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.bid.zip_safety import UnsafeFileError
from crmbid_desktop.services.exchange.section_exchange import preview_returned, send_sections
from crmbid_desktop.services.spreadsheets.tabular import (
    MAX_ROWS,
    FieldSpec,
    TabularError,
    read_table,
    write_xlsx,
)
from crmbid_desktop.services.word.docx_safety import UnsafeDocumentError, open_package
from crmbid_desktop.services.word.proposal_export import TemplateError, check_template
from tests.helpers.bounded import read_bounded
from tests.helpers.hostile_zips import (
    corrupt_data,
    rewrite,
    set_encrypted_flag,
    with_doctype,
)

FIELDS = [FieldSpec("name", "Council", required=True), FieldSpec("region", "Region")]
DOCUMENT = "word/document.xml"
SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def sent(workspace: Workspace, tmp_path: Path) -> Path:
    """A real Word file the program wrote for a partner."""
    path = tmp_path / "sections.docx"
    send_sections(workspace, path, ["2", "3"])
    return path


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "partners.xlsx"
    write_xlsx(path, {"Partners": (["Council", "Region"], [["Leeds City Council", "Yorkshire"]])})
    return path


def _unchanged(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before, "a refused input file must never be changed"


# -- Word files -----------------------------------------------------------------------------------


def test_encrypted_entry_is_refused_by_name(
    workspace: Workspace, sent: Path, tmp_path: Path
) -> None:
    hostile = rewrite(sent, tmp_path / "locked.docx", lambda _n, d: d)
    set_encrypted_flag(hostile, DOCUMENT)
    before = hostile.read_bytes()
    with pytest.raises(UnsafeDocumentError, match=r"locked\.docx.*word/document\.xml.*encrypted"):
        preview_returned(workspace, hostile)
    _unchanged(hostile, before)


def test_corrupt_deflate_is_refused_by_name(
    workspace: Workspace, sent: Path, tmp_path: Path
) -> None:
    hostile = rewrite(sent, tmp_path / "damaged.docx", lambda _n, d: d)
    corrupt_data(hostile, DOCUMENT)
    with pytest.raises(UnsafeDocumentError, match=r"damaged\.docx.*word/document\.xml.*damaged"):
        preview_returned(workspace, hostile)


def test_lzma_entry_is_refused_by_name(workspace: Workspace, sent: Path, tmp_path: Path) -> None:
    hostile = rewrite(
        sent, tmp_path / "lzma.docx", lambda _n, d: d, methods={DOCUMENT: zipfile.ZIP_LZMA}
    )
    with pytest.raises(UnsafeDocumentError, match=r"lzma\.docx.*word/document\.xml.*LZMA"):
        preview_returned(workspace, hostile)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-le"])
def test_doctype_in_any_encoding_is_refused(
    workspace: Workspace, sent: Path, tmp_path: Path, encoding: str
) -> None:
    hostile = rewrite(
        sent,
        tmp_path / f"doctype-{encoding}.docx",
        lambda n, d: with_doctype(d, encoding=encoding) if n == DOCUMENT else d,
    )
    # UTF-16 without a byte-order mark is not XML at all; either way it is refused by name.
    with pytest.raises(UnsafeDocumentError, match=rf"doctype-{encoding}\.docx.*document\.xml"):
        preview_returned(workspace, hostile)


def test_utf16_part_without_doctype_still_reads(
    workspace: Workspace, sent: Path, tmp_path: Path
) -> None:
    def to_utf16(name: str, data: bytes) -> bytes:
        if name != DOCUMENT:
            return data
        text = data.decode("utf-8").split("?>", 1)[1]
        return ('<?xml version="1.0" encoding="UTF-16"?>' + text).encode("utf-16")

    converted = rewrite(sent, tmp_path / "utf16.docx", to_utf16)
    preview = preview_returned(workspace, converted)
    assert [change.number for change in preview.changes] == ["2", "3"]


@pytest.mark.parametrize("level", ["x", "-3", "99999999999", ""])
def test_list_level_that_is_not_a_number_reads(
    workspace: Workspace, sent: Path, tmp_path: Path, level: str
) -> None:
    def odd_levels(name: str, data: bytes) -> bytes:
        if name != DOCUMENT:
            return data
        list_paragraph = (
            '<w:p><w:pPr><w:numPr><w:ilvl w:val="' + level + '"/><w:numId w:val="1"/>'
            "</w:numPr></w:pPr><w:r><w:t>A listed point</w:t></w:r></w:p>"
        ).encode()
        return data.replace(b"<w:sectPr", list_paragraph + b"<w:sectPr", 1)

    odd = rewrite(sent, tmp_path / "levels.docx", odd_levels)
    preview_returned(workspace, odd)  # no ValueError from int("x")


def test_unreadable_content_names_the_file(
    workspace: Workspace, sent: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crmbid_desktop.services.word import docx_reader

    def broken(_package: object) -> None:
        raise IndexError("list index out of range")

    monkeypatch.setattr(docx_reader, "_read_document", broken)
    with pytest.raises(UnsafeDocumentError, match=r"sections\.docx.*not laid out as Word"):
        docx_reader.read_document(open_package(sent))


def test_cli_import_of_hostile_docx_prints_a_message(
    sent: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from crmbid_desktop.app import main

    bid = tmp_path / "cli.crmbid"
    assert main(["new", str(bid)]) == 0
    hostile = rewrite(sent, tmp_path / "returned.docx", lambda _n, d: d)
    set_encrypted_flag(hostile, DOCUMENT)
    capsys.readouterr()
    assert main(["import", str(bid), str(hostile)]) == 1
    captured = capsys.readouterr()
    assert "returned.docx" in captured.err and "encrypted" in captured.err
    assert "Traceback" not in captured.err + captured.out


# -- templates ------------------------------------------------------------------------------------


def _default_template() -> Path:
    from crmbid_desktop.services.word.docx_export import default_template

    return default_template()


def test_template_zip_bomb_is_refused_quickly(tmp_path: Path) -> None:
    bomb = tmp_path / "council.dotx"
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/image1.png", "w", force_zip64=True) as handle,
    ):
        chunk = b"\0" * (1024 * 1024)
        for _ in range(300):
            handle.write(chunk)
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(TemplateError, match=r"council\.dotx.*zip bomb"):
        check_template(bomb)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 2.0 and peak < 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("damage", "reason"),
    [("encrypted", "encrypted"), ("lzma", "LZMA"), ("doctype", "DOCTYPE"), ("deflate", "damaged")],
)
def test_damaged_template_is_refused_by_name(tmp_path: Path, damage: str, reason: str) -> None:
    template = tmp_path / "council.dotx"
    methods = {DOCUMENT: zipfile.ZIP_LZMA} if damage == "lzma" else None
    rewrite(
        _default_template(),
        template,
        lambda n, d: with_doctype(d) if damage == "doctype" and n == DOCUMENT else d,
        methods=methods,
    )
    if damage == "encrypted":
        set_encrypted_flag(template, DOCUMENT)
    if damage == "deflate":
        corrupt_data(template, DOCUMENT)
    with pytest.raises(TemplateError, match=rf"council\.dotx.*{reason}"):
        check_template(template)


def test_cli_export_with_bomb_template_prints_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from crmbid_desktop.app import main

    bid = tmp_path / "cli.crmbid"
    assert main(["new", str(bid)]) == 0
    template = tmp_path / "council.dotx"
    rewrite(_default_template(), template, lambda n, d: with_doctype(d) if n == DOCUMENT else d)
    out = tmp_path / "proposal.docx"
    assert main(["export", str(bid), str(out), "--template", str(template), "--draft"]) == 1
    assert "council.dotx" in capsys.readouterr().err
    assert not out.exists()


# -- spreadsheets ---------------------------------------------------------------------------------


def _far_cell(workbook: Path, target: Path) -> Path:
    far = b'<row r="1000000000"><c r="A1000000000" t="inlineStr"><is><t>far</t></is></c></row>'
    return rewrite(
        workbook,
        target,
        lambda n, d: d.replace(b"</sheetData>", far + b"</sheetData>") if n == SHEET else d,
    )


def test_cell_at_row_a_billion_is_refused_at_once(workbook: Path, tmp_path: Path) -> None:
    hostile = _far_cell(workbook, tmp_path / "far.xlsx")
    started = time.perf_counter()
    with pytest.raises(TabularError, match=r"far\.xlsx.*sheet1\.xml.*row 1,000,000,000"):
        read_table(hostile, FIELDS)
    assert time.perf_counter() - started < 5


def test_styled_empty_cells_past_the_bounds_are_harmless(workbook: Path, tmp_path: Path) -> None:
    styled = b'<row r="3"><c r="XFD3" s="0"/></row><row r="2000000"><c r="A2000000" s="0"/></row>'
    fine = rewrite(
        workbook,
        tmp_path / "styled.xlsx",
        lambda n, d: d.replace(b"</sheetData>", styled + b"</sheetData>") if n == SHEET else d,
    )
    assert [row.values["name"] for row in read_table(fine, FIELDS).rows] == ["Leeds City Council"]


def test_rows_to_column_xfd_are_refused(workbook: Path, tmp_path: Path) -> None:
    """The issue's 300k rows reaching column XFD: refused at the first such cell."""
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><v>1</v></c><c r="XFD%d"><v>1</v></c></row>' % (i, i, i)
        for i in range(3, MAX_ROWS + 10)
    )
    hostile = rewrite(
        workbook,
        tmp_path / "wide.xlsx",
        lambda n, d: d.replace(b"</sheetData>", rows + b"</sheetData>") if n == SHEET else d,
    )
    # In a child capped at 1 GB of address space (the issue measured ~39 GB before).
    found = read_bounded("xlsx", hostile, memory=1024**3, timeout=60)
    assert found.outcome == "message", found
    assert "wide.xlsx" in found.detail and "cell XFD3" in found.detail


def test_more_rows_than_the_bound_are_refused(workbook: Path, tmp_path: Path) -> None:
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>C%d</t></is></c></row>' % (i, i, i)
        for i in range(3, MAX_ROWS + 10)
    )
    hostile = rewrite(
        workbook,
        tmp_path / "long.xlsx",
        lambda n, d: d.replace(b"</sheetData>", rows + b"</sheetData>") if n == SHEET else d,
    )
    with pytest.raises(TabularError, match=r"long\.xlsx.*row 100,001"):
        read_table(hostile, FIELDS)


def test_shared_strings_bomb_is_refused(workbook: Path, tmp_path: Path) -> None:
    strings_part = "xl/sharedStrings.xml"
    bomb = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"".join(b"<si><t>%x</t></si>" % (n * 2654435761 % 2**32) for n in range(1_100_000))
        + b"</sst>"
    )

    def add_strings(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
        return data

    hostile = rewrite(workbook, tmp_path / "strings.xlsx", add_strings)
    with zipfile.ZipFile(hostile, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(strings_part, bomb)
    with pytest.raises(TabularError, match=r"strings\.xlsx.*sharedStrings\.xml.*1,000,000"):
        read_table(hostile, FIELDS)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_spreadsheet_with_doctype_is_refused(workbook: Path, tmp_path: Path, encoding: str) -> None:
    hostile = rewrite(
        workbook,
        tmp_path / "doctype.xlsx",
        lambda n, d: with_doctype(d, encoding=encoding) if n == "xl/workbook.xml" else d,
    )
    before = hostile.read_bytes()
    with pytest.raises(TabularError, match=r"doctype\.xlsx.*xl/workbook\.xml.*DOCTYPE"):
        read_table(hostile, FIELDS)
    _unchanged(hostile, before)


@pytest.mark.parametrize("damage", ["encrypted", "deflate", "lzma"])
def test_damaged_spreadsheet_entry_is_refused(workbook: Path, tmp_path: Path, damage: str) -> None:
    methods = {SHEET: zipfile.ZIP_LZMA} if damage == "lzma" else None
    hostile = rewrite(workbook, tmp_path / "damaged.xlsx", lambda _n, d: d, methods=methods)
    if damage == "encrypted":
        set_encrypted_flag(hostile, SHEET)
    if damage == "deflate":
        corrupt_data(hostile, SHEET)
    with pytest.raises(TabularError, match=r"damaged\.xlsx.*sheet1\.xml"):
        read_table(hostile, FIELDS)


def test_spreadsheet_reading_reports_progress_and_stops_on_cancel(tmp_path: Path) -> None:
    path = tmp_path / "many.xlsx"
    rows = [[f"Council {n}", "London"] for n in range(5_000)]
    write_xlsx(path, {"Partners": (["Council", "Region"], rows)})
    seen: list[tuple[int, int]] = []
    assert len(read_table(path, FIELDS, progress=lambda d, t: seen.append((d, t))).rows) == 5_000
    assert seen and seen[0][0] == 1000 and all(t in (0, 5_001) for _d, t in seen)

    def cancel(done: int, _total: int) -> None:
        if done >= 2000:
            raise Cancelled

    with pytest.raises(Cancelled):
        read_table(path, FIELDS, progress=cancel)


def test_csv_reading_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("Council,Region\n" + "Leeds,Yorkshire\n" * (MAX_ROWS + 5))
    with pytest.raises(TabularError, match=r"long\.csv.*more than 100,000 rows"):
        read_table(path, FIELDS)


def test_guard_names_file_and_part() -> None:
    error = UnsafeFileError(Path("/x/y/file.xlsx"), "its part a.xml is odd.", part="a.xml")
    assert str(error) == "Cannot read “file.xlsx”: its part a.xml is odd."
    assert isinstance(error, ValueError) and error.part == "a.xml"
