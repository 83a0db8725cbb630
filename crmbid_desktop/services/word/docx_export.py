"""Writing the proposal and the expression-of-interest letter as Word (.docx) files.

The contents list is a real TOC field. Its cached entries carry page numbers worked out from a
LibreOffice layout when LibreOffice is installed (services/word/docx_layout.py), and the field is
marked dirty with "update fields on open" set, so Word recalculates it on opening either way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Pt, RGBColor

from crmbid_desktop.domain.dates import letter_date, long_date
from crmbid_desktop.domain.preflight import HONORIFICS
from crmbid_desktop.services.word import docx_styles as st
from crmbid_desktop.services.word.docx_markdown import (
    MarkdownRenderer,
    add_run,
    append_table,
    fill_table,
    new_paragraph,
    set_numbering,
)
from crmbid_desktop.services.word.docx_package import (
    ExportTargetLockedError,
    atomic_write,
    document_bytes,
    drop_stale_parts,
    empty_body,
    load_document,
    set_properties,
    xml_safe,
)
from crmbid_desktop.services.word.docx_tables import fit_widths, set_fixed_widths
from crmbid_desktop.services.word.proposal_content import (
    ODPM,
    OPEN_LETTER_DATE,
    EoiContent,
    ProposalContent,
    SectionContent,
    with_article,
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

_TR, _TC, _P = (qn(t) for t in ("w:tr", "w:tc", "w:p"))
TOC_INSTRUCTION = ' TOC \\o "1-3" \\h \\z \\u '
#: Table text size (the Bid Table style) and the budget's smaller size, in points.
TABLE_PT = 10.0
BUDGET_PT = 8.5


def default_template() -> Path:
    """Our own template, found wherever the program runs from (source, wheel, bundle)."""
    from crmbid_desktop.resources import resource_path

    return resource_path("templates/proposal-template.docx")


def salutation(name: str) -> str:
    """'Dear Mr Bowrey' from 'Mr Julian Bowrey'; a name without an honorific stays whole."""
    words = name.split()
    if len(words) >= 2 and words[0].rstrip(".").lower() in HONORIFICS:
        return f"Dear {words[0]} {words[-1]}"
    return f"Dear {name.strip()}" if name.strip() else "Dear Sir or Madam"


@dataclass(slots=True)
class _Heading:
    level: int
    title: str
    number: str  # as Word's numbering prints it: "4.1", "Appendix A:" or "" (unnumbered)
    bookmark: str
    #: The cached page number's text element in the contents, filled once pages are known.
    page_text: _Element | None = field(default=None, repr=False)


class _Builder:
    """Holds the document and its resolved style ids while the proposal is assembled."""

    def __init__(self, template: Path | None) -> None:
        self.doc: Document = load_document(template or default_template())
        self.from_council_template = template is not None
        empty_body(self.doc)
        drop_stale_parts(self.doc)
        self.styles, self.numbering = st.install(self.doc)
        self.markdown = MarkdownRenderer(self.doc, self.styles, self.numbering)
        self._bookmark_id = 0
        self._table_no = 0
        self._figure_no = 0
        self._block_width: int | None = None
        self.headings: list[_Heading] = []
        self._counters = [0, 0, 0]
        self._appendix_letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        self._in_appendix = False
        self._break_before_next_heading = False

    @property
    def block_width(self) -> int:
        if self._block_width is None:
            # Reading the page width is an XPath over the whole body: once per document.
            self._block_width = int(self.doc._block_width)
        return self._block_width

    def para(
        self, text: str = "", style: str | None = None, *, bold: bool = False, italic: bool = False
    ) -> CT_P:
        p = new_paragraph(self.doc, self.styles[style] if style else None)
        if text:
            add_run(p, text, bold=bold, italic=italic)
        return p

    def break_before_next_heading(self) -> None:
        """The next heading starts a new page (pageBreakBefore, not an empty paragraph)."""
        self._break_before_next_heading = True

    # -- headings ---------------------------------------------------------------------------
    def heading(self, level: int, title: str, *, appendix: bool = False) -> CT_P:
        """A numbered heading paragraph (1, 1.1, 1.1.1 or Appendix A:), empty of text, recorded
        for the contents."""
        level = min(max(level, 1), 3)
        if appendix:
            self._in_appendix = True
            number = f"Appendix {next(self._appendix_letters, '')}:"
            num_id, ilvl = self.numbering.appendix_num, 0
        elif self._in_appendix:
            # Subheadings inside an appendix are headings without numbers.
            number, num_id, ilvl = "", 0, level - 1
        else:
            self._counters[level - 1] += 1
            self._counters[level:] = [0] * (3 - level)
            number = ".".join(str(n) for n in self._counters[:level])
            num_id, ilvl = self.numbering.heading_num, level - 1
        p = self.para(style=st.HEADINGS[level - 1])
        # Kept with the next paragraph on the paragraph itself: a council template's heading
        # styles may not say so.
        p.get_or_add_pPr().keepNext_val = True
        # Numbering set on the paragraph too, so a council template whose heading styles are
        # unnumbered still prints 1, 1.1, 1.1.1 and the contents stays right.
        set_numbering(p, num_id, ilvl)
        if self._break_before_next_heading:
            p.get_or_add_pPr().pageBreakBefore_val = True
            self._break_before_next_heading = False
        self._bookmark_id += 1
        bookmark = f"_TocCRM{self._bookmark_id:06d}"
        attrs = {qn("w:id"): str(self._bookmark_id), qn("w:name"): bookmark}
        p.append(OxmlElement("w:bookmarkStart", attrs))
        p.append(OxmlElement("w:bookmarkEnd", {qn("w:id"): str(self._bookmark_id)}))
        self.headings.append(_Heading(level, " ".join(xml_safe(title).split()), number, bookmark))
        return p

    def section_heading(self, level: int, title: str, *, appendix: bool = False) -> CT_P:
        p = self.heading(level, title, appendix=appendix)
        add_run(p, title)
        return p

    def subheading_maker(self, section_level: int) -> Callable[[int, str], CT_P]:
        """Markdown "#"/"##" inside a section become the next heading levels down (max 3)."""

        def make(markdown_level: int, text: str) -> CT_P:
            return self.heading(min(section_level + markdown_level, 3), text)

        return make

    # -- tables and pictures -----------------------------------------------------------------
    def caption(self, kind: str, number: int, text: str) -> None:
        """'Table 3: Risks' with the number as a SEQ field, as Word's Insert Caption makes it."""
        p = self.para(style=st.CAPTION)
        if kind == "Table":  # a table's caption stays on the page of the table it names
            p.get_or_add_pPr().keepNext_val = True
        add_run(p, f"{kind} ")
        _field(p, f"SEQ {kind} \\* ARABIC", str(number))
        add_run(p, f": {xml_safe(text)}")

    def table(
        self,
        caption: str,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        right_aligned: frozenset[int] = frozenset(),
        bold_rows: frozenset[int] = frozenset(),
        font_pt: float = TABLE_PT,
    ) -> None:
        """A captioned table: columns fitted to their words, rows kept whole, header repeated.

        `right_aligned` are column indexes (money, percentages); `bold_rows` are indexes into
        `rows` printed bold (totals, sub-headings).
        """
        self._table_no += 1
        self.caption("Table", self._table_no, caption)
        width = self.block_width
        tbl = append_table(self.doc, 1 + len(rows), len(header), Emu(width))
        fill_table(tbl, self.styles[st.BID_TABLE])
        caption_el = OxmlElement("w:tblCaption", {qn("w:val"): xml_safe(caption)[:250]})
        tbl.tblPr.append(caption_el)  # the table's title for screen readers (Word's Alt Text)
        widths = fit_widths(header, rows, Emu(width).twips, font_pt)
        set_fixed_widths(tbl, widths)
        # The size is set on each run: LibreOffice ignores a table style's font size, and the
        # widths above are fitted to this size.
        half_points = int(font_pt * 2)
        # Cells filled by walking the fresh XML (w:tc = tcPr/tcW + one empty w:p) rather than
        # through python-docx's setters: the timetable alone has thousands of cells.
        for row_index, (tr, values) in enumerate(
            zip(tbl.iterchildren(_TR), [header, *rows], strict=True)
        ):
            bold = (row_index - 1) in bold_rows
            for index, (tc, value) in enumerate(zip(tr.iterchildren(_TC), values, strict=True)):
                p: CT_P = tc.find(_P)  # type: ignore[assignment]  # every fresh w:tc has one w:p
                if index in right_aligned:
                    p.get_or_add_pPr().jc_val = WD_ALIGN_PARAGRAPH.RIGHT
                _set_run_size(add_run(p, value, bold=bold), half_points)

    def picture(self, png: bytes, caption: str, alt_text: str, width_cm: float = 12.0) -> None:
        """A centred picture with alternative text and a numbered caption under it."""
        from io import BytesIO

        from docx.shared import Cm

        self.doc.add_picture(BytesIO(png), width=Cm(width_cm))
        p = self.doc.element.body[-2]
        ppr = p.get_or_add_pPr()
        ppr.keepNext_val = True  # the picture stays on the page of its caption
        ppr.jc_val = WD_ALIGN_PARAGRAPH.CENTER
        for doc_pr in p.iter(qn("wp:docPr")):
            doc_pr.set("descr", xml_safe(alt_text))
            doc_pr.set("title", xml_safe(caption))
        self._figure_no += 1
        self.caption("Figure", self._figure_no, caption)

    # -- contents ---------------------------------------------------------------------------
    def toc(self, after: CT_P) -> None:
        """The contents as a TOC field after `after`, its cached entries listing every heading.

        The field is marked dirty and each entry's page number is a PAGEREF field, so Word
        refreshes both on opening; `set_pages` fills the cached numbers from a real layout.
        """
        anchor = after
        begin = _fld_char("begin")
        begin[0].set(qn("w:dirty"), "true")
        field_start = [begin, _instr(TOC_INSTRUCTION), _fld_char("separate")]
        if not self.headings:
            p = OxmlElement("w:p")
            anchor.addnext(p)
            for run in field_start:
                p.append(run)
            add_run(p, "No headings.")
            p.append(_fld_char("end"))
            return
        for index, heading in enumerate(self.headings):
            p = OxmlElement("w:p")
            ppr = p.get_or_add_pPr()  # type: ignore[attr-defined]  # a CT_P, made by python-docx
            ppr.style = self.styles[st.TOCS[heading.level - 1]]
            # The TOC styles stop for a short number ("4.1") and for "Appendix A:"; the stop an
            # entry does not use is cleared, or a short title ("Risks") tabs to it instead of
            # to the page number.
            unused = (
                567 + 503 * (heading.level - 1)
                if heading.number.startswith("Appendix")
                else (1701 + 220 * (heading.level - 1))
            )
            tabs = OxmlElement("w:tabs")
            tabs.append(OxmlElement("w:tab", {qn("w:val"): "clear", qn("w:pos"): str(unused)}))
            ppr.append(tabs)
            anchor.addnext(p)
            anchor = p  # type: ignore[assignment]  # a CT_P, made by python-docx
            if index == 0:
                for run in field_start:
                    p.append(run)
            link = OxmlElement(
                "w:hyperlink", {qn("w:anchor"): heading.bookmark, qn("w:history"): "1"}
            )
            p.append(link)
            text = f"{heading.number}\t{heading.title}" if heading.number else heading.title
            add_run(link, text)
            add_run(link, "\t")
            link.append(_fld_char("begin"))
            link.append(_instr(f" PAGEREF {heading.bookmark} \\h "))
            link.append(_fld_char("separate"))
            cached = add_run(link, " ")
            heading.page_text = cached.find(qn("w:t"))
            link.append(_fld_char("end"))
        anchor.append(_fld_char("end"))

    def set_pages(self, pages: Sequence[int | None]) -> bool:
        """Write the page each heading is on into the contents; False if any is unknown."""
        complete = True
        for heading, page in zip(self.headings, pages, strict=True):
            if heading.page_text is None:
                continue
            if page is None:
                complete = False
                heading.page_text.text = ""
            else:
                heading.page_text.text = str(page)
        return complete


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
    """A complex field (PAGE, NUMPAGES, SEQ) with a cached value shown until fields update."""
    parent.append(_fld_char("begin"))
    parent.append(_instr(f" {instruction} "))
    parent.append(_fld_char("separate"))
    add_run(parent, cached)
    parent.append(_fld_char("end"))


