"""Importing councils from messy spreadsheets: preview, apply, re-import, CLI, export round trip."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from crmbid_desktop.cli import run as cli_run
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.formats import ExportOptions
from crmbid_desktop.services.registers import partners as service
from crmbid_desktop.services.spreadsheets import partner_export, partner_import
from tests.helpers import partner_saves

MESSY = (
    "\ufeffAuthority;Type;Role;Share;E-mail;Contact name;Favourite colour\r\n"
    "\r\n"
    "Leeds City Council;metropolitan district;Lead;60;ann@leeds.gov.uk;Ann Smith;blue\r\n"
    "Kent County Council;County;joint;40;;;green\r\n"
    "Bristol;unitary;boss;0;;;red\r\n"
    ";unitary;supporting;0;;;\r\n"
    "Sefton;unitary;supporting;0;not-an-email;Bob;\r\n"
)


def _names(workspace: Workspace) -> list[str]:
    return [row.fields.name for row in service.partner_rows(workspace)]


def test_preview_lists_adds_updates_and_rejected_rows_without_writing(
    workspace: Workspace, tmp_path: Path
) -> None:
    source = tmp_path / "partners.csv"
    source.write_bytes(MESSY.encode("utf-8"))
    before = _names(workspace)
    preview = partner_import.build_preview(workspace, source)
    assert _names(workspace) == before
    assert [p.name for p in preview.to_add] == ["Kent County Council"]
    assert [(p.name, p.changes) for p in preview.to_update] == [
        ("Leeds City Council", ["share of funding 100% → 60%", "new contact Ann Smith"])
    ]
    assert [(r.number, r.reason) for r in preview.rejected] == [
        (5, "“boss” is not a role; use one of: lead, joint bidder, supporting."),
        (6, "no council name"),
        (7, "An email address needs an @, for example j.smith@leeds.gov.uk."),
    ]
    assert preview.ignored_columns == ["Favourite colour"]
    lines = partner_import.report_lines(preview)
    assert lines[0] == "partners.csv: 1 to add, 1 to update, 0 unchanged, 3 rows rejected."
    assert "Rejected row 6: no council name" in lines


def test_apply_then_reimport_updates_instead_of_duplicating(
    workspace: Workspace, tmp_path: Path
) -> None:
    source = tmp_path / "partners.csv"
    source.write_bytes(MESSY.encode("utf-8"))
    assert partner_import.apply_preview(
        workspace, partner_import.build_preview(workspace, source)
    ) == (1, 1)
    names = _names(workspace)
    assert names.count("Kent County Council") == 1 and len(names) == 3
    again = partner_import.build_preview(workspace, source)
    assert not again.has_changes and len(again.unchanged) == 2
    # Same council written differently still matches.
    source.write_text("Council,Status\nKENT,interested\n", encoding="cp1252")
    third = partner_import.build_preview(workspace, source)
    assert [p.name for p in third.to_update] == ["Kent County Council"]
    partner_import.apply_preview(workspace, third)
    assert len(_names(workspace)) == 3
    kent = next(r for r in service.partner_rows(workspace) if r.fields.name.startswith("Kent"))
    assert kent.fields.status == "interested" and kent.fields.funding_share_bp == 4000


def test_cp1252_and_xlsx_with_merged_title(workspace: Workspace, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "Partners — August 2005"
    sheet.merge_cells("A1:C1")
    sheet.append(["Council name", "Contribution", "Date signed"])
    sheet.append(["Newham", "£12,500.50", "24/08/2005"])
    sheet.append([None, None, None])
    sheet.append(["Sefton", 1000, None])
    path = tmp_path / "councils.xlsx"
    workbook.save(path)
    preview = partner_import.build_preview(workspace, path)
    assert [(p.name, p.rows) for p in preview.to_add] == [("Newham", [3]), ("Sefton", [5])]
    assert preview.to_add[0].values["contribution_pence"] == 1_250_050


@pytest.mark.slow
def test_five_thousand_rows_import_in_one_edit(workspace: Workspace, tmp_path: Path) -> None:
    source = tmp_path / "many.csv"
    with source.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Council", "Region", "Share", "Email", "Contact"])
        for n in range(5000):
            writer.writerow(
                [f"Council {n} Borough Council", "Sud-Est é", "0", f"c{n}@x.gov.uk", "Jo"]
            )
    preview = partner_import.build_preview(workspace, source)
    assert len(preview.to_add) == 5000 and not preview.rejected
    assert partner_import.apply_preview(workspace, preview) == (5000, 0)
    assert len(_names(workspace)) == 5002
    assert not partner_import.build_preview(workspace, source).has_changes


def test_cli_dry_run_reports_and_exits_1_on_rejected(
    bid_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "partners.csv"
    source.write_bytes(MESSY.encode("utf-8"))
    assert cli_run(["import", str(bid_path), str(source), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "Rejected row 5" in out and "Dry run: nothing was changed." in out
    clean = tmp_path / "clean.csv"
    clean.write_text("Council\nSefton\n", encoding="utf-8")
    assert cli_run(["import", str(bid_path), str(clean)]) == 0
    assert "Imported: 1 added, 0 updated." in capsys.readouterr().out


def test_export_csv_one_row_per_contact_neutralised_and_reimports(
    workspace: Workspace, tmp_path: Path
) -> None:
    leeds = next(r for r in service.partner_rows(workspace) if r.fields.name.startswith("Leeds"))
    partner_saves.save_partner(
        workspace,
        leeds.id,
        leeds.fields.__class__(**{**vars(leeds.fields), "notes": '=HYPERLINK("x")'}),
        [service.ContactFields("Ann"), service.ContactFields("Bob", phone="+44 113 222 4444")],
    )
    target = tmp_path / "partners.csv"
    result = partner_export.export_partners(workspace, target, ExportOptions())
    assert result.summary.startswith("Wrote 2 partners and 2 contacts")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 1 + 2 + 1  # header, Leeds x 2 contacts, Newham with none
    assert rows[1][10] == '\'=HYPERLINK("x")'
    assert rows[2][-1] == "'+44 113 222 4444"
    preview = partner_import.build_preview(workspace, target)
    assert not preview.rejected and not preview.to_add


def test_export_xlsx_two_sheets_and_cli(bid_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "partners.xlsx"
    assert cli_run(["export", str(bid_path), str(target)]) == 0
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["Partners", "Contacts"]
    assert workbook["Partners"]["A2"].value == "Leeds City Council"
    assert workbook["Partners"]["J2"].value == 100


def test_a_council_email_without_a_person_becomes_a_general_contact(
    workspace: Workspace, tmp_path: Path
) -> None:
    source = tmp_path / "partners.csv"
    source.write_text(
        "Council name,E-mail,Phone\nBradford Council,enquiries@bradford.gov.uk,01274 432111\n",
        encoding="cp1252",
    )
    preview = partner_import.build_preview(workspace, source)
    assert preview.rejected == []
    [plan] = preview.to_add
    assert [(c.name, c.email) for c in plan.contacts] == [
        ("General contact", "enquiries@bradford.gov.uk")
    ]
