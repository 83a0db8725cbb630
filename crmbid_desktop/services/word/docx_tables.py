"""Word tables that print well: widths fitted to the words, rows kept whole, header rows repeated.

Column widths are worked out from the text itself (an estimate of Arial's character widths, which
LibreOffice's Liberation Sans matches), so that no column is narrower than its longest word:
LibreOffice and Word break a word that does not fit ("Weigh t", "Likelih ood").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from docx.oxml.ns import qn
from lxml.etree import SubElement

if TYPE_CHECKING:
    from lxml.etree import _Element

#: Left plus right cell margin of the Bid Table style, in twips.
CELL_MARGINS = 2 * 85
#: Safety on the estimate, so a word measured to just fit does not break on another renderer.
SLACK = 1.05

# Advance widths in thousandths of an em of DejaVu Sans Bold, the widest of the fonts a table
# may be drawn in (Arial in Word, Liberation Sans or DejaVu Sans in LibreOffice): measuring
# with it means a word that fits here fits in every one of them, bold or not.
_MEASURED = "".join(chr(code) for code in range(32, 127)) + "£€–—‘’“”…·"
_WIDTHS = (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734,
    830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812,
    774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716,
    712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652,
    582, 712, 365, 712, 838, 696, 696, 500, 1000, 380, 380, 657, 657, 1000, 380,
)  # fmt: skip
_EM_THOUSANDTHS = dict(zip(_MEASURED, _WIDTHS, strict=True))
_OTHER = 800  # letters with accents and anything else: a wide letter's width


def text_twips(text: str, font_pt: float) -> int:
    """The most `text` can take on one line at `font_pt` in any of those fonts, in twips."""
    thousandths = sum(_EM_THOUSANDTHS.get(char, _OTHER) for char in text)
    return int(thousandths * font_pt * 20 / 1000)


def fit_widths(
    header: Sequence[str], rows: Sequence[Sequence[str]], total: int, font_pt: float
) -> list[int]:
    """Column widths in twips summing to `total`: every column at least as wide as its longest
    word (header in bold), the rest shared out by how much text each column holds."""
    columns = len(header)
    minimum = [0] * columns
    wanted = [0] * columns
    for index in range(columns):
        cells = [header[index]] + [row[index] if index < len(row) else "" for row in rows]
        for text in cells:
            words = text.split() or [""]
            longest = max(text_twips(word, font_pt) for word in words)
            minimum[index] = max(minimum[index], int(longest * SLACK) + CELL_MARGINS)
            whole = text_twips(text, font_pt) + CELL_MARGINS
            wanted[index] = max(wanted[index], whole)
    need = sum(minimum)
    if need >= total:
        # Even the longest words do not fit side by side: share the page by those words.
        return _scaled(minimum, total)
    if sum(wanted) <= total:
        return _scaled(wanted, total)
    # Share what is left fairly: columns that need little more get all of it, the rest split
    # what remains equally (a council's name gets room before a long notes column does).
    spare = total - need
    extra = [max(0, want - least) for want, least in zip(wanted, minimum, strict=True)]
    widths = list(minimum)
    waiting = sorted(range(columns), key=lambda index: extra[index])
    for position, index in enumerate(waiting):
        share = spare // (columns - position)
        given = min(extra[index], share)
        widths[index] += given
        spare -= given
    widths[waiting[-1]] += total - sum(widths)
    return widths


def _scaled(widths: list[int], total: int) -> list[int]:
    whole = sum(widths) or 1
    scaled = [width * total // whole for width in widths]
    scaled[-1] += total - sum(scaled)
    return scaled


def keep_rows_whole(tbl: _Element) -> None:
    """Rows never split across pages; the first row is a header Word repeats on every page."""
    for index, tr in enumerate(tbl.iterchildren(qn("w:tr"))):
        trpr = tr.find(qn("w:trPr"))
        if trpr is None:
            trpr = SubElement(tr, qn("w:trPr"))
            tr.remove(trpr)
            tr.insert(0, trpr)  # trPr comes before the cells (after any tblPrEx)
        if trpr.find(qn("w:cantSplit")) is None:
            SubElement(trpr, qn("w:cantSplit"))
        if index == 0 and trpr.find(qn("w:tblHeader")) is None:
            SubElement(trpr, qn("w:tblHeader"))


def set_fixed_widths(tbl: _Element, widths: Sequence[int]) -> None:
    """Fixed layout with these column widths (twips), so Word's autofit does not undo them."""
    tblpr = tbl.find(qn("w:tblPr"))
    assert tblpr is not None
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is not None:
        tblw.set(qn("w:type"), "dxa")
        tblw.set(qn("w:w"), str(sum(widths)))
    layout = tblpr.find(qn("w:tblLayout"))
    if layout is None:
        layout = SubElement(tblpr, qn("w:tblLayout"))
        look = tblpr.find(qn("w:tblLook"))
        if look is not None:  # schema order: ... tblLayout, tblCellMar, tblLook
            look.addprevious(layout)
    layout.set(qn("w:type"), "fixed")
    grid = tbl.find(qn("w:tblGrid"))
    assert grid is not None
    for col, width in zip(grid.iterchildren(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(width))
    for tr in tbl.iterchildren(qn("w:tr")):
        for tc, width in zip(tr.iterchildren(qn("w:tc")), widths, strict=False):
            tcw = tc.find(qn("w:tcPr") + "/" + qn("w:tcW"))
            if tcw is not None:
                tcw.set(qn("w:w"), str(width))
                tcw.set(qn("w:type"), "dxa")
