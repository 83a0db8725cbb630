"""Reading a .docx from outside safely: zip sizes checked before reading, XML without entities.

A returned Word file is untrusted. `zip_safety` checks the package and each part before any of it
is parsed; nothing here writes a file, so no path inside the archive is ever used on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from crmbid_desktop.services.zip_safety import WORD_FILE, GuardedZip, UnsafeFileError

if TYPE_CHECKING:
    from lxml.etree import _Element


class UnsafeDocumentError(UnsafeFileError):
    """The file is not a Word document we will read; the message names the file and reason."""


def _parser() -> etree.XMLParser:
    # No entity expansion, no DTD loading, no network, no huge trees: a billion-laughs file or
    # an external entity stays inert text or is refused.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


@dataclass
class SafePackage:
    """The XML parts of a .docx, parsed with entities off; binary parts are never read."""

    path: Path
    parts: dict[str, bytes]

    def xml(self, name: str) -> _Element | None:
        data = self.parts.get(name)
        if data is None:
            return None
        try:
            return etree.fromstring(data, _parser())
        except etree.XMLSyntaxError as error:
            raise UnsafeDocumentError(
                self.path, f"its part {name} is not valid XML ({error})."
            ) from error


#: The parts the reader needs; images and other media are never unpacked.
WANTED_PARTS = (
    "[Content_Types].xml",
    "word/document.xml",
    "word/_rels/document.xml.rels",
    "word/styles.xml",
    "word/numbering.xml",
    "word/comments.xml",
    "docProps/custom.xml",
    "docProps/core.xml",
)


def open_package(path: Path) -> SafePackage:
    """Check the zip's directory, then read only the XML parts we need, each checked."""
    path = Path(path)
    try:
        archive = GuardedZip(path, WORD_FILE)
    except UnsafeFileError as error:
        raise UnsafeDocumentError(path, error.reason, part=error.part) from error
    with archive:
        if not archive.has("word/document.xml"):
            raise UnsafeDocumentError(path, "it has no document body (word/document.xml).")
        parts: dict[str, bytes] = {}
        for name in WANTED_PARTS:
            if not archive.has(name):
                continue
            try:
                parts[name] = archive.read(name)
            except UnsafeFileError as error:
                raise UnsafeDocumentError(path, error.reason, part=error.part) from error
    return SafePackage(path, parts)