# settings.xml children that come after updateFields in the schema's sequence.
_AFTER_UPDATE_FIELDS = frozenset(
    [
        "hdrShapeDefaults",
        "footnotePr",
        "endnotePr",
        "compat",
        "docVars",
        "rsids",
        "mathPr",
        "attachedSchema",
        "themeFontLang",
        "clrSchemeMapping",
        "doNotIncludeSubdocsInStats",
        "doNotAutoCompressPictures",
        "forceUpgrade",
        "captions",
        "readModeInkLockDown",
        "smartTagType",
        "schemaLibrary",
        "shapeDefaults",
        "doNotEmbedSmartTags",
        "decimalSymbol",
        "listSeparator",
    ]
)


def _update_fields_on_open(doc: Document) -> None:
    """settings.xml's updateFields: Word recalculates the contents' page numbers on opening."""
    settings = doc.settings.element
    existing = settings.find(qn("w:updateFields"))
    if existing is None:
        existing = OxmlElement("w:updateFields")
        following = next(
            (c for c in settings if c.tag.rsplit("}", 1)[-1] in _AFTER_UPDATE_FIELDS), None
        )
        if following is not None:
            following.addprevious(existing)
        else:
            settings.append(existing)
    existing.set(qn("w:val"), "true")


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


def _header_footer(
    builder: _Builder,
    marking: str,
    title: str,
    footer_text: str,
    *,
    draft: bool,
    use_template: bool = True,
    page_numbers: bool = True,
) -> None:
    """Our title, marking and page numbers in the header and footer.

    With a council template that has its own header or footer, our text joins the template's
    own paragraph (after a tab) rather than stacking a second line under it; with the bid's
    setting off the template's are left exactly as they are. DRAFT is always added.
    """
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
    header_text = "\t\t".join(part for part in (xml_safe(title), xml_safe(marking)) if part)
    for header in headers:
        header.is_linked_to_previous = False
        host = header._element
        _clear_if_blank(host)
        own = _last_with_content(host)
        if own is None:
            if header_text:
                p = host.add_p()
                p.get_or_add_pPr().style = header_style
                add_run(p, header_text)
        elif use_template and (marking or title):
            # One line beside the council's own text: the marking (the title is on the cover).
            _right_tab(own, doc, Emu(builder.block_width).twips)
            add_run(own, "\t" + xml_safe(marking or title))
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
        own = _last_with_content(host)
        has_page = any("PAGE" in (t.text or "") for t in host.iter(qn("w:instrText"))) or any(
            "PAGE" in (f.get(qn("w:instr")) or "") for f in host.iter(qn("w:fldSimple"))
        )
        if own is not None and not use_template:
            continue
        if own is None:
            p = host.add_p()
            p.get_or_add_pPr().style = footer_style
            add_run(p, "\t".join(part for part in (xml_safe(footer_text), xml_safe(marking))))
            add_run(p, "\t")
        else:
            # One line: the council's own text, then ours at the right margin.
            p = own
            extra = xml_safe(marking)
            if extra or (page_numbers and not has_page):
                _right_tab(p, doc, Emu(builder.block_width).twips)
                add_run(
                    p, "\t" + extra + (" · " if extra and page_numbers and not has_page else "")
                )
        if page_numbers and not has_page:
            add_run(p, "Page ")
            _field(p, "PAGE", "1")
            add_run(p, " of ")
            _field(p, "NUMPAGES", "1")


