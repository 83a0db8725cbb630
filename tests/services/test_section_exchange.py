"""Sending sections to a partner as Word, a partner editing them in Word, and taking them back."""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from sqlalchemy import select

from crmbid_desktop.services import formats
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.exchange.section_exchange import (
    ReturnedFileError,
    SectionSelectionError,
    apply_returned,
    preview_returned,
    send_sections,
    word_diff,
)
from crmbid_desktop.services.word.docx_safety import UnsafeDocumentError, open_package
from crmbid_desktop.store.models import ChangeLogEntry, Comment, Section

BODY = """The partnership brings **seven** councils together.

It has a plan for *every* product.

Old paragraph to delete."""


def _remove(element: Any) -> None:
    parent = element.getparent()
    assert parent is not None
    parent.remove(element)


def _section(workspace: Workspace, number: str) -> Section:
    from crmbid_desktop.services.bid.queries import section_rows

    with workspace.reading() as session:
        row = next(r for r in section_rows(session) if r.number == number)
        return session.get_one(Section, row.id)


def _set_body(workspace: Workspace, number: str, body: str) -> None:
    uuid = _section(workspace, number).uuid
    with workspace.edit("set body") as session:
        session.scalars(select(Section).where(Section.uuid == uuid)).one().body = body


def _paragraph_after(paragraph: Any, text: str, style: str | None) -> Any:
    new = parse_xml(f"<w:p {nsdecls('w')}/>")
    paragraph._p.addnext(new)
    from docx.text.paragraph import Paragraph

    made = Paragraph(new, paragraph._parent)  # type: ignore[arg-type]  # a w:p, so a CT_P
    if style:
        made.style = style
    made.add_run(text)
    return made


def _partner_edits(path: Path) -> None:
    """What a partner might do in Word, done with python-docx."""
    document = docx.Document(str(path))
    paragraphs = document.paragraphs
    first = next(p for p in paragraphs if p.text.startswith("The partnership"))
    second = next(p for p in paragraphs if p.text.startswith("It has a plan"))
    doomed = next(p for p in paragraphs if p.text.startswith("Old paragraph"))
    # Reformat: make "plan" underlined by splitting the runs.
    for run in list(second.runs):
        _remove(run._r)
    second.add_run("It has a ")
    second.add_run("plan").underline = True
    second.add_run(" for ")
    second.add_run("every").italic = True
    second.add_run(" product.")
    # Delete a paragraph, insert a new one with a list and a table after it.
    anchor = _paragraph_after(first, "Leeds joined in August.", None)
    item2 = _paragraph_after(anchor, "Second point", "List Bullet")
    _paragraph_after(anchor, "First point", "List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Council", "Role"
    table.cell(1, 0).text, table.cell(1, 1).text = "Leeds", "Lead"
    item2._p.addnext(table._tbl)
    _remove(doomed._p)
    # A tracked insertion and a tracked deletion in the first paragraph.
    first._p.append(
        parse_xml(
            f'<w:ins {nsdecls("w")} w:id="901" w:author="Ann Partner" w:date="2005-08-01T10:00:00Z">'
            '<w:r><w:t xml:space="preserve"> Tracked addition.</w:t></w:r></w:ins>'
        )
    )
    first._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="902" w:author="Ann Partner" w:date="2005-08-01T10:00:00Z">'
            '<w:r><w:delText xml:space="preserve"> Tracked removal.</w:delText></w:r></w:del>'
        )
    )
    document.add_comment(first.runs[0], text="Please check the council count.", author="Ann")
    document.core_properties.last_modified_by = "Ann Partner"
    document.save(str(path))


def test_partner_round_trip(workspace: Workspace, tmp_path: Path) -> None:
    _set_body(workspace, "2", BODY)
    sent = tmp_path / "sections.docx"
    send_sections(workspace, sent, ["2", "3"])
    untouched = preview_returned(workspace, sent)
    assert [c.number for c in untouched.changes] == ["2", "3"]
    assert not any(c.changed("accept") for c in untouched.changes)

    _partner_edits(sent)
    preview = preview_returned(workspace, sent)
    change = next(c for c in preview.changes if c.number == "2")
    assert preview.partner_name == "Ann Partner"
    assert change.returned.insertions == 1 and change.returned.deletions == 1
    accepted = change.text("accept")
    assert "Tracked addition." in accepted and "Tracked removal." not in accepted
    rejected = change.text("reject")
    assert "Tracked removal." in rejected and "Tracked addition." not in rejected
    assert "**seven**" in accepted
    assert "It has a <u>plan</u> for *every* product." in accepted
    assert "Leeds joined in August.\n\n- First point\n- Second point" in accepted
    assert "| Council | Role |\n|---|---|\n| Leeds | Lead |" in accepted
    assert "Old paragraph" not in accepted
    assert [(c.author, c.text) for c in change.comments] == [
        ("Ann", "Please check the council count.")
    ]
    assert _section(workspace, "2").body == BODY  # nothing reaches the bid before confirming

    lines = apply_returned(workspace, preview, [change.section_uuid], partner_name="Ann Partner")
    assert any("replaced" in line for line in lines)
    section = _section(workspace, "2")
    assert section.body == accepted
    with workspace.reading() as session:
        comments = session.scalars(select(Comment).where(Comment.section_id == section.id)).all()
        assert [c.text for c in comments] == ["Please check the council count."]
        log = session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.id.desc())).first()
        assert log is not None and "Ann Partner" in log.summary


