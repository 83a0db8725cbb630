"""Style and numbering definitions of the proposal template, and the code that installs them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Twips

if TYPE_CHECKING:
    from docx.document import Document
    from lxml.etree import _Element

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = f'xmlns:w="{W_NS}"'

# Names as Word stores them internally (built-ins are lower case), so a council template's own
# definitions are found and reused rather than duplicated.
NORMAL = "Normal"
TITLE = "Title"
SUBTITLE = "Subtitle"
HEADINGS = ("heading 1", "heading 2", "heading 3")
SUBHEADINGS = ("Section Subheading 1", "Section Subheading 2")
LIST_BULLET = ("List Bullet", "List Bullet 2", "List Bullet 3")
LIST_NUMBER = ("List Number", "List Number 2", "List Number 3")
LIST_CONTINUE = ("List Continue", "List Continue 2", "List Continue 3")
TOCS = ("toc 1", "toc 2", "toc 3")
TOC_HEADING = "TOC Heading"
CAPTION = "caption"
HEADER = "header"
FOOTER = "footer"
HYPERLINK = "Hyperlink"
CODE = "Code Block"
QUOTE = "Quote"
BID_TABLE = "Bid Table"
PLACEHOLDER = "Draft Placeholder"
#: The language Word's spelling and accessibility checkers and screen readers use.
LANGUAGE = "en-GB"

HEADING_NUMBERING = "CRM Bid Headings"
BULLET_NUMBERING = "CRM Bid Bullets"
ORDERED_NUMBERING = "CRM Bid Numbers"
APPENDIX_NUMBERING = "CRM Bid Appendices"

_FONT = '<w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/>'
_NAVY = "1F3864"
LIST_INDENT = 360  # twips per list level


@dataclass(frozen=True, slots=True)
class _StyleSpec:
    name: str
    style_id: str
    kind: str  # paragraph, character or table
    body: str  # children after w:name; "{normal}" is replaced by Normal's styleId


def _para(
    name: str,
    style_id: str,
    ppr: str = "",
    rpr: str = "",
    *,
    based_on: bool = True,
    extra: str = "",
) -> _StyleSpec:
    based = '<w:basedOn w:val="{normal}"/><w:next w:val="{normal}"/>' if based_on else ""
    body = f"{based}{extra}<w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr>"
    return _StyleSpec(name, style_id, "paragraph", body)


def _heading(level: int) -> _StyleSpec:
    size = (32, 28, 24)[level - 1]
    ppr = (
        '<w:keepNext/><w:keepLines/><w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{hnum}"/>'
        '</w:numPr><w:spacing w:before="{before}" w:after="120"/><w:outlineLvl w:val="{lvl}"/>'
    ).format(lvl=level - 1, hnum="{hnum}", before=(360, 240, 200)[level - 1])
    rpr = f'<w:b/><w:bCs/><w:color w:val="{_NAVY}"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    priority = '<w:uiPriority w:val="9"/>'
    return _para(HEADINGS[level - 1], f"Heading{level}", ppr, rpr, extra=priority)


def _list(name: str, style_id: str, level: int, numbering: str) -> _StyleSpec:
    left = LIST_INDENT * (level + 1)
    ppr = (
        f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{{{numbering}}}"/></w:numPr>'
        f'<w:spacing w:after="60"/><w:ind w:left="{left}" w:hanging="{LIST_INDENT}"/>'
    )
    return _para(name, style_id, ppr)


_TABLE_BORDERS = "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="8EAADB"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)

STYLE_SPECS: tuple[_StyleSpec, ...] = (
    _StyleSpec(
        NORMAL,
        "Normal",
        "paragraph",
        '<w:qFormat/><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr>'
        f'<w:rPr>{_FONT}<w:sz w:val="22"/><w:szCs w:val="22"/></w:rPr>',
    ),
    _para(
        TITLE,
        "Title",
        '<w:spacing w:before="2400" w:after="480"/>',
        f'<w:b/><w:bCs/><w:color w:val="{_NAVY}"/><w:sz w:val="56"/><w:szCs w:val="56"/>',
    ),
    _para(
        SUBTITLE,
        "Subtitle",
        '<w:spacing w:after="360"/>',
        f'<w:color w:val="{_NAVY}"/><w:sz w:val="32"/><w:szCs w:val="32"/>',
    ),
    *(_heading(level) for level in (1, 2, 3)),
    _para(
        SUBHEADINGS[0],
        "SectionSubheading1",
        '<w:keepNext/><w:spacing w:before="200" w:after="80"/>',
        f'<w:b/><w:bCs/><w:color w:val="{_NAVY}"/><w:sz w:val="24"/><w:szCs w:val="24"/>',
    ),
    _para(
        SUBHEADINGS[1],
        "SectionSubheading2",
        '<w:keepNext/><w:spacing w:before="160" w:after="60"/>',
        '<w:b/><w:bCs/><w:i/><w:iCs/><w:sz w:val="22"/><w:szCs w:val="22"/>',
    ),
    *(_list(LIST_BULLET[i], f"ListBullet{i + 1 if i else ''}", i, "bnum") for i in range(3)),
    *(_list(LIST_NUMBER[i], f"ListNumber{i + 1 if i else ''}", i, "onum") for i in range(3)),
    *(
        _para(
            LIST_CONTINUE[i],
            f"ListContinue{i + 1 if i else ''}",
            f'<w:spacing w:after="60"/><w:ind w:left="{LIST_INDENT * (i + 1)}"/>',
        )
        for i in range(3)
    ),
    *(
        _para(
            TOCS[i],
            f"TOC{i + 1}",
            # Left stops for the number ("1", "4.1", "Appendix A:") then the page-number stop.
            f'<w:tabs><w:tab w:val="left" w:pos="{503 * i + 567}"/>'
            f'<w:tab w:val="left" w:pos="{220 * i + 1701}"/>'
            '<w:tab w:val="right" w:leader="dot" w:pos="9016"/></w:tabs>'
            f'<w:spacing w:after="60"/><w:ind w:left="{220 * i}"/>',
            "<w:b/><w:bCs/>" if i == 0 else "",
            extra='<w:uiPriority w:val="39"/>',
        )
        for i in range(3)
    ),
    _para(
        TOC_HEADING,
        "TOCHeading",
        '<w:keepNext/><w:spacing w:before="240" w:after="240"/>',
        f'<w:b/><w:bCs/><w:color w:val="{_NAVY}"/><w:sz w:val="32"/><w:szCs w:val="32"/>',
    ),
    _para(
        CAPTION,
        "Caption",
        '<w:keepNext/><w:spacing w:before="240" w:after="80"/>',
        '<w:i/><w:iCs/><w:color w:val="44546A"/><w:sz w:val="18"/><w:szCs w:val="18"/>',
    ),
    *(
        _para(
            name,
            name.capitalize(),
            '<w:tabs><w:tab w:val="center" w:pos="4513"/><w:tab w:val="right" w:pos="9026"/>'
            '</w:tabs><w:spacing w:after="0"/>',
            '<w:sz w:val="18"/><w:szCs w:val="18"/>',
        )
        for name in (HEADER, FOOTER)
    ),
    _para(
        CODE,
        "CodeBlock",
        '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/><w:spacing w:after="0"/>',
        '<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New"/>'
        '<w:sz w:val="20"/><w:szCs w:val="20"/>',
    ),
    _para(
        PLACEHOLDER,
        "DraftPlaceholder",
        '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>',
        '<w:i/><w:iCs/><w:color w:val="767171"/>',
    ),
    _para(
        QUOTE,
        "Quote",
        '<w:ind w:left="720" w:right="720"/>',
        '<w:i/><w:iCs/><w:color w:val="404040"/>',
    ),
    _StyleSpec(
        HYPERLINK,
        "Hyperlink",
        "character",
        '<w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        '<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr>',
    ),
    _StyleSpec(
        BID_TABLE,
        "BidTable",
        "table",
        '<w:uiPriority w:val="59"/><w:pPr><w:spacing w:before="40" w:after="40"/></w:pPr>'
        '<w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr>'
        f"<w:tblPr><w:tblBorders>{_TABLE_BORDERS}</w:tblBorders><w:tblCellMar>"
        '<w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/><w:color w:val="FFFFFF"/></w:rPr>'
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{_NAVY}"/></w:tcPr></w:tblStylePr>',
    ),
)


@dataclass(frozen=True, slots=True)
class Numbering:
    """numIds of the heading and bullet lists, and the abstractNum that numbered lists restart."""

    heading_num: int
    appendix_num: int
    bullet_num: int
    ordered_num: int
    ordered_abstract: int


def _find_style(styles: _Element, name: str) -> _Element | None:
    wanted = name.lower()
    for style in styles.iterfind(qn("w:style")):
        name_el = style.find(qn("w:name"))
        if name_el is not None and (name_el.get(qn("w:val")) or "").lower() == wanted:
            return style
    return None


def _style_ids(styles: _Element) -> set[str]:
    return {s.get(qn("w:styleId")) or "" for s in styles.iterfind(qn("w:style"))}


def ensure_styles(
    document: Document, numbering: Numbering, *, replace: bool = False
) -> dict[str, str]:
    """Make every style we use exist; return style name -> styleId.

    With replace=False (a council's template) existing definitions win and only missing styles are
    added; replace=True is used when building our own template from python-docx's default.
    """
    styles = document.styles.element
    ids: dict[str, str] = {}
    normal = _find_style(styles, NORMAL)
    normal_id = normal.get(qn("w:styleId")) if normal is not None else None
    for spec in STYLE_SPECS:
        existing = _find_style(styles, spec.name)
        if existing is not None and not replace:
            ids[spec.name] = existing.get(qn("w:styleId")) or spec.style_id
            continue
        style_id = spec.style_id
        if existing is not None:
            style_id = existing.get(qn("w:styleId")) or style_id
        else:
            taken = _style_ids(styles)
            while style_id in taken:
                style_id += "X"
        body = spec.body.replace("{normal}", normal_id or "Normal")
        body = body.replace("{hnum}", str(numbering.heading_num))
        body = body.replace("{bnum}", str(numbering.bullet_num))
        body = body.replace("{onum}", str(numbering.ordered_num))
        if normal_id is None or spec.name == NORMAL:
            body = body.replace('<w:basedOn w:val="Normal"/><w:next w:val="Normal"/>', "")
        default = ' w:default="1"' if spec.name == NORMAL else ""
        element = parse_xml(
            f'<w:style {_NS} w:type="{spec.kind}"{default} w:styleId="{style_id}">'
            f'<w:name w:val="{spec.name}"/>{body}</w:style>'
        )
        if existing is not None:
            existing.addprevious(element)
            styles.remove(existing)
        else:
            styles.append(element)
        if spec.name == NORMAL:
            normal_id = style_id
        ids[spec.name] = style_id
    return ids


def _abstract_xml(abstract_id: int, name: str, levels: list[str]) -> str:
    return (
        f'<w:abstractNum {_NS} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/><w:name w:val="{name}"/>{"".join(levels)}'
        "</w:abstractNum>"
    )


def _lvl(ilvl: int, fmt: str, text: str, left: int, hanging: int, extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{extra}'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr></w:lvl>'
    )


def _heading_levels(heading_ids: list[str]) -> list[str]:
    levels = []
    for i in range(9):
        text = ".".join(f"%{n + 1}" for n in range(i + 1))
        pstyle = f'<w:pStyle w:val="{heading_ids[i]}"/>' if i < len(heading_ids) else ""
        levels.append(_lvl(i, "decimal", text, 851 + 142 * i, 851 + 142 * i, pstyle))
    return levels


def _list_levels(ordered: bool) -> list[str]:
    bullets = ("•", "◦", "▪")
    formats = ("decimal", "lowerLetter", "lowerRoman")
    levels = []
    for i in range(9):
        left = LIST_INDENT * (i + 1)
        if ordered:
            levels.append(_lvl(i, formats[i % 3], f"%{i + 1}.", left, LIST_INDENT))
        else:
            levels.append(_lvl(i, "bullet", bullets[i % 3], left, LIST_INDENT))
    return levels


def ensure_numbering(document: Document, heading_ids: list[str]) -> Numbering:
    """Find our three list definitions in the numbering part, adding any that are missing."""
    numbering = document.part.numbering_part.element
    found: dict[str, int] = {}
    for abstract in numbering.iterfind(qn("w:abstractNum")):
        name_el = abstract.find(qn("w:name"))
        if name_el is not None:
            found[name_el.get(qn("w:val")) or ""] = int(abstract.get(qn("w:abstractNumId")) or 0)
    used = [int(a.get(qn("w:abstractNumId")) or 0) for a in numbering.iterfind(qn("w:abstractNum"))]
    next_id = max(used, default=-1) + 1
    builders: dict[str, Callable[[], list[str]]] = {
        HEADING_NUMBERING: lambda: _heading_levels(heading_ids),
        BULLET_NUMBERING: lambda: _list_levels(ordered=False),
        ORDERED_NUMBERING: lambda: _list_levels(ordered=True),
        # Appendices are Heading 1 paragraphs lettered "Appendix A:" by Word itself.
        APPENDIX_NUMBERING: lambda: [
            _lvl(0, "upperLetter", "Appendix %1:", 1701, 1701),
            *_list_levels(ordered=True)[1:],
        ],
    }
    for name, levels in builders.items():
        if name in found:
            continue
        element = parse_xml(_abstract_xml(next_id, name, levels()))
        first_num = numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(element)
        else:
            numbering.append(element)
        found[name] = next_id
        next_id += 1

    def num_for(abstract_id: int) -> int:
        for num in numbering.iterfind(qn("w:num")):
            abstract = num.find(qn("w:abstractNumId"))
            if (
                abstract is not None
                and abstract.get(qn("w:val")) == str(abstract_id)
                and num.find(qn("w:lvlOverride")) is None
            ):
                return int(num.get(qn("w:numId")) or 0)
        return int(numbering.add_num(abstract_id).numId)

    return Numbering(
        heading_num=num_for(found[HEADING_NUMBERING]),
        appendix_num=num_for(found[APPENDIX_NUMBERING]),
        bullet_num=num_for(found[BULLET_NUMBERING]),
        ordered_num=num_for(found[ORDERED_NUMBERING]),
        ordered_abstract=found[ORDERED_NUMBERING],
    )


def new_ordered_list(
    document: Document, numbering: Numbering, start: int = 1, ilvl: int = 0
) -> int:
    """A fresh numId so that each numbered list starts again from `start` at its level."""
    num = document.part.numbering_part.element.add_num(numbering.ordered_abstract)
    num.add_lvlOverride(ilvl=min(ilvl, 8)).add_startOverride(start)
    return int(num.numId)


def set_language(document: Document, language: str = LANGUAGE) -> None:
    """The document's default language (docDefaults), so checkers and readers use en-GB."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f"<w:docDefaults {_NS}/>")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = parse_xml(f"<w:rPrDefault {_NS}/>")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = parse_xml(f"<w:rPr {_NS}/>")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = parse_xml(f"<w:lang {_NS}/>")
        # Schema order puts lang after everything but eastAsianLayout, specVanish and oMath.
        later = [rpr.find(qn(tag)) for tag in ("w:eastAsianLayout", "w:specVanish", "w:oMath")]
        following = next((el for el in later if el is not None), None)
        if following is not None:
            following.addprevious(lang)
        else:
            rpr.append(lang)
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)
    lang.set(qn("w:bidi"), "ar-SA")


def install(document: Document, *, replace: bool = False) -> tuple[dict[str, str], Numbering]:
    """Install styles and numbering (headings first, so the numbering can link to them)."""
    set_language(document)
    styles = document.styles.element
    heading_ids = []
    for level, name in enumerate(HEADINGS, start=1):
        found = _find_style(styles, name)
        found_id = found.get(qn("w:styleId")) if found is not None else None
        heading_ids.append(found_id or f"Heading{level}")
    numbering = ensure_numbering(document, heading_ids)
    return ensure_styles(document, numbering, replace=replace), numbering


def set_a4_page(document: Document) -> None:
    """A4 with 2.54 cm margins, the page set-up English councils print on."""
    for section in document.sections:
        section.page_width, section.page_height = Twips(11906), Twips(16838)
        section.top_margin = section.bottom_margin = Twips(1440)
        section.left_margin = section.right_margin = Twips(1440)
        section.header_distance = section.footer_distance = Twips(708)
