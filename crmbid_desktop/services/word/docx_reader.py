"""Turning a returned Word document's body back into the bid's canonical section Markdown.

Works on the XML parsed by `docx_safety` (never python-docx on an untrusted file). The body is
read as a list of blocks, each with the markers it carries (our bookmarks, its heading text, an
"End of section" line); `section_matching` decides which blocks belong to which section, then
`convert` turns a run of blocks into Markdown. Headings, bold, italic, underline, lists, tables
and links come back; tracked changes are counted and resolved by the user's choice (accept all /
reject all); Word comments are collected with the section their range starts in; what Markdown
cannot hold (pictures, footnotes, text boxes, equations) is counted so the user is told.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from crmbid_desktop.services.word.docx_safety import SafePackage, UnsafeDocumentError

if TYPE_CHECKING:
    from lxml.etree import _Element

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"

BOOKMARK_PREFIX = "crmbid_"

TrackedChoice = Literal["accept", "reject"]

_OFF = {"0", "false", "off", "none"}
# Characters that would start Markdown syntax inside running text.
_INLINE_SPECIAL = re.compile(r"([\\`\[\]<]|(?<!\s)\*|\*(?!\s))")
_WORD_EDGE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# What would make a paragraph's first characters Markdown syntax: a quote (">" needs no space),
# a heading, a list marker, a "---" rule, a "~~~" fence, or "2005." / "1)" starting a list.
_LINE_START = re.compile(
    r"^(\s*)(?:(>|~(?=~~)|#{1,6}(?=\s|$)|[+-](?=\s|$)|-(?=(?:\s*-){2,}\s*$))"
    r"|(\d{1,9})([.)])(?=\s|$))",
    re.MULTILINE,
)
#: "End of section 4.2 (please keep this grey line)": the sent file's end-of-section marker.
END_LINE = re.compile(r"^\s*End of section\s+(\d+(?:\.\d+)*)\b", re.IGNORECASE)
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
#: Word's Symbol font puts Greek letters and maths signs at these code points (F0xx or 00xx).
_SYMBOL_FONT = (
    dict(
        zip(
            range(0x41, 0x5B),
            "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ",
            strict=True,
        )
    )
    | dict(zip(range(0x61, 0x7B), "αβχδεφγηιϕκλμνοπθρστυϖωξψζ", strict=True))
    | {
        0xB0: "°",
        0xB1: "±",
        0xB3: "≥",
        0xA3: "≤",
        0xB4: "×",
        0xB8: "÷",
        0xB9: "≠",
        0xA5: "∞",
        0xAE: "→",
        0xAC: "←",
        0xAD: "↑",
        0xAF: "↓",
        0xB7: "•",
        0xD2: "®",
        0xD3: "©",
        0xD4: "™",
        0xBB: "≈",
        0xD6: "√",
        0xE5: "∑",
        0xD5: "∏",
        0xB6: "∂",
        0xA2: "′",
        0xB2: "″",
    }
)
#: Wingdings symbols people use in bids: ticks, crosses, boxes, arrows, bullets.
_WINGDINGS = {
    0xFC: "✓",
    0xFB: "✗",
    0xFD: "☒",
    0xFE: "☑",
    0xA8: "☐",
    0x6F: "☐",
    0x9F: "•",
    0xA7: "▪",
    0x6C: "●",
    0xE0: "→",
    0xDF: "←",
    0xD8: "➢",
    0x4A: "☺",
    0x4C: "☹",
}


def _escape_line_start(match: re.Match[str]) -> str:
    """Keep a paragraph's "2005." or "- " from turning into a list: "2005\\." and "\\-"."""
    lead, mark, digits, stop = match.groups()
    if mark:
        return f"{lead}\\{mark}"
    return f"{lead}{digits}\\{stop}"


def symbol_character(font: str, code: str) -> str:
    """The Unicode character for a Word w:sym (a symbol-font code point), or "" if unknown."""
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    if value >= 0xF000:
        value -= 0xF000
    name = font.lower()
    if name == "symbol":
        return _SYMBOL_FONT.get(value, "")
    if name.startswith("wingdings"):
        return _WINGDINGS.get(value, "")
    return chr(value) if 0x20 <= value < 0xD800 else ""


def escape_text(text: str) -> str:
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    return _WORD_EDGE_UNDERSCORE.sub(r"\\_", text)


@dataclass(frozen=True)
class WordComment:
    author: str
    text: str


