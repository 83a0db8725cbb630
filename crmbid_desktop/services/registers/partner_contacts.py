"""A council's contacts saved when others may have saved them too: merged contact by contact.

The form keeps the contacts it loaded (`LoadedContacts`: each one's row version and fields, by
uuid). A save compares three ways per contact: one I added is added; one I removed is removed,
unless someone changed it since (a conflict); a contact's fields merge like any row's (the field
I changed is written, both changed differently is a conflict); contacts others added meanwhile
stay. Conflicts come back unwritten, keyed "<uuid>.<field>" ("<uuid>.removed": I removed it and
they changed it; "<uuid>.gone": I changed it and they deleted it), for the user to settle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace

from sqlalchemy.orm import Session

from crmbid_desktop.domain.concurrent_edits import merge_fields
from crmbid_desktop.services.bid.versioned import Conflict, Loaded, Unwritten, last_changed_by
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers.partners import (
    ContactFields,
    PartnerError,
    contact_fields,
    validate_contacts,
)
from crmbid_desktop.store.models import Contact, Partner

#: The fields of a contact a save merges (its uuid says which contact, it is never changed).
NAMES = ("name", "job_title", "email", "phone")
#: How a conflict names each field of a contact ("Contact Jane Doe: email").
FIELD_WORDS = {"name": "name", "job_title": "job title", "email": "email", "phone": "phone"}
#: A conflict about the whole contact: I removed it and they changed it, or the reverse.
REMOVED = "removed"
GONE = "gone"


@dataclass(frozen=True)
class LoadedContacts:
    """A council's contacts as a form loaded them, in order: row version and fields by uuid."""

    rows: Mapping[str, Loaded]

    def contacts(self) -> list[ContactFields]:
        return [_contact(uuid, loaded.values) for uuid, loaded in self.rows.items()]


@dataclass(frozen=True)
class ContactsSave:
    """What a contacts save did: its change-log words, the conflicts left, the contacts now."""

    written: tuple[str, ...]
    conflicts: tuple[Conflict, ...]
    #: The council's contacts as saved after the save: what the form has now loaded.
    now: LoadedContacts
    #: How the dialog names each conflict ("Contact Jane Doe: email").
    labels: Mapping[str, str]
    summary: str = ""

    @property
    def clean(self) -> bool:
        return not self.conflicts


def _values(contact: ContactFields | Contact) -> dict[str, object]:
    return {name: getattr(contact, name) for name in NAMES}


def _contact(uuid: str, values: Mapping[str, object]) -> ContactFields:
    return ContactFields(**{name: str(values[name]) for name in NAMES}, uuid=uuid)


def _loaded(contacts: Sequence[Contact]) -> LoadedContacts:
    return LoadedContacts({c.uuid: Loaded(int(c.row_version), _values(c)) for c in contacts})


def load_contacts(workspace: Workspace, partner_id: int) -> LoadedContacts:
    """The council's contacts with their row versions, for its form to keep until it saves."""
    with workspace.reading() as session:
        partner = session.get(Partner, partner_id)
        if partner is None:
            raise PartnerError("That council is no longer in the bid (it may have been deleted).")
        return _loaded(partner.contacts)


def save_contacts(
    workspace: Workspace,
    partner_id: int,
    loaded: LoadedContacts,
    contacts: Sequence[ContactFields],
) -> ContactsSave:
    """Save the form's `contacts` over what it `loaded`, merged with others' saves since.

    Everything that does not conflict is written as one edit; conflicts come back unwritten.
    """
    mine = validate_contacts(contacts)
    with workspace.reading() as session:
        partner = session.get(Partner, partner_id)
        if partner is None:
            raise PartnerError(
                "That council was deleted by someone else while you edited its contacts."
            )
        name, partner_uuid = partner.name, partner.uuid
    try:
        with workspace.edit(
            f"Changed partner {name}'s contacts",
            action="edit",
            entity="partner",
            entity_uuid=partner_uuid,
        ) as session:
            result = _merge_in(session, workspace, partner_id, loaded, mine)
            if not result.written:
                raise Unwritten(result)  # rolls the empty edit back
            workspace.reword_edit(session, result.summary)
    except Unwritten as nothing:
        return nothing.result_as(ContactsSave)
    return result


