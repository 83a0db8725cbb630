"""The Word proposal and EOI: structure, formatting, templates, hostile text and safe saving."""

from __future__ import annotations

import os
import re
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.opc.constants import CONTENT_TYPE as CT
from docx.text.paragraph import Paragraph
from export_helpers import check_file, document_xml, parts_xml, sample_content

from crmbid_desktop.services.word.docx_export import write_eoi, write_proposal, xml_safe
from crmbid_desktop.services.word.docx_package import ExportTargetLockedError
from crmbid_desktop.services.word.proposal_content import EoiContent, PartnerRow, SectionContent


def _style(paragraph: Paragraph) -> str:
    return paragraph.style.name if paragraph.style is not None else ""


def _names(content_titles: list[str], partners: list[PartnerRow]) -> list[str]:
    return [*content_titles, *(p.council for p in partners)]


def test_sample_passes_three_checks(tmp_path: Path, audit_baseline: frozenset) -> None:
    content = sample_content()
    target = tmp_path / "bid.docx"
    write_proposal(content, target)
    titles = [s.title for s in content.sections if not s.empty]
    check_file(target, audit_baseline, expect_in_pdf=_names(titles, content.partners))
    # "Governance" has no text: a final proposal leaves it out rather than print a bare heading.
    assert ">Governance<" not in document_xml(target)


def test_draft_prints_a_grey_placeholder_with_the_guidance(tmp_path: Path) -> None:
    sections = [
        SectionContent("1", "Executive summary", 1, "Text."),
        SectionContent("2", "Governance", 1, "", guidance="Owner, board, user group."),
    ]
    target = tmp_path / "draft.docx"
    write_proposal(sample_content(sections=sections, draft=True), target)
    xml = document_xml(target)
    assert ">Governance<" in xml and "Owner, board, user group." in xml
    assert '<w:pStyle w:val="DraftPlaceholder"/>' in xml


def test_formatting_reaches_document_xml(tmp_path: Path) -> None:
    target = tmp_path / "bid.docx"
    write_proposal(sample_content(), target)
    xml = document_xml(target)
    assert "<w:b/>" in xml and "<w:i/>" in xml and '<w:u w:val="single"/>' in xml
    assert '<w:ilvl w:val="2"/>' in xml  # third list level
    assert '<w:tblStyle w:val="BidTable"/>' in xml and "<w:tblHeader/>" in xml
    rid = re.search(r'<w:hyperlink r:id="(rId\d+)"', xml)
    assert rid is not None
    rels = document_xml(target, "word/_rels/document.xml.rels")
    assert f'Id="{rid.group(1)}"' in rels and "https://www.odpm.gov.uk/crm" in rels
    assert 'TargetMode="External"' in rels
    # "# Evidence of use" inside section 1 is a real, numbered Heading 2 (1.1) in the contents.
    assert re.search(r'<w:pStyle w:val="Heading2"/>.*?Evidence of use', xml)
    assert "SectionSubheading" not in xml


def test_toc_lists_every_heading_without_updating(tmp_path: Path) -> None:
    target = tmp_path / "bid.docx"
    write_proposal(sample_content(), target)
    document = docx.Document(str(target))
    toc = [p.text for p in document.paragraphs if re.fullmatch(r"toc \d", _style(p).lower())]
    # Markdown subheadings are numbered headings too; with no layout the page is left to Word.
    assert [entry.rstrip("\t ") for entry in toc[:6]] == [
        "1\tExecutive summary",
        "1.1\tEvidence of use",
        "1.1.1\tNumbers",
        "1.2\tBackground",
        "1.2.1\tTrack record",
        "2\tPartnership",
    ]
    assert toc[-1].rstrip("\t ") == "Appendix A:\tLetters of support"
    xml = document_xml(target)
    assert 'TOC \\o "1-3" \\h \\z \\u' in xml
    assert '<w:fldChar w:fldCharType="begin" w:dirty="true"/>' in xml
    anchors = re.findall(r'<w:hyperlink w:anchor="([^"]+)"', xml)
    bookmarks = re.findall(r'<w:bookmarkStart w:id="\d+" w:name="([^"]+)"', xml)
    assert anchors == bookmarks and len(anchors) == len(toc)
    assert set(re.findall(r"PAGEREF (\S+) ", xml)) == set(bookmarks)
    # Word refreshes the contents (and its page numbers) on opening.
    assert '<w:updateFields w:val="true"/>' in document_xml(target, "word/settings.xml")


