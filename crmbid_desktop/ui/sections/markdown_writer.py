"""Writes a QTextDocument as the canonical section Markdown (CommonMark + GFM tables + <u>)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtGui import QFont, QTextBlock, QTextCursor, QTextDocument, QTextListFormat

LINE_SEPARATOR = "\u2028"  # Shift+Enter inside a paragraph
ORDERED_STYLES = {
    QTextListFormat.Style.ListDecimal,
    QTextListFormat.Style.ListLowerAlpha,
    QTextListFormat.Style.ListUpperAlpha,
    QTextListFormat.Style.ListLowerRoman,
    QTextListFormat.Style.ListUpperRoman,
}

# Characters that would start Markdown syntax anywhere in a line.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
# What would make a line's start into a heading, list, quote, fence, rule or table.
_LINE_START = re.compile(
    r"^(\s*)(#{1,6}(?=\s|$)|[-+](?=\s|$)|>|=+\s*$|~~~|(\d{1,9})([.)])(?=\s|$))"
)


@dataclass(frozen=True)
class _Style:
    link: str
    bold: bool
    italic: bool
    underline: bool


def _escape(text: str, *, in_table: bool = False) -> str:
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    if in_table:
        text = text.replace("|", r"\|")
    return text


def _escape_line_start(text: str) -> str:
    match = _LINE_START.match(text)
    if match is None:
        return text
    lead = match.group(1)
    if match.group(3) is not None:  # "2005. " would start a numbered list
        return f"{lead}{match.group(3)}\\{match.group(4)}{text[match.end() :]}"
    return f"{lead}\\{text[len(lead) :]}"


def _style_of(fmt: object, in_heading: bool) -> _Style:
    from PySide6.QtGui import QTextCharFormat

    assert isinstance(fmt, QTextCharFormat)
    link = fmt.anchorHref() if fmt.isAnchor() else ""
    # Headings are bold by their own style, and links are underlined by theirs.
    bold = not in_heading and fmt.fontWeight() >= QFont.Weight.DemiBold
    return _Style(link, bold, fmt.fontItalic(), fmt.fontUnderline() and not link)


_ORDER = ("link", "bold", "italic", "underline")
_OPEN = {"bold": "**", "italic": "*", "underline": "<u>"}
_CLOSE = {"bold": "**", "italic": "*", "underline": "</u>"}


def inline_markdown(block: QTextBlock, *, in_heading: bool = False, in_table: bool = False) -> str:
    """The block's text with emphasis, underline and links as Markdown."""
    out: list[str] = []
    stack: list[tuple[str, str]] = []  # (kind, link href or "")
    pending = ""  # spaces held back until we know which markers close before them

    def close_one() -> None:
        kind, href = stack.pop()
        out.append(f"]({_link_target(href)})" if kind == "link" else _CLOSE[kind])

    it = block.begin()
    while not it.atEnd():
        fragment = it.fragment()
        it += 1
        if not fragment.isValid():
            continue
        text = fragment.text()
        stripped = text.strip(" ")
        if not stripped:
            pending += text  # spaces alone neither open nor close emphasis
            continue
        style = _style_of(fragment.charFormat(), in_heading)
        wanted = {k for k in _ORDER if getattr(style, k)}
        # Close what this fragment does not carry (and a link whose target changes).
        while stack and (
            any(k not in wanted for k, _ in stack)
            or any(k == "link" and h != style.link for k, h in stack)
        ):
            close_one()
        # Emphasis must hug the words: spaces at either end go outside the markers.
        out.append(pending + text[: len(text) - len(text.lstrip(" "))])
        pending = text[len(text.rstrip(" ")) :]
        opened = {k for k, _ in stack}
        for kind in _ORDER:
            if kind in wanted and kind not in opened:
                out.append("[" if kind == "link" else _OPEN[kind])
                stack.append((kind, style.link if kind == "link" else ""))
        out.append(_escape(stripped, in_table=in_table).replace(LINE_SEPARATOR, "\\\n"))
    while stack:
        close_one()
    return "".join(out).strip()


def _link_target(href: str) -> str:
    if re.search(r"[\s()<>]", href):
        return "<" + href.replace("<", "%3C").replace(">", "%3E") + ">"
    return href


def _heading_level(block: QTextBlock) -> int:
    return block.blockFormat().headingLevel()


def _table_markdown(document: QTextDocument, table: object) -> list[str]:
    from PySide6.QtGui import QTextTable

    assert isinstance(table, QTextTable)
    lines = []
    for row in range(table.rows()):
        cells = []
        for column in range(table.columns()):
            cell = table.cellAt(row, column)
            texts = []
            block = document.findBlock(cell.firstPosition())
            while block.isValid() and block.position() <= cell.lastPosition():
                texts.append(inline_markdown(block, in_table=True).replace("\\\n", " "))
                block = block.next()
            cells.append(" ".join(t for t in texts if t).strip())
        lines.append("| " + " | ".join(cells) + " |")
        if row == 0:
            lines.append("| " + " | ".join("---" for _ in range(table.columns())) + " |")
    return lines


def document_markdown(document: QTextDocument) -> str:
    """The whole document as canonical Markdown: blocks separated by blank lines, tight lists."""
    chunks: list[list[str]] = []  # each chunk is separated from the next by a blank line
    list_stack: list[tuple[int, int]] = []  # (list indent level, content column)
    block = document.begin()
    in_list_chunk = False
    top_ordered = False
    while block.isValid():
        cursor = QTextCursor(block)
        table = cursor.currentTable()
        if table is not None:
            chunks.append(_table_markdown(document, table))
            in_list_chunk = False
            list_stack.clear()
            last = table.lastPosition()
            while block.isValid() and block.position() <= last:
                block = block.next()
            continue
        text_list = block.textList()
        if text_list is not None:
            fmt = text_list.format()
            level = max(1, fmt.indent())
            while list_stack and list_stack[-1][0] >= level:
                list_stack.pop()
            indent = list_stack[-1][1] if list_stack else 0
            ordered = fmt.style() in ORDERED_STYLES
            marker = f"{text_list.itemNumber(block) + 1}." if ordered else "-"
            content = inline_markdown(block)
            content = content.replace("\\\n", "\\\n" + " " * (indent + len(marker) + 1))
            line = " " * indent + marker + (" " + _escape_line_start(content) if content else "")
            list_stack.append((level, indent + len(marker) + 1))
            if in_list_chunk and (indent > 0 or ordered == top_ordered):
                chunks[-1].append(line)
            else:
                chunks.append([line])
                in_list_chunk = True
            if indent == 0:
                top_ordered = ordered
            block = block.next()
            continue
        in_list_chunk = False
        list_stack.clear()
        level = min(_heading_level(block), 2)  # a pasted third-level heading becomes ##
        content = inline_markdown(block, in_heading=level > 0)
        if content.strip():
            if level in (1, 2):
                chunks.append([f"{'#' * level} {content.replace(chr(92) + chr(10), ' ')}"])
            else:
                chunks.append([_escape_line_start(content)])
        block = block.next()
    return "\n\n".join("\n".join(chunk) for chunk in chunks) + ("\n" if chunks else "")
