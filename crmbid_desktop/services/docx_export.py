"""Writing the proposal and the expression-of-interest letter as Word (.docx) files."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Pt, RGBColor

from crmbid_desktop.services import docx_styles as st
from crmbid_desktop.services.docx_markdown import (
    MarkdownRenderer,
    add_run,
    fill_table,
    new_paragraph,
    set_numbering,
)
from crmbid_desktop.services.docx_package import (
    ExportTargetLockedError,
    atomic_write,
    document_bytes,
    drop_stale_parts,
    empty_body,
    load_document,
    set_properties,
    xml_safe,
)
from crmbid_desktop.services.proposal_content import (
    ODPM,
    EoiContent,
    ProposalContent,
    SectionContent,
)

if TYPE_CHECKING:
    from docx.document import Document
    from docx.oxml.text.paragraph import CT_P
    from lxml.etree import _Element

__all__ = [
    "ExportTargetLockedError",
    "default_template",
    "long_date",
    "write_eoi",
    "write_proposal",
    "xml_safe",
]

_TR, _TC, _TCPR, _TCW, _P, _W_W = (qn(t) for t in ("w:tr", "w:tc", "w:tcPr", "w:tcW", "w:p", "w:w"))
TOC_INSTRUCTION = ' TOC \\o "1-3" \\h \\z \\u '
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def default_template() -> Path:
    """Our own template, found wherever the program runs from (source, wheel, bundle)."""
    from crmbid_desktop.resources import resource_path

    return resource_path("templates/proposal-template.docx")


def long_date(day: date) -> str:
    """'Friday 26 August 2005', in English whatever the machine's locale."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True, slots=True)
class _Heading:
    level: int
    title: str
    number: str  # as Word's numbering prints it: "4.1" or "Appendix A:"
    bookmark: str


