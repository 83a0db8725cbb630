"""The proposal and letter as the evaluator receives them: rendered by LibreOffice, read as PDF.

The sample bid is filled with realistic text, a Markdown table and subheadings, budget amounts,
a letter of support and a council template with its own header and footer, then exported as the
command line does (contents page numbers from a real layout) and checked rule by rule (issue 17).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import docx
import pytest
from bid_fill import TODAY, complete_bid
from export_helpers import check_file, document_xml, parts_xml

from crmbid_desktop import app
from crmbid_desktop.domain.risk_rules import IMPACT_LABELS, LIKELIHOOD_LABELS
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.bid_template import create_bid
from crmbid_desktop.services.word import proposal_export as service
from crmbid_desktop.services.word.docx_layout import normalise
from crmbid_desktop.services.word.docx_tables import CELL_MARGINS, text_twips

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("soffice") is None or shutil.which("pdftotext") is None,
        reason="needs LibreOffice and poppler (CI installs both)",
    ),
]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class Rendered:
    docx: Path
    pages: list[str]  # pdftotext -layout, one string per page

    @property
    def text(self) -> str:
        return normalise(" ".join(self.pages))


def _render(path: Path) -> list[str]:
    """What a PDF made straight from the file shows: LibreOffice, no field update, no F9."""
    out = path.parent / f"{path.stem}-pdf"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(path.parent / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = out / f"{path.stem}.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _council_template(folder: Path) -> Path:
    """Leeds's own template: a letterhead line in the header and its address in the footer."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "LEEDS CITY COUNCIL"
    document.sections[0].footer.paragraphs[0].text = "Civic Hall, Leeds LS1 1UR"
    path = folder / "leeds-template.dotx"
    source = folder / "leeds-template.docx"
    document.save(str(source))
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            dst.writestr(info, data)
    return path


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Rendered]]:
    """The completed sample bid exported as the command line does, and rendered to PDF."""
    folder = tmp_path_factory.mktemp("fit")
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("CRMBID_HOME", str(folder / "home"))
    monkeypatch.setenv("CRMBID_PAGE_LAYOUT", "on")  # the layout pass the other tests skip
    try:
        bid = folder / "bid.crmbid"
        create_bid(bid).close()
        workspace = open_workspace(bid, AppPaths.for_user().ensure())
        try:
            complete_bid(workspace)
            template = _council_template(folder)
            proposal = folder / "proposal.docx"
            prepared = service.prepare_export(
                workspace,
                proposal,
                template=template,
                today=TODAY,
                heat_map_renderer=app._render_heat_map,
                refuse_problems=True,
            )
            prepared.write()
            letter = folder / "eoi.docx"
            service.prepare_export(
                workspace,
                letter,
                document=service.EOI,
                template=template,
                today=date(2005, 8, 1),
                refuse_problems=True,
            ).write()
            plain_letter = folder / "eoi-ours.docx"
            service.prepare_export(
                workspace, plain_letter, document=service.EOI, today=date(2005, 8, 1)
            ).write()
        finally:
            workspace.close()
        yield {
            "proposal": Rendered(proposal, _render(proposal)),
            "eoi": Rendered(letter, _render(letter)),
            "eoi-ours": Rendered(plain_letter, _render(plain_letter)),
        }
    finally:
        monkeypatch.undo()


def _contents(pages: list[str]) -> list[str]:
    """The contents page's entries, one per line, as printed."""
    page = next(p for p in pages if re.search(r"^\s*Contents\s*$", p, re.MULTILINE))
    lines = page.split("Contents", 1)[1].splitlines()
    return [line.strip() for line in lines if re.match(r"\s*(\d+(\.\d+)*|Appendix [A-Z]:)\s", line)]


