"""Partner councils as the Partners page edits them: fields, contacts, letters of support.

Every change is one `Workspace.edit` with a change-log line saying what changed. Validation that
would store something wrong (a blank name, a bad email or phone, an attachment over 25 MB) raises
`PartnerError`; partnership-wide rules (one lead, 100% shares) are warnings the page shows.
"""

from __future__ import annotations

import mimetypes
import tempfile
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from crmbid_desktop.domain import partner_rules as rules
from crmbid_desktop.domain.dates import optional_date
from crmbid_desktop.domain.money import format_pence
from crmbid_desktop.domain.partner_rules import PartnerStanding
from crmbid_desktop.domain.percentages import format_percent
from crmbid_desktop.services.bid import queries, versioned
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.store.models import Attachment, Contact, Partner

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024


class PartnerError(ValueError):
    """An edit that cannot be saved; the message names the field and what is wrong."""


class AttachmentTooLargeError(PartnerError):
    pass


@dataclass(frozen=True)
class PartnerFields:
    """What the form edits about a council (money in pence, share in basis points)."""

    name: str
    council_type: str = ""
    region: str = ""
    role: str = "supporting"
    status: str = "approached"
    signatory: str = ""
    signed_on: date | None = None
    contribution_pence: int = 0
    staff_days: int = 0
    funding_share_bp: int = 0
    notes: str = ""


FIELD_LABELS = {
    "name": "name",
    "council_type": "type",
    "region": "region",
    "role": "role",
    "status": "status",
    "signatory": "signatory",
    "signed_on": "date signed",
    "contribution_pence": "contribution",
    "staff_days": "staff days",
    "funding_share_bp": "share of funding",
    "notes": "notes",
}


@dataclass(frozen=True)
class ContactFields:
    name: str
    job_title: str = ""
    email: str = ""
    phone: str = ""
    #: Which saved contact this is ("" for one typed in but not saved yet): a save merges by it.
    #: Not compared: two lists of contacts are the same when they read the same.
    uuid: str = field(default="", compare=False)


@dataclass(frozen=True)
class PartnerRow:
    """One council as the register table shows it."""

    id: int
    uuid: str
    fields: PartnerFields
    contact_count: int = 0
    attachment_count: int = 0

    @property
    def active(self) -> bool:
        return rules.is_active(self.fields.status)

    def standing(self) -> PartnerStanding:
        f = self.fields
        return PartnerStanding(f.name, f.role, f.status, f.funding_share_bp)


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    filename: str
    kind: str
    media_type: str
    received_on: date | None
    size_bytes: int

    @property
    def size_text(self) -> str:
        return format_size(self.size_bytes)


@dataclass(frozen=True)
class PartnerDetail:
    row: PartnerRow
    contacts: list[ContactFields]
    attachments: list[AttachmentRow]


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _fields_of(partner: Partner) -> PartnerFields:
    return PartnerFields(
        name=partner.name,
        council_type=partner.council_type,
        region=partner.region,
        role=partner.role,
        status=partner.status,
        signatory=partner.signatory,
        signed_on=partner.signed_on,
        contribution_pence=partner.contribution_pence,
        staff_days=partner.staff_days,
        funding_share_bp=partner.funding_share_bp,
        notes=partner.notes,
    )


def _apply_fields(partner: Partner, values: PartnerFields) -> None:
    for item in fields(PartnerFields):
        setattr(partner, item.name, getattr(values, item.name))


def describe_value(name: str, value: object) -> str:
    if name == "contribution_pence":
        return format_pence(int(value))  # type: ignore[call-overload]
    if name == "funding_share_bp":
        return format_percent(int(value))  # type: ignore[call-overload]
    if name == "signed_on":
        return optional_date(value) or "none"  # type: ignore[arg-type]
    if name == "notes":
        return "(edited)"
    return str(value) or "none"


def describe_changes(old: PartnerFields, new: PartnerFields) -> list[str]:
    """'status interested → signed off' for each field that differs."""
    changes = []
    for item in fields(PartnerFields):
        before, after = getattr(old, item.name), getattr(new, item.name)
        if before != after:
            label = FIELD_LABELS[item.name]
            if item.name == "notes":
                changes.append("notes edited")
            else:
                changes.append(
                    f"{label} {describe_value(item.name, before)} → "
                    f"{describe_value(item.name, after)}"
                )
    return changes


