"""What every file reader and writer takes and returns: options in, a typed result out.

It lives with the open bid, below every package that reads or writes a file, so the Word,
spreadsheet and exchange handlers can share it without depending on the table that names them
(`services/formats.py`, above them all).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

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


class Writer(Protocol):
    """Writes one kind of document from the open bid to `target`."""

    def __call__(
        self, workspace: Workspace, target: Path, options: ExportOptions, /
    ) -> ExportResult: ...


class Reader(Protocol):
    """Reads one kind of document from `source` into the open bid (or previews it)."""

    def __call__(
        self, workspace: Workspace, source: Path, options: ImportOptions, /
    ) -> ImportReport: ...