def _merge_in(
    session: Session,
    workspace: Workspace,
    partner_id: int,
    loaded: LoadedContacts,
    mine: Sequence[ContactFields],
) -> ContactsSave:
    """Inside the edit, with the council's row locked: merge `mine` onto its contacts as saved."""
    # Locked so two saves of one council's contacts merge one after the other. On a server with
    # councils' rights another council's row is hidden from FOR UPDATE: the write is then refused.
    partner = session.get(Partner, partner_id, with_for_update=True, populate_existing=True)
    if partner is None:
        partner = session.get(Partner, partner_id, populate_existing=True)
    if partner is None:
        raise PartnerError(
            "That council was deleted by someone else while you edited its contacts."
        )
    saved = {c.uuid: c for c in partner.contacts}
    wanted = {c.uuid: c for c in mine if c.uuid in loaded.rows}
    who = ""
    if any(
        uuid not in saved or saved[uuid].row_version != base.version
        for uuid, base in loaded.rows.items()
    ):
        who = last_changed_by(session, partner.uuid, other_than=workspace.user)
    words: list[str] = []
    conflicts: list[Conflict] = []
    labels: dict[str, str] = {}
    for uuid, base in loaded.rows.items():
        row, kept = saved.get(uuid), wanted.get(uuid)
        before = _contact(uuid, base.values)
        if row is None:  # someone else deleted it
            if kept is not None and _values(kept) != base.values:
                conflicts.append(Conflict(f"{uuid}.{GONE}", before, kept, None, who))
                labels[f"{uuid}.{GONE}"] = f"Contact {kept.name}: deleted by {who}"
            continue
        if kept is None:  # I removed it
            if _values(row) == base.values:
                partner.contacts.remove(row)
                words.append(f"removed {row.name}")
            else:
                theirs = contact_fields(row)
                conflicts.append(Conflict(f"{uuid}.{REMOVED}", before, None, theirs, who))
                labels[f"{uuid}.{REMOVED}"] = f"Contact {row.name}: removed by you"
            continue
        merge = merge_fields(base.values, _values(kept), _values(row))
        for clash in merge.clashes:
            key = f"{uuid}.{clash.field}"
            conflicts.append(Conflict(key, clash.loaded, clash.mine, clash.theirs, who))
            labels[key] = f"Contact {before.name}: {FIELD_WORDS[clash.field]}"
        if merge.writes:
            for field, value in merge.writes.items():
                setattr(row, field, value)
            words.append(f"changed {row.name}'s {', '.join(FIELD_WORDS[f] for f in merge.writes)}")
    for contact in mine:
        # Typed in since the form loaded (a uuid the form never loaded is already saved: kept).
        if contact.uuid not in loaded.rows and contact.uuid not in saved:
            partner.contacts.append(Contact(**_values(contact)))
            words.append(f"added {contact.name}")
    session.flush()
    for stored in partner.contacts:
        session.refresh(stored)  # the versions the store bumped
    summary = f"Changed partner {partner.name}'s contacts: {'; '.join(words)}" if words else ""
    return ContactsSave(tuple(words), tuple(conflicts), _loaded(partner.contacts), labels, summary)


def kept_contacts(result: ContactsSave, chosen: Mapping[str, object]) -> list[ContactFields]:
    """The contacts as saved now with the conflicts settled "keep mine" (`chosen`, by conflict
    key) applied: what to save over `result.now`, which is checked again when saved."""
    contacts = {c.uuid: c for c in result.now.contacts()}
    added: list[ContactFields] = []
    for key, value in chosen.items():
        uuid, what = key.rsplit(".", 1)
        if what == REMOVED:
            contacts.pop(uuid, None)
        elif what == GONE and isinstance(value, ContactFields):
            added.append(replace(value, uuid=""))  # put back as a new contact
        elif uuid in contacts:
            contacts[uuid] = replace(contacts[uuid], **{what: str(value)})
    return [*contacts.values(), *added]


def contact_words(value: object) -> str:
    """A contact (or one field of it) as the conflict dialog shows it."""
    if value is None:
        return "(not in the bid any more)"
    if isinstance(value, ContactFields):
        parts = (getattr(value, item.name) for item in fields(value) if item.name in NAMES)
        return ", ".join(part for part in parts if part)
    return "(empty)" if value == "" else str(value)