#: What the bid's Markdown cannot hold, in the words the user is told ("2 pictures").
LOSS_NAMES = {
    "picture": ("picture", "pictures"),
    "footnote": ("footnote", "footnotes"),
    "endnote": ("endnote", "endnotes"),
    "text box": ("text box", "text boxes"),
    "equation": ("equation", "equations"),
    "embedded object": ("embedded object", "embedded objects"),
    "symbol": ("unknown symbol character", "unknown symbol characters"),
}


def describe_losses(lost: dict[str, int]) -> str:
    """ "2 pictures and 3 footnotes" (empty when nothing is lost)."""
    parts = [
        f"{count} {LOSS_NAMES.get(kind, (kind, kind + 's'))[count != 1]}"
        for kind, count in lost.items()
        if count
    ]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass
class ReturnedSection:
    """One section's text as it came back: Markdown with tracked changes accepted and rejected."""

    bookmark: str
    heading: str
    accepted: str
    rejected: str
    insertions: int = 0
    deletions: int = 0
    comments: list[WordComment] = field(default_factory=list)
    #: Content the Markdown could not take in, by kind ("picture": 2).
    lost: dict[str, int] = field(default_factory=dict)

    @property
    def has_tracked_changes(self) -> bool:
        return bool(self.insertions or self.deletions)

    def text(self, choice: TrackedChoice) -> str:
        return self.accepted if choice == "accept" else self.rejected


@dataclass
class Block:
    """One body paragraph or table with the section markers it carries."""

    element: _Element
    text: str  # plain text, tracked insertions accepted, for matching headings and similarity
    style: str  # the paragraph style's name, lower case ("heading 1"); "" for a table
    bookmarks: tuple[str, ...]  # our bookmark names that start in it
    end_of: str | None  # the section number when it is an "End of section N" line

    @property
    def heading_style(self) -> bool:
        return self.style.startswith(("heading", "title")) or self.style == "heading1"


@dataclass
class ReturnedDocument:
    properties: dict[str, str]
    core: dict[str, str]
    blocks: list[Block]
    context: _Context

    def convert(
        self, blocks: Iterable[Block], bookmark: str = "", heading: str = ""
    ) -> ReturnedSection:
        """A run of blocks as one section's Markdown."""
        elements = [block.element for block in blocks]
        return _returned(bookmark, heading, elements, self.context)

    @property
    def whole(self) -> ReturnedSection:
        """The whole body, less our end-of-section lines (any .docx into a chosen section)."""
        return self.convert(block for block in self.blocks if block.end_of is None)


@dataclass
class _Run:
    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False
    link: str | None = None