def _right_tab(p: _Element, doc: Document, width: int) -> None:
    """Give a council's header or footer paragraph one right-aligned stop at the margin, so our
    text after a tab sits at the right of the same line (the style's centre stop is cleared)."""
    positions: set[str] = set()
    ppr = p.find(qn("w:pPr"))
    style_id = None
    if ppr is not None and ppr.find(qn("w:pStyle")) is not None:
        style_id = ppr.find(qn("w:pStyle")).get(qn("w:val"))  # type: ignore[union-attr]
    styles = doc.styles.element
    seen = 0
    while style_id and seen < 5:  # the style and what it is based on
        seen += 1
        style = next(
            (x for x in styles.iterfind(qn("w:style")) if x.get(qn("w:styleId")) == style_id),
            None,
        )
        if style is None:
            break
        for tab in style.iter(qn("w:tab")):
            positions.add(tab.get(qn("w:pos")) or "")
        based = style.find(qn("w:basedOn"))
        style_id = based.get(qn("w:val")) if based is not None else None
    p_pr = p.get_or_add_pPr()  # type: ignore[attr-defined]  # a CT_P, made by python-docx
    tabs = p_pr.get_or_add_tabs()
    for tab in list(tabs):
        positions.add(tab.get(qn("w:pos")) or "")
        tabs.remove(tab)
    for position in sorted(positions - {"", str(width)}, key=int):
        tabs.append(OxmlElement("w:tab", {qn("w:val"): "clear", qn("w:pos"): position}))
    tabs.append(OxmlElement("w:tab", {qn("w:val"): "right", qn("w:pos"): str(width)}))


