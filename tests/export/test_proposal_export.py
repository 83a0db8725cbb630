"""The proposal and EOI built from a real bid file: content, preflight, three checks, CLI."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.opc.constants import CONTENT_TYPE as CT
from docx.text.paragraph import Paragraph
from export_helpers import check_file, document_xml, parts_xml
from sqlalchemy import select

from crmbid_desktop import cli
from crmbid_desktop.domain import preflight as rules
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services import formats
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.preflight import preflight
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.word import proposal_export as service
from crmbid_desktop.services.word.proposal_content import ProposalContent
from crmbid_desktop.store.models import (
    Attachment,
    Bid,
    Criterion,
    Partner,
    Section,
    SectionCriterion,
    Task,
)

TODAY = date(2005, 8, 24)
SUMMARY = """Leeds City Council, with the **London Borough of Newham**, will sustain the
_CRM Academy_ and its <u>41 products</u>. See [the Academy](https://www.crmacademy.gov.uk).

- Promotion through the Regional Centres of Excellence
  - Yorkshire and the Humber
    - Leeds first
- Maintenance by a shared team

| Year | Income |
|---|---:|
| 2005/06 | £120,000 |
"""


def _style(paragraph: Paragraph) -> str:
    return paragraph.style.name if paragraph.style is not None else ""


def enrich(workspace: Workspace) -> None:
    """What a bid team adds by late August: text, a contact, sign-offs, a letter of support."""
    with workspace.edit("Test data") as session:
        bid = session.scalars(select(Bid)).one()
        bid.contact_name = "Jane Smith"
        bid.contact_email = "jane.smith@leeds.gov.uk"
        bid.contact_phone = "0113 222 4444"
        sections = session.scalars(select(Section).order_by(Section.position)).all()
        sections[0].body = SUMMARY
        sections[0].status = "approved"
        sections[1].body = "The partnership is led by Leeds. " * 5
        session.add(
            Section(title="Track record with CRM", parent_id=sections[1].id, body="Since 2002.")
        )
        leeds, newham = session.scalars(select(Partner).order_by(Partner.position)).all()
        leeds.status = "signed off"
        leeds.signatory = "Chief Executive"
        leeds.signed_on = date(2005, 8, 24)
        leeds.contribution_pence = 12_000_00
        newham.contribution_pence = 8_000_00
        session.add(Partner(name="Kirklees Council", role="supporting", status="withdrawn"))
        session.add(
            Attachment(
                partner=newham,
                filename="newham-letter.pdf",
                kind="letter of support",
                received_on=date(2005, 8, 22),
                data=b"%PDF-1.4",
            )
        )
        first = session.scalars(select(Criterion).order_by(Criterion.position)).first()
        assert first is not None
        link = session.scalars(
            select(SectionCriterion).where(SectionCriterion.criterion_id == first.id)
        ).first()
        assert link is not None
        link.note = "partners' track record"


from bid_fill import complete_bid  # noqa: E402


def _titles_and_partners(content: ProposalContent) -> list[str]:
    return [*(s.title for s in content.sections), *(p.council for p in content.partners)]


def test_content_from_the_default_bid(workspace: Workspace) -> None:
    enrich(workspace)
    content = service.proposal_content(workspace, today=TODAY)
    assert content.title == "Ownership of the CRM National Project"
    assert content.lead_council == "Leeds City Council" == content.company
    assert content.joint_partners == ["London Borough of Newham"]  # Kirklees withdrew
    assert content.contact == "Jane Smith, jane.smith@leeds.gov.uk, 0113 222 4444"
    assert content.protective_marking == "RESTRICTED - COMMERCIAL"
    assert content.version == "0.1" and content.date == TODAY and not content.draft
    assert content.author == workspace.user
    numbers = [(s.number, s.level, s.appendix) for s in content.sections]
    assert numbers[:3] == [("1", 1, False), ("2", 1, False), ("2.1", 2, False)]
    assert numbers[-1] == ("", 1, True)
    assert len(content.sections) == 15
    leeds = content.partners[0]
    assert (leeds.role, leeds.contribution, leeds.share) == ("Lead", "£12,000", "100%")
    assert (leeds.signed_off_by, leeds.signed_off_on) == ("Chief Executive", "Wed 24 Aug 2005")
    assert [p.council for p in content.partners] == [
        "Leeds City Council",
        "London Borough of Newham",
    ]
    # Timetable: milestones and key tasks by date, every date with its weekday.
    assert all(re.match(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d", row.when) for row in content.timetable)
    proposal_due = next(r for r in content.timetable if r.task.startswith("Proposal and long"))
    assert proposal_due.milestone and proposal_due.when == "Fri 26 Aug 2005"
    assert any(r.task.startswith("Submit the proposal") for r in content.timetable)
    assert content.criteria[0].addressed_in == "Sections 1, 3 (partners' track record)"
    assert content.criteria[0].weight == "10%"
    assert len(content.products) == 8 and len(content.risks) == 3
    # The heat map's names for the scales, so each scale has one name everywhere.
    assert (content.risks[0].likelihood, content.risks[0].impact) == (
        "Possible (3)",
        "Major (4)",
    )
    assert [(x.organisation, x.received_on) for x in content.letters_of_support] == [
        ("London Borough of Newham", "Mon 22 Aug 2005")
    ]


def test_default_bid_preflight(workspace: Workspace) -> None:
    enrich(workspace)
    with workspace.edit("Long summary") as session:
        first = session.scalars(select(Section).order_by(Section.position)).first()
        assert first is not None
        first.body = "word " * 450
    items = preflight(workspace, today=date(2005, 8, 1))
    kinds = {item.kind for item in items}
    assert rules.MISSED_MILESTONE not in kinds  # nothing was due yet on 1 August
    assert items[0].message == (
        "Section 1 “Executive summary” has 450 words; its limit is 400 (50 over)."
    )
    assert [i.message for i in items if i.kind == rules.SIGN_OFF] == [
        "London Borough of Newham has not signed off (interested)."
    ]
    later = preflight(workspace, today=date(2005, 8, 9))
    missed = [i.message for i in later if i.kind == rules.MISSED_MILESTONE]
    assert len(missed) == 1 and missed[0].startswith("“Expressions of interest due” was due")
    with workspace.edit("All EOI tasks done") as session:
        for task in session.scalars(select(Task)):
            task.status = "done"
    done = preflight(workspace, today=date(2005, 9, 30))
    assert not [i for i in done if i.kind == rules.MISSED_MILESTONE]


@pytest.mark.slow
def test_default_bid_proposal_passes_three_checks(
    workspace: Workspace, tmp_path: Path, audit_baseline: frozenset
) -> None:
    enrich(workspace)
    complete_bid(workspace)
    target = tmp_path / "out" / "proposal.docx"
    target.parent.mkdir()
    calls: list[tuple[int, int]] = []
    prepared = service.prepare_export(workspace, target, today=TODAY)
    result = prepared.write(lambda done, total: calls.append((done, total)))
    assert result.target == target and calls[-1] == (15, 15)
    assert result.warnings == ()
    content = prepared.content
    assert isinstance(content, ProposalContent)
    check_file(target, audit_baseline, expect_in_pdf=_titles_and_partners(content))
    document = docx.Document(str(target))
    toc = [p.text for p in document.paragraphs if re.fullmatch(r"toc \d", _style(p).lower())]
    toc = [entry.rstrip("\t ") for entry in toc]
    assert toc[:3] == [
        "1\tExecutive summary",
        "2\tThe bidding partnership",
        "2.1\tTrack record with CRM",
    ]
    assert toc[-2:] == ["Appendix A:\tAppendices", "Appendix B:\tLetters of support"]
    assert document.core_properties.author == workspace.user
    assert "<Company>Leeds City Council</Company>" in document_xml(target, "docProps/app.xml")
    assert "RESTRICTED - COMMERCIAL" in parts_xml(target, "word/header")
    assert "DRAFT" not in parts_xml(target, "word/header")
    assert "Kirklees" not in document_xml(target)


@pytest.mark.slow
def test_eoi_from_the_default_bid(
    workspace: Workspace, tmp_path: Path, audit_baseline: frozenset
) -> None:
    enrich(workspace)
    complete_bid(workspace)
    target = tmp_path / "eoi.docx"
    # Dated by the default rule: the last working day before Mon 8 Aug 2005.
    result = service.prepare_export(workspace, target, document=service.EOI, today=date(2005, 8, 1))
    assert result.problems == ()
    result.write()
    check_file(
        target,
        audit_baseline,
        expect_in_pdf=[
            "Leeds City Council",
            "jointly with the London Borough of Newham",
            "Jane Smith",
            "5 August 2005",
            "Ownership of the CRM National Project",
        ],
    )
    assert "DRAFT" not in parts_xml(target, "word/header")


def test_draft_eoi_is_marked_on_every_page(workspace: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "eoi.docx"
    service.prepare_export(workspace, target, document=service.EOI, draft=True, today=TODAY).write()
    assert "DRAFT" in parts_xml(target, "word/header")
    # The default bid has no named contact yet: no empty "Email:" lines in the letter.
    assert "Email:" not in document_xml(target)


def test_same_bid_exports_identical_bytes(workspace: Workspace, tmp_path: Path) -> None:
    enrich(workspace)
    for name in ("a.docx", "b.docx"):
        service.prepare_export(workspace, tmp_path / name, today=TODAY).write()
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()


def test_partnership_columns_share_the_width_by_need(workspace: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "p.docx"
    service.prepare_export(workspace, target, today=TODAY).write()
    table = docx.Document(str(target)).tables[0]
    widths = [cell.width for cell in table.rows[0].cells]
    assert table.rows[0].cells[3].text == "Contribution"
    assert widths[3] > widths[4]
    # Every column holds its longest word on one line (no "Contributi on").
    from crmbid_desktop.services.word.docx_tables import CELL_MARGINS, text_twips

    for index, cell in enumerate(table.rows[0].cells):
        longest = max(cell.text.split(), key=len)
        assert widths[index].twips >= text_twips(longest, 10) + CELL_MARGINS


def test_the_format_table_sends_an_unnamed_docx_to_the_proposal(
    workspace: Workspace, tmp_path: Path
) -> None:
    """The table, not import order, decides: a .docx named for nothing is the proposal."""
    docx_writers = [row.document for row in formats.WRITERS if row.suffix == ".docx"]
    assert docx_writers == ["proposal", "eoi", "sections"]
    # Loading the take-back reader first (as the take-back dialog does) changes nothing.
    import crmbid_desktop.services.exchange.section_exchange  # noqa: F401

    enrich(workspace)
    result = formats.export(workspace, tmp_path / "Our bid.docx", formats.ExportOptions(draft=True))
    text = "\n".join(p.text for p in docx.Document(str(result.target)).paragraphs)
    assert "Ownership of the CRM National Project" in text
    assert "to write or review" not in text


# -- command line ----------------------------------------------------------------------------


def _prepare(bid_path: Path, app_paths: AppPaths) -> None:
    workspace = open_workspace(bid_path, app_paths)
    try:
        enrich(workspace)
    finally:
        workspace.close()


def _dotx(tmp_path: Path) -> Path:
    source = tmp_path / "council.docx"
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Leeds City Council letterhead"
    document.save(str(source))
    dotx = tmp_path / "council.dotx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(dotx, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    CT.WML_DOCUMENT_MAIN.encode(),
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
                )
            dst.writestr(info, data)
    return dotx


def test_cli_refuses_a_final_export_with_problems_unless_draft(
    bid_path: Path, app_paths: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _prepare(bid_path, app_paths)
    target = tmp_path / "proposal.docx"
    template = str(_dotx(tmp_path))
    code = cli.run(["export", str(bid_path), str(target), "--template", template])
    out, err = capsys.readouterr()
    assert code == 1 and not target.exists() and out == ""
    assert (
        "problem: not approved: Section 2 “The bidding partnership” is not approved (not "
        "started). (fix in: Sections page)"
    ) in err
    assert "problem: empty section: Section 3 “Strategic fit” has no text yet." in err
    assert "no final version was written" in err.strip().splitlines()[-1]

    assert cli.run(["export", str(bid_path), str(target), "--draft", "--template", template]) == 0
    out, err = capsys.readouterr()
    assert "Wrote the proposal (15 sections, marked DRAFT) to" in out
    assert "warning: not approved: Section 2" in err
    assert "DRAFT" in parts_xml(target, "word/header")

    workspace = open_workspace(bid_path, app_paths)
    try:
        complete_bid(workspace)
    finally:
        workspace.close()
    assert cli.run(["export", str(bid_path), str(target), "--template", template]) == 0
    headers = parts_xml(target, "word/header")
    assert "DRAFT" not in headers
    # Our title and marking join the council's own header line: one header line, not two.
    assert headers.count("<w:p>") + headers.count("<w:p ") == 1
    assert "Leeds City Council letterhead" in headers and "RESTRICTED - COMMERCIAL" in headers


def test_cli_exports_eoi_by_option_or_by_name(
    bid_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letter = tmp_path / "letter.docx"
    # The new bid names no contact and no signatory: the letter is refused, not left with gaps.
    assert cli.run(["export", str(bid_path), str(letter), "--document", "eoi"]) == 1
    err = capsys.readouterr().err
    assert "problem: named contact incomplete: The bid's named contact has no name" in err
    assert not letter.exists()
    assert cli.run(["export", str(bid_path), str(letter), "--document", "eoi", "--draft"]) == 0
    assert "Wrote the expression of interest (marked DRAFT) to" in capsys.readouterr().out
    xml = document_xml(letter)
    assert "Dear Mr Bowrey," in xml and "Signatory not named yet (Partners page)." in xml
    body = xml.split("<w:body>", 1)[1]
    assert all("<w:t" in p for p in re.findall(r"<w:p[ >].*?</w:p>", body))  # no blank lines
    by_name = tmp_path / "leeds eoi.docx"
    assert cli.run(["export", str(bid_path), str(by_name), "--draft"]) == 0
    assert "Dear Mr Bowrey," in document_xml(by_name)


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("council.docx", b"not a zip at all", "is damaged or not really a Word file"),
        ("council.pdf", b"%PDF", "is not a Word document or template"),
        ("council.dotx", None, "does not exist"),
        ("empty.docx", "zip", "cannot be read as a Word document"),
    ],
)
def test_cli_bad_template_is_one_clear_line(
    bid_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    data: bytes | str | None,
    expected: str,
) -> None:
    template = tmp_path / name
    if data == "zip":
        with zipfile.ZipFile(template, "w") as z:
            z.writestr("hello.txt", "no Word parts here")
    elif isinstance(data, bytes):
        template.write_bytes(data)
    target = tmp_path / "proposal.docx"
    code = cli.run(["export", str(bid_path), str(target), "--template", str(template)])
    err = capsys.readouterr().err
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0]
    assert name in lines[0] and not target.exists()


def test_cli_locked_target_and_missing_folder(
    bid_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    missing = tmp_path / "no such folder" / "proposal.docx"
    assert cli.run(["export", str(bid_path), str(missing), "--draft"]) == 1
    assert "the folder" in capsys.readouterr().err

    target = tmp_path / "proposal.docx"
    target.write_bytes(b"previous")

    def locked(src: object, dst: object) -> None:
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr("crmbid_desktop.services.bid.atomic_files.os.replace", locked)
    assert cli.run(["export", str(bid_path), str(target), "--draft"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "open in another program (perhaps Word)" in err[0]
    assert target.read_bytes() == b"previous"


def test_default_and_alternative_names(tmp_path: Path) -> None:
    assert service.default_file_name('CRM: "Leeds/Newham"?') == "CRM Leeds Newham proposal.docx"
    assert service.default_file_name("Bid", service.EOI) == "Bid expression of interest.docx"
    target = tmp_path / "proposal.docx"
    assert service.alternative_name(target).name == "proposal (2).docx"
    (tmp_path / "proposal (2).docx").write_bytes(b"")
    assert service.alternative_name(target).name == "proposal (3).docx"
    assert service.alternative_name(tmp_path / "proposal (2).docx").name == "proposal (3).docx"


def test_letter_date_default_and_chosen(workspace: Workspace) -> None:
    # Ahead of the deadline: the last working day before Mon 8 Aug 2005.
    assert service.eoi_content(workspace, today=date(2005, 8, 1)).date == date(2005, 8, 5)
    assert service.eoi_content(workspace, today=date(2005, 8, 5)).date == date(2005, 8, 5)
    # Past it: the day of export.
    assert service.eoi_content(workspace, today=date(2005, 8, 9)).date == date(2005, 8, 9)
    with workspace.edit("Date the letter") as session:
        session.scalars(select(Bid)).one().letter_date = date(2005, 8, 3)
    assert service.eoi_content(workspace, today=date(2005, 8, 9)).date == date(2005, 8, 3)