def test_contents_has_every_page_number_without_an_update(sent: dict[str, Rendered]) -> None:
    pages = sent["proposal"].pages
    entries = _contents(pages)
    assert len(entries) >= 20
    for entry in entries:
        match = re.match(r"(\d+(?:\.\d+)*|Appendix [A-Z]:)\s+(.*?)[ .]*(\d+)$", entry)
        assert match, f"no page number at the end of: {entry!r}"
        number, title, page = match.group(1), match.group(2), int(match.group(3))
        # The heading itself is printed on that page (and not as a contents entry).
        heading = normalise(f"{number} {title}")
        body = normalise(pages[page - 1])
        assert heading in body, (entry, page)
        assert "...." not in body[body.index(heading) : body.index(heading) + len(heading) + 5]
    assert any(e.startswith("4.1 ") for e in entries), "subheadings are in the contents"
    assert any(e.startswith("4.1.1 ") for e in entries)


def test_tables_keep_rows_whole_repeat_headers_and_fit_their_words(
    sent: dict[str, Rendered],
) -> None:
    xml = document_xml(sent["proposal"].docx)
    document = docx.Document(str(sent["proposal"].docx))
    assert len(document.tables) >= 6
    for table in document.tables:
        rows = table._tbl.tr_lst
        assert rows[0].trPr is not None and rows[0].trPr.find(f"{W}tblHeader") is not None
        assert all(tr.trPr is not None and tr.trPr.find(f"{W}cantSplit") is not None for tr in rows)
        # Fixed widths, each column at least as wide as its longest word at the printed size.
        grid = [col.w.twips if col.w is not None else 0 for col in table._tbl.tblGrid.gridCol_lst]
        size_pt = 11.0
        first_size = rows[1].find(f".//{W}sz")
        if first_size is not None:
            size_pt = int(str(first_size.get(f"{W}val"))) / 2
        for row in table.rows:
            assert any(cell.text.strip() for cell in row.cells), "no empty table rows"
            for width, cell in zip(grid, row.cells, strict=True):
                for word in cell.text.split():
                    assert width >= text_twips(word, size_pt) + CELL_MARGINS, (word, width)
    assert xml.count('<w:tblLayout w:type="fixed"/>') == len(document.tables)
    # And in the PDF no column breaks a word: the headers LibreOffice broke before are whole.
    text = sent["proposal"].text
    for word in ("Likelihood", "Contribution", "Weighting", "Mitigation", "Organisation"):
        assert re.search(rf"\b{word}\b", text), word
    for broken in ("Weigh t", "Likelih ood", "Mediu m", "Contributi on", "Statu s"):
        assert broken not in text


def test_money_right_aligned_in_whole_pounds_with_bold_totals(sent: dict[str, Rendered]) -> None:
    document = docx.Document(str(sent["proposal"].docx))
    budget = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("Budget line"))
    for row in budget.rows[1:]:
        for cell in row.cells[1:]:
            if "£" in cell.text:
                assert cell.paragraphs[0].alignment == 2  # right
                assert re.fullmatch(r"£[\d,]+( surplus| gap| \(even\))?", cell.text), cell.text
        if row.cells[0].text in ("Total income", "Total costs", "Surplus or gap"):
            assert all(run.bold for cell in row.cells for run in cell.paragraphs[0].runs)
    assert "£145,000" in sent["proposal"].text  # 100,000 partners + 45,000.49 subscriptions
    partnership = next(t for t in document.tables if t.rows[0].cells[0].text == "Council")
    assert partnership.rows[1].cells[3].text == "£60,000"
    assert partnership.rows[1].cells[3].paragraphs[0].alignment == 2