def validate_fields(values: PartnerFields) -> PartnerFields:
    """The fields tidied (spaces stripped), or PartnerError naming what is wrong."""
    name = values.name.strip()
    if not name:
        raise PartnerError("A council needs a name.")
    if values.council_type and values.council_type not in rules.COUNCIL_TYPES:
        raise PartnerError(f"“{values.council_type}” is not a council type.")
    if values.role not in rules.ROLES:
        raise PartnerError(f"“{values.role}” is not a role: use {', '.join(rules.ROLES)}.")
    if values.status not in rules.STATUSES:
        raise PartnerError(f"“{values.status}” is not a status.")
    if values.contribution_pence < 0 or values.staff_days < 0:
        raise PartnerError("Contributions and staff days cannot be negative.")
    if not 0 <= values.funding_share_bp <= rules.FULL_SHARE_BP:
        raise PartnerError("A share of funding must be between 0% and 100%.")
    return replace(
        values,
        name=name,
        region=values.region.strip(),
        signatory=values.signatory.strip(),
    )


def validate_contacts(contacts: Sequence[ContactFields]) -> list[ContactFields]:
    tidy = []
    for number, contact in enumerate(contacts, start=1):
        name = contact.name.strip()
        if not name and not (contact.email.strip() or contact.phone.strip()):
            continue  # an empty line in the contacts table
        if not name:
            raise PartnerError(f"Contact {number} needs a name.")
        for problem in (rules.email_problem(contact.email), rules.phone_problem(contact.phone)):
            if problem:
                raise PartnerError(f"Contact {name}: {problem}")
        tidy.append(
            ContactFields(
                name,
                contact.job_title.strip(),
                contact.email.strip(),
                contact.phone.strip(),
                contact.uuid,
            )
        )
    return tidy


# -- reading ---------------------------------------------------------------------------------------


def _counts(
    session: Session, model: type[Contact] | type[Attachment], among: Any = None
) -> dict[int, int]:
    query = select(model.partner_id, func.count()).group_by(model.partner_id)
    if among is not None:
        query = query.where(model.partner_id.in_(among))
    return {partner_id: count for partner_id, count in session.execute(query) if partner_id}


def partner_counts(workspace: Workspace) -> dict[str, tuple[int, int]]:
    """Each council's (contacts, attachments) by uuid: what moves when contacts change."""
    with workspace.reading() as session:
        contacts = _counts(session, Contact)
        attachments = _counts(session, Attachment)
        return {
            uuid: (contacts.get(partner_id, 0), attachments.get(partner_id, 0))
            for partner_id, uuid in session.execute(select(Partner.id, Partner.uuid))
        }


def council_names(workspace: Workspace) -> list[tuple[int, str]]:
    """(id, name) of every council in register order: what choice lists of councils show."""
    with workspace.reading() as session:
        return queries.partner_names(session)


def partner_rows(workspace: Workspace, uuids: Collection[str] | None = None) -> list[PartnerRow]:
    """Every council in order, or just those with these `uuids` (what a change set named)."""
    with workspace.reading() as session:
        query = select(Partner).order_by(Partner.position, Partner.id)
        if uuids is not None:
            query = query.where(Partner.uuid.in_(list(uuids)))
            ids = select(Partner.id).where(Partner.uuid.in_(list(uuids)))
            contacts = _counts(session, Contact, ids)
            attachments = _counts(session, Attachment, ids)
        else:
            contacts = _counts(session, Contact)
            attachments = _counts(session, Attachment)
        partners = session.scalars(query)
        return [
            PartnerRow(p.id, p.uuid, _fields_of(p), contacts.get(p.id, 0), attachments.get(p.id, 0))
            for p in partners
        ]


def _attachment_row(attachment: Attachment) -> AttachmentRow:
    return AttachmentRow(
        attachment.id,
        attachment.filename,
        attachment.kind,
        attachment.media_type,
        attachment.received_on,
        attachment.size_bytes,
    )


def partner_detail(workspace: Workspace, partner_id: int) -> PartnerDetail:
    with workspace.reading() as session:
        partner = _get(session, partner_id)
        contacts = [contact_fields(c) for c in partner.contacts]
        attachments = [_attachment_row(a) for a in partner.attachments]
        row = PartnerRow(
            partner.id, partner.uuid, _fields_of(partner), len(contacts), len(attachments)
        )
    return PartnerDetail(row, contacts, attachments)