def _clear_if_blank(host: _Element) -> None:
    """Remove a header's empty paragraphs, but keep a council's own content (logo, address)."""
    for p in host.findall(qn("w:p")):
        if not _has_content(p):
            host.remove(p)


def _has_content(p: _Element) -> bool:
    return any(True for _ in p.iter(qn("w:t"), qn("w:drawing"), qn("w:pict")))


def _last_with_content(host: _Element) -> _Element | None:
    found = [p for p in host.findall(qn("w:p")) if _has_content(p)]
    return found[-1] if found else None


def _heat_map_alt(content: ProposalContent) -> str:
    count = len(content.risks)
    return (
        f"Heat map of the {count} risk{'s' if count != 1 else ''} in the risk register, placed "
        "by likelihood (rows, rare to almost certain) and impact (columns, negligible to "
        "severe); each cell shows how many risks sit there. The risk register table lists "
        "each risk with its likelihood and impact."
    )


def write_proposal(
    content: ProposalContent,
    target: Path,
    *,
    template: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    page_numbers: bool | None = None,
) -> None:
    """Write the whole proposal to `target` (replaced only once the new file is complete).

    `page_numbers`: lay the document out with LibreOffice to fill the contents' page numbers
    (None: when LibreOffice is installed and not turned off, see docx_layout.LAYOUT_ENV).
    """
    b = _Builder(template)

    # Cover page.
    b.para(content.title, st.TITLE)
    b.para(f"Proposal to the {ODPM}", st.SUBTITLE)
    if content.funding_body and content.funding_body != ODPM:
        b.para(f"Funding body: {content.funding_body}")
    if content.lead_council:
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

    contents_heading = b.para("Contents", st.TOC_HEADING)
    contents_heading.get_or_add_pPr().pageBreakBefore_val = True
    b.break_before_next_heading()

    total = len(content.sections)
    done = 0
    printed: set[str] = set()

    def render(parts: list[SectionContent]) -> None:
        nonlocal done
        for section in parts:
            done += 1
            if progress is not None:
                progress(done, total)
            if section.empty and section.appendix and section.has_subsections:
                continue  # a folder of appendices: its sub-sections are the appendices
            if section.empty and not section.has_subsections and not content.draft:
                continue  # a final proposal never prints a heading with nothing under it
            level = 1 if section.appendix else min(max(section.level, 1), 3)
            b.section_heading(level, section.title, appendix=section.appendix)
            if section.empty:
                if not section.has_subsections:
                    _placeholder(b, section)
                continue
            b.markdown.heading_maker = b.subheading_maker(level)
            try:
                _render_body(b, section.body_markdown, content, printed)
            finally:
                b.markdown.heading_maker = None

    render([s for s in content.sections if not s.appendix])

    def closing(
        title: str,
        caption: str,
        header: list[str],
        rows: list[list[str]],
        right_aligned: frozenset[int] = frozenset(),
    ) -> None:
        if not rows and not content.draft:
            return  # nothing recorded: a final proposal leaves the part out
        b.section_heading(1, title)
        if rows:
            b.table(caption, header, rows, right_aligned=right_aligned)
        else:
            _none_yet(b)

    closing(
        "Partnership",
        "Partnership",
        ["Council", "Role", "Status", "Contribution", "Share", "Signed off by", "Signed off on"],
        [
            [p.council, p.role, p.status, p.contribution, p.share, p.signed_off_by, p.signed_off_on]
            for p in content.partners
        ],
        right_aligned=frozenset({3, 4}),
    )
    closing(
        "Timetable",
        "Timetable: milestones and key tasks",
        ["Date", "Milestone or task", "Owner"],
        [
            [t.when, f"Milestone: {t.task}" if t.milestone else t.task, t.owner]
            for t in content.timetable
        ],
    )
    closing(
        "Evaluation criteria",
        "Compliance with the evaluation criteria",
        ["Criterion", "Weight", "Where addressed"],
        [[c.criterion, c.weight, c.addressed_in] for c in content.criteria],
        right_aligned=frozenset({1}),
    )
    for register in unplaced_registers(content, placed_registers(content)):
        b.section_heading(1, REGISTER_TITLES[register])
        _register(b, register, content)
    render([s for s in content.sections if s.appendix])
    if content.letters_of_support or content.draft:
        b.section_heading(1, "Letters of support", appendix=True)
        _table_or_none(
            b,
            "Letters of support",
            ["Organisation", "Signatory", "Received"],
            [[x.organisation, x.signatory, x.received_on] for x in content.letters_of_support],
        )

    b.toc(contents_heading)
    _header_footer(
        b,
        content.protective_marking,
        content.title,
        f"Version {content.version}" if content.version else "",
        draft=content.draft,
        use_template=content.use_template_header_footer,
    )
    _update_fields_on_open(b.doc)
    set_properties(
        b.doc,
        title=content.title,
        subject=f"Proposal to the {ODPM}",
        author=content.author,
        company=content.company,
        when=content.date,
    )
    data = document_bytes(b.doc)
    if _should_lay_out(page_numbers):
        data = _with_page_numbers(b, data)
    atomic_write(data, Path(target))