class _Context:
    """Styles, numbering, links and comments of one package."""

    def __init__(self, package: SafePackage) -> None:
        self.style_names: dict[str, str] = {}
        self.style_lists: dict[str, tuple[str, int]] = {}
        styles = package.xml("word/styles.xml")
        if styles is not None:
            for style in styles.iter(f"{W}style"):
                sid = style.get(f"{W}styleId") or ""
                name = style.find(f"{W}name")
                self.style_names[sid] = (name.get(f"{W}val") or sid) if name is not None else sid
                num = style.find(f"{W}pPr/{W}numPr/{W}numId")
                if num is not None:
                    ilvl = style.find(f"{W}pPr/{W}numPr/{W}ilvl")
                    level = _int(ilvl.get(f"{W}val")) if ilvl is not None else 0
                    self.style_lists[sid] = (num.get(f"{W}val") or "", level)
        self.ordered: dict[tuple[str, int], bool] = {}
        #: The number a list's first item shows at each level, when it is not 1.
        self.starts: dict[tuple[str, int], int] = {}
        numbering = package.xml("word/numbering.xml")
        if numbering is not None:
            abstract: dict[str, dict[int, tuple[bool, int]]] = {}
            for ab in numbering.iter(f"{W}abstractNum"):
                levels: dict[int, tuple[bool, int]] = {}
                for lvl in ab.iter(f"{W}lvl"):
                    fmt = lvl.find(f"{W}numFmt")
                    value = fmt.get(f"{W}val") if fmt is not None else "bullet"
                    start = lvl.find(f"{W}start")
                    levels[_int(lvl.get(f"{W}ilvl"))] = (
                        value not in ("bullet", "none"),
                        _int(start.get(f"{W}val") if start is not None else None, 1),
                    )
                abstract[ab.get(f"{W}abstractNumId") or ""] = levels
            for num in numbering.iter(f"{W}num"):
                ref = num.find(f"{W}abstractNumId")
                levels = abstract.get(ref.get(f"{W}val") or "", {}) if ref is not None else {}
                num_id = num.get(f"{W}numId") or ""
                for level, (ordered, first) in levels.items():
                    self.ordered[(num_id, level)] = ordered
                    self.starts[(num_id, level)] = first
                for override in num.iter(f"{W}lvlOverride"):
                    start = override.find(f"{W}startOverride")
                    if start is not None:
                        level = _int(override.get(f"{W}ilvl"))
                        self.starts[(num_id, level)] = _int(start.get(f"{W}val"), 1)
        self.links: dict[str, str] = {}
        rels = package.xml("word/_rels/document.xml.rels")
        if rels is not None:
            for rel in rels.iter(f"{REL}Relationship"):
                if rel.get("TargetMode") == "External":
                    self.links[rel.get("Id") or ""] = rel.get("Target") or ""
        self.comments: dict[str, WordComment] = {}
        comments = package.xml("word/comments.xml")
        if comments is not None:
            for comment in comments.iter(f"{W}comment"):
                text = "\n".join(
                    "".join(t.text or "" for t in p.iter(f"{W}t")) for p in comment.iter(f"{W}p")
                ).strip()
                self.comments[comment.get(f"{W}id") or ""] = WordComment(
                    comment.get(f"{W}author") or "Unknown reviewer", text
                )

    def style_name(self, p: _Element) -> str:
        style = p.find(f"{W}pPr/{W}pStyle")
        sid = style.get(f"{W}val") or "" if style is not None else ""
        return self.style_names.get(sid, sid).lower()

    def list_info(self, p: _Element) -> tuple[bool, int, str] | None:
        """(ordered, level, list id) when the paragraph is a list item."""
        num_pr = p.find(f"{W}pPr/{W}numPr")
        style = p.find(f"{W}pPr/{W}pStyle")
        sid = (style.get(f"{W}val") or "") if style is not None else ""
        num_id, level = self.style_lists.get(sid, ("", 0))
        if num_pr is not None:
            nid = num_pr.find(f"{W}numId")
            lvl = num_pr.find(f"{W}ilvl")
            num_id = (nid.get(f"{W}val") or "") if nid is not None else num_id
            level = _int(lvl.get(f"{W}val")) if lvl is not None else level
        name = self.style_name(p)
        if num_id in ("", "0"):
            # A style named like Word's list styles still means a list in a template without
            # numbering definitions.
            for prefix, ordered in (("list bullet", False), ("list number", True)):
                if name.startswith(prefix):
                    suffix = name[len(prefix) :].strip()
                    return ordered, max(0, _int(suffix, 1) - 1), prefix
            return None
        if name.startswith("heading") or "subheading" in name:
            return None
        ordered = self.ordered.get((num_id, level), name.startswith("list number"))
        return ordered, level, num_id


def _int(value: str | None, default: int = 0) -> int:
    """A number attribute from an untrusted file; nonsense reads as the default."""
    try:
        return max(0, min(int(value or default), 10**9))
    except ValueError:
        return default


class _Tally:
    """Tracked-change counts and lost content met while reading one section."""

    def __init__(self) -> None:
        self.insertions = 0
        self.deletions = 0
        self.lost: dict[str, int] = {}

    def lose(self, kind: str) -> None:
        self.lost[kind] = self.lost.get(kind, 0) + 1


_PLAIN = (False, False, False)
_B, _I, _U, _VANISH, _WEB_HIDDEN = (f"{W}{tag}" for tag in ("b", "i", "u", "vanish", "webHidden"))


def _run_format(run: _Element) -> tuple[bool, bool, bool] | None:
    """(bold, italic, underline) of a run, or None when it is hidden; one pass over rPr."""
    rpr = run.find(f"{W}rPr")
    if rpr is None:
        return _PLAIN
    bold = italic = underline = False
    for prop in rpr:
        tag = prop.tag
        if tag not in (_B, _I, _U, _VANISH, _WEB_HIDDEN):
            continue
        on = (prop.get(f"{W}val") or "true").lower() not in _OFF
        if tag == _B:
            bold = on
        elif tag == _I:
            italic = on
        elif tag == _U:
            underline = on
        elif on:
            return None
    return bold, italic, underline


