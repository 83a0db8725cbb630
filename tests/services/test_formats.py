"""The file-format table: one default per extension, handlers that load, no import side effects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crmbid_desktop.services import formats
from crmbid_desktop.services.bid.workspace import Workspace


@pytest.mark.parametrize("table", [formats.WRITERS, formats.READERS], ids=["writers", "readers"])
def test_each_extension_has_exactly_one_default(table: tuple[formats.FileFormat, ...]) -> None:
    suffixes = {row.suffix for row in table}
    for suffix in suffixes:
        defaults = [row.document for row in table if row.suffix == suffix and row.default]
        assert len(defaults) == 1, (suffix, defaults)
    pairs = [(row.suffix, row.document) for row in table]
    assert len(pairs) == len(set(pairs)), "an (extension, document) pair is listed twice"


@pytest.mark.parametrize(
    "row", [*formats.WRITERS, *formats.READERS], ids=lambda r: f"{r.suffix}-{r.document}"
)
def test_every_row_loads_its_handler(row: formats.FileFormat) -> None:
    handler = row.load()
    assert callable(handler)
    assert handler.__module__.startswith("crmbid_desktop.services.")


def test_importing_the_table_registers_and_loads_nothing() -> None:
    """The table is data: importing it pulls in no handler module (python-docx, openpyxl...)."""
    code = (
        "import sys; import crmbid_desktop.services.formats; "
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('docx', 'openpyxl', 'icalendar')"
        " or m.startswith(('crmbid_desktop.services.word', 'crmbid_desktop.services.spreadsheets',"
        " 'crmbid_desktop.services.exchange'))]; print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_file_names_and_documents_choose_the_handler(workspace: Workspace, tmp_path: Path) -> None:
    names = {
        "Partners.xlsx": "partners",
        "Budget 2005.xlsx": "budget",
        "products.csv": "products",
        "anything.csv": "partners",
        "bid.ics": "timetable",
    }
    for name, document in names.items():
        assert formats._choose(formats.WRITERS, tmp_path / name, None, "export").document == (
            document
        )
    with pytest.raises(formats.UnknownFormatError, match=r"\.pdf is not one of .*\.docx"):
        formats.export(workspace, tmp_path / "bid.pdf", formats.ExportOptions())
    with pytest.raises(formats.UnknownFormatError, match=r"for \.xlsx files choose partners"):
        formats.import_file(workspace, tmp_path / "x.xlsx", formats.ImportOptions(document="eoi"))
