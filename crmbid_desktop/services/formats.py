"""Which exporter or importer handles a file: chosen by the file's extension and the document asked for.

Each capability registers its own handler here, so the command line and the Export page share one
list of what the program can write and read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from crmbid_desktop.services.bid.workspace import Workspace


@dataclass(frozen=True)
class ExportOptions:
    """What the user asked for besides the target file."""

    document: str | None = None  # e.g. "proposal", "eoi", "partners", "budget"; None = inferred
    template: Path | None = None
    draft: bool = False
    sections: tuple[str, ...] = ()  # section numbers such as "4" or "6.1"
    partner: str = ""  # who sections sent for editing are for ("Leeds City Council")
    progress: Callable[[int, int], None] | None = None
    #: Draws the risk heat map as PNG bytes from {(likelihood, impact): count}; painting needs
    #: the GUI toolkit, so the caller that has one passes it in (None leaves the picture out).
    heat_map_renderer: Callable[[dict[tuple[int, int], int]], bytes] | None = None


@dataclass(frozen=True)
class ImportOptions:
    document: str | None = None
    dry_run: bool = False
    into_section: str | None = None
    #: For a returned Word file: reject the partner's tracked changes instead of accepting them.
    reject_tracked: bool = False


@dataclass(frozen=True)
class ExportResult:
    target: Path
    summary: str
    #: Problems found before exporting (e.g. the proposal's preflight); the CLI prints them.
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, on a dry run, would do); `rejected` rows make the CLI exit 1."""

    lines: list[str] = field(default_factory=list)
    rejected: int = 0


Exporter = Callable[[Workspace, Path, ExportOptions], ExportResult]
Importer = Callable[[Workspace, Path, ImportOptions], ImportReport]


@dataclass(frozen=True)
class Handler:
    suffix: str  # ".docx"
    document: str  # "proposal"
    description: str
    run: Callable[..., object]
    #: File-name words that pick this document when --document is not given.
    name_hints: tuple[str, ...] = ()


_exporters: list[Handler] = []
_importers: list[Handler] = []


class UnknownFormatError(ValueError):
    pass


def register_exporter(handler: Handler) -> None:
    _exporters.append(handler)


def register_importer(handler: Handler) -> None:
    _importers.append(handler)


def _choose(handlers: list[Handler], path: Path, document: str | None, verb: str) -> Handler:
    suffix = path.suffix.lower()
    candidates = [handler for handler in handlers if handler.suffix == suffix]
    if not candidates:
        known = sorted({handler.suffix for handler in handlers})
        raise UnknownFormatError(
            f"Cannot {verb} “{path.name}”: the extension {suffix or '(none)'} is not one of "
            f"{', '.join(known) or 'none yet'}."
        )
    if document is not None:
        for handler in candidates:
            if handler.document == document:
                return handler
        choices = ", ".join(handler.document for handler in candidates)
        raise UnknownFormatError(
            f"Cannot {verb} “{path.name}” as {document!r}: for {suffix} files choose {choices}."
        )
    name = path.stem.lower()
    for handler in candidates:
        if any(hint in name for hint in handler.name_hints):
            return handler
    return candidates[0]


def exporters() -> list[Handler]:
    _load_handlers()
    return list(_exporters)


def importers() -> list[Handler]:
    _load_handlers()
    return list(_importers)


def export(workspace: Workspace, target: Path, options: ExportOptions) -> ExportResult:
    from crmbid_desktop.services.bid.atomic_files import check_path_length

    check_path_length(Path(target))  # a clear message, not "[Errno 36]" from the first stat
    _load_handlers()
    document = options.document
    if document is None and options.sections:
        # --sections means "send these sections" whatever the file is called.
        suffix = target.suffix.lower()
        if any(h.suffix == suffix and h.document == "sections" for h in _exporters):
            document = "sections"
    handler = _choose(_exporters, target, document, "export")
    result = handler.run(workspace, target, options)
    assert isinstance(result, ExportResult)
    return result


def import_file(workspace: Workspace, source: Path, options: ImportOptions) -> ImportReport:
    _load_handlers()
    handler = _choose(_importers, source, options.document, "import")
    result = handler.run(workspace, source, options)
    assert isinstance(result, ImportReport)
    return result


#: Modules that register handlers when imported; each capability adds its module here.
HANDLER_MODULES: list[str] = [
    "crmbid_desktop.services.spreadsheets.partner_import",
    "crmbid_desktop.services.spreadsheets.partner_export",
    "crmbid_desktop.services.spreadsheets.budget_xlsx",
    "crmbid_desktop.services.spreadsheets.products_io",
    "crmbid_desktop.services.word.proposal_export",
    "crmbid_desktop.services.spreadsheets.calendar_export",
    # After the proposal, so a .docx without "section" in its name stays the proposal.
    "crmbid_desktop.services.exchange.section_exchange",
]

_loaded = False


def _load_handlers() -> None:
    """Import the handler modules on first use (they pull in python-docx, openpyxl...)."""
    global _loaded
    if _loaded:
        return
    import importlib

    for module in HANDLER_MODULES:
        importlib.import_module(module)
    # A module imported earlier (the take-back dialog imports section_exchange) registered its
    # handlers first; the list's order, which decides the default per extension, is restored.
    for handlers in (_exporters, _importers):
        handlers.sort(key=_module_rank)
    _loaded = True


def _module_rank(handler: Handler) -> int:
    module = getattr(handler.run, "__module__", "")
    return HANDLER_MODULES.index(module) if module in HANDLER_MODULES else len(HANDLER_MODULES)