def _run_items(run: _Element, tally: _Tally) -> Iterator[str]:
    for item in run:
        tag = item.tag
        if tag in (f"{W}t", f"{W}delText"):
            yield item.text or ""
        elif tag == f"{W}tab":
            yield "\t"
        elif tag in (f"{W}br", f"{W}cr") and item.get(f"{W}type") != "page":
            yield "\n"
        elif tag == f"{W}noBreakHyphen":
            yield "\u2011"  # e-government stays one word, as it was
        elif tag == f"{W}softHyphen":
            yield "\u00ad"
        elif tag == f"{W}sym":
            char = symbol_character(item.get(f"{W}font") or "", item.get(f"{W}char") or "")
            if char:
                yield char
            else:
                tally.lose("symbol")
        elif tag == f"{W}footnoteReference":
            tally.lose("footnote")
        elif tag == f"{W}endnoteReference":
            tally.lose("endnote")
        elif tag in (f"{W}drawing", f"{W}pict", f"{W}object"):
            _count_drawing(item, tally)
        elif tag == "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent":
            choice = next(iter(item), None)  # the first choice is what Word shows
            if choice is not None:
                for inner in choice:
                    _count_drawing(inner, tally)


def _count_drawing(item: _Element, tally: _Tally) -> None:
    boxes = sum(1 for _ in item.iter(f"{W}txbxContent"))
    if boxes:
        for _ in range(boxes):
            tally.lose("text box")
    elif item.tag == f"{W}object":
        tally.lose("embedded object")
    else:
        tally.lose("picture")


def _runs(
    parent: _Element, ctx: _Context, choice: TrackedChoice, tally: _Tally, link: str | None
) -> Iterator[_Run]:
    for child in parent:
        tag = child.tag
        if tag == f"{W}r":
            fmt = _run_format(child)
            if fmt is None:
                continue  # hidden text is not part of what the partner wrote
            for text in _run_items(child, tally):
                yield _Run(text, *fmt, link=link)
        elif tag in (f"{W}ins", f"{W}moveTo"):
            tally.insertions += 1
            if choice == "accept":
                yield from _runs(child, ctx, choice, tally, link)
        elif tag in (f"{W}del", f"{W}moveFrom"):
            tally.deletions += 1
            if choice == "reject":
                yield from _runs(child, ctx, choice, tally, link)
        elif tag == f"{W}hyperlink":
            target = ctx.links.get(child.get(R_ID) or "")
            yield from _runs(child, ctx, choice, tally, target or link)
        elif tag in (f"{W}smartTag", f"{W}sdt", f"{W}sdtContent", f"{W}fldSimple", f"{W}customXml"):
            yield from _runs(child, ctx, choice, tally, link)
        elif tag in (f"{M}oMath", f"{M}oMathPara"):
            tally.lose("equation")


def _merge_runs(runs: Iterable[_Run]) -> list[_Run]:
    merged: list[_Run] = []
    for run in runs:
        if not run.text:
            continue
        last = merged[-1] if merged else None
        if last and (last.bold, last.italic, last.underline, last.link) == (
            run.bold,
            run.italic,
            run.underline,
            run.link,
        ):
            last.text += run.text
        else:
            merged.append(_Run(run.text, run.bold, run.italic, run.underline, run.link))
    return merged


def _format(run: _Run, *, in_table: bool) -> str:
    text = run.text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    core = text.strip()
    if not core:
        return text.replace("\n", "\\\n") if not in_table else " "
    body = escape_text(core)
    body = body.replace("|", "\\|").replace("\n", " ") if in_table else body.replace("\n", "\\\n")
    if run.underline:
        body = f"<u>{body}</u>"
    if run.italic:
        body = f"*{body}*"
    if run.bold:
        body = f"**{body}**"
    if run.link:
        body = f"[{body}]({run.link.replace(' ', '%20').replace(')', '%29')})"
    return f"{lead}{body}{trail}"


def _inline(runs: Iterable[_Run], *, in_table: bool = False) -> str:
    merged = _merge_runs(runs)
    # A link spanning differently formatted runs is one link: format each piece inside it.
    out: list[str] = []
    i = 0
    while i < len(merged):
        run = merged[i]
        if run.link:
            j = i
            pieces = []
            while j < len(merged) and merged[j].link == run.link:
                piece = merged[j]
                pieces.append(
                    _format(
                        _Run(piece.text, piece.bold, piece.italic, piece.underline),
                        in_table=in_table,
                    )
                )
                j += 1
            target = run.link.replace(" ", "%20").replace(")", "%29")
            label = "".join(pieces)
            lead = label[: len(label) - len(label.lstrip())]
            trail = label[len(label.rstrip()) :]
            out.append(f"{lead}[{label.strip()}]({target}){trail}")
            i = j
        else:
            out.append(_format(run, in_table=in_table))
            i += 1
    text = "".join(out).replace("\t", " ")
    return text.strip() if in_table else text.rstrip()


