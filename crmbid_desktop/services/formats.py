"""Which writer or reader handles a file: one explicit table of (extension, document) → handler.

The command line and the Export, Partners, Timetable and Sustainability pages all go through
`export` and `import_file`, so they share one list of what the program can write and read. The
table below is the whole registry: nothing registers itself on import, and for each extension the
entry marked `default` is used when neither the caller nor the file's name names a document.
Handlers are loaded on first use, because they pull in python-docx, openpyxl or icalendar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from crmbid_desktop.services.bid.file_io import (
    ExportOptions,
    ExportResult,
    ImportOptions,
    ImportReport,
    Reader,
    Writer,
)
from crmbid_desktop.services.bid.workspace import Workspace

__all__ = [
    "READERS",
    "WRITERS",
    "ExportOptions",
    "ExportResult",
    "FileFormat",
    "ImportOptions",
    "ImportReport",
    "UnknownFormatError",
    "export",
    "import_file",
]

H = TypeVar("H", Writer, Reader)


@dataclass(frozen=True)
class FileFormat(Generic[H]):
    """One row of the table: a document kind written to (or read from) files with one extension."""

    suffix: str  # ".docx"
    document: str  # "proposal"
    description: str
    #: Imports the handler's module and returns the handler (kept lazy for start-up time).
    load: Callable[[], H]
    #: File-name words that pick this document when none is named; tried in table order.
    name_hints: tuple[str, ...] = ()
    #: The document for this extension when neither the caller nor the file name says which.
    default: bool = False


class UnknownFormatError(ValueError):
    pass


# -- handlers, imported when first used ----------------------------------------------------------


def _proposal() -> Writer:
    from crmbid_desktop.services.word.proposal_export import export_proposal_docx

    return export_proposal_docx


def _eoi() -> Writer:
    from crmbid_desktop.services.word.proposal_export import export_eoi_docx

    return export_eoi_docx


def _sections_sent() -> Writer:
    from crmbid_desktop.services.exchange.section_exchange import export_sections_docx

    return export_sections_docx


def _sections_returned() -> Reader:
    from crmbid_desktop.services.exchange.section_exchange import import_returned_docx

    return import_returned_docx


def _partners_out() -> Writer:
    from crmbid_desktop.services.spreadsheets.partner_export import export_partners

    return export_partners


def _partners_in() -> Reader:
    from crmbid_desktop.services.spreadsheets.partner_import import run_import

    return run_import


def _budget() -> Writer:
    from crmbid_desktop.services.spreadsheets.budget_xlsx import export_budget_xlsx

    return export_budget_xlsx


def _products_csv() -> Writer:
    from crmbid_desktop.services.spreadsheets.products_io import export_products_csv

    return export_products_csv


def _products_xlsx() -> Writer:
    from crmbid_desktop.services.spreadsheets.products_io import export_products_xlsx

    return export_products_xlsx


def _products_in() -> Reader:
    from crmbid_desktop.services.spreadsheets.products_io import import_products

    return import_products


def _timetable() -> Writer:
    from crmbid_desktop.services.spreadsheets.calendar_export import export_calendar

    return export_calendar


# -- the table -----------------------------------------------------------------------------------

_PARTNER_HINTS = ("partner", "council")

WRITERS: tuple[FileFormat[Writer], ...] = (
    FileFormat(".docx", "proposal", "Word proposal", _proposal, ("proposal",), default=True),
    FileFormat(".docx", "eoi", "Word expression-of-interest letter", _eoi, ("eoi", "expression")),
    FileFormat(
        ".docx", "sections", "Sections for a partner to edit in Word", _sections_sent, ("section",)
    ),
    FileFormat(
        ".xlsx",
        "partners",
        "Partner councils and contacts (.xlsx, two sheets)",
        _partners_out,
        _PARTNER_HINTS,
        default=True,
    ),
    FileFormat(
        ".csv",
        "partners",
        "Partner councils and contacts (.csv, one row per contact)",
        _partners_out,
        _PARTNER_HINTS,
        default=True,
    ),
    FileFormat(
        ".xlsx", "budget", "Budget workbook with Excel formulas for totals", _budget, ("budget",)
    ),
    FileFormat(".csv", "products", "Products register", _products_csv, ("product",)),
    FileFormat(".xlsx", "products", "Products register", _products_xlsx, ("product",)),
    FileFormat(
        ".ics",
        "timetable",
        "Timetable for Outlook (.ics)",
        _timetable,
        ("timetable", "calendar", "milestone", "task"),
        default=True,
    ),
)

READERS: tuple[FileFormat[Reader], ...] = (
    FileFormat(
        ".csv",
        "partners",
        "Partner councils and contacts (.csv)",
        _partners_in,
        _PARTNER_HINTS,
        default=True,
    ),
    FileFormat(
        ".xlsx",
        "partners",
        "Partner councils and contacts (.xlsx)",
        _partners_in,
        _PARTNER_HINTS,
        default=True,
    ),
    FileFormat(".csv", "products", "Products register", _products_in, ("product",)),
    FileFormat(".xlsx", "products", "Products register", _products_in, ("product",)),
    FileFormat(
        ".docx",
        "returned",
        "A partner's returned Word file (or any .docx into a chosen section)",
        _sections_returned,
        ("returned",),
        default=True,
    ),
)


# -- choosing and running ------------------------------------------------------------------------


def _choose(
    table: tuple[FileFormat[H], ...], path: Path, document: str | None, verb: str
) -> FileFormat[H]:
    suffix = path.suffix.lower()
    candidates = [row for row in table if row.suffix == suffix]
    if not candidates:
        known = sorted({row.suffix for row in table})
        raise UnknownFormatError(
            f"Cannot {verb} “{path.name}”: the extension {suffix or '(none)'} is not one of "
            f"{', '.join(known)}."
        )
    if document is not None:
        for row in candidates:
            if row.document == document:
                return row
        choices = ", ".join(row.document for row in candidates)
        raise UnknownFormatError(
            f"Cannot {verb} “{path.name}” as {document!r}: for {suffix} files choose {choices}."
        )
    name = path.stem.lower()
    for row in candidates:
        if any(hint in name for hint in row.name_hints):
            return row
    return next(row for row in candidates if row.default)


def export(workspace: Workspace, target: Path, options: ExportOptions) -> ExportResult:
    """Write `target` with the writer its extension and `options.document` (or name) choose."""
    from crmbid_desktop.services.bid.atomic_files import check_path_length

    check_path_length(Path(target))  # a clear message, not "[Errno 36]" from the first stat
    document = options.document
    if document is None and options.sections:
        # --sections means "send these sections" whatever the file is called.
        suffix = target.suffix.lower()
        if any(row.suffix == suffix and row.document == "sections" for row in WRITERS):
            document = "sections"
    writer = _choose(WRITERS, target, document, "export").load()
    return writer(workspace, target, options)


def import_file(workspace: Workspace, source: Path, options: ImportOptions) -> ImportReport:
    """Read `source` with the reader its extension and `options.document` (or name) choose."""
    reader = _choose(READERS, source, options.document, "import").load()
    return reader(workspace, source, options)