def _should_lay_out(page_numbers: bool | None) -> bool:
    from crmbid_desktop.services.word import docx_layout

    if page_numbers is None:
        return docx_layout.layout_available()
    return page_numbers and docx_layout.find_soffice() is not None


def _with_page_numbers(b: _Builder, data: bytes) -> bytes:
    """Lay the document out, write each heading's page into the contents, and lay it out again
    if that moved anything (a long title's number can push an entry onto a second line)."""
    from crmbid_desktop.services.word import docx_layout

    wanted = [(h.number, h.title) for h in b.headings]
    for _attempt in range(2):
        pages = docx_layout.pdf_pages(data)
        if pages is None:
            return data
        found = docx_layout.heading_pages(pages, wanted)
        before = [h.page_text.text if h.page_text is not None else "" for h in b.headings]
        b.set_pages(found)
        after = [h.page_text.text if h.page_text is not None else "" for h in b.headings]
        data = document_bytes(b.doc)
        if before == after:
            break
    return data


def _plain_run(text: str) -> _Element:
    holder = OxmlElement("w:p")
    return add_run(holder, text)


def _placeholder(b: _Builder, section: SectionContent) -> None:
    """A draft's grey note where a section has no text yet, with what it should say."""
    p = b.para(style=st.PLACEHOLDER)
    add_run(p, "Not written yet.", bold=True)
    guidance = " ".join(section.guidance.split())
    if guidance:
        add_run(p, f" What this section should cover: {guidance}")


