"""The sustainability registers in the Word proposal: tables, heat map picture, placed or appended."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from export_helpers import check_file, document_xml
from sqlalchemy import select

from crmbid_desktop import app, cli
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import budget
from crmbid_desktop.store.models import Section


def _set_budget(workspace: Workspace) -> None:
    budget.set_amount(workspace, "income", "subscriptions", 2005, 1_250_050)  # £12,500.50
    budget.set_amount(workspace, "cost", "hosting", 2005, 400_000)


def _place(workspace: Workspace, title: str, text: str) -> None:
    with workspace.edit("Placed a register") as session:
        section = session.scalars(select(Section).where(Section.title == title)).one()
        section.body = text


def _body_lines(path: Path) -> list[str]:
    """Paragraph texts after the contents, headings marked with '#', tables as '|table|'."""
    import docx

    document = docx.Document(str(path))
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "tbl":
            lines.append("|table|")
        elif tag == "p":
            text = "".join(node.text or "" for node in block.iter() if node.tag.endswith("}t"))
            style = block.pPr.style if block.pPr is not None and block.pPr.style else ""
            lines.append(("# " if style.startswith("Heading") else "") + text)
    return lines[lines.index("# Executive summary") :]


def _media(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return [name for name in archive.namelist() if name.startswith("word/media/")]


def test_registers_print_as_closing_parts_with_the_heat_map(
    workspace: Workspace, tmp_path: Path, audit_baseline: frozenset[tuple[str, str, str]]
) -> None:
    _set_budget(workspace)
    target = tmp_path / "proposal.docx"
    path = str(workspace.path)
    workspace.close()
    code = cli.run(["export", path, str(target), "--draft"], heat_map_renderer=app._render_heat_map)
    assert code == 0
    xml = document_xml(target)
    headings = [line for line in _body_lines(target) if line.startswith("# ")]
    closing = headings[headings.index("# Evaluation criteria") :]
    assert closing[:4] == [
        "# Evaluation criteria",
        "# Products register",
        "# Risk register",
        "# Budget",
    ]
    # Whole pounds (the bid's default), right-aligned; the picture says what it shows.
    assert "Budget line (£)" in xml and "£12,501" in xml and "£12,500.50" not in xml
    assert "Where the risks sit" in xml and 'descr="Heat map of the 3 risks' in xml
    assert len(_media(target)) == 1
    check_file(target, audit_baseline, expect_in_pdf=["Budget", "£12,501", "Subscriptions"])


def test_a_section_can_place_a_register_in_its_text(
    workspace: Workspace, tmp_path: Path, audit_baseline: frozenset[tuple[str, str, str]]
) -> None:
    _set_budget(workspace)
    _place(
        workspace,
        "Business model and funding",
        "Our five-year budget:\n\n[[budget table]]\n\nIt breaks even by 2007/08.",
    )
    target = tmp_path / "placed.docx"
    path = str(workspace.path)
    workspace.close()
    assert cli.run(["export", path, str(target), "--draft"]) == 0
    xml = document_xml(target)
    lines = _body_lines(target)
    start = lines.index("# Business model and funding")
    # No empty paragraph after the table: spacing comes from the styles.
    assert lines[start + 1 : start + 5] == [
        "Our five-year budget:",
        "Table 1: Budget (to the nearest pound)",
        "|table|",
        "It breaks even by 2007/08.",
    ]
    assert "[[budget" not in xml
    assert "# Budget" not in lines  # not printed a second time at the end
    assert _media(target) == []  # no renderer passed: the picture is left out, not an error
    check_file(target, audit_baseline)


def test_an_empty_budget_is_not_printed(workspace: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "empty.docx"
    path = str(workspace.path)
    workspace.close()
    assert cli.run(["export", path, str(target), "--draft"]) == 0
    assert "Budget line" not in document_xml(target)


@pytest.mark.parametrize("line", ["[[Products]]", "  [[ risks register ]]  ", "[[BUDGET]]"])
def test_placeholder_forms(line: str) -> None:
    from crmbid_desktop.services.word.docx_export import REGISTER_PLACEHOLDER

    assert REGISTER_PLACEHOLDER.search(f"Before\n{line}\nAfter")
    assert not REGISTER_PLACEHOLDER.search(f"Inline {line} is text")