class _BlockWriter:
    """Collects Markdown blocks for one section, keeping list nesting."""

    def __init__(self, ctx: _Context, choice: TrackedChoice) -> None:
        self.ctx = ctx
        self.choice = choice
        self.blocks: list[str] = []
        self.tally = _Tally()
        self._list_lines: list[str] = []
        self._counters: dict[int, int] = {}
        self._indents: list[int] = []  # where each open level's item text starts
        self._top_ordered: bool | None = None

    def _flush_list(self) -> None:
        if self._list_lines:
            self.blocks.append("\n".join(self._list_lines))
            self._list_lines = []
            self._counters = {}
            self._indents = []
            self._top_ordered = None

    def paragraph(self, p: _Element) -> None:
        text = _inline(_runs(p, self.ctx, self.choice, self.tally, None))
        listed = self.ctx.list_info(p)
        if listed is not None and text.strip():
            ordered, level, list_id = listed
            # Markdown cannot skip a level: an item two levels deeper than the last nests one.
            level = min(level, 8, len(self._indents) if self._list_lines else 0)
            # Word processors re-number lists on saving (LibreOffice gives the first item its
            # own list); adjacent items of one kind are one list, as Markdown would read them.
            if level == 0 and self._list_lines and self._top_ordered not in (None, ordered):
                self._flush_list()  # a bullet list after a numbered one: keep them apart
            if level == 0:
                self._top_ordered = ordered
            for deeper in [k for k in self._counters if k > level]:
                del self._counters[deeper]
            del self._indents[level + 1 :]
            if ordered:
                if self._counters.get(level, 0) > 0:
                    self._counters[level] += 1
                else:
                    self._counters[level] = self.ctx.starts.get((list_id, level), 1)
                marker = f"{self._counters[level]}."
            else:
                self._counters[level] = 0
                marker = "-"
            # A nested item starts where its parent's text starts ("2005. " is 6 wide).
            indent = " " * (self._indents[level - 1] if level else 0)
            self._indents[level:] = [len(indent) + len(marker) + 1]
            item = _LINE_START.sub(_escape_line_start, text.strip())
            self._list_lines.append(f"{indent}{marker} {item}")
            return
        self._flush_list()
        if not text.strip():
            return
        name = self.ctx.style_name(p)
        if name in ("title", "heading 1", "section subheading 1") or name == "heading1":
            self.blocks.append(f"# {_heading_text(text)}")
        elif name.startswith("heading") or name.startswith("section subheading"):
            self.blocks.append(f"## {_heading_text(text)}")
        else:
            text = _LINE_START.sub(_escape_line_start, text.strip())
            self.blocks.append(text)

    def table(self, tbl: _Element) -> None:
        self._flush_list()
        rows: list[list[str]] = []
        for index, tr in enumerate(tbl.iter(f"{W}tr")):
            cell_runs = [
                [list(_runs(p, self.ctx, self.choice, self.tally, None)) for p in tc.iter(f"{W}p")]
                for tc in tr.findall(f"{W}tc")
            ]
            if index == 0:
                _unbold_header(cell_runs)
            cells = [
                " ".join(t for t in (_inline(runs, in_table=True) for runs in paragraphs) if t)
                for paragraphs in cell_runs
            ]
            rows.append(cells)
        if not rows:
            return
        width = max(len(r) for r in rows)
        if width == 0:
            return
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join(["---"] * width) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        self.blocks.append("\n".join(lines))

    def markdown(self) -> str:
        self._flush_list()
        return "\n\n".join(self.blocks)


def _heading_text(text: str) -> str:
    """A heading's text; a "#" run at its end would close the heading, so it is escaped."""
    return _HEADING_END.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text.strip())


_HEADING_END = re.compile(r"(^|\s)(#+)$")


def _unbold_header(cells: list[list[list[_Run]]]) -> None:
    """A header row is bold by the table's style; a word processor that writes the bold out
    (LibreOffice does) must not turn it into **Council**."""
    runs = [run for paragraphs in cells for runs in paragraphs for run in runs if run.text.strip()]
    if runs and all(run.bold for run in runs):
        for run in runs:
            run.bold = False


