"""Turning a returned Word document's body back into the bid's canonical section Markdown.

Works on the XML parsed by `docx_safety` (never python-docx on an untrusted file). Headings,
bold, italic, underline, lists, tables and links come back; tracked changes are counted and
resolved by the user's choice (accept all / reject all); Word comments are collected with the
section their range starts in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from crmbid_desktop.services.docx_safety import SafePackage, UnsafeDocumentError

if TYPE_CHECKING:
    from lxml.etree import _Element

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
VT = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"

BOOKMARK_PREFIX = "crmbid_"

TrackedChoice = Literal["accept", "reject"]

_OFF = {"0", "false", "off", "none"}
# Characters that would start Markdown syntax inside running text.
_INLINE_SPECIAL = re.compile(r"([\\`\[\]<]|(?<!\s)\*|\*(?!\s))")
_WORD_EDGE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)])(?=\s|$)")


def escape_text(text: str) -> str:
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    return _WORD_EDGE_UNDERSCORE.sub(r"\\_", text)


@dataclass(frozen=True)
class WordComment:
    author: str
    text: str


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

    @property
    def has_tracked_changes(self) -> bool:
        return bool(self.insertions or self.deletions)

    def text(self, choice: TrackedChoice) -> str:
        return self.accepted if choice == "accept" else self.rejected


@dataclass
class ReturnedDocument:
    properties: dict[str, str]
    sections: list[ReturnedSection]
    #: The whole body when the file carries no section bookmarks (any other .docx).
    whole: ReturnedSection


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
                    level = _list_level(ilvl.get(f"{W}val")) if ilvl is not None else 0
                    self.style_lists[sid] = (num.get(f"{W}val") or "", level)
        self.ordered: dict[tuple[str, int], bool] = {}
        numbering = package.xml("word/numbering.xml")
        if numbering is not None:
            abstract: dict[str, dict[int, bool]] = {}
            for ab in numbering.iter(f"{W}abstractNum"):
                levels: dict[int, bool] = {}
                for lvl in ab.iter(f"{W}lvl"):
                    fmt = lvl.find(f"{W}numFmt")
                    value = fmt.get(f"{W}val") if fmt is not None else "bullet"
                    levels[_list_level(lvl.get(f"{W}ilvl"))] = value not in ("bullet", "none")
                abstract[ab.get(f"{W}abstractNumId") or ""] = levels
            for num in numbering.iter(f"{W}num"):
                ref = num.find(f"{W}abstractNumId")
                levels = abstract.get(ref.get(f"{W}val") or "", {}) if ref is not None else {}
                for level, ordered in levels.items():
                    self.ordered[(num.get(f"{W}numId") or "", level)] = ordered
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
            level = _list_level(lvl.get(f"{W}val")) if lvl is not None else level
        name = self.style_name(p)
        if num_id in ("", "0"):
            # A style named like Word's list styles still means a list in a template without
            # numbering definitions.
            for prefix, ordered in (("list bullet", False), ("list number", True)):
                if name.startswith(prefix):
                    suffix = name[len(prefix) :].strip()
                    return ordered, _list_level(suffix, offset=1), prefix
            return None
        if name.startswith("heading") or "subheading" in name:
            return None
        ordered = self.ordered.get((num_id, level), name.startswith("list number"))
        return ordered, level, num_id


#: Word has nine list levels (0-8); anything else in a file is read as the nearest one.
MAX_LIST_LEVEL = 8


def _list_level(text: str | None, offset: int = 0) -> int:
    """A list level from the file, clamped to Word's 0-8: "x", "-3" or "99999" never fail."""
    value = (text or "").strip()
    if not value.isdecimal() or len(value) > 3:
        return MAX_LIST_LEVEL if value.isdecimal() else 0
    return max(0, min(int(value) - offset, MAX_LIST_LEVEL))


def _on(rpr: _Element | None, tag: str) -> bool:
    if rpr is None:
        return False
    el = rpr.find(f"{W}{tag}")
    if el is None:
        return False
    return (el.get(f"{W}val") or "true").lower() not in _OFF