def test_one_name_per_risk_scale_and_numbered_captions(sent: dict[str, Rendered]) -> None:
    document = docx.Document(str(sent["proposal"].docx))
    risks = next(t for t in document.tables if t.rows[0].cells[0].text == "Risk")
    likelihoods = {f"{n.capitalize()} ({k})" for k, n in LIKELIHOOD_LABELS.items()}
    impacts = {f"{n.capitalize()} ({k})" for k, n in IMPACT_LABELS.items()}
    for row in risks.rows[1:]:
        assert row.cells[1].text in likelihoods and row.cells[2].text in impacts
    xml = document_xml(sent["proposal"].docx)
    # The heat map is drawn with the same names (domain/risk_rules) and says what it shows.
    descr = re.findall(r'<wp:docPr [^>]*descr="([^"]+)"', xml)
    assert descr and "likelihood" in descr[0] and "impact" in descr[0]
    text = sent["proposal"].text
    tables = [int(n) for n in re.findall(r"Table (\d+):", text)]
    assert tables == list(range(1, len(tables) + 1)) and len(tables) >= 6
    assert "Figure 1: Where the risks sit" in text
    assert xml.count(" SEQ Table ") == len(tables) and " SEQ Figure " in xml


def test_headings_are_real_and_keep_with_next(sent: dict[str, Rendered]) -> None:
    path = sent["proposal"].docx
    document = docx.Document(str(path))
    subheading = next(p for p in document.paragraphs if p.text == "Evidence of use")
    assert subheading.style is not None and subheading.style.name == "Heading 2"
    deeper = next(p for p in document.paragraphs if p.text == "Councils by CRM maturity")
    assert deeper.style is not None and deeper.style.name == "Heading 3"
    styles = document_xml(path, "word/styles.xml")
    for level in (1, 2, 3):
        style = re.search(rf'<w:style [^>]*w:styleId="Heading{level}".*?</w:style>', styles)
        assert style and "<w:keepNext/>" in style.group(0)
        assert f'<w:outlineLvl w:val="{level - 1}"/>' in style.group(0)
    # Set on the paragraphs too, since a council template's styles may lack it.
    xml = document_xml(path)
    paragraphs = re.findall(r"<w:p>.*?</w:p>", xml)
    captions = [p for p in paragraphs if '<w:pStyle w:val="Caption"/>' in p and ">Table <" in p]
    assert len(captions) >= 7 and all("<w:keepNext/>" in c for c in captions)
    headings = re.findall(r'<w:p><w:pPr><w:pStyle w:val="Heading\d"/>(.*?)</w:pPr>', xml)
    assert headings and all("<w:keepNext/>" in h for h in headings)


def test_accessible_title_language_and_no_spacing_paragraphs(sent: dict[str, Rendered]) -> None:
    path = sent["proposal"].docx
    document = docx.Document(str(path))
    assert document.core_properties.title == "Ownership of the CRM National Project"
    styles = document_xml(path, "word/styles.xml")
    assert re.search(r'<w:rPrDefault>.*<w:lang w:val="en-GB"', styles, re.DOTALL)
    body = document.element.body
    for p in body.iterchildren(f"{W}p"):
        has_something = any(
            True for _ in p.iter(f"{W}t", f"{W}drawing", f"{W}fldChar", f"{W}bookmarkStart")
        )
        assert has_something, "an empty paragraph used for spacing"
    xml = document_xml(path)
    # Every captioned table carries its caption as the table's title for screen readers.
    assert xml.count("<w:tblCaption ") == len(re.findall(r" SEQ Table ", xml)) >= 7


def test_final_proposal_has_no_placeholders(sent: dict[str, Rendered]) -> None:
    text = sent["proposal"].text
    assert "Bid manager" not in text and "Not written yet" not in text
    assert "Nothing recorded yet" not in text and "DRAFT" not in text


