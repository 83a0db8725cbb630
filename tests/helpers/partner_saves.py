"""Tests' shorthand for saving a council: its fields and contacts over whatever is saved now.

The Partners page saves versioned (partners.save_partner_fields, partner_contacts.save_contacts);
tests that set a council up, or check what one edit records, write it in one go as this does.
"""

from __future__ import annotations

from collections.abc import Sequence

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers.partners import (
    ContactFields,
    PartnerFields,
    _apply_fields,
    _fields_of,
    _get,
    describe_changes,
    validate_contacts,
    validate_fields,
)
from crmbid_desktop.store.models import Contact, Partner


def save_partner(
    workspace: Workspace,
    partner_id: int,
    values: PartnerFields,
    contacts: Sequence[ContactFields] | None = None,
) -> list[str]:
    """Save the form: the council's fields and (when given) its contacts. Returns what changed."""
    values = validate_fields(values)
    tidy_contacts = validate_contacts(contacts) if contacts is not None else None
    with workspace.reading() as session:
        partner = _get(session, partner_id)
        old = _fields_of(partner)
        old_contacts = [
            ContactFields(c.name, c.job_title, c.email, c.phone) for c in partner.contacts
        ]
        uuid = partner.uuid
    changes = describe_changes(old, values)
    if tidy_contacts is not None and tidy_contacts != old_contacts:
        changes.append(f"contacts: {len(old_contacts)} → {len(tidy_contacts)}")
    if not changes:
        return []
    summary = f"Changed partner {values.name}: " + "; ".join(changes)
    with workspace.edit(summary, action="edit", entity="partner", entity_uuid=uuid) as session:
        partner = _get(session, partner_id)
        _apply_fields(partner, values)
        if tidy_contacts is not None and tidy_contacts != old_contacts:
            _replace_contacts(partner, tidy_contacts)
    return changes


def _replace_contacts(partner: Partner, contacts: Sequence[ContactFields]) -> None:
    """Update contacts in place by position so their UUIDs survive an ordinary edit."""
    existing = list(partner.contacts)
    for index, values in enumerate(contacts):
        if index < len(existing):
            contact = existing[index]
        else:
            contact = Contact(name=values.name)
            partner.contacts.append(contact)
        contact.name, contact.job_title = values.name, values.job_title
        contact.email, contact.phone = values.email, values.phone
    for contact in existing[len(contacts) :]:
        partner.contacts.remove(contact)