def test_footer_page_x_of_y_and_header_marking(tmp_path: Path) -> None:
    target = tmp_path / "bid.docx"
    write_proposal(sample_content(protective_marking="OFFICIAL-SENSITIVE", draft=True), target)
    footers = parts_xml(target, "word/footer")
    assert " PAGE " in footers and " NUMPAGES " in footers and "Version 0.3" in footers
    headers = parts_xml(target, "word/header")
    assert "OFFICIAL-SENSITIVE" in headers and "DRAFT" in headers


def test_final_has_no_draft_mark(tmp_path: Path) -> None:
    target = tmp_path / "bid.docx"
    write_proposal(sample_content(draft=False), target)
    assert "DRAFT" not in parts_xml(target, "word/")


def test_properties_are_set(tmp_path: Path) -> None:
    target = tmp_path / "bid.docx"
    write_proposal(sample_content(), target)
    props = docx.Document(str(target)).core_properties
    assert props.title == "CRM Academy sustainability strategy" and props.author == "Jane Smith"
    assert props.created is not None and props.created.date() == date(2005, 8, 26)
    assert "<Company>Leeds City Council</Company>" in document_xml(target, "docProps/app.xml")


def test_progress_called_per_section(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    write_proposal(
        sample_content(), tmp_path / "bid.docx", progress=lambda d, t: calls.append((d, t))
    )
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_same_content_gives_identical_files(tmp_path: Path) -> None:
    write_proposal(sample_content(), tmp_path / "a.docx")
    write_proposal(sample_content(), tmp_path / "b.docx")
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()


def _council_template(tmp_path: Path) -> Path:
    """A council's own template: a header with its name, and none of our list/table styles."""
    document = docx.Document()
    styles = document.styles.element
    for style in list(styles):
        name = style.find(docx.oxml.ns.qn("w:name"))
        if name is not None and name.get(docx.oxml.ns.qn("w:val")) in (
            "List Bullet",
            "heading 2",
            "caption",
        ):
            styles.remove(style)
    document.sections[0].header.paragraphs[0].text = "Leeds City Council letterhead"
    document.add_paragraph("Template body to be removed")
    path = tmp_path / "council.docx"
    document.save(str(path))
    return path


def test_council_docx_template_lacking_styles(tmp_path: Path, audit_baseline: frozenset) -> None:
    target = tmp_path / "bid.docx"
    write_proposal(sample_content(), target, template=_council_template(tmp_path))
    check_file(target, audit_baseline)
    document = docx.Document(str(target))
    assert {"List Bullet", "Heading 2", "Caption", "Bid Table"} <= {s.name for s in document.styles}
    assert "Template body to be removed" not in document_xml(target)
    assert "Leeds City Council letterhead" in parts_xml(target, "word/header")


def test_dotx_template(tmp_path: Path, audit_baseline: frozenset) -> None:
    source = _council_template(tmp_path)
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
    with pytest.raises(ValueError):
        docx.Document(str(dotx))  # why load_document patches the content type
    target = tmp_path / "bid.docx"
    write_proposal(sample_content(), target, template=dotx)
    check_file(target, audit_baseline)


HOSTILE = "Bad\x00\x01\x0b\x1f\ud800\udfff\ufffe\uffff ok — مرحبا بالعالم 🎉👩‍👩‍👧 <script>&amp;"


def test_hostile_text_is_cleaned(tmp_path: Path, audit_baseline: frozenset) -> None:
    content = sample_content(
        title=HOSTILE,
        lead_council=HOSTILE,
        sections=[
            SectionContent(
                "1", HOSTILE, 1, f"{HOSTILE}\n\n- {HOSTILE}\n\n| {HOSTILE} |\n|---|\n| x |"
            )
        ],
        partners=[PartnerRow(HOSTILE, "Lead", "", "", "")],
    )
    target = tmp_path / "bid.docx"
    write_proposal(content, target)
    check_file(target, audit_baseline, expect_in_pdf=["Bad ok", "مرحبا"])
    assert "Bad ok — مرحبا بالعالم 🎉" in xml_safe(HOSTILE)
    assert "🎉" in document_xml(target)


def test_failure_mid_write_keeps_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "bid.docx"
    write_proposal(sample_content(), target)
    before = target.read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("crmbid_desktop.services.bid.atomic_files.os.fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        write_proposal(sample_content(version="0.4"), target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["bid.docx"]


def test_locked_target_raises_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "bid.docx"
    target.write_bytes(b"previous")

    def locked(src: object, dst: object) -> None:
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr("crmbid_desktop.services.bid.atomic_files.os.replace", locked)
    with pytest.raises(ExportTargetLockedError, match="open in another program") as info:
        write_proposal(sample_content(), target)
    assert info.value.target == target
    assert target.read_bytes() == b"previous"
    # "home" holds the test's private user folders (conftest), not export leftovers.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["bid.docx"]


def test_eoi_letter(tmp_path: Path, audit_baseline: frozenset) -> None:
    content = EoiContent(
        lead_council="Leeds City Council",
        bid_title="CRM National Project",
        date=date(2005, 8, 5),
        contact_name="Jane Smith",
        contact_title="Head of Customer Services",
        contact_email="jane.smith@leeds.gov.uk",
        contact_phone="0113 222 4444",
        joint_partners=["London Borough of Newham"],
        recipient_name="Mr Julian Bowrey",
        recipient_title="Divisional Manager for Local e-Government",
        recipient_address=["Office of the Deputy Prime Minister", "Eland House"],
        signatory="Paul Rogerson",
        signatory_title="Chief Executive",
    )
    target = tmp_path / "eoi.docx"
    write_eoi(content, target)
    check_file(
        target,
        audit_baseline,
        expect_in_pdf=[
            "Mr Julian Bowrey",
            "Divisional Manager for Local e-Government",
            "5 August 2005",
            "Dear Mr Bowrey,",
            "jointly with the London Borough of Newham",
            "open letter of 27 July 2005",
            "Paul Rogerson",
        ],
    )


def test_no_temp_files_on_success(tmp_path: Path) -> None:
    write_proposal(sample_content(), tmp_path / "bid.docx")
    assert [name for name in os.listdir(tmp_path) if name != "home"] == ["bid.docx"]


def test_heading_pages_skip_the_contents_and_follow_reading_order() -> None:
    from crmbid_desktop.services.word.docx_layout import heading_pages

    pages = [
        "Cover",
        "Contents\n1   Summary ....... \n1.1   Risks .......\n2   Budget .......",
        "1   Summary\ntext\n1.1   Risks",
        "more\n2   Budget",
    ]
    wanted = [("1", "Summary"), ("1.1", "Risks"), ("2", "Budget"), ("3", "Missing")]
    assert heading_pages(pages, wanted) == [3, 3, 4, None]


def test_without_libreoffice_the_contents_is_left_for_word(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crmbid_desktop.services.word import docx_layout

    monkeypatch.setenv("CRMBID_PAGE_LAYOUT", "on")
    monkeypatch.setattr(docx_layout, "find_soffice", lambda: None)
    assert not docx_layout.layout_available()
    target = tmp_path / "bid.docx"
    write_proposal(sample_content(), target)  # a laptop with only Word: no layout, no error
    xml = document_xml(target)
    assert '<w:fldChar w:fldCharType="begin" w:dirty="true"/>' in xml
    assert '<w:updateFields w:val="true"/>' in document_xml(target, "word/settings.xml")
