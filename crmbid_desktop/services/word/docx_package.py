"""Loading templates, document properties, byte-stable packaging and safe writing of .docx files."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part

from crmbid_desktop.services.bid.atomic_files import TargetLockedError

if TYPE_CHECKING:
    from docx.document import Document

# XML 1.0 allows tab, newline, carriage return and these ranges; everything else (other control
# characters, lone surrogates, U+FFFE/U+FFFF) makes lxml refuse the text.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_TEMPLATE_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_APP_CT = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
# The earliest time a zip entry can hold: with it every export of the same content is the same.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class ExportTargetLockedError(TargetLockedError):
    """The export could not replace the target, usually because Word has it open."""

    def __init__(self, target: Path) -> None:
        OSError.__init__(
            self,
            f"Cannot save to {target}: the file is open in another program (perhaps Word). "
            "Close it there and export again, or choose another file name.",
        )
        self.target = target


def xml_safe(text: str) -> str:
    """Drop characters XML cannot hold, so hostile text never stops an export."""
    return _NOT_XML.sub("", text)


def load_document(template: Path) -> Document:
    """Open a .docx or .dotx as a document; python-docx refuses a template's content type."""
    from crmbid_desktop.services.bid.zip_safety import WORD_TEMPLATE, GuardedZip

    # A council's template is untrusted like any file from outside: every part is read through
    # the guarded reader (sizes, ratios, encryption, DOCTYPE) before python-docx sees it.
    out = io.BytesIO()
    with GuardedZip(Path(template), WORD_TEMPLATE) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infos.values():
            blob = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                blob = blob.replace(_TEMPLATE_MAIN, _DOCUMENT_MAIN)
            dst.writestr(info, blob, compress_type=zipfile.ZIP_DEFLATED)
    out.seek(0)
    return docx.Document(out)


def empty_body(document: Document) -> None:
    """Remove the template's body content but keep its final section (page set-up, headers)."""
    body = document.element.body
    keep = body.sectPr
    for child in list(body):
        if child is not keep:
            body.remove(child)


def drop_stale_parts(document: Document) -> None:
    """Drop parts that would contradict what we write.

    stylesWithEffects is a Word 2010 shadow copy of styles.xml: once we add styles it disagrees
    and Word may call the file corrupt; Word rebuilds it. The thumbnail shows the template.
    """
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype == _STYLES_WITH_EFFECTS:
            document.part.drop_rel(rel_id)
    package_rels = document.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package_rels.pop(rel_id)


def set_properties(
    document: Document, *, title: str, subject: str, author: str, company: str, when: date
) -> None:
    """Core and extended properties; times come from the content so exports are repeatable."""
    moment = datetime(when.year, when.month, when.day, 9, 0, 0)
    core = document.core_properties
    core.title = xml_safe(title)
    core.subject = xml_safe(subject)
    core.author = core.last_modified_by = xml_safe(author)
    core.created = core.modified = moment
    core.revision = 1
    core.comments = core.keywords = ""
    # Company lives in docProps/app.xml, which python-docx keeps as an opaque blob.
    app_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
        ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<Template>proposal-template.dotx</Template><Application>CRM Bid Desktop</Application>"
        "<DocSecurity>0</DocSecurity>"
        f"<Company>{escape(xml_safe(company))}</Company>"
        "<AppVersion>16.0000</AppVersion></Properties>"
    ).encode()
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            package.rels.pop(rel_id)
    part = Part(PackURI("/docProps/app.xml"), _APP_CT, app_xml, package)
    package.relate_to(part, RT.EXTENDED_PROPERTIES)


def document_bytes(document: Document) -> bytes:
    """Save to bytes with fixed zip timestamps, so identical content gives identical files."""
    raw = io.BytesIO()
    document.save(raw)
    raw.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info))
    return out.getvalue()


def atomic_write(data: bytes, target: Path) -> None:
    """Write beside the target then swap it in, so a failure never destroys the previous export."""
    from crmbid_desktop.services.bid.atomic_files import atomic_write_bytes

    try:
        atomic_write_bytes(Path(target), data)
    except TargetLockedError as error:
        raise ExportTargetLockedError(Path(target)) from error