def test_council_template_header_and_footer_are_not_stacked(sent: dict[str, Rendered]) -> None:
    path = sent["proposal"].docx
    headers = parts_xml(path, "word/header")
    footers = parts_xml(path, "word/footer")
    assert len(re.findall(r"<w:p[ >]", headers)) == 1
    assert len(re.findall(r"<w:p[ >]", footers)) == 1
    assert "LEEDS CITY COUNCIL" in headers and "RESTRICTED - COMMERCIAL" in headers
    assert "Civic Hall, Leeds LS1 1UR" in footers and " PAGE " in footers
    page = sent["proposal"].pages[2].splitlines()
    header = next(line for line in page if line.strip())
    footer = [line for line in page if line.strip()][-1]
    # One line each: the council's text at the left, ours at the right margin.
    assert re.match(r"LEEDS CITY COUNCIL\s{3,}RESTRICTED - COMMERCIAL\s*$", header)
    assert re.match(r"Civic Hall, Leeds LS1 1UR\s{3,}RESTRICTED - COMMERCIAL · Page 3", footer)
    assert re.search(r"Page 3 of \d+\s*$", footer)


def test_files_pass_the_schema_audit(
    sent: dict[str, Rendered], audit_baseline: frozenset[tuple[str, str, str]]
) -> None:
    for name in ("proposal", "eoi", "eoi-ours"):
        check_file(sent[name].docx, audit_baseline)


def test_letter_is_one_page_ready_to_sign(sent: dict[str, Rendered]) -> None:
    for name in ("eoi", "eoi-ours"):
        rendered = sent[name]
        assert len(rendered.pages) == 1, name
        text = rendered.text
        for wanted in (
            "5 August 2005",  # the last working day before Mon 8 Aug 2005
            "Mr Julian Bowrey",
            "Divisional Manager for Local e-Government",
            "Office of the Deputy Prime Minister",
            "Dear Mr Bowrey,",
            "open letter of 27 July 2005",
            "Leeds City Council, as lead authority, jointly with the London Borough of Newham,",
            "Jane Smith, Head of Customer Services, who can be reached on 0113 222 4444 or at "
            "jane.smith@leeds.gov.uk",
            "Yours sincerely, Paul Rogerson Chief Executive Leeds City Council",
        ):
            assert wanted in text, (name, wanted)
        assert "Bid manager" not in text and "Dear Julian" not in text
    assert "LEEDS CITY COUNCIL" in sent["eoi"].text  # the council's own letterhead


def test_draft_of_an_empty_bid_prints_guidance_and_no_placeholder_names(tmp_path: Path) -> None:
    bid = tmp_path / "empty.crmbid"
    create_bid(bid).close()
    workspace = open_workspace(bid, AppPaths.for_user().ensure())
    try:
        target = tmp_path / "draft.docx"
        service.prepare_export(workspace, target, draft=True, today=TODAY).write()
        final = tmp_path / "final.docx"
        with pytest.raises(service.FinalExportRefused) as refused:
            service.prepare_export(workspace, final, today=TODAY, refuse_problems=True)
        assert not final.exists() and len(refused.value.problems) > 20
    finally:
        workspace.close()
    xml = document_xml(target)
    assert xml.count("Not written yet.") == 14  # 13 sections and the empty "Appendices"
    assert "How the products will reach and be taken up by English councils." in xml
    assert "Bid manager" not in xml and "Contact:" not in xml


def test_budget_workbook_carries_computed_values(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from crmbid_desktop import cli

    bid = tmp_path / "bid.crmbid"
    create_bid(bid).close()
    workspace = open_workspace(bid, AppPaths.for_user().ensure())
    try:
        complete_bid(workspace)
    finally:
        workspace.close()
    target = tmp_path / "budget.xlsx"
    assert cli.run(["export", str(bid), str(target)]) == 0
    formulas = load_workbook(target).active
    assert formulas is not None
    values = load_workbook(target, data_only=True).active
    assert values is not None
    found: dict[object, list[object]] = {}
    for row in formulas.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                label = formulas.cell(cell.row, 1).value
                found.setdefault(label, []).append(values[cell.coordinate].value)
    # What Outlook's preview or a phone shows without calculating: the totals themselves.
    assert found["Total income"] == [145000.49] * 5
    assert found["Total costs"] == [92500.5] * 5
    assert found["Surplus or gap"] == [52499.99] * 5