def contact_fields(contact: Contact) -> ContactFields:
    return ContactFields(
        contact.name, contact.job_title, contact.email, contact.phone, contact.uuid
    )


def _get(session: Session, partner_id: int) -> Partner:
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise PartnerError("That council is no longer in the bid (it may have been deleted).")
    return partner


# -- editing ---------------------------------------------------------------------------------------


def add_partner(workspace: Workspace, values: PartnerFields) -> int:
    values = validate_fields(values)
    with workspace.edit(f"Added partner {values.name}", action="add", entity="partner") as session:
        position = session.scalar(select(func.coalesce(func.max(Partner.position), -1))) or 0
        partner = Partner(position=position + 1)
        _apply_fields(partner, values)
        session.add(partner)
        session.flush()
        new_id = partner.id
    return new_id


def load_partner(workspace: Workspace, partner_id: int) -> versioned.Loaded:
    """The council's row version and fields, for its form to keep until it saves."""
    names = [item.name for item in fields(PartnerFields)]
    return versioned.load(workspace, Partner, partner_id, names)


def save_partner_fields(
    workspace: Workspace, partner_id: int, loaded: versioned.Loaded, values: PartnerFields
) -> versioned.SaveResult:
    """Save the council's form over what it `loaded`: only the fields its user changed, merged
    with what others saved since (notes by paragraph); real conflicts come back, unwritten."""
    values = validate_fields(values)
    before = PartnerFields(**{**versioned.as_values(values), **loaded.values})  # type: ignore[arg-type]

    def describe(writes: Mapping[str, object]) -> str:
        after = replace(before, **writes)  # type: ignore[arg-type]
        return f"Changed partner {after.name}: " + "; ".join(describe_changes(before, after))

    return versioned.save_fields(
        workspace,
        Partner,
        partner_id,
        loaded,
        versioned.as_values(values),
        describe=describe,
        entity="partner",
        texts=("notes",),
        gone=(
            f"The council {values.name} was deleted by someone else while you edited it. "
            "What you typed is still in the form: add it again, or undo the deletion."
        ),
    )


def delete_partner(workspace: Workspace, partner_id: int) -> None:
    """Delete a council with its contacts and attachments; Edit > Undo puts it all back, links
    from tasks, sections and products included (the bid's history records every row)."""
    with workspace.reading() as session:
        partner = _get(session, partner_id)
        name, uuid = partner.name, partner.uuid
    with workspace.edit(
        f"Deleted partner {name}", action="delete", entity="partner", entity_uuid=uuid
    ) as session:
        session.delete(_get(session, partner_id))


# -- letters of support and agreements --------------------------------------------------------------


#: Called with (done, total) as attachment work goes; the UI's callback raises to cancel it.
AttachmentProgress = Callable[[int, int], None]


def _no_progress(_done: int, _total: int) -> None:
    return None


def add_attachment(
    workspace: Workspace,
    partner_id: int,
    source: Path,
    *,
    kind: str = "letter of support",
    received_on: date | None = None,
    progress: AttachmentProgress | None = None,
) -> AttachmentRow:
    """Store a copy of `source` inside the bid file (25 MB at most).

    `progress` is called between steps, the last time inside the edit: raising from it
    (Cancel) leaves the bid without the attachment.
    """
    report = progress or _no_progress
    report(0, 3)
    try:
        size = source.stat().st_size
    except FileNotFoundError:
        raise PartnerError(f"“{source}” does not exist.") from None
    except OSError as error:
        raise PartnerError(f"“{source.name}” cannot be read: {error.strerror or error}.") from None
    _check_size(source.name, size)
    try:
        data = source.read_bytes()
    except OSError as error:
        raise PartnerError(f"“{source.name}” cannot be read: {error.strerror or error}.") from None
    _check_size(source.name, len(data))  # it may have grown since stat()
    report(1, 3)
    media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    with workspace.reading() as session:
        partner = _get(session, partner_id)
        name, uuid = partner.name, partner.uuid
    with workspace.edit(
        f"Attached {source.name} ({kind}) to partner {name}",
        action="attach",
        entity="partner",
        entity_uuid=uuid,
    ) as session:
        attachment = Attachment(
            partner_id=partner_id,
            filename=source.name,
            media_type=media_type,
            kind=kind,
            received_on=received_on,
            size_bytes=len(data),
            data=data,
        )
        session.add(attachment)
        session.flush()
        row = _attachment_row(attachment)
        report(2, 3)
    report(3, 3)
    return row


