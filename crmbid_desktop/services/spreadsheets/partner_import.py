"""Import partner councils from CSV or XLSX: a preview first, then one edit that applies it.

Matching: a row updates the council whose `council_key` (see domain.partner_rules) equals its
own, so importing the same file twice updates rather than duplicates. A blank cell leaves the
council's current value alone; only cells with something in them change it. Several rows naming
the same council (one row per contact, as our CSV export writes) merge into one council. Contacts
are matched by name within their council. A workbook's "Contacts" sheet, if any, is read too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from crmbid_desktop.domain import partner_rules as rules
from crmbid_desktop.domain.dates import parse_date
from crmbid_desktop.services.bid.file_io import ImportOptions, ImportReport
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers.partners import (
    ContactFields,
    PartnerFields,
    describe_changes,
    partner_rows,
)
from crmbid_desktop.services.spreadsheets.tabular import (
    FieldSpec,
    SourceRow,
    read_table,
    xlsx_sheet_names,
)
from crmbid_desktop.store.models import Contact, Partner

PARTNER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "name",
        "Council",
        (
            "Authority",
            "Council name",
            "Local authority",
            "Authority name",
            "Organisation",
            "Organization",
            "Partner",
            "Partner council",
            "Name of council",
        ),
        required=True,
    ),
    FieldSpec("council_type", "Type", ("Council type", "Authority type", "Type of council")),
    FieldSpec("region", "Region", ("Government office region", "GOR", "Area")),
    FieldSpec("role", "Role", ("Partner role", "Role in bid")),
    FieldSpec("status", "Status", ("Partner status", "Stage")),
    FieldSpec("signatory", "Signatory", ("Named signatory", "Signed by", "Signing officer")),
    FieldSpec("signed_on", "Date signed", ("Signed on", "Signed", "Signature date", "Date")),
    FieldSpec(
        "contribution",
        "Contribution (£ a year)",
        ("Contribution", "Annual contribution", "Contribution £", "Funding", "£ a year"),
    ),
    FieldSpec("staff_days", "Staff days", ("Days", "Staff time (days)", "Staff days a year")),
    FieldSpec(
        "share",
        "Share of funding (%)",
        ("Share", "Funding share", "Share %", "Percentage", "% share"),
    ),
    FieldSpec("notes", "Notes", ("Comments", "Remarks")),
)

CONTACT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "contact_name", "Contact", ("Contact name", "Contact person", "Officer", "Lead officer")
    ),
    FieldSpec("job_title", "Job title", ("Title", "Position", "Post")),
    FieldSpec("email", "Email", ("E-mail", "Email address", "E-mail address", "Mail")),
    FieldSpec("phone", "Phone", ("Telephone", "Tel", "Phone number", "Telephone number")),
)


@dataclass(frozen=True)
class RejectedRow:
    number: int
    sheet: str  # "" for a CSV or the first sheet
    reason: str

    def where(self) -> str:
        return f"{self.sheet} row {self.number}" if self.sheet else f"row {self.number}"


@dataclass
class PlannedPartner:
    """One council the file adds or updates, with the cells it sets."""

    key: str
    name: str
    rows: list[int]
    values: dict[str, Any]  # PartnerFields attribute -> new value (only cells with content)
    contacts: list[ContactFields] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    source: Path
    to_add: list[PlannedPartner]
    to_update: list[PlannedPartner]
    unchanged: list[PlannedPartner]
    rejected: list[RejectedRow]
    ignored_columns: list[str]
    warnings: list[str]

    @property
    def has_changes(self) -> bool:
        return bool(self.to_add or self.to_update)


def _rows_text(rows: list[int]) -> str:
    return (
        ("row " if len(rows) == 1 else "rows ")
        + ", ".join(str(n) for n in rows[:5])
        + ("…" if len(rows) > 5 else "")
    )


_PARSERS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "council_type": (
        "council_type",
        lambda text: rules.read_choice(text, rules.COUNCIL_TYPES, "council type"),
    ),
    "role": ("role", lambda text: rules.read_choice(text, rules.ROLES, "role")),
    "status": ("status", lambda text: rules.read_choice(text, rules.STATUSES, "status")),
    "contribution": ("contribution_pence", rules.parse_pence),
    "staff_days": ("staff_days", rules.parse_staff_days),
    "share": ("funding_share_bp", rules.parse_share_bp),
    "region": ("region", str),
    "signatory": ("signatory", str),
    "notes": ("notes", str),
}


def _read_partner_row(row: SourceRow) -> tuple[dict[str, Any], ContactFields | None, list[str]]:
    problems: list[str] = []
    values: dict[str, Any] = {}
    for column, (attribute, parse) in _PARSERS.items():
        text = row.values.get(column, "")
        if not text:
            continue
        try:
            values[attribute] = parse(text)
        except ValueError as error:
            problems.append(str(error))
    signed = row.values.get("signed_on", "")
    if signed:
        try:
            values["signed_on"] = _read_date(signed)
        except ValueError as error:
            problems.append(f"date signed: {error}")
    contact = _read_contact(row, problems)
    return values, contact, problems


def _join_problems(problems: list[str]) -> str:
    """'A.; B.' reads badly: join the sentences with semicolons and end with one full stop."""
    return "; ".join(problem.rstrip(".") for problem in problems) + "."


def _read_date(text: str) -> date:
    # A workbook date with a time of day arrives as "2005-08-24 10:30:00": the day is enough.
    if len(text) > 10 and text[4:5] == "-" and text[10] in " T":
        text = text[:10]
    return parse_date(text)


def _read_contact(row: SourceRow, problems: list[str]) -> ContactFields | None:
    contact = ContactFields(
        row.values.get("contact_name", ""),
        row.values.get("job_title", ""),
        row.values.get("email", ""),
        row.values.get("phone", ""),
    )
    for problem in (rules.email_problem(contact.email), rules.phone_problem(contact.phone)):
        if problem:
            problems.append(problem)
    if not contact.name and (contact.email or contact.phone or contact.job_title):
        # Councils' lists often give the council's general email or switchboard with no person:
        # keep it as a contact named after what it is rather than refusing the council.
        contact = ContactFields(
            contact.job_title or "General contact", contact.job_title, contact.email, contact.phone
        )
    return contact if contact.name else None


def build_preview(
    workspace: Workspace, source: Path, progress: Callable[[int, int], None] | None = None
) -> ImportPreview:
    """Read `source` and say what importing it would do; nothing is written.

    `progress(done, total)` is called while the file is read; raising `Cancelled` from it stops.
    """
    table = read_table(source, PARTNER_FIELDS + CONTACT_FIELDS, progress=progress)
    rejected: list[RejectedRow] = []
    plans: dict[str, PlannedPartner] = {}
    for row in table.rows:
        name = row.values.get("name", "")
        if not name:
            rejected.append(RejectedRow(row.number, "", "no council name"))
            continue
        values, contact, problems = _read_partner_row(row)
        if problems:
            rejected.append(RejectedRow(row.number, "", _join_problems(problems)))
            continue
        key = rules.council_key(name)
        plan = plans.get(key)
        if plan is None:
            plan = plans[key] = PlannedPartner(key, name, [], {})
        plan.rows.append(row.number)
        plan.values.update(values)
        if contact is not None:
            _merge_contact(plan.contacts, contact)

    if source.suffix.lower() in (".xlsx", ".xlsm"):
        sheet = next((s for s in xlsx_sheet_names(source)[1:] if s.casefold() == "contacts"), None)
        if sheet is not None:
            _read_contacts_sheet(source, sheet, plans, rejected, progress)

    existing = {rules.council_key(row.fields.name): row for row in partner_rows(workspace)}
    existing_contacts = _existing_contacts(workspace)
    to_add: list[PlannedPartner] = []
    to_update: list[PlannedPartner] = []
    unchanged: list[PlannedPartner] = []
    for plan in plans.values():
        current = existing.get(plan.key)
        if current is None:
            to_add.append(plan)
            continue
        plan.name = current.fields.name  # keep the name the bid already uses
        merged = replace(current.fields, **plan.values)
        plan.changes = describe_changes(current.fields, merged)
        known = {c.name.casefold(): c for c in existing_contacts.get(current.id, [])}
        for contact in plan.contacts:
            before = known.get(contact.name.casefold())
            if before is None:
                plan.changes.append(f"new contact {contact.name}")
            elif _merged_contact(before, contact) != before:
                plan.changes.append(f"contact {contact.name} updated")
        (to_update if plan.changes else unchanged).append(plan)

    # What the partnership would look like afterwards, so the preview can warn about the rules.
    after = {key: row.fields for key, row in existing.items()}
    for plan in to_add + to_update:
        base = after.get(plan.key, PartnerFields(plan.name))
        after[plan.key] = replace(base, **plan.values)
    check = rules.check_partnership(
        rules.PartnerStanding(f.name, f.role, f.status, f.funding_share_bp) for f in after.values()
    )
    rejected.sort(key=lambda r: (r.sheet, r.number))
    return ImportPreview(
        source, to_add, to_update, unchanged, rejected, table.ignored_columns, list(check.problems)
    )


def _read_contacts_sheet(
    source: Path,
    sheet: str,
    plans: dict[str, PlannedPartner],
    rejected: list[RejectedRow],
    progress: Callable[[int, int], None] | None,
) -> None:
    fields = (PARTNER_FIELDS[0], *CONTACT_FIELDS)
    table = read_table(source, fields, sheet=sheet, progress=progress)
    for row in table.rows:
        key = rules.council_key(row.values.get("name", ""))
        problems: list[str] = []
        contact = _read_contact(row, problems)
        if not row.values.get("name"):
            problems.append("no council name")
        elif key not in plans:
            problems.append(f"council “{row.values['name']}” is not on the first sheet")
        if contact is None and not problems:
            problems.append("no contact name")
        if problems:
            rejected.append(RejectedRow(row.number, sheet, _join_problems(problems)))
        elif contact is not None:
            _merge_contact(plans[key].contacts, contact)


def _merged_contact(old: ContactFields, new: ContactFields) -> ContactFields:
    return ContactFields(
        old.name,
        new.job_title or old.job_title,
        new.email or old.email,
        new.phone or old.phone,
    )


def _merge_contact(contacts: list[ContactFields], contact: ContactFields) -> None:
    for index, known in enumerate(contacts):
        if known.name.casefold() == contact.name.casefold():
            contacts[index] = _merged_contact(known, contact)
            return
    contacts.append(contact)


def _existing_contacts(workspace: Workspace) -> dict[int, list[ContactFields]]:
    found: dict[int, list[ContactFields]] = {}
    with workspace.reading() as session:
        for contact in session.scalars(select(Contact).order_by(Contact.id)):
            found.setdefault(contact.partner_id, []).append(
                ContactFields(contact.name, contact.job_title, contact.email, contact.phone)
            )
    return found


def apply_preview(
    workspace: Workspace,
    preview: ImportPreview,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Apply the preview as one edit (one change-log line). Returns (added, updated).

    `progress(done, total)` is called as rows are applied; if it raises (the user cancelled,
    see services.cancel), the whole edit is rolled back and nothing is imported.
    """
    if not preview.has_changes:
        return 0, 0
    summary = (
        f"Imported partners from {preview.source.name}: {len(preview.to_add)} added, "
        f"{len(preview.to_update)} updated"
    )
    with workspace.edit(summary, action="import", entity="partner") as session:
        # Match again inside the transaction: the bid may have changed since the preview.
        existing = {rules.council_key(p.name): p for p in session.scalars(select(Partner))}
        position = session.scalar(select(func.coalesce(func.max(Partner.position), -1))) or 0
        # New councils are gathered as plain rows and written with two bulk INSERTs (councils,
        # then contacts): one ORM object per row made 5,000 rows take over a second.
        new_rows: dict[str, dict[str, Any]] = {}
        new_contacts: dict[str, dict[str, dict[str, str]]] = {}
        added = updated = 0
        plans = preview.to_add + preview.to_update
        for number, plan in enumerate(plans):
            if progress is not None and number % 250 == 0:
                progress(number, len(plans) + 1)
            partner = existing.get(plan.key)
            if partner is None:
                row = new_rows.get(plan.key)
                if row is None:
                    position += 1
                    row = {**vars(PartnerFields(plan.name)), "position": position}
                    new_rows[plan.key] = row
                    new_contacts[plan.key] = {}
                    added += 1
                else:
                    updated += 1
                row.update(plan.values)
                contacts = new_contacts[plan.key]
                for contact in plan.contacts:
                    found = contacts.get(contact.name.casefold())
                    if found is None:
                        contacts[contact.name.casefold()] = {
                            "name": contact.name,
                            "job_title": contact.job_title,
                            "email": contact.email,
                            "phone": contact.phone,
                        }
                    else:
                        for field in ("job_title", "email", "phone"):
                            found[field] = getattr(contact, field) or found[field]
                continue
            _set_fields(partner, None, plan.values)
            updated += 1
            by_name = {c.name.casefold(): c for c in partner.contacts}
            for contact in plan.contacts:
                known = by_name.get(contact.name.casefold())
                if known is None:
                    partner.contacts.append(
                        Contact(
                            name=contact.name,
                            job_title=contact.job_title,
                            email=contact.email,
                            phone=contact.phone,
                        )
                    )
                else:
                    known.job_title = contact.job_title or known.job_title
                    known.email = contact.email or known.email
                    known.phone = contact.phone or known.phone
        if new_rows:
            session.flush()
            keys = list(new_rows)
            ids = session.scalars(
                insert(Partner).returning(Partner.id, sort_by_parameter_order=True),
                [new_rows[key] for key in keys],
            ).all()
            contact_rows = [
                {**contact, "partner_id": partner_id}
                for key, partner_id in zip(keys, ids, strict=True)
                for contact in new_contacts[key].values()
            ]
            if contact_rows:
                session.execute(insert(Contact), contact_rows)
        if progress is not None:
            progress(len(plans), len(plans) + 1)  # last chance to cancel before the commit
    return added, updated


