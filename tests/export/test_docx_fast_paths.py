"""The export's fast paths (plain-prose inlines, table cells, paragraphs) write the same XML."""

from __future__ import annotations

import random

from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as hst
from lxml import etree

from crmbid_desktop.services.word.docx_export import _Builder
from crmbid_desktop.services.word.docx_markdown import (
    MarkdownRenderer,
    simple_spans,
)

PROSE = (
    "The council **standard** toolkit and the _guide_ give each partner a\n"
    'roadmap; <u>risk</u> is *owned* ("**named**") by __the board__.\n\n'
    "- **first** item\n  - *second*, nested\n\n"
    "1. **numbered**\n\n"
    "| Product | Decision | Notes |\n|---|:-:|--:|\n| **Portal** | keep | _soon_ |\n"
)

TRICKY = [
    "**bold** at the start",
    "ends in **bold**",
    "**one**\n**two**\nthree",
    "a\n**b**\nc",
    "**a** **b** *c* _d_ <u>e</u>",
    "snake_case_name and 2*3*4",
    "***both*** and **nested *em***",
    "__init__ and _a_b_",
    "**a**b and a**b**",
    "<u>**bold underline**</u> and <U>shout</U>",
    "trailing  \nhard break",
    "a \\*escaped\\* star",
    "[link](http://example.org) and `code` &amp; ![img](x.png)",
    "*(punct)* and **x**.",
    "\u00a0**nbsp**\u00a0",
    "tab\t**x**\tend",
    "**ünïcödé** _日本_",
    "_x_'s and **y**\"",
    "<u>under</u>line",
]

PIECES = [
    "word",
    "b",
    " ",
    "\n",
    "*",
    "**",
    "_",
    "__",
    "<u>",
    "</u>",
    ".",
    "(",
    ")",
    '"',
    "'",
    "é",
    "1",
    "`",
    "&amp;",
    "[",
    "]",
    "\\",
    "  ",
    "\t",
    "-",
    "!",
    "\u00a0",
]


_RENDERERS: dict[bool, tuple[_Builder, MarkdownRenderer]] = {}


def _body_xml(markdown: str, *, fast: bool) -> bytes:
    """The body XML one section renders to; one document per path, emptied after each render."""
    if fast not in _RENDERERS:
        builder = _Builder(None)
        _RENDERERS[fast] = (
            builder,
            MarkdownRenderer(builder.doc, builder.styles, builder.numbering, fast_inline=fast),
        )
    builder, renderer = _RENDERERS[fast]
    renderer.render(markdown)
    body = builder.doc.element.body
    added = list(body)[:-1]  # everything before the final sectPr
    xml = b"".join(etree.tostring(child) for child in added)
    for child in added:
        body.remove(child)
    return xml


def _same(markdown: str) -> None:
    assert _body_xml(markdown, fast=True) == _body_xml(markdown, fast=False), repr(markdown)


def test_prose_takes_the_fast_path_and_renders_as_markdown_it_does() -> None:
    assert simple_spans("council **standard** toolkit _guide_ <u>risk</u>.") == [
        ("council ", False, False, False),
        ("standard", True, False, False),
        (" toolkit ", False, False, False),
        ("guide", False, True, False),
        (" ", False, False, False),
        ("risk", False, False, True),
        (".", False, False, False),
    ]
    _same(PROSE)


def test_anything_unusual_falls_back_to_markdown_it() -> None:
    for text in ("a [link](x)", "`code`", "a\\*b", "snake_case", "**a*", "trailing  \nx"):
        assert simple_spans(text) is None, text
    for text in TRICKY:
        _same(text)
        _same(f"- {text}")
        _same(f"| h |\n|---|\n| {text.replace(chr(10), ' ')} |")


@settings(max_examples=250, deadline=None)
@given(hst.lists(hst.sampled_from(PIECES), max_size=14).map("".join))
def test_generated_inlines_render_identically(text: str) -> None:
    _same(text)


def test_bench_like_sections_render_identically() -> None:
    rng = random.Random(7)
    words = ["council", "**standard**", "_guide_", "<u>risk</u>", "*plan*", "budget."]
    body = "\n\n".join(
        " ".join(rng.choice(words) for _ in range(30))
        + "\n"
        + " ".join(rng.choice(words) for _ in range(5))
        for _ in range(20)
    )
    _same(body)


def test_fast_table_cells_read_back_through_python_docx() -> None:
    from docx.table import Table

    header = ["Date", "Milestone or task", "Owner"]
    rows = [[f"Fri {i} Aug 2005", f"Task {i}\twith a tab", " Council "] for i in range(40)]
    fast = _Builder(None)
    fast.table("Timetable", header, rows)
    tables = fast.doc.element.body.findall(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tbl"
    )
    assert len(tables) == 1
    table = Table(tables[0], fast.doc._body)
    assert [[cell.text for cell in row.cells] for row in table.rows] == [header, *rows]
    grid = [col.w for col in tables[0].tblGrid.gridCol_lst]
    assert sum(grid) == fast.doc._block_width
    for row in table.rows:
        assert [cell.width for cell in row.cells] == grid
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