def _runs(
    parent: _Element, ctx: _Context, choice: TrackedChoice, counts: list[int], link: str | None
) -> Iterator[_Run]:
    for child in parent:
        tag = child.tag
        if tag == f"{W}r":
            rpr = child.find(f"{W}rPr")
            fmt = (_on(rpr, "b"), _on(rpr, "i"), _on(rpr, "u"))
            for item in child:
                if item.tag in (f"{W}t", f"{W}delText"):
                    yield _Run(item.text or "", *fmt, link=link)
                elif item.tag == f"{W}tab":
                    yield _Run("\t", *fmt, link=link)
                elif item.tag in (f"{W}br", f"{W}cr") and item.get(f"{W}type") != "page":
                    yield _Run("\n", *fmt, link=link)
        elif tag in (f"{W}ins", f"{W}moveTo"):
            counts[0] += 1
            if choice == "accept":
                yield from _runs(child, ctx, choice, counts, link)
        elif tag in (f"{W}del", f"{W}moveFrom"):
            counts[1] += 1
            if choice == "reject":
                yield from _runs(child, ctx, choice, counts, link)
        elif tag == f"{W}hyperlink":
            target = ctx.links.get(child.get(R_ID) or "")
            yield from _runs(child, ctx, choice, counts, target or link)
        elif tag in (f"{W}smartTag", f"{W}sdt", f"{W}sdtContent", f"{W}fldSimple"):
            yield from _runs(child, ctx, choice, counts, link)


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
            out.append(f"[{''.join(pieces).strip()}]({target})")
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
        self.counts = [0, 0]
        self._list_lines: list[str] = []
        self._counters: dict[int, int] = {}
        self._top: tuple[bool, str] = (False, "")

    def _flush_list(self) -> None:
        if self._list_lines:
            self.blocks.append("\n".join(self._list_lines))
            self._list_lines = []
            self._counters = {}

    def paragraph(self, p: _Element) -> None:
        text = _inline(_runs(p, self.ctx, self.choice, self.counts, None))
        listed = self.ctx.list_info(p)
        if listed is not None and text.strip():
            ordered, level, list_id = listed
            level = min(level, 8)
            if level == 0 and self._list_lines and (ordered, list_id) != self._top:
                self._flush_list()  # a different list starts: keep them apart
            if level == 0:
                self._top = (ordered, list_id)
            for deeper in [k for k in self._counters if k > level]:
                del self._counters[deeper]
            # Nested items indent by their parent's marker width; 3 spaces covers "1. ".
            indent = "".join("   " for _ in range(level))
            if ordered:
                self._counters[level] = self._counters.get(level, 0) + 1
                marker = f"{self._counters[level]}."
            else:
                self._counters[level] = 0
                marker = "-"
            self._list_lines.append(f"{indent}{marker} {text.strip()}")
            return
        self._flush_list()
        if not text.strip():
            return
        name = self.ctx.style_name(p)
        if name in ("title", "heading 1", "section subheading 1") or name == "heading1":
            self.blocks.append(f"# {text.strip()}")
        elif name.startswith("heading") or name.startswith("section subheading"):
            self.blocks.append(f"## {text.strip()}")
        else:
            text = _LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text.strip())
            self.blocks.append(text)

    def table(self, tbl: _Element) -> None:
        self._flush_list()
        rows: list[list[str]] = []
        for tr in tbl.iter(f"{W}tr"):
            cells = []
            for tc in tr.findall(f"{W}tc"):
                texts = [
                    _inline(_runs(p, self.ctx, self.choice, self.counts, None), in_table=True)
                    for p in tc.iter(f"{W}p")
                ]
                cells.append(" ".join(t for t in texts if t))
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


def _section_of(elements: list[_Element]) -> set[str]:
    ids: set[str] = set()
    for el in elements:
        for mark in el.iter(f"{W}commentRangeStart", f"{W}commentReference"):
            ids.add(mark.get(f"{W}id") or "")
    return ids


def _convert(
    elements: list[_Element], ctx: _Context, choice: TrackedChoice
) -> tuple[str, int, int]:
    writer = _BlockWriter(ctx, choice)
    for el in elements:
        if el.tag == f"{W}p":
            writer.paragraph(el)
        elif el.tag == f"{W}tbl":
            writer.table(el)
        elif el.tag == f"{W}sdt":
            content = el.find(f"{W}sdtContent")
            if content is not None:
                for inner in content:
                    if inner.tag == f"{W}p":
                        writer.paragraph(inner)
                    elif inner.tag == f"{W}tbl":
                        writer.table(inner)
    return writer.markdown(), writer.counts[0], writer.counts[1]


def _returned(
    bookmark: str, heading: str, elements: list[_Element], ctx: _Context
) -> ReturnedSection:
    accepted, insertions, deletions = _convert(elements, ctx, "accept")
    rejected, _, _ = _convert(elements, ctx, "reject")
    comments = [ctx.comments[cid] for cid in sorted(_section_of(elements)) if cid in ctx.comments]
    return ReturnedSection(bookmark, heading, accepted, rejected, insertions, deletions, comments)


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


def read_document(package: SafePackage) -> ReturnedDocument:
    """Split the body at our section bookmarks and convert each part to Markdown.

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
    root = package.xml("word/document.xml")
    body = root.find(f"{W}body") if root is not None else None
    children = [el for el in body if el.tag != f"{W}sectPr"] if body is not None else []
    sections: list[ReturnedSection] = []
    current: tuple[str, str, list[_Element]] | None = None
    end_ids: set[str] = set()
    ended = False
    for el in children:
        starts = [
            mark
            for mark in el.iter(f"{W}bookmarkStart")
            if (mark.get(f"{W}name") or "").startswith(BOOKMARK_PREFIX)
        ]
        if starts:
            if current is not None:
                sections.append(_returned(*current, ctx))
            mark = starts[0]
            end_ids = {mark.get(f"{W}id") or ""}
            heading = "".join(t.text or "" for t in el.iter(f"{W}t"))
            current = (mark.get(f"{W}name") or "", heading, [])
            ended = False
            continue
        if current is None or ended:
            continue
        ends = {mark.get(f"{W}id") or "" for mark in el.iter(f"{W}bookmarkEnd")}
        if ends & end_ids:
            ended = True  # the grey end-of-section marker paragraph: not part of the text
            continue
        current[2].append(el)
    if current is not None:
        sections.append(_returned(*current, ctx))
    return ReturnedDocument(custom_properties(package), sections, _returned("", "", children, ctx))
