"""Rendering the canonical section Markdown (CommonMark + GFM tables + <u>) into Word XML."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import NamespacePrefixedTag, qn
from docx.oxml.parser import oxml_parser
from markdown_it import MarkdownIt

from crmbid_desktop.services import docx_styles as st
from crmbid_desktop.services.docx_package import xml_safe

if TYPE_CHECKING:
    from docx.document import Document
    from docx.oxml.table import CT_Tbl
    from docx.oxml.text.paragraph import CT_P
    from docx.shared import Length
    from lxml.etree import _Element
    from markdown_it.token import Token

_UNDERLINE_OPEN = re.compile(r"^<u>$", re.IGNORECASE)
_UNDERLINE_CLOSE = re.compile(r"^</u>$", re.IGNORECASE)
# Only links a reader can follow from a Word file become hyperlinks; others stay as their text.
_LINK_SCHEMES = ("http://", "https://", "mailto:", "ftp://")
_ALIGN = {
    "text-align:right": WD_ALIGN_PARAGRAPH.RIGHT,
    "text-align:center": WD_ALIGN_PARAGRAPH.CENTER,
}


@lru_cache(maxsize=64)
def _tag(nsptag: str) -> tuple[str, dict[str, str]]:
    parsed = NamespacePrefixedTag(nsptag)
    return parsed.clark_name, parsed.nsmap


def element(nsptag: str, attrs: dict[str, str] | None = None) -> _Element:
    """OxmlElement without re-parsing the tag each time: runs are made by the hundred thousand."""
    clark, nsmap = _tag(nsptag)
    made: _Element = oxml_parser.makeelement(clark, attrib=attrs, nsmap=nsmap)
    return made


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def add_run(
    parent: _Element,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    code: bool = False,
    style_id: str | None = None,
) -> _Element:
    """Append a run; tabs and newlines become w:tab and w:br as Word expects."""
    run = element("w:r")
    if bold or italic or underline or code or style_id:
        rpr = element("w:rPr")
        if style_id:
            rpr.append(element("w:rStyle", {qn("w:val"): style_id}))
        if code:
            rpr.append(
                element("w:rFonts", {qn("w:ascii"): "Courier New", qn("w:hAnsi"): "Courier New"})
            )
        if bold:
            rpr.append(element("w:b"))
        if italic:
            rpr.append(element("w:i"))
        if underline:
            rpr.append(element("w:u", {qn("w:val"): "single"}))
        run.append(rpr)
    for i, line in enumerate(xml_safe(text).replace("\r", "").split("\n")):
        if i:
            run.append(element("w:br"))
        for j, piece in enumerate(line.split("\t")):
            if j:
                run.append(element("w:tab"))
            if piece:
                t = element("w:t")
                t.text = piece
                if piece != piece.strip():
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                run.append(t)
    parent.append(run)
    return run


def new_paragraph(document: Document, style_id: str | None) -> CT_P:
    """A paragraph appended to the body (before its final sectPr)."""
    p: CT_P = document.element.body.add_p()
    if style_id:
        p.get_or_add_pPr().style = style_id
    return p


def set_numbering(p: CT_P, num_id: int, ilvl: int) -> None:
    num_pr = p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


@dataclass
class _ListContext:
    num_id: int
    ordered: bool


@dataclass
class _Format:
    bold: int = 0
    italic: int = 0
    underline: int = 0
    links: list[_Element] = field(default_factory=list)


class MarkdownRenderer:
    """Turns one section body into paragraphs and tables at the end of the document body."""

    def __init__(self, document: Document, styles: dict[str, str], numbering: st.Numbering):
        self._doc = document
        self._styles = styles
        self._numbering = numbering
        self._block_width: Length | None = None

    # ----- inline -----
    def render_inline(self, parent: _Element, token: Token) -> None:
        fmt = _Format()
        for child in token.children or []:
            kind = child.type
            target = fmt.links[-1] if fmt.links else parent
            if kind in ("text", "code_inline"):
                self._run(target, child.content, fmt, code=kind == "code_inline")
            elif kind == "softbreak":
                self._run(target, " ", fmt)
            elif kind == "hardbreak":
                self._run(target, "\n", fmt)
            elif kind == "strong_open":
                fmt.bold += 1
            elif kind == "strong_close":
                fmt.bold -= 1
            elif kind == "em_open":
                fmt.italic += 1
            elif kind == "em_close":
                fmt.italic -= 1
            elif kind == "html_inline" and _UNDERLINE_OPEN.match(child.content.strip()):
                fmt.underline += 1
            elif kind == "html_inline" and _UNDERLINE_CLOSE.match(child.content.strip()):
                fmt.underline = max(0, fmt.underline - 1)
            elif kind == "link_open":
                href = str(child.attrGet("href") or "")
                if href.lower().startswith(_LINK_SCHEMES):
                    r_id = self._doc.part.relate_to(xml_safe(href), RT.HYPERLINK, is_external=True)
                    link = OxmlElement("w:hyperlink", {qn("r:id"): r_id})
                    target.append(link)
                    fmt.links.append(link)
                else:
                    fmt.links.append(target)
            elif kind == "link_close":
                if fmt.links:
                    fmt.links.pop()
            elif kind == "image" or kind == "html_inline":
                self._run(target, child.content, fmt)

    def _run(self, parent: _Element, text: str, fmt: _Format, *, code: bool = False) -> None:
        in_link = parent.tag == qn("w:hyperlink")
        add_run(
            parent,
            text,
            bold=fmt.bold > 0,
            italic=fmt.italic > 0,
            underline=fmt.underline > 0,
            code=code,
            style_id=self._styles[st.HYPERLINK] if in_link else None,
        )

    # ----- blocks -----
    def render(self, markdown: str) -> None:
        tokens = _parser().parse(xml_safe(markdown))
        lists: list[_ListContext] = []
        item_first: list[bool] = []
        quote_depth = 0
        heading_style: str | None = None
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            kind = tok.type
            if kind == "heading_open":
                name = st.SUBHEADINGS[0] if tok.tag == "h1" else st.SUBHEADINGS[1]
                heading_style = self._styles[name]
            elif kind == "heading_close":
                heading_style = None
            elif kind == "inline":
                p = self._paragraph(heading_style, lists, item_first, quote_depth)
                self.render_inline(p, tok)
            elif kind in ("bullet_list_open", "ordered_list_open"):
                ordered = kind == "ordered_list_open"
                if ordered:
                    start = int(str(tok.attrGet("start") or 1))
                    num_id = st.new_ordered_list(self._doc, self._numbering, start, len(lists))
                else:
                    num_id = self._numbering.bullet_num
                lists.append(_ListContext(num_id, ordered))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif kind == "list_item_open":
                item_first.append(True)
            elif kind == "list_item_close":
                item_first.pop()
            elif kind == "blockquote_open":
                quote_depth += 1
            elif kind == "blockquote_close":
                quote_depth -= 1
            elif kind in ("code_block", "fence"):
                for line in tok.content.rstrip("\n").split("\n"):
                    add_run(new_paragraph(self._doc, self._styles[st.CODE]), line)
            elif kind == "html_block":
                p = self._paragraph(None, lists, item_first, quote_depth)
                add_run(p, tok.content.rstrip("\n"))
            elif kind == "table_open":
                i = self._table(tokens, i)
            i += 1

    def _paragraph(
        self,
        heading_style: str | None,
        lists: list[_ListContext],
        item_first: list[bool],
        quote_depth: int,
    ) -> CT_P:
        if heading_style:
            return new_paragraph(self._doc, heading_style)
        if lists:
            ctx = lists[-1]
            depth = len(lists) - 1
            names = st.LIST_NUMBER if ctx.ordered else st.LIST_BULLET
            if item_first and item_first[-1]:
                item_first[-1] = False
                p = new_paragraph(self._doc, self._styles[names[min(depth, 2)]])
                set_numbering(p, ctx.num_id, min(depth, 8))
            else:
                # A second paragraph in the same item: indented like the item, no new bullet.
                p = new_paragraph(self._doc, self._styles[st.LIST_CONTINUE[min(depth, 2)]])
            return p
        return new_paragraph(self._doc, self._styles[st.QUOTE] if quote_depth else None)

    def _table(self, tokens: list[Token], start: int) -> int:
        rows: list[list[tuple[Token, str]]] = []
        i = start
        while tokens[i].type != "table_close":
            tok = tokens[i]
            if tok.type == "tr_open":
                rows.append([])
            elif tok.type in ("th_open", "td_open"):
                align = str(tok.attrGet("style") or "")
                rows[-1].append((tokens[i + 1], align))
            i += 1
        self._add_table(rows)
        return i

    def _add_table(self, rows: list[list[tuple[Token, str]]]) -> None:
        columns = max((len(r) for r in rows), default=0)
        if not columns:
            return
        if self._block_width is None:
            # Reading the page width costs an XPath over the whole body; once per document.
            self._block_width = self._doc._block_width
        table = self._doc._body.add_table(len(rows), columns, self._block_width)
        fill_table(table._tbl, self._styles[st.BID_TABLE])
        # Walk the XML rows directly: python-docx's cell lookup is quadratic on long tables.
        for tr, cells in zip(table._tbl.tr_lst, rows, strict=True):
            for tc, (inline, align) in zip(tr.tc_lst, cells, strict=False):
                p = tc.p_lst[0]
                if align in _ALIGN:
                    p.get_or_add_pPr().jc_val = _ALIGN[align]
                self.render_inline(p, inline)


def fill_table(tbl: CT_Tbl, style_id: str) -> None:
    """Apply the table style and make the first row a repeating header."""
    tbl.tblPr.style = style_id
    first = tbl.tr_lst[0]
    first.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