def _check_size(name: str, size: int) -> None:
    if size > MAX_ATTACHMENT_BYTES:
        raise AttachmentTooLargeError(
            f"“{name}” is {format_size(size)}; attachments can be at most 25 MB each. "
            "Save a smaller copy (for example a PDF with compressed images) and attach that."
        )


def attachment_bytes(workspace: Workspace, attachment_id: int) -> tuple[str, bytes]:
    with workspace.reading() as session:
        attachment = session.get(Attachment, attachment_id, options=[undefer(Attachment.data)])
        if attachment is None:
            raise PartnerError("That attachment is no longer in the bid.")
        return attachment.filename, attachment.data


def attachment_name(workspace: Workspace, attachment_id: int) -> str:
    """The attachment's file name, without reading its bytes from the bid."""
    with workspace.reading() as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None:
            raise PartnerError("That attachment is no longer in the bid.")
        return attachment.filename


def save_attachment_copy(
    workspace: Workspace,
    attachment_id: int,
    target: Path,
    progress: AttachmentProgress | None = None,
) -> Path:
    """Write the attachment to `target` atomically (a failure or cancel leaves no half file)."""
    from crmbid_desktop.services.bid.atomic_files import atomic_write_bytes

    report = progress or _no_progress
    report(0, 2)
    _name, data = attachment_bytes(workspace, attachment_id)
    report(1, 2)  # the last chance to cancel: nothing written yet
    written = atomic_write_bytes(target, data)
    report(2, 2)
    return written


#: What the program hands to the system to open: documents, PDFs, pictures and spreadsheets.
#: Anything else (.exe, .js, .hta, macro-enabled Office files...) could run code when opened,
#: and a partner's copy can carry any file, so it is only ever saved to a folder.
DOCUMENT_SUFFIXES = frozenset(
    (
        *(".doc", ".docx", ".dotx", ".rtf", ".odt", ".txt", ".pdf"),
        *(".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff"),
        *(".xls", ".xlsx", ".ods", ".csv"),
    )
)


def opens_as_document(filename: str) -> bool:
    """Whether an attachment may be opened with the system's program for its type."""
    name = filename.strip().rstrip(". ")  # Windows ignores trailing dots and spaces
    return Path(name).suffix.lower() in DOCUMENT_SUFFIXES and name == filename


def attachment_for_opening(
    workspace: Workspace, attachment_id: int, progress: AttachmentProgress | None = None
) -> Path:
    """A temporary copy to open in Word, Acrobat or a picture viewer (edits there are not saved).

    Refused (`PartnerError`) for a file that is not a document type: see `opens_as_document`.
    """
    report = progress or _no_progress
    report(0, 2)
    if not opens_as_document(attachment_name(workspace, attachment_id)):
        raise PartnerError(
            "Only documents, PDFs, pictures and spreadsheets are opened from the bid; save a "
            "copy of this file to a folder instead."
        )
    name, data = attachment_bytes(workspace, attachment_id)
    report(1, 2)  # cancelled here: no temporary file made
    folder = Path(tempfile.mkdtemp(prefix="crmbid-attachment-"))
    path = folder / Path(name).name
    path.write_bytes(data)
    report(2, 2)
    return path


def remove_attachment(workspace: Workspace, attachment_id: int) -> None:
    """Remove a stored file; Edit > Undo puts it back (without reading its bytes here)."""
    with workspace.reading() as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None:
            raise PartnerError("That attachment is no longer in the bid.")
        filename = attachment.filename
        partner_name = attachment.partner.name if attachment.partner else "no partner"
        partner_uuid = attachment.partner.uuid if attachment.partner else ""
    with workspace.edit(
        f"Removed {filename} from partner {partner_name}",
        action="detach",
        entity="partner",
        entity_uuid=partner_uuid,
    ) as session:
        found = session.get(Attachment, attachment_id)
        if found is not None:
            session.delete(found)