class _Builder:
    """Holds the document and its resolved style ids while the proposal is assembled."""

    def __init__(self, template: Path | None) -> None:
        self.doc: Document = load_document(template or default_template())
        empty_body(self.doc)
        drop_stale_parts(self.doc)
        self.styles, self.numbering = st.install(self.doc)
        self.markdown = MarkdownRenderer(self.doc, self.styles, self.numbering)
        self._bookmark_id = 0
        self._table_no = 0
        self._figure_no = 0
        self._block_width: int | None = None

    def para(
        self, text: str = "", style: str | None = None, *, bold: bool = False, italic: bool = False
    ) -> CT_P:
        p = new_paragraph(self.doc, self.styles[style] if style else None)
        if text:
            add_run(p, text, bold=bold, italic=italic)
        return p

    def page_break(self) -> None:
        run = OxmlElement("w:r")
        run.append(OxmlElement("w:br", {qn("w:type"): "page"}))
        new_paragraph(self.doc, None).append(run)

    def heading(self, heading: _Heading) -> None:
        p = self.para(style=st.HEADINGS[heading.level - 1])
        # Numbering set on the paragraph too, so a council template whose heading styles are
        # unnumbered still prints 1, 1.1, 1.1.1 and the cached contents stays right.
        appendix = heading.number.startswith("Appendix")
        num_id = self.numbering.appendix_num if appendix else self.numbering.heading_num
        set_numbering(p, num_id, heading.level - 1)
        self._bookmark_id += 1
        attrs = {qn("w:id"): str(self._bookmark_id), qn("w:name"): heading.bookmark}
        p.append(OxmlElement("w:bookmarkStart", attrs))
        add_run(p, heading.title)
        p.append(OxmlElement("w:bookmarkEnd", {qn("w:id"): str(self._bookmark_id)}))

    def table(
        self,
        caption: str,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[int] | None = None,
        bold_rows: frozenset[int] = frozenset(),
        font_half_points: int | None = None,
    ) -> None:
        """A captioned table; `widths` are relative column widths (equal when not given).

        `bold_rows` are indexes into `rows` printed bold (totals, sub-headings).
        """
        self._table_no += 1
        self.para(f"Table {self._table_no}: {caption}", st.CAPTION)
        if self._block_width is None:
            # Reading the page width is an XPath over the whole body: once per document.
            self._block_width = int(self.doc._block_width)
        table = self.doc._body.add_table(1 + len(rows), len(header), Emu(self._block_width))
        fill_table(table._tbl, self.styles[st.BID_TABLE])
        column_widths: list[Emu] | None = None
        if widths is not None and len(widths) == len(header):
            # Equal columns wrap "£12,000.00" in a seven-column table; share the width by need.
            total = sum(widths)
            column_widths = [Emu(self._block_width * w // total) for w in widths]
            for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, column_widths, strict=True):
                grid_col.w = width
        # Cells filled by walking the fresh XML (w:tc = tcPr/tcW + one empty w:p) rather than
        # through python-docx's setters: the timetable alone has thousands of cells.
        twips = [str(w.twips) for w in column_widths] if column_widths is not None else None
        for row_index, (tr, values) in enumerate(
            zip(table._tbl.iterchildren(_TR), [header, *rows], strict=True)
        ):
            bold = (row_index - 1) in bold_rows
            for index, (tc, value) in enumerate(zip(tr.iterchildren(_TC), values, strict=True)):
                if twips is not None:
                    tc.find(_TCPR).find(_TCW).set(_W_W, twips[index])
                run = add_run(tc.find(_P), value, bold=bold)
                if font_half_points is not None:  # wide tables (the budget) print smaller
                    _set_run_size(run, font_half_points)
        self.para()  # Word needs a paragraph between consecutive tables or they merge

    def picture(self, png: bytes, caption: str, width_cm: float = 12.0) -> None:
        """A centred picture with a caption under it (e.g. the risk heat map)."""
        from io import BytesIO

        from docx.shared import Cm

        self.doc.add_picture(BytesIO(png), width=Cm(width_cm))
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._figure_no += 1
        self.para(f"Figure {self._figure_no}: {caption}", st.CAPTION)

    def toc(self, headings: Sequence[_Heading]) -> None:
        """A TOC field whose cached result already lists every heading, so no update is needed."""
        self.para("Contents", st.TOC_HEADING)
        field_start = [
            _fld_char("begin"),
            _instr(TOC_INSTRUCTION),
            _fld_char("separate"),
        ]
        if not headings:
            p = self.para()
            for run in field_start:
                p.append(run)
            add_run(p, "No headings.")
            p.append(_fld_char("end"))
            return
        for index, heading in enumerate(headings):
            p = self.para(style=st.TOCS[heading.level - 1])
            if index == 0:
                for run in field_start:
                    p.append(run)
            link = OxmlElement(
                "w:hyperlink", {qn("w:anchor"): heading.bookmark, qn("w:history"): "1"}
            )
            p.append(link)
            add_run(link, f"{heading.number}\t{heading.title}")
        self.para().append(_fld_char("end"))


def _set_run_size(run: _Element, half_points: int) -> None:
    rpr = run.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        run.insert(0, rpr)
    # The schema's order is rStyle, rFonts, b, i, ..., sz, ..., u: sz goes before any w:u.
    size = OxmlElement("w:sz", {qn("w:val"): str(half_points)})
    underline = rpr.find(qn("w:u"))
    if underline is not None:
        underline.addprevious(size)
    else:
        rpr.append(size)


def _fld_char(kind: str) -> _Element:
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))
    return run


def _instr(instruction: str) -> _Element:
    run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
    instr.text = instruction
    run.append(instr)
    return run


def _field(parent: _Element, instruction: str, cached: str) -> None:
    """A complex field (PAGE, NUMPAGES) with a cached value shown until fields are updated."""
    parent.append(_fld_char("begin"))
    parent.append(_instr(f" {instruction} "))
    parent.append(_fld_char("separate"))
    add_run(parent, cached)
    parent.append(_fld_char("end"))


