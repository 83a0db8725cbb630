"""Rendering the canonical section Markdown (CommonMark + GFM tables + <u>) into Word XML."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import NamespacePrefixedTag, qn
from docx.oxml.parser import oxml_parser
from lxml.etree import SubElement
from markdown_it import MarkdownIt

from crmbid_desktop.services.word import docx_styles as st
from crmbid_desktop.services.word.docx_package import xml_safe

if TYPE_CHECKING:
    from docx.document import Document
    from docx.oxml.table import CT_Tbl
    from docx.oxml.text.paragraph import CT_P
    from docx.shared import Length
    from lxml.etree import _Element
    from markdown_it.rules_core import StateCore
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


# -- the plain-prose fast path -----------------------------------------------------------------
# markdown-it's inline parser costs most of an export (a token per word run and per delimiter).
# Most bid prose is words with the odd **bold**, *italic*, _italic_ or <u>underline</u>, so an
# inline whose text uses Markdown only in those simple, unambiguous shapes is split with one regex
# into the same runs markdown-it would give. Anything else (links, code, escapes, entities,
# nesting, intraword or unbalanced delimiters, trailing spaces before a line break) falls back to
# markdown-it. tests/export/test_docx_fast_inline.py checks both paths give the same runs.

#: Characters that start an inline rule other than emphasis, underline and soft breaks.
_NEEDS_PARSER = re.compile(r"[&\\`\[]|[ \t]\n|\n[ \t]")
# The words inside a delimiter pair: start and end on a letter or digit, no delimiters or breaks.
_INNER = r"[^\W_](?:[^*_<\n]*?[^\W_])?"
#: One emphasised or underlined stretch; the look-arounds keep CommonMark's flanking rules simple:
#: the opener follows a space or an opening bracket/quote, the closer precedes a space or a stop.
_ATOM = re.compile(
    rf"""(?<![^ \t\n("'])(?:(\*\*|__)({_INNER})\1|([*_])({_INNER})\3)(?![^ \t\n.,;:!?)"'])"""
    rf"|<u>([^*_<>\n]+)</u>"
)
_DELIMITERS = re.compile(r"[*_<]")

#: (text, bold, italic, underline); a soft line break is the text " " as markdown-it renders it.
Span = tuple[str, bool, bool, bool]


def simple_spans(content: str) -> list[Span] | None:
    """The runs of an inline's text when it only uses the simple shapes above, else None."""
    if _NEEDS_PARSER.search(content) or content != content.strip():
        return None
    spans: list[Span] = []
    # markdown-it leaves an empty text token where a ** or __ pair's outer delimiter stood; it
    # joins neighbouring text, so it only shows (as an empty run) beside a break or an edge.
    after_text = False
    empty_pending = False
    position = 0
    for match in _ATOM.finditer(content):
        before = content[position : match.start()]
        if _DELIMITERS.search(before):
            return None
        if empty_pending and before[:1] in ("", "\n"):
            spans.append(_EMPTY)
        after_text = _plain(before, spans, after_text)
        strong, strong_text, em, em_text, underlined = match.groups()
        if strong:
            if not after_text:
                spans.append(_EMPTY)
            spans.append((strong_text, True, False, False))
        elif em:
            spans.append((em_text, False, True, False))
        else:
            spans.append((underlined, False, False, True))
        empty_pending = bool(strong)
        after_text = False
        position = match.end()
    rest = content[position:]
    if _DELIMITERS.search(rest):
        return None
    if empty_pending and rest[:1] in ("", "\n"):
        spans.append(_EMPTY)
    _plain(rest, spans, after_text)
    return spans


_EMPTY: Span = ("", False, False, False)


def _plain(text: str, spans: list[Span], after_text: bool) -> bool:
    """Add plain text (soft breaks included); whether the spans now end in text."""
    for index, line in enumerate(text.split("\n")):
        if index:
            spans.append((" ", False, False, False))
            after_text = False
        if line:
            spans.append((line, False, False, False))
            after_text = True
    return after_text


def _inline_rule(state: StateCore) -> None:
    """markdown-it's core 'inline' rule, leaving simple inlines to `simple_spans`."""
    md = state.md
    for token in state.tokens:
        if token.type != "inline":
            continue
        token.children = []
        spans = simple_spans(token.content)
        if spans is None:
            md.inline.parse(token.content, md, state.env, token.children)
        else:
            token.meta["spans"] = spans


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable("table")
    md.core.ruler.at("inline", _inline_rule)
    return md


@lru_cache(maxsize=1)
def full_parser() -> MarkdownIt:
    """markdown-it without the fast path, to check the fast path against."""
    return MarkdownIt("commonmark").enable("table")


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R, _RPR, _T, _BR, _TAB = _W + "r", _W + "rPr", _W + "t", _W + "br", _W + "tab"
_RSTYLE, _RFONTS, _B, _I, _U, _VAL = (
    _W + "rStyle",
    _W + "rFonts",
    _W + "b",
    _W + "i",
    _W + "u",
    _W + "val",
)
_COURIER = {_W + "ascii": "Courier New", _W + "hAnsi": "Courier New"}
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


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
    # SubElement with Clark names: runs are made by the hundred thousand and it is several times
    # faster than OxmlElement + append; the document's parser still gives python-docx's classes.
    run = SubElement(parent, _R)
    if bold or italic or underline or code or style_id:
        rpr = SubElement(run, _RPR)
        if style_id:
            SubElement(rpr, _RSTYLE, {_VAL: style_id})
        if code:
            SubElement(rpr, _RFONTS, _COURIER)
        if bold:
            SubElement(rpr, _B)
        if italic:
            SubElement(rpr, _I)
        if underline:
            SubElement(rpr, _U, {_VAL: "single"})
    text = xml_safe(text)
    if "\n" not in text and "\t" not in text and "\r" not in text:
        if text:
            t = SubElement(run, _T)
            t.text = text
            if text[0].isspace() or text[-1].isspace():
                t.set(_XML_SPACE, "preserve")
        return run
    for i, line in enumerate(text.replace("\r", "").split("\n")):
        if i:
            SubElement(run, _BR)
        for j, piece in enumerate(line.split("\t")):
            if j:
                SubElement(run, _TAB)
            if piece:
                t = SubElement(run, _T)
                t.text = piece
                if piece != piece.strip():
                    t.set(_XML_SPACE, "preserve")
    return run


_P, _PPR, _PSTYLE, _SECTPR = _W + "p", _W + "pPr", _W + "pStyle", _W + "sectPr"
_NUMPR, _ILVL, _NUMID = _W + "numPr", _W + "ilvl", _W + "numId"


def new_paragraph(document: Document, style_id: str | None) -> CT_P:
    """A paragraph appended to the body (before its final sectPr)."""
    body = document.element.body
    try:
        last = body[-1]  # from the end: len(body) would count every paragraph
    except IndexError:
        last = None
    if last is None or last.tag != _SECTPR:
        p: CT_P = body.add_p()
        if style_id:
            p.get_or_add_pPr().style = style_id
        return p
    # The usual case, built directly: python-docx's add_p looks for the sectPr from the top of
    # the body each time, which grows quadratic on a long proposal.
    p = oxml_parser.makeelement(_P)  # type: ignore[assignment]  # the parser makes a CT_P
    last.addprevious(p)
    if style_id:
        SubElement(SubElement(p, _PPR), _PSTYLE, {_VAL: style_id})
    return p


def append_table(document: Document, rows: int, cols: int, width: Length) -> CT_Tbl:
    """A new table at the end of the body (before its final sectPr), found from the end.

    python-docx's add_table looks for the sectPr from the top of the body each time, which
    makes a proposal with many tables quadratic.
    """
    from docx.oxml.table import CT_Tbl

    tbl: CT_Tbl = CT_Tbl.new_tbl(rows, cols, width)
    body = document.element.body
    try:
        last = body[-1]
    except IndexError:
        last = None
    if last is not None and last.tag == _SECTPR:
        last.addprevious(tbl)
    else:
        body.append(tbl)
    return tbl


def inline_text(token: Token) -> str:
    """The plain words of an inline token (a heading's text for the contents)."""
    spans: list[Span] | None = token.meta.get("spans")
    if spans is not None:
        return "".join(text for text, *_rest in spans)
    return "".join(
        child.content if child.type in ("text", "code_inline") else " "
        for child in token.children or []
        if child.type in ("text", "code_inline", "softbreak", "hardbreak")
    ).strip()


#: Makes the paragraph for a Markdown heading: (level 1 for "#", heading text) -> paragraph.
HeadingMaker = Callable[[int, str], "CT_P"]


def set_numbering(p: CT_P, num_id: int, ilvl: int) -> None:
    ppr = p.pPr
    if ppr is not None and all(child.tag == _PSTYLE for child in ppr):
        # Only a style so far: numPr goes straight after it, as the schema orders them.
        num_pr = SubElement(ppr, _NUMPR)
        SubElement(num_pr, _ILVL, {_VAL: str(ilvl)})
        SubElement(num_pr, _NUMID, {_VAL: str(num_id)})
        return
    num_pr = p.get_or_add_pPr().get_or_add_numPr()  # type: ignore[attr-defined]  # made by python-docx
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

    def __init__(
        self,
        document: Document,
        styles: dict[str, str],
        numbering: st.Numbering,
        *,
        fast_inline: bool = True,
    ):
        self._doc = document
        self._md = _parser() if fast_inline else full_parser()
        self._styles = styles
        self._numbering = numbering
        self._block_width: Length | None = None
        #: When set (the proposal), "#" and "##" become real numbered headings made by this;
        #: otherwise (sections sent to a partner) they keep the section subheading styles.
        self.heading_maker: HeadingMaker | None = None

    # ----- inline -----
    def render_inline(self, parent: _Element, token: Token) -> None:
        spans: list[Span] | None = token.meta.get("spans")
        if spans is not None:
            for text, bold, italic, underline in spans:
                add_run(parent, text, bold=bold, italic=italic, underline=underline)
            return
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
        tokens = self._md.parse(xml_safe(markdown))
        lists: list[_ListContext] = []
        item_first: list[bool] = []
        quote_depth = 0
        heading_style: str | None = None
        heading_level = 0
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            kind = tok.type
            if kind == "heading_open":
                name = st.SUBHEADINGS[0] if tok.tag == "h1" else st.SUBHEADINGS[1]
                heading_style = self._styles[name]
                heading_level = int(tok.tag[1:]) if tok.tag[1:].isdigit() else 2
            elif kind == "heading_close":
                heading_style = None
            elif kind == "inline":
                if heading_style and self.heading_maker is not None:
                    p = self.heading_maker(heading_level, inline_text(tok))
                else:
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
        try:
            previous = self._doc.element.body[-1]  # from the end: len() would walk the body
        except IndexError:
            previous = None
        if previous is not None and previous.tag == _SECTPR:
            previous = previous.getprevious()
        if previous is not None and previous.tag == _W + "tbl":
            # Two tables with nothing between them are one table to Word and LibreOffice; an
            # empty paragraph keeps them apart (and reads back as nothing).
            new_paragraph(self._doc, None)
        tbl = append_table(self._doc, len(rows), columns, self._block_width)
        fill_table(tbl, self._styles[st.BID_TABLE])
        from crmbid_desktop.services.word.docx_tables import fit_widths, set_fixed_widths

        texts = [[inline_text(inline) for inline, _align in row] for row in rows]
        header = texts[0] + [""] * (columns - len(texts[0]))
        # Body size (11 pt): LibreOffice ignores the table style's smaller size here.
        set_fixed_widths(tbl, fit_widths(header, texts[1:], self._block_width.twips, 11))
        # Walk the XML rows directly: python-docx's cell lookup is quadratic on long tables.
        for tr, cells in zip(tbl.tr_lst, rows, strict=True):
            for tc, (inline, align) in zip(tr.tc_lst, cells, strict=False):
                p = tc.p_lst[0]
                if align in _ALIGN:
                    p.get_or_add_pPr().jc_val = _ALIGN[align]
                self.render_inline(p, inline)


def fill_table(tbl: CT_Tbl, style_id: str) -> None:
    """Apply the table style; rows never split and the first row repeats as a header."""
    from crmbid_desktop.services.word.docx_tables import keep_rows_whole

    tbl.tblPr.style = style_id
    keep_rows_whole(tbl)
