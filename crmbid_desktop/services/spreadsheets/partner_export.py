"""Export partner councils and their contacts to XLSX (two sheets) or CSV (one row per contact).

The CSV repeats the council's columns on each of its contacts' rows (a council with no contact
gets one row), so the file opens as one flat table in Excel and re-imports as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crmbid_desktop.domain.money import format_pence_plain
from crmbid_desktop.domain.percentages import format_percent_number
from crmbid_desktop.services.bid.file_io import ExportOptions, ExportResult
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.spreadsheets.partner_import import CONTACT_FIELDS, PARTNER_FIELDS
from crmbid_desktop.services.spreadsheets.tabular import write_csv, write_xlsx
from crmbid_desktop.store.models import Partner

PARTNER_HEADERS = [spec.label for spec in PARTNER_FIELDS]
CONTACT_HEADERS = [spec.label for spec in CONTACT_FIELDS]


def _partner_cells(partner: Partner) -> list[object]:
    return [
        partner.name,
        partner.council_type,
        partner.region,
        partner.role,
        partner.status,
        partner.signatory,
        partner.signed_on,
        format_pence_plain(partner.contribution_pence),
        partner.staff_days,
        format_percent_number(partner.funding_share_bp),
        partner.notes,
    ]


def _load(workspace: Workspace) -> list[Partner]:
    with workspace.reading() as session:
        query = (
            select(Partner)
            .options(selectinload(Partner.contacts))
            .order_by(Partner.position, Partner.id)
        )
        return list(session.scalars(query))


def export_partners(workspace: Workspace, target: Path, options: ExportOptions) -> ExportResult:
    partners = _load(workspace)
    contact_count = sum(len(partner.contacts) for partner in partners)
    if target.suffix.lower() == ".csv":
        rows: list[Sequence[object]] = []
        for partner in partners:
            cells = _partner_cells(partner)
            if not partner.contacts:
                rows.append(cells + [""] * len(CONTACT_HEADERS))
            for contact in partner.contacts:
                rows.append([*cells, contact.name, contact.job_title, contact.email, contact.phone])
        write_csv(target, PARTNER_HEADERS + CONTACT_HEADERS, rows)
    else:
        partner_rows = []
        for partner in partners:
            cells = _partner_cells(partner)
            # Numbers as numbers, so the workbook's totals work.
            cells[7] = partner.contribution_pence / 100
            cells[9] = partner.funding_share_bp / 100
            partner_rows.append(cells)
        contact_rows = [
            [partner.name, contact.name, contact.job_title, contact.email, contact.phone]
            for partner in partners
            for contact in partner.contacts
        ]
        write_xlsx(
            target,
            {
                "Partners": (PARTNER_HEADERS, partner_rows),
                "Contacts": (["Council", *CONTACT_HEADERS], contact_rows),
            },
        )
    return ExportResult(
        target, f"Wrote {len(partners)} partners and {contact_count} contacts to {target}."
    )