#: A line on its own in a section's text that prints a register there instead of at the end.
REGISTER_PLACEHOLDER = re.compile(
    r"^[ \t]*\[\[[ \t]*(products|risks|budget)(?:[ \t]+(?:table|register))?[ \t]*\]\][ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
REGISTER_TITLES = {"products": "Products register", "risks": "Risk register", "budget": "Budget"}


def placed_registers(content: ProposalContent) -> set[str]:
    """Registers a section asks to print in place (the first mention wins)."""
    return {
        match.group(1).lower()
        for section in content.sections
        for match in REGISTER_PLACEHOLDER.finditer(section.body_markdown)
    }


def unplaced_registers(content: ProposalContent, placed: set[str]) -> list[str]:
    """Registers with rows that no section places: they print after the evaluation criteria."""
    present = {
        "products": bool(content.products),
        "risks": bool(content.risks),
        "budget": content.budget is not None and bool(content.budget.rows),
    }
    return [
        name for name in ("products", "risks", "budget") if present[name] and name not in placed
    ]


def _number_headings(
    content: ProposalContent,
) -> tuple[list[_Heading], list[_Heading], list[_Heading]]:
    """Numbers as Word's multilevel lists will print them: body sections, closing parts, appendices.

    Print order is body sections, closing parts (partnership ... risks), the bid's own appendix
    sections, then the letters of support as the last appendix.
    """
    counters = [0, 0, 0]
    names = iter(range(1, 1_000_000))

    appendices = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    def make(level: int, title: str, appendix: bool = False) -> _Heading:
        if appendix:
            number = f"Appendix {next(appendices, '')}:"
        else:
            counters[level - 1] += 1
            counters[level:] = [0] * (3 - level)
            number = ".".join(str(n) for n in counters[:level])
        return _Heading(level, xml_safe(title), number, f"_TocCRM{next(names):06d}")

    sections = [make(min(max(s.level, 1), 3), s.title) for s in content.sections if not s.appendix]
    closing = [make(1, "Partnership"), make(1, "Timetable"), make(1, "Evaluation criteria")]
    placed = placed_registers(content)
    for register in unplaced_registers(content, placed):
        closing.append(make(1, REGISTER_TITLES[register]))
    appendix = [make(1, s.title, appendix=True) for s in content.sections if s.appendix]
    appendix.append(make(1, "Letters of support", appendix=True))
    return sections, closing, appendix


def _header_footer(
    builder: _Builder, marking: str, title: str, footer_text: str, *, draft: bool
) -> None:
    doc = builder.doc
    section = doc.sections[-1]
    headers = [section.header]
    footers = [section.footer]
    if section.different_first_page_header_footer:
        headers.append(section.first_page_header)
        footers.append(section.first_page_footer)
    if doc.settings.odd_and_even_pages_header_footer:
        headers.append(section.even_page_header)
        footers.append(section.even_page_footer)
    header_style = builder.styles[st.HEADER]
    footer_style = builder.styles[st.FOOTER]
    for header in headers:
        header.is_linked_to_previous = False
        host = header._element
        _clear_if_blank(host)
        p = host.add_p()
        p.get_or_add_pPr().style = header_style
        add_run(p, f"{xml_safe(title)}\t\t{xml_safe(marking)}")
        if draft:
            mark = host.add_p()
            mark.get_or_add_pPr().style = header_style
            mark.get_or_add_pPr().jc_val = WD_ALIGN_PARAGRAPH.CENTER
            run = add_run(mark, "DRAFT", bold=True)
            # Prominent on every page: large red letters above the body text.
            rpr = run.find(qn("w:rPr"))
            assert rpr is not None
            rpr.append(OxmlElement("w:color", {qn("w:val"): str(RGBColor(0xC0, 0, 0))}))
            size = str(int(Pt(28).pt * 2))
            rpr.append(OxmlElement("w:sz", {qn("w:val"): size}))
            rpr.append(OxmlElement("w:szCs", {qn("w:val"): size}))
    for footer in footers:
        footer.is_linked_to_previous = False
        host = footer._element
        _clear_if_blank(host)
        p = host.add_p()
        p.get_or_add_pPr().style = footer_style
        add_run(p, f"{xml_safe(footer_text)}\t{xml_safe(marking)}\tPage ")
        _field(p, "PAGE", "1")
        add_run(p, " of ")
        _field(p, "NUMPAGES", "1")


def _clear_if_blank(host: _Element) -> None:
    """Remove a header's empty paragraphs, but keep a council's own content (logo, address)."""
    for p in host.findall(qn("w:p")):
        has_content = any(True for _ in p.iter(qn("w:t"), qn("w:drawing"), qn("w:pict")))
        if not has_content:
            host.remove(p)


def write_proposal(
    content: ProposalContent,
    target: Path,
    *,
    template: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Write the whole proposal to `target` (replaced only once the new file is complete)."""
    b = _Builder(template)
    sections, closing, appendices = _number_headings(content)

    # Cover page.
    b.para(content.title, st.TITLE)
    b.para(f"Proposal to the {ODPM}", st.SUBTITLE)
    if content.funding_body and content.funding_body != ODPM:
        b.para(f"Funding body: {content.funding_body}")
    b.para("Lead council: ", bold=True).append(_plain_run(content.lead_council))
    if content.joint_partners:
        b.para("Joint partners: ", bold=True).append(_plain_run(", ".join(content.joint_partners)))
    for label, value in (
        ("Date: ", long_date(content.date)),
        ("Version: ", content.version),
        ("Reference: ", content.reference),
        ("Contact: ", content.contact),
    ):
        if value:
            b.para(label, bold=True).append(_plain_run(value))
    if content.draft:
        b.para("DRAFT - not for circulation", bold=True)
    b.page_break()

    b.toc([*sections, *closing, *appendices])
    b.page_break()

    total = len(content.sections)
    done = 0
    printed: set[str] = set()

    def render(parts: list[SectionContent], headings: list[_Heading]) -> None:
        nonlocal done
        for section, heading in zip(parts, headings, strict=False):
            b.heading(heading)
            _render_body(b, section.body_markdown, content, printed)
            done += 1
            if progress is not None:
                progress(done, total)

    render([s for s in content.sections if not s.appendix], sections)

    closing_iter = iter(closing)
    b.heading(next(closing_iter))
    _table_or_none(
        b,
        "Partnership",
        ["Council", "Role", "Status", "Contribution", "Share", "Signed off by", "Signed off on"],
        [
            [p.council, p.role, p.status, p.contribution, p.share, p.signed_off_by, p.signed_off_on]
            for p in content.partners
        ],
        widths=(18, 12, 12, 17, 9, 15, 17),
    )
    b.heading(next(closing_iter))
    _table_or_none(
        b,
        "Timetable: milestones and key tasks",
        ["Date", "Milestone or task", "Owner"],
        [
            [t.when, f"Milestone: {t.task}" if t.milestone else t.task, t.owner]
            for t in content.timetable
        ],
        widths=(22, 58, 20),
    )
    b.heading(next(closing_iter))
    _table_or_none(
        b,
        "Compliance with the evaluation criteria",
        ["Criterion", "Weight", "Where addressed"],
        [[c.criterion, c.weight, c.addressed_in] for c in content.criteria],
        widths=(45, 10, 45),
    )
    for register in unplaced_registers(content, placed_registers(content)):
        b.heading(next(closing_iter))
        _register(b, register, content)
    render([s for s in content.sections if s.appendix], appendices)
    b.heading(appendices[-1])
    _table_or_none(
        b,
        "Letters of support",
        ["Organisation", "Signatory", "Received"],
        [[x.organisation, x.signatory, x.received_on] for x in content.letters_of_support],
        widths=(45, 35, 20),
    )

    _header_footer(
        b,
        content.protective_marking,
        content.title,
        f"Version {content.version}" if content.version else "",
        draft=content.draft,
    )
    set_properties(
        b.doc,
        title=content.title,
        subject=f"Proposal to the {ODPM}",
        author=content.author,
        company=content.company,
        when=content.date,
    )
    atomic_write(document_bytes(b.doc), Path(target))


def _plain_run(text: str) -> _Element:
    holder = OxmlElement("w:p")
    return add_run(holder, text)


def _render_body(b: _Builder, markdown: str, content: ProposalContent, printed: set[str]) -> None:
    """Section text, with a register printed where a `[[products]]`-style line asks for it."""
    position = 0
    for match in REGISTER_PLACEHOLDER.finditer(markdown):
        b.markdown.render(markdown[position : match.start()])
        register = match.group(1).lower()
        if register not in printed:  # a register prints once, where it is first placed
            printed.add(register)
            _register(b, register, content)
        position = match.end()
    b.markdown.render(markdown[position:])


def _register(b: _Builder, register: str, content: ProposalContent) -> None:
    """One of the sustainability registers: products, risks (with the heat map) or budget."""
    if register == "products":
        _table_or_none(
            b,
            "Products",
            ["Product", "Decision", "Owner", "Notes"],
            [[p.product, p.decision, p.owner, p.notes] for p in content.products],
            widths=(35, 13, 20, 32),
        )
    elif register == "risks":
        _table_or_none(
            b,
            "Risks",
            ["Risk", "Likelihood", "Impact", "Mitigation", "Owner"],
            [[r.risk, r.likelihood, r.impact, r.mitigation, r.owner] for r in content.risks],
            widths=(32, 11, 10, 32, 15),
        )
        if content.risk_heat_map_png:
            b.picture(content.risk_heat_map_png, "Where the risks sit: likelihood against impact")
    elif register == "budget":
        budget = content.budget
        if budget is None or not budget.rows:
            b.para("None recorded yet.", italic=True)
            return
        first = 25
        rest = max(1, (100 - first) // max(1, len(budget.headers) - 1))
        b.table(
            "Budget (£)",
            budget.headers,
            [row.cells for row in budget.rows],
            widths=(first, *([rest] * (len(budget.headers) - 1))),
            bold_rows=frozenset(
                index for index, row in enumerate(budget.rows) if row.style != "line"
            ),
            font_half_points=17,
        )


def _table_or_none(
    b: _Builder,
    caption: str,
    header: list[str],
    rows: list[list[str]],
    *,
    widths: Sequence[int] | None = None,
) -> None:
    if rows:
        b.table(caption, header, rows, widths=widths)
    else:
        b.para("None recorded yet.", italic=True)


def write_eoi(content: EoiContent, target: Path, template: Path | None = None) -> None:
    """Write the expression-of-interest letter to ODPM."""
    b = _Builder(template)
    b.para(content.lead_council, st.SUBTITLE)
    b.para(long_date(content.date))
    for line in content.addressee.split(", "):
        b.para(line).get_or_add_pPr().get_or_add_spacing().after = 0
    b.para()
    name = content.addressee.split(",")[0].strip()
    b.para(f"Dear {name},")
    b.para(f"Expression of interest: {content.bid_title}", bold=True)
    partners = ", ".join(content.joint_partners)
    jointly = f" jointly with {partners}" if partners else ""
    b.para(
        f"{content.lead_council}, as lead authority{jointly}, wishes to express its interest in "
        "taking over ownership of the Customer Relationship Management (CRM) National Project "
        "and sustaining its products for English local authorities."
    )
    if content.joint_partners:
        b.para("The partners in this bid are:")
        for council in [f"{content.lead_council} (lead)", *content.joint_partners]:
            p = b.para(council, st.LIST_BULLET[0])
            set_numbering(p, b.numbering.bullet_num, 0)
    b.para(
        "We would welcome the opportunity to meet ODPM representatives to discuss the "
        "evaluation criteria, the product inventory and the transition. Our named contact is:"
    )
    who = ", ".join(part for part in (content.contact_name, content.contact_title) if part)
    for line in (
        who,
        f"Email: {content.contact_email}" if content.contact_email else "",
        f"Telephone: {content.contact_phone}" if content.contact_phone else "",
    ):
        if line:
            b.para(line).get_or_add_pPr().get_or_add_spacing().after = 0
    b.para()
    b.para("Yours sincerely,")
    b.para()
    b.para(content.contact_name, bold=True)
    b.para(content.contact_title)
    b.para(content.lead_council)
    _header_footer(b, "", content.lead_council, "", draft=content.draft)
    set_properties(
        b.doc,
        title=f"Expression of interest: {content.bid_title}",
        subject=f"Letter to the {ODPM}",
        author=content.author or content.contact_name,
        company=content.company or content.lead_council,
        when=content.date,
    )
    atomic_write(document_bytes(b.doc), Path(target))
