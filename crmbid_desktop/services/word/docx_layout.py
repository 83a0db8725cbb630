"""Page numbers from a real layout: LibreOffice lays the document out, poppler reads the pages.

Word and LibreOffice both show a contents field's cached text until someone updates it, and a PDF
made straight from the file shows it too. When LibreOffice is installed we lay the finished
document out once, find the page each heading landed on, and write those numbers into the cached
contents. Without LibreOffice (a laptop with only Word) the numbers are left for Word, which
refreshes the contents on opening because the field is marked dirty.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger(__name__)

#: "off" skips the layout step (tests that do not look at page numbers; a slow machine).
LAYOUT_ENV = "CRMBID_PAGE_LAYOUT"
LAYOUT_TIMEOUT_S = 180
# On Windows a console program started from the desktop program would flash a console window.
_NO_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)

_WINDOWS_SOFFICE = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)


def find_soffice() -> str | None:
    """LibreOffice's command, on the PATH or where its Windows installer puts it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if sys.platform == "win32":
        for candidate in _WINDOWS_SOFFICE:
            if Path(candidate).is_file():
                return candidate
    return None


def layout_available() -> bool:
    """Whether page numbers can be worked out here (LibreOffice and pdftotext, not turned off)."""
    if os.environ.get(LAYOUT_ENV, "").strip().lower() in ("off", "0", "no"):
        return False
    return find_soffice() is not None and shutil.which("pdftotext") is not None


def pdf_pages(docx: bytes, *, timeout: float = LAYOUT_TIMEOUT_S) -> list[str] | None:
    """The text of each page as LibreOffice lays the document out, or None if that failed."""
    soffice = find_soffice()
    pdftotext = shutil.which("pdftotext")
    if soffice is None or pdftotext is None:
        return None
    with tempfile.TemporaryDirectory(prefix="crmbid-layout-") as folder:
        work = Path(folder)
        source = work / "proposal.docx"
        source.write_bytes(docx)
        profile = work / "profile"  # its own profile: a LibreOffice the user has open is untouched
        try:
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={profile.as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(work),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=timeout,
                creationflags=_NO_WINDOW,
            )
            text = subprocess.run(
                [pdftotext, "-layout", "-enc", "UTF-8", str(work / "proposal.pdf"), "-"],
                check=True,
                capture_output=True,
                timeout=timeout,
                creationflags=_NO_WINDOW,
            ).stdout.decode("utf-8", "replace")
        except (OSError, subprocess.SubprocessError) as error:
            log.warning("Could not lay the document out with LibreOffice: %s", error)
            return None
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def normalise(text: str) -> str:
    """Text as compared: ligatures undone, any run of spaces and line breaks one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def heading_pages(pages: Sequence[str], headings: Sequence[tuple[str, str]]) -> list[int | None]:
    """The page (1-based) each (number, title) heading is printed on, in reading order.

    The contents lists every heading first, so a first pass through the pages finds them all
    there; the body starts after the page where that pass ended, and a second pass finds the
    headings themselves, each on or after the page of the one before.
    """
    flat = [normalise(page) for page in pages]
    wanted = [normalise(f"{number} {title}")[:60] for number, title in headings]

    def sequential(start: int) -> list[int | None]:
        found: list[int | None] = []
        page = start
        for text in wanted:
            hit = next((i for i in range(page, len(flat)) if text in flat[i]), None)
            found.append(None if hit is None else hit + 1)
            if hit is not None:
                page = hit
        return found

    in_contents = [page for page in sequential(0) if page is not None]
    body_start = max(in_contents) if in_contents else 0  # 1-based page of the contents' end
    return sequential(body_start)
