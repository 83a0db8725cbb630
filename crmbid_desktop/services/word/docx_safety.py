"""Reading a .docx from outside safely: zip sizes checked before reading, XML without entities.

A returned Word file is untrusted. `zip_safety` checks the package and each part before any of it
is parsed; nothing here writes a file, so no path inside the archive is ever used on disk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from crmbid_desktop.services.bid.zip_safety import WORD_FILE, GuardedZip, UnsafeFileError

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
    #: The main document part, read under its usual name whatever the package calls it.
    main_part: str = "word/document.xml"

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
    "_rels/.rels",
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

        def read(name: str) -> bytes | None:
            if not archive.has(name):
                return None
            try:
                return archive.read(name)
            except UnsafeFileError as error:
                raise UnsafeDocumentError(path, error.reason, part=error.part) from error

        aliases = _main_part_aliases(path, read)
        if not archive.has(DOCUMENT_PART) and DOCUMENT_PART not in aliases.values():
            raise UnsafeDocumentError(path, "it has no document body (word/document.xml).")
        parts: dict[str, bytes] = {}
        for name in WANTED_PARTS:
            data = read(next((k for k, v in aliases.items() if v == name), name))
            if data is not None:
                parts[name] = data
    return SafePackage(path, parts)


DOCUMENT_PART = "word/document.xml"
_OFFICE_DOCUMENT = "/officeDocument"
#: The main part's relationships that the reader needs, by the canonical name it reads them as.
_RELATED = {
    "/styles": "word/styles.xml",
    "/numbering": "word/numbering.xml",
    "/comments": "word/comments.xml",
}


def _main_part_aliases(path: Path, read: Callable[[str], bytes | None]) -> dict[str, str]:
    """{actual part name: canonical name} when the main part is not word/document.xml.

    The package's own relationships name the main part (a valid file may call it
    word/document2.xml, or put it elsewhere); its styles, numbering, comments and links are
    found through that part's relationships and read under the usual names.
    """
    import posixpath

    data = read("_rels/.rels")
    if data is None:
        return {}
    rels = SafePackage(path, {"_rels/.rels": data}).xml("_rels/.rels")
    main = ""
    for rel in rels.iter(f"{_PKG_REL}Relationship") if rels is not None else ():
        if (rel.get("Type") or "").endswith(_OFFICE_DOCUMENT) and rel.get(
            "TargetMode"
        ) != "External":
            main = posixpath.normpath((rel.get("Target") or "").lstrip("/"))
            break
    if not main or main == DOCUMENT_PART or main.startswith(".."):
        return {}
    folder, name = posixpath.split(main)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    aliases = {main: DOCUMENT_PART, rels_name: "word/_rels/document.xml.rels"}
    part_rels_data = read(rels_name)
    if part_rels_data is not None:
        part_rels = SafePackage(path, {rels_name: part_rels_data}).xml(rels_name)
        for rel in part_rels.iter(f"{_PKG_REL}Relationship") if part_rels is not None else ():
            kind = next((k for k in _RELATED if (rel.get("Type") or "").endswith(k)), None)
            if kind and rel.get("TargetMode") != "External":
                target = posixpath.normpath(posixpath.join(folder, rel.get("Target") or ""))
                aliases[target.lstrip("/")] = _RELATED[kind]
    return aliases


_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
