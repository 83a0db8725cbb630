"""Reading a .docx from outside safely: zip sizes checked before reading, XML without entities.

A returned Word file is untrusted. Nothing here writes a file, so no path inside the archive is
ever used on disk; parts are read into memory only after their declared sizes pass the limits.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from lxml.etree import _Element

#: Refuse a package whose parts would unpack to more than this (the issue's limit).
MAX_TOTAL_BYTES = 100 * 1024 * 1024
#: One XML part may not unpack larger than this; document.xml of a 300-page bid is ~5 MB.
MAX_PART_BYTES = 60 * 1024 * 1024
#: Deflate rarely beats 1:100 on real Word XML; zip bombs run at 1:1000 and more.
MAX_RATIO = 200
#: Below this, a high ratio is harmless (a run of spaces compresses very well).
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_ENTRIES = 2000


class UnsafeDocumentError(ValueError):
    """The file is not a Word document we will read; the message names the file and reason."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"Cannot read “{path.name}”: {reason}")
        self.path = path
        self.reason = reason


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
        if b"<!ENTITY" in data or b"<!DOCTYPE" in data:
            raise UnsafeDocumentError(
                self.path, f"its part {name} declares XML entities, which Word never writes."
            )
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
    """Check the zip's directory, then read only the XML parts we need."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise UnsafeDocumentError(path, f"the file cannot be opened ({error.strerror}).") from error
    if size > MAX_TOTAL_BYTES:
        raise UnsafeDocumentError(path, "the file is larger than 100 MB.")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise UnsafeDocumentError(
            path, "it is not a Word (.docx) file: the file is not a zip package."
        ) from error
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise UnsafeDocumentError(path, f"it holds {len(infos)} parts; Word writes far fewer.")
        total = 0
        for info in infos:
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise UnsafeDocumentError(
                    path, "it would unpack to more than 100 MB (a “zip bomb”), so it was refused."
                )
            if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise UnsafeDocumentError(
                    path,
                    f"its part {info.filename} is compressed suspiciously well "
                    f"({info.file_size // max(info.compress_size, 1)}:1), so it was refused.",
                )
        names = {info.filename: info for info in infos}

        def read(name: str) -> bytes | None:
            info = names.get(name)
            if info is None:
                return None
            if info.file_size > MAX_PART_BYTES:
                raise UnsafeDocumentError(path, f"its part {name} is larger than 60 MB.")
            return _read_bounded(archive, info, path)

        aliases = _main_part_aliases(path, read)
        if DOCUMENT_PART not in names and DOCUMENT_PART not in aliases.values():
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


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bytes:
    """Read at most the declared size (+1 byte to catch a lying header)."""
    try:
        with archive.open(info) as handle:
            data = handle.read(info.file_size + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
        raise UnsafeDocumentError(
            path, f"its part {info.filename} is damaged ({error})."
        ) from error
    if len(data) > info.file_size:
        raise UnsafeDocumentError(path, f"its part {info.filename} is larger than it declares.")
    return data