def test_rejected_section_keeps_text(workspace: Workspace, tmp_path: Path) -> None:
    _set_body(workspace, "2", BODY)
    sent = tmp_path / "sections.docx"
    send_sections(workspace, sent, ["2"])
    _partner_edits(sent)
    preview = preview_returned(workspace, sent)
    assert apply_returned(workspace, preview, []) == [
        "Nothing accepted, so the bid was not changed."
    ]
    assert _section(workspace, "2").body == BODY


def test_any_docx_into_chosen_section(workspace: Workspace, tmp_path: Path) -> None:
    other = tmp_path / "notes.docx"
    document = docx.Document()
    document.add_heading("Approach", level=1)
    paragraph = document.add_paragraph("Plain ")
    paragraph.add_run("bold").bold = True
    document.save(str(other))
    with pytest.raises(ReturnedFileError, match="into-section"):
        preview_returned(workspace, other)
    preview = preview_returned(workspace, other, into_section="4")
    assert preview.changes[0].text("accept") == "# Approach\n\nPlain **bold**"


def test_cli_style_import_dry_run_and_apply(workspace: Workspace, tmp_path: Path) -> None:
    _set_body(workspace, "2", BODY)
    sent = tmp_path / "sections.docx"
    result = formats.export(workspace, sent, formats.ExportOptions(sections=("2",)))
    assert "1 section" in result.summary
    _partner_edits(sent)
    returned = tmp_path / "returned.docx"
    sent.rename(returned)
    report = formats.import_file(workspace, returned, formats.ImportOptions(dry_run=True))
    text = "\n".join(report.lines)
    assert "(1 insertion, 1 deletion) accepted" in text and "Dry run" in text
    # The changed lines as diff -U0 hunks (diff-match-patch with a deadline, not difflib).
    assert any(line.startswith("    @@ -") for line in report.lines)
    assert any(line.startswith("    +") and "Leeds joined" in line for line in report.lines)
    assert _section(workspace, "2").body == BODY
    formats.import_file(workspace, returned, formats.ImportOptions())
    assert "Leeds joined in August." in _section(workspace, "2").body


def test_unknown_section_number_is_named(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(SectionSelectionError, match="no section 99"):
        send_sections(workspace, tmp_path / "x.docx", ["99"])


def test_word_diff_marks_insertions_and_deletions() -> None:
    pieces = word_diff("the old text", "the new text")
    assert ("delete", "old") in pieces and ("insert", "new") in pieces


# ----- hostile files ------------------------------------------------------------------------


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_zip_bomb_refused_quickly_with_bounded_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    # 200 MB of zeros compresses to ~200 KB; build it in chunks to keep the test light.
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/document.xml", "w", force_zip64=True) as handle,
    ):
        chunk = b"\0" * (1024 * 1024)
        for _ in range(200):
            handle.write(chunk)
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(UnsafeDocumentError, match="100 MB"):
        open_package(bomb)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0 and peak < 5 * 1024 * 1024


def test_high_ratio_part_refused(tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "ratio.docx", {"word/document.xml": b" " * (20 * 1024 * 1024)})
    with pytest.raises(UnsafeDocumentError, match="compressed suspiciously"):
        open_package(bomb)


def test_entity_expansion_refused(tmp_path: Path) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
    )
    # Refused as the package is opened, before any part is parsed.
    with pytest.raises(UnsafeDocumentError, match="entities"):
        open_package(_zip(tmp_path / "lol.docx", {"word/document.xml": laughs}))


def test_external_entity_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    with pytest.raises(UnsafeDocumentError, match="DOCTYPE"):
        open_package(_zip(tmp_path / "xxe.docx", {"word/document.xml": xxe}))


def test_path_traversal_names_never_written(workspace: Workspace, tmp_path: Path) -> None:
    minimal = (
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>"
    )
    hostile = _zip(
        tmp_path / "evil.docx",
        {"word/document.xml": minimal, "../../escaped.txt": b"x", "/abs/escaped.txt": b"x"},
    )
    before = set(tmp_path.rglob("*"))
    preview = preview_returned(workspace, hostile, into_section="1")
    assert preview.changes[0].text("accept") == "Hello"
    assert set(tmp_path.rglob("*")) == before
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_not_a_zip_is_named(tmp_path: Path) -> None:
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"hello")
    with pytest.raises(UnsafeDocumentError, match="not a Word"):
        open_package(fake)


def test_loose_list_word_cannot_keep_is_not_a_change() -> None:
    from crmbid_desktop.services.exchange.markdown_compare import same_text

    assert same_text("- a\n- b\n\n- c", "- a\n- b\n- c")
    assert not same_text("one\n\ntwo", "one\ntwo")
