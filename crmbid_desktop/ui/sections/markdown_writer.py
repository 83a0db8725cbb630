"""Writes a QTextDocument as the canonical section Markdown (CommonMark + GFM tables + <u>)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QFont, QTextBlock, QTextCursor, QTextDocument, QTextListFormat

from crmbid_desktop.domain.wordcount import count_text_words

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
    r"^(\s*)(#{1,6}(?=\s|$)|[-+](?=\s|$)|>|=+\s*$|(?:-[ \t]*){3,}$|~~~|(\d{1,9})([.)])(?=\s|$))"
)
HARD_BREAK = "\\\n"
_BREAK_MARK = "\uffff"  # a hard break until the ends are trimmed (a noncharacter: never in text)
_ENDS = re.compile("^[\\s\uffff]+|[\\s\uffff]+$")


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


def _escape_line_starts(content: str) -> str:
    """Escape what would start a block on the first line and on every line after a hard break."""
    return HARD_BREAK.join(_escape_line_start(line) for line in content.split(HARD_BREAK))


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
        out.append(_escape(stripped, in_table=in_table).replace(LINE_SEPARATOR, _BREAK_MARK))
    while stack:
        close_one()
    # A line break at either end would leave a stray backslash: trim it with the spaces.
    return _ENDS.sub("", "".join(out)).replace(_BREAK_MARK, HARD_BREAK)


def _link_target(href: str) -> str:
    if re.search(r"[\s()<>]", href):
        return "<" + href.replace("<", "%3C").replace(">", "%3E") + ">"
    return href


def _heading_level(block: QTextBlock) -> int:
    return block.blockFormat().headingLevel()


#: How a block's inline Markdown is made: (block, in_heading, in_table) -> text.
InlineWriter = Callable[[QTextBlock, bool, bool], str]


def _inline(block: QTextBlock, in_heading: bool, in_table: bool) -> str:
    return inline_markdown(block, in_heading=in_heading, in_table=in_table)


def _table_markdown(
    document: QTextDocument, table: object, inline: InlineWriter = _inline
) -> list[str]:
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
                texts.append(inline(block, False, True).replace("\\\n", " "))
                block = block.next()
            cells.append(" ".join(t for t in texts if t).strip())
        lines.append("| " + " | ".join(cells) + " |")
        if row == 0:
            lines.append("| " + " | ".join("---" for _ in range(table.columns())) + " |")
    return lines


def document_markdown(document: QTextDocument, inline: InlineWriter = _inline) -> str:
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
            chunks.append(_table_markdown(document, table, inline))
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
            content = inline(block, False, False)
            content = content.replace("\\\n", "\\\n" + " " * (indent + len(marker) + 1))
            line = " " * indent + marker + (" " + _escape_line_starts(content) if content else "")
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
        content = inline(block, level > 0, False)
        if content.strip():
            if level in (1, 2):
                chunks.append([f"{'#' * level} {content.replace(chr(92) + chr(10), ' ')}"])
            else:
                chunks.append([_escape_line_starts(content)])
        block = block.next()
    return "\n\n".join("\n".join(chunk) for chunk in chunks) + ("\n" if chunks else "")


class CachedDocumentText:
    """A document's canonical Markdown and word count, redoing only the blocks edited since.

    Writing 20,000 words as Markdown walks every text fragment through Qt, which is too slow to
    repeat after each pause in typing; almost every block is unchanged from the last save, so
    each block's inline Markdown and word count are kept under an id stored in the block's
    user state, and every block an edit touches (text, formatting, split or merge, undo) loses
    its id through the document's contentsChange signal.
    """

    def __init__(self, document: QTextDocument) -> None:
        self._document = document
        self._inline: dict[tuple[int, bool, bool], str] = {}
        self._words: dict[int, int] = {}
        self._next_id = 0
        document.contentsChange.connect(self._changed)

    def forget(self) -> None:
        """Drop every kept block (a new text was loaded)."""
        self._inline.clear()
        self._words.clear()

    def _changed(self, position: int, _removed: int, added: int) -> None:
        block = self._document.findBlock(position)
        end = position + added
        while block.isValid() and block.position() <= end:
            block.setUserState(-1)
            block = block.next()

    def _block_id(self, block: QTextBlock) -> int:
        state = block.userState()
        if state < 0:
            self._next_id += 1
            state = self._next_id
            block.setUserState(state)
        return state

    def _cached_inline(self, block: QTextBlock, in_heading: bool, in_table: bool) -> str:
        key = (self._block_id(block), in_heading, in_table)
        text = self._inline.get(key)
        if text is None:
            text = self._inline[key] = inline_markdown(
                block, in_heading=in_heading, in_table=in_table
            )
        return text

    def markdown(self) -> str:
        text = document_markdown(self._document, self._cached_inline)
        self._forget_removed_blocks()
        return text

    def word_count(self, *, include_tables: bool) -> int:
        """Words as domain.wordcount.count_words counts the document's Markdown.

        Counted on each block's plain text, which reads as the Markdown's plain text does:
        list bullets and numbers, heading marks and link addresses are not in the block text,
        and table cells are blocks of their own.
        """
        total = 0
        block = self._document.begin()
        while block.isValid():
            table = QTextCursor(block).currentTable()
            if table is not None and not include_tables:
                last = table.lastPosition()
                while block.isValid() and block.position() <= last:
                    block = block.next()
                continue
            key = self._block_id(block)
            words = self._words.get(key)
            if words is None:
                # Stripped as the Markdown is: a non-breaking space at either end is not kept.
                words = self._words[key] = count_text_words(block.text().strip())
            total += words
            block = block.next()
        return total

    def _forget_removed_blocks(self) -> None:
        if len(self._inline) + len(self._words) < 4 * self._document.blockCount() + 64:
            return
        live = set()
        block = self._document.begin()
        while block.isValid():
            live.add(block.userState())
            block = block.next()
        self._inline = {k: v for k, v in self._inline.items() if k[0] in live}
        self._words = {k: v for k, v in self._words.items() if k in live}