def _section_of(elements: list[_Element]) -> set[str]:
    ids: set[str] = set()
    for el in elements:
        for mark in el.iter(f"{W}commentRangeStart", f"{W}commentReference"):
            ids.add(mark.get(f"{W}id") or "")
    return ids


def _convert(elements: list[_Element], ctx: _Context, choice: TrackedChoice) -> tuple[str, _Tally]:
    writer = _BlockWriter(ctx, choice)
    for el in elements:
        if el.tag == f"{W}p":
            writer.paragraph(el)
        elif el.tag == f"{W}tbl":
            writer.table(el)
    return writer.markdown(), writer.tally


def _returned(
    bookmark: str, heading: str, elements: list[_Element], ctx: _Context
) -> ReturnedSection:
    accepted, tally = _convert(elements, ctx, "accept")
    # Without tracked changes both readings are the same; a long section is converted once.
    tracked = tally.insertions or tally.deletions
    rejected = _convert(elements, ctx, "reject")[0] if tracked else accepted
    comments = [ctx.comments[cid] for cid in sorted(_section_of(elements)) if cid in ctx.comments]
    return ReturnedSection(
        bookmark,
        heading,
        accepted,
        rejected,
        tally.insertions,
        tally.deletions,
        comments,
        {kind: count for kind, count in tally.lost.items() if count},
    )


def custom_properties(package: SafePackage) -> dict[str, str]:
    root = package.xml("docProps/custom.xml")
    found: dict[str, str] = {}
    if root is None:
        return found
    for prop in root.iter(f"{CUSTOM}property"):
        name = prop.get("name") or ""
        value = next(iter(prop), None)
        found[name] = (value.text or "") if value is not None else ""
    return found


def core_properties(package: SafePackage) -> dict[str, str]:
    """Core properties by local name ("creator", "lastModifiedBy", "title")."""
    root = package.xml("docProps/core.xml")
    found: dict[str, str] = {}
    if root is None:
        return found
    for child in root:
        if isinstance(child.tag, str) and child.text and child.text.strip():
            found[child.tag.rsplit("}", 1)[-1]] = child.text.strip()[:300]
    return found


def _plain_text(el: _Element) -> str:
    """Text for matching: tracked insertions kept, deletions and field codes left out."""
    parts: list[str] = []
    for node in el.iter(f"{W}t", f"{W}tab", f"{W}noBreakHyphen", f"{W}br"):
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}noBreakHyphen":
            parts.append("\u2011")
        else:
            parts.append(" ")
    return "".join(parts)


def _flatten(children: Iterable[_Element]) -> Iterator[_Element]:
    """Paragraphs and tables in order; content controls and custom XML are unwrapped."""
    for el in children:
        if el.tag in (f"{W}p", f"{W}tbl"):
            yield el
        elif el.tag == f"{W}sdt":
            content = el.find(f"{W}sdtContent")
            if content is not None:
                yield from _flatten(content)
        elif el.tag == f"{W}customXml":
            yield from _flatten(el)


def read_document(package: SafePackage) -> ReturnedDocument:
    """The body as blocks with their markers; nothing is decided about sections here.

    Whatever a crafted file trips over in here is reported as `UnsafeDocumentError` naming the
    file, so the dialogs and the command line show a message rather than a traceback.
    """
    try:
        return _read_document(package)
    except UnsafeDocumentError:
        raise
    except (ValueError, LookupError, TypeError, AttributeError, RecursionError) as error:
        raise UnsafeDocumentError(
            package.path,
            f"its content is not laid out as Word writes it ({type(error).__name__}: {error}).",
        ) from error


def _read_document(package: SafePackage) -> ReturnedDocument:
    ctx = _Context(package)
    root = package.xml(package.main_part)
    body = root.find(f"{W}body") if root is not None else None
    blocks: list[Block] = []
    for el in _flatten(body if body is not None else []):
        text = _plain_text(el)
        marks = tuple(
            name
            for mark in el.iter(f"{W}bookmarkStart")
            if (name := mark.get(f"{W}name") or "").startswith(BOOKMARK_PREFIX)
        )
        style = ctx.style_name(el) if el.tag == f"{W}p" else ""
        end = END_LINE.match(text) if el.tag == f"{W}p" else None
        blocks.append(Block(el, text, style, marks, end.group(1) if end else None))
    return ReturnedDocument(custom_properties(package), core_properties(package), blocks, ctx)