def _none_yet(b: _Builder) -> None:
    p = b.para(style=st.PLACEHOLDER)
    add_run(p, "Nothing recorded yet.", bold=True)


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
        )
    elif register == "risks":
        _table_or_none(
            b,
            "Risks",
            ["Risk", "Likelihood", "Impact", "Mitigation", "Owner"],
            [[r.risk, r.likelihood, r.impact, r.mitigation, r.owner] for r in content.risks],
        )
        if content.risk_heat_map_png:
            b.picture(
                content.risk_heat_map_png,
                "Where the risks sit: likelihood against impact",
                _heat_map_alt(content),
            )
    elif register == "budget":
        budget = content.budget
        if budget is None or not budget.rows:
            _none_yet(b)
            return
        b.table(
            "Budget" if not content.money_whole_pounds else "Budget (to the nearest pound)",
            budget.headers,
            [row.cells for row in budget.rows],
            right_aligned=frozenset(range(1, len(budget.headers))),
            bold_rows=frozenset(
                index for index, row in enumerate(budget.rows) if row.style != "line"
            ),
            font_pt=BUDGET_PT,
        )


def _table_or_none(b: _Builder, caption: str, header: list[str], rows: list[list[str]]) -> None:
    if rows:
        b.table(caption, header, rows)
    else:
        _none_yet(b)