def _set_fields(partner: Partner, defaults: PartnerFields | None, values: dict[str, Any]) -> None:
    if defaults is not None:
        for name, value in vars(defaults).items():
            setattr(partner, name, value)
    for name, value in values.items():
        setattr(partner, name, value)


def report_lines(preview: ImportPreview) -> list[str]:
    """The preview as text: the same words in the dialog and on the command line."""
    lines = [
        f"{preview.source.name}: {len(preview.to_add)} to add, {len(preview.to_update)} to "
        f"update, {len(preview.unchanged)} unchanged, {len(preview.rejected)} rows rejected."
    ]
    lines += [f"Add: {plan.name} ({_rows_text(plan.rows)})" for plan in preview.to_add]
    lines += [
        f"Update: {plan.name} ({_rows_text(plan.rows)}): {'; '.join(plan.changes)}"
        for plan in preview.to_update
    ]
    lines += [f"Rejected {row.where()}: {row.reason}" for row in preview.rejected]
    if preview.ignored_columns:
        lines.append("Ignored columns: " + ", ".join(preview.ignored_columns))
    lines += [f"Warning after import: {warning}" for warning in preview.warnings]
    return lines


def run_import(workspace: Workspace, source: Path, options: ImportOptions) -> ImportReport:
    """Command line: print the preview; apply the good rows unless --dry-run; rejected rows exit 1."""
    preview = build_preview(workspace, source)
    lines = report_lines(preview)
    if options.dry_run:
        lines.append("Dry run: nothing was changed.")
    elif preview.has_changes:
        added, updated = apply_preview(workspace, preview)
        lines.append(f"Imported: {added} added, {updated} updated.")
    else:
        lines.append("Nothing to change.")
    return ImportReport(lines, len(preview.rejected))
