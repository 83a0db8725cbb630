"""Read and write spreadsheets as councils really produce them (CSV in any common dialect, XLSX).

Any register (partners, products...) describes the columns it wants as `FieldSpec`s and gets back
plain text rows with the row number the user sees in Excel or a text editor, so each register can
reject a row saying exactly where it is. Files are written atomically: a failure never leaves half
a file behind.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from crmbid_desktop.services.bid.cancel import Cancelled

if TYPE_CHECKING:
    from crmbid_desktop.services.bid.zip_safety import GuardedZip

#: Called with (rows read, rows expected or 0); raises `Cancelled` when the user cancels.
Progress = Callable[[int, int], None]

#: How many rows from the top we look through for the header row (title rows, notes above it).
HEADER_SEARCH_ROWS = 20

#: Text Excel would start evaluating as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class FieldSpec:
    """A column a register understands: its field name, the label we write, and header synonyms."""

    name: str
    label: str
    synonyms: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class SourceRow:
    #: The row number as the user sees it in Excel / a text editor (1-based, header counted).
    number: int
    #: Field name -> cell text, stripped ("" when the cell or the column is missing).
    values: dict[str, str]


@dataclass(frozen=True)
class TableRead:
    rows: list[SourceRow]
    #: Headers of columns no field recognised, as written in the file.
    ignored_columns: list[str]
    #: 1-based row number of the header row.
    header_row: int


class TabularError(ValueError):
    """A problem with the whole file (unreadable, wrong type, no header): names the file and why."""


def header_key(text: str) -> str:
    """Headers compare case-insensitively, ignoring spaces and punctuation ("E-mail" = "email")."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def _field_keys(fields: Sequence[FieldSpec]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for spec in fields:
        for text in (spec.name, spec.label, *spec.synonyms):
            key = header_key(text)
            if key:
                keys.setdefault(key, spec.name)
    return keys


# -- reading --------------------------------------------------------------------------------------