def write_eoi(content: EoiContent, target: Path, template: Path | None = None) -> None:
    """Write the expression-of-interest letter to ODPM: one page, nothing left to fill in."""
    b = _Builder(template)

    def line(text: str, *, after: int | None = None, before: int | None = None) -> CT_P:
        p = b.para(text)
        spacing = p.get_or_add_pPr().get_or_add_spacing()  # type: ignore[attr-defined]
        if after is not None:
            spacing.after = Pt(after)
        if before is not None:
            spacing.before = Pt(before)
        return p

    if not b.from_council_template and content.lead_council:
        # Our letterhead: the lead council's name; a council's template brings its own.
        letterhead = b.para(content.lead_council, st.SUBTITLE)
        letterhead.get_or_add_pPr().jc_val = WD_ALIGN_PARAGRAPH.RIGHT
    line(letter_date(content.date), after=12, before=12)
    recipient = [content.recipient_name, content.recipient_title, *content.recipient_address]
    recipient = [part for part in recipient if part]
    for index, part in enumerate(recipient):
        line(part, after=12 if index == len(recipient) - 1 else 0)
    line(f"{salutation(content.recipient_name)},")
    b.para(f"Expression of interest: {content.bid_title}", bold=True)
    partners = [with_article(name) for name in content.joint_partners]
    joined = " and ".join([", ".join(partners[:-1]), partners[-1]] if partners[1:] else partners)
    jointly = f", jointly with {joined}," if joined else ""
    b.para(
        f"Thank you for your open letter of {letter_date(OPEN_LETTER_DATE)} inviting local "
        "authorities to take over ownership of the Customer Relationship Management (CRM) "
        f"National Project. {content.lead_council}, as lead authority{jointly} wishes to "
        "express its interest in taking over ownership of the project and in sustaining its "
        "products, including the CRM Academy, for English local authorities."
    )
    b.para(
        "We would welcome the opportunity to meet ODPM representatives to discuss the "
        "evaluation criteria, the product inventory and the transition, and we will send our "
        "proposal and long-term sustainability strategy by the date you set."
    )
    contact = content.contact_name
    if content.contact_title:
        contact += f", {content.contact_title}"
    reach = " or ".join(
        part
        for part in (
            f"on {content.contact_phone}" if content.contact_phone else "",
            f"at {content.contact_email}" if content.contact_email else "",
        )
        if part
    )
    if contact:
        b.para(
            f"Our named contact for the bid is {contact}"
            + (f", who can be reached {reach}." if reach else ".")
        )
    line("Yours sincerely,", after=36)
    if content.signatory:
        signer = b.para(content.signatory, bold=True)
        signer.get_or_add_pPr().get_or_add_spacing().after = 0  # type: ignore[attr-defined]
    elif content.draft:  # a draft says what is missing; a final letter is refused instead
        add_run(b.para(style=st.PLACEHOLDER), "Signatory not named yet (Partners page).")
    for closing_line in (content.signatory_title, content.lead_council):
        if closing_line:
            line(closing_line, after=0)
    _header_footer(
        b,
        "",
        "",
        "",
        draft=content.draft,
        use_template=content.use_template_header_footer,
        page_numbers=False,
    )
    set_properties(
        b.doc,
        title=f"Expression of interest: {content.bid_title}",
        subject=f"Letter to the {ODPM}",
        author=content.author or content.contact_name,
        company=content.company or content.lead_council,
        when=content.date,
    )
    atomic_write(document_bytes(b.doc), Path(target))