def read_table(
    path: Path,
    fields: Sequence[FieldSpec],
    *,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> TableRead:
    """Read the rows of a .csv or .xlsx file into the given fields.

    `sheet` names the worksheet of a workbook to read (default: the first one). `progress(done,
    total)` is called every few thousand rows (total 0 when unknown); if it raises `Cancelled`,
    reading stops and the file is closed.

    Raises `TabularError` when the file cannot be read as a table or lacks a required column;
    row-level problems are for the caller, which knows what each field means.
    """
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        numbered = _csv_rows(path, progress)
    elif suffix in (".xlsx", ".xlsm"):
        numbered = _xlsx_rows(path, sheet, progress)
    elif suffix == ".xls":
        raise TabularError(
            f"“{path.name}” is an old Excel 97-2003 workbook (.xls), which cannot be read. "
            "Open it in Excel and save it as an Excel Workbook (.xlsx) or as CSV."
        )
    else:
        raise TabularError(
            f"“{path.name}” is not a spreadsheet this program reads: use a .csv or .xlsx file."
        )
    return _to_table(path, numbered, fields)


def _to_table(
    path: Path, numbered: list[tuple[int, list[str]]], fields: Sequence[FieldSpec]
) -> TableRead:
    if not numbered:
        raise TabularError(f"“{path.name}” is empty: there is no header row and no data.")
    keys = _field_keys(fields)
    required = {spec.name for spec in fields if spec.required}

    best_index, best_matches = -1, 0
    for index, (_number, cells) in enumerate(numbered[:HEADER_SEARCH_ROWS]):
        matched = {keys[k] for k in (header_key(cell) for cell in cells) if k in keys}
        # The first row naming every required column wins; otherwise the row naming the most.
        if matched and required <= matched:
            best_index = index
            break
        if len(matched) > best_matches:
            best_index, best_matches = index, len(matched)
    if best_index < 0:
        expected = ", ".join(f"“{spec.label}”" for spec in fields[:6])
        raise TabularError(
            f"“{path.name}” has no header row this program recognises in its first "
            f"{HEADER_SEARCH_ROWS} rows; expected column headings such as {expected}."
        )
    header_number, header_cells = numbered[best_index]

    columns: dict[int, str] = {}
    ignored: list[str] = []
    seen: set[str] = set()
    for position, cell in enumerate(header_cells):
        name = keys.get(header_key(cell))
        if name is not None and name not in seen:
            columns[position] = name
            seen.add(name)
        elif cell.strip():
            ignored.append(cell.strip())
    missing = [spec.label for spec in fields if spec.required and spec.name not in seen]
    if missing:
        raise TabularError(
            f"“{path.name}”: the header row (row {header_number}) has no column for "
            + ", ".join(f"“{label}”" for label in missing)
            + "."
        )

    rows: list[SourceRow] = []
    for number, cells in numbered[best_index + 1 :]:
        values = {name: "" for name in seen}
        for position, name in columns.items():
            if position < len(cells):
                values[name] = cells[position].strip()
        if any(values.values()):
            rows.append(SourceRow(number, values))
    return TableRead(rows, ignored, header_number)


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")  # Excel's "Unicode text"
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        # A few bytes cp1252 leaves undefined; Latin-1 reads every byte, so nothing is lost.
        return raw.decode("latin-1")


def _sniff_delimiter(text: str) -> str:
    """Comma, semicolon (Excel in many European locales) or tab: whichever the header uses most."""
    for line in text.splitlines()[:HEADER_SEARCH_ROWS]:
        if not line.strip():
            continue
        counts = {delimiter: _count_unquoted(line, delimiter) for delimiter in (",", ";", "\t")}
        best = max(counts, key=lambda delimiter: counts[delimiter])
        if counts[best]:
            return best
    return ","


def _count_unquoted(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


#: A CSV larger than this is not a register (5,000 councils with contacts is about 2 MB).
MAX_CSV_BYTES = 100 * 1024 * 1024


def _csv_rows(path: Path, progress: Progress | None = None) -> list[tuple[int, list[str]]]:
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            raise TabularError(
                f"“{path.name}” is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB; a register "
                "this program reads is far smaller."
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise TabularError(f"“{path}” does not exist.") from None
    except OSError as error:
        raise TabularError(f"“{path.name}” cannot be read: {error.strerror or error}.") from None
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TabularError(
            f"“{path.name}” is not a text (CSV) file; if it is an Excel workbook, "
            "give it the .xlsx extension."
        )
    text = _decode(raw)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    rows: list[tuple[int, list[str]]] = []
    previous_line = 0
    try:
        for count, cells in enumerate(reader, start=1):
            # A quoted cell may span lines: the record starts on the line after the last one read.
            start = previous_line + 1
            previous_line = reader.line_num
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count, 0)
            if count > MAX_ROWS:
                raise TabularError(
                    f"“{path.name}” has more than {MAX_ROWS:,} rows; a register this program "
                    "reads is far smaller. Split it, or remove the extra rows."
                )
            if len(cells) > MAX_COLUMNS:
                cells = cells[:MAX_COLUMNS]
            if any(cell.strip() for cell in cells):
                rows.append((start, [_undo_neutralise(cell) for cell in cells]))
    except csv.Error as error:
        raise TabularError(
            f"“{path.name}” line {reader.line_num}: not readable as CSV ({error})."
        ) from None
    return rows


def _undo_neutralise(cell: str) -> str:
    """Our own CSV export wrote "'=..." so Excel would not run it; read back what the user typed."""
    if cell.startswith("'") and cell[1:2] and cell[1] in "=+-@\t\r":
        return cell[1:]
    return cell


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel keeps every number as a float; 12500.0 is the whole number the user typed.
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


#: Bounds on what a register spreadsheet may hold; a real one (400 councils, 41 products) is far
#: below each. Past them the file is refused with a message rather than read for minutes.
MAX_ROWS = 100_000
MAX_COLUMNS = 256
MAX_CELLS = 2_000_000
MAX_SHARED_STRINGS = 1_000_000
#: Styles are read whole by openpyxl; a real styles.xml is well under 1 MB.
MAX_STYLES_BYTES = 20 * 1024 * 1024
#: Progress is reported (and Cancel noticed) every so many rows.
PROGRESS_EVERY = 1000
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _guard_workbook(path: Path) -> int:
    """The zip checks every input gets, plus the parts openpyxl reads whole (strings, styles).

    Returns the widest column any worksheet uses, so rows are read no wider than that.
    """
    from crmbid_desktop.services.bid.zip_safety import SPREADSHEET, GuardedZip, UnsafeFileError

    widest = 1
    try:
        with GuardedZip(path, SPREADSHEET) as archive:
            archive.check_all_xml()
            for name, info in archive.infos.items():
                lowered = name.lower()
                if lowered.endswith("styles.xml") and info.file_size > MAX_STYLES_BYTES:
                    raise UnsafeFileError(
                        path, f"its part {name} (the cell styles) is larger than 20 MB.", part=name
                    )
                if lowered.endswith("sharedstrings.xml"):
                    _count_shared_strings(archive, name)
                if lowered.startswith("xl/worksheets/") and lowered.endswith(".xml"):
                    widest = max(widest, _check_sheet_extent(archive, name))
    except UnsafeFileError as error:
        raise TabularError(str(error)) from error
    return widest


def _forget(element: Any) -> None:
    """Free a parsed element and its earlier siblings, so streaming a huge part stays small."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def _count_shared_strings(archive: GuardedZip, name: str) -> None:
    """Stream the shared-strings part, refusing it past `MAX_SHARED_STRINGS` entries."""
    from lxml import etree

    from crmbid_desktop.services.bid.zip_safety import UnsafeFileError

    count = 0
    parser = etree.iterparse(
        archive.open_stream(name),
        events=("end",),
        tag=f"{_MAIN_NS}si",
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
    )
    try:
        for _event, element in parser:
            count += 1
            if count > MAX_SHARED_STRINGS:
                raise UnsafeFileError(
                    archive.path,
                    f"its part {name} holds more than {MAX_SHARED_STRINGS:,} texts, far more "
                    "than a register needs, so it was refused.",
                    part=name,
                )
            # Drop what was counted, so a million entries never sit in memory together.
            _forget(element)
    except etree.XMLSyntaxError as error:
        raise UnsafeFileError(
            archive.path, f"its part {name} is not valid XML ({error}).", part=name
        ) from error


def _check_sheet_extent(archive: GuardedZip, name: str) -> int:
    """Refuse a worksheet with data past the bounds, before openpyxl walks to it; returns the
    widest column its rows use (`MAX_COLUMNS` when a cell does not say where it is).

    Rows and their last cells are looked at as lxml streams the part (the cells in between are
    never touched from Python), so a real register costs little and a row at 1,000,000,000 or a
    cell in column XFD is named in a message instead of being walked to or silently dropped.
    """
    from lxml import etree

    from crmbid_desktop.services.bid.zip_safety import UnsafeFileError

    parser = etree.iterparse(
        archive.open_stream(name),
        events=("end",),
        tag=f"{_MAIN_NS}row",
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
    )
    widest = 1
    try:
        for _event, row in parser:
            if len(row):
                number = row.get("r") or ""
                past = number.isdigit() and int(number) > MAX_ROWS
                if past and any(len(cell) for cell in row):  # a value, not just a style
                    raise UnsafeFileError(
                        archive.path,
                        f"its worksheet {name} has data in row {int(number):,}; a register this "
                        f"program reads has at most {MAX_ROWS:,} rows. Remove the rows past it.",
                        part=name,
                    )
                last = row[-1].get("r") or ""
                letters = last.rstrip("0123456789")
                column = _column(letters) if letters.isalpha() else MAX_COLUMNS
                widest = max(widest, min(column, MAX_COLUMNS))
                if len(row[-1]) and column > MAX_COLUMNS:
                    raise UnsafeFileError(
                        archive.path,
                        f"its worksheet {name} has data in cell {last}; a register this program "
                        f"reads has at most {MAX_COLUMNS} columns. Remove the columns past it.",
                        part=name,
                    )
            _forget(row)
    except etree.XMLSyntaxError as error:
        raise UnsafeFileError(
            archive.path, f"its part {name} is not valid XML ({error}).", part=name
        ) from error
    return widest


def _column(letters: str) -> int:
    from openpyxl.utils.cell import column_index_from_string

    try:
        return int(column_index_from_string(letters.upper()))
    except ValueError:  # more than three letters: past Excel's last column, XFD
        return MAX_COLUMNS + 1


def xlsx_sheet_names(path: Path) -> list[str]:
    """The worksheet names of a workbook, or [] when it cannot be read."""
    from openpyxl import load_workbook

    try:
        _guard_workbook(path)
        workbook = load_workbook(path, read_only=True)
    except Exception:  # the caller's read_table reports what is wrong with the file
        return []
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _xlsx_rows(
    path: Path, sheet_name: str | None, progress: Progress | None = None
) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    if not path.exists():
        raise TabularError(f"“{path}” does not exist.")
    widest = _guard_workbook(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types on damaged files
        raise TabularError(
            f"“{path.name}” is not a readable Excel workbook (.xlsx): {error}."
        ) from None
    try:
        if not workbook.worksheets:
            raise TabularError(f"“{path.name}” has no worksheets.")
        if sheet_name is None:
            sheet = workbook.worksheets[0]
        elif sheet_name in workbook.sheetnames:
            sheet = workbook[sheet_name]
        else:
            raise TabularError(f"“{path.name}” has no worksheet named “{sheet_name}”.")
        try:
            return _bounded_rows(path, sheet, widest, progress)
        except (TabularError, Cancelled):
            raise
        except Exception as error:  # a damaged sheet part: openpyxl's parser raises many types
            raise TabularError(
                f"“{path.name}”, worksheet “{sheet.title}”, cannot be read: {error}."
            ) from None
    finally:
        workbook.close()


def _bounded_rows(
    path: Path, sheet: Any, widest: int, progress: Progress | None
) -> list[tuple[int, list[str]]]:
    """Rows read with explicit bounds, so the sheet's own <dimension> (true, wrong or hostile)
    never decides how far we walk; read-only openpyxl yields empty rows for gaps, so the count
    is Excel's row number, and it stops at the first row past the bound."""
    declared = sheet.max_row if isinstance(sheet.max_row, int) else 0
    total = declared if 0 < declared <= MAX_ROWS else 0
    rows: list[tuple[int, list[str]]] = []
    cells_seen = 0
    for number, values in enumerate(
        sheet.iter_rows(min_row=1, max_row=MAX_ROWS + 1, max_col=widest, values_only=True),
        start=1,
    ):
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number, total)
        end = len(values)
        while end and values[end - 1] is None:
            end -= 1
        if not end:
            continue
        if number > MAX_ROWS:
            raise TabularError(
                f"“{path.name}”, worksheet “{sheet.title}”, has more than {MAX_ROWS:,} rows; "
                "a register this program reads is far smaller. Split it, or remove the extra rows."
            )
        cells = [_cell_text(value) for value in values[:end]]
        cells_seen += end
        if cells_seen > MAX_CELLS:
            raise TabularError(
                f"“{path.name}”, worksheet “{sheet.title}”, holds more than {MAX_CELLS:,} cells "
                f"(stopped at row {number}); a register this program reads is far smaller."
            )
        if any(cell.strip() for cell in cells):
            rows.append((number, cells))
    return rows


# -- writing --------------------------------------------------------------------------------------


def neutralise_csv_cell(value: object) -> object:
    """Text Excel would run as a formula gets a leading apostrophe; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if value is None:
        return ""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _atomic_write(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Write to a temporary file beside the target, then swap it in with one rename."""
    from crmbid_desktop.services.bid.atomic_files import atomic_write_stream

    atomic_write_stream(path, write)


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a CSV Excel opens correctly (UTF-8 with BOM, CRLF), neutralising formula-like text."""

    def write(handle: IO[bytes]) -> None:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow([neutralise_csv_cell(header) for header in headers])
        for row in rows:
            writer.writerow([neutralise_csv_cell(value) for value in row])
        text.flush()
        text.detach()

    _atomic_write(path, write)


def _xlsx_value(value: object) -> object:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if value is None or isinstance(value, (int, float, Decimal, date, datetime)):
        return value
    return str(value)


def write_xlsx(
    path: Path, sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[object]]]]
) -> None:
    """Write one worksheet per entry (name -> headers, rows); text is never taken as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, (headers, rows) in sheets.items():
        sheet: Any = workbook.create_sheet(title=title[:31])
        widths = [len(str(header)) for header in headers]
        materialised = [list(row) for row in rows]
        for row in materialised:
            for position, value in enumerate(row[: len(widths)]):
                widths[position] = max(widths[position], min(len(str(value or "")), 60))
        for position, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(position)].width = width + 2
        sheet.freeze_panes = "A2"
        header_cells = []
        for header in headers:
            cell = _string_safe_cell(sheet, WriteOnlyCell, header)
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in materialised:
            sheet.append([_string_safe_cell(sheet, WriteOnlyCell, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _atomic_write(path, lambda handle: handle.write(buffer.getvalue()))


def _string_safe_cell(sheet: Any, cell_type: Any, value: object) -> Any:
    cell = cell_type(sheet, value=_xlsx_value(value))
    if isinstance(value, str) and cell.data_type == "f":
        # openpyxl stores text starting with "=" as a formula; the user typed text.
        cell.data_type = "s"
    elif isinstance(value, date) and not isinstance(value, datetime):
        cell.number_format = "ddd d mmm yyyy"
    return cell
