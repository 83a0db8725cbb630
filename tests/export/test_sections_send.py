"""The Word file sent to a partner is valid Open XML and carries its hidden identifiers."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from export_helpers import RICH_BODY, _findings

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.exchange.section_exchange import bookmark_name, send_sections
from tests.services.test_section_exchange import _section, _set_body


@pytest.mark.slow
def test_sent_file_is_valid_and_identified(
    workspace: Workspace, tmp_path: Path, audit_baseline: frozenset
) -> None:
    _set_body(workspace, "4", RICH_BODY)
    target = tmp_path / "sections.docx"
    send_sections(workspace, target, ["4", "6"])
    # numId 0 removes a heading style's numbering (ECMA-376 17.9.18: "0 ... shall only be used
    # to designate the removal of numbering properties"); the validator flags it regardless.
    numbering_off = (
        "/word/document.xml",
        "numId",
        "Numbering definition '0' referenced but not found",
    )
    assert _findings(target) - audit_baseline - {numbering_off} == set()
    with zipfile.ZipFile(target) as archive:
        custom = archive.read("docProps/custom.xml").decode()
        body = archive.read("word/document.xml").decode()
    uuid = _section(workspace, "4").uuid
    assert uuid in custom and "crmbid.bid" in custom
    assert f'w:name="{bookmark_name(uuid)}"' in body
    assert len(bookmark_name(uuid)) <= 40
    assert "please keep this grey line" in body and "leave the numbered section headings" in body


def test_cover_sheet_says_what_for_whom_to_whom_and_by_when(
    workspace: Workspace, tmp_path: Path
) -> None:
    from datetime import date

    import docx

    from crmbid_desktop.services.exchange.section_exchange import preview_returned
    from crmbid_desktop.store.models import Task

    with workspace.edit("task") as session:
        section_id = _section(workspace, "3").id
        session.add(
            Task(title="Strategic fit draft", section_id=section_id, due_on=date(2005, 8, 19))
        )
        session.add(Task(title="Later", section_id=section_id, due_on=date(2005, 8, 22)))
    workspace.user = "Jo Bloggs (York)"
    target = tmp_path / "for Leeds.docx"
    send_sections(workspace, target, ["2", "3"], partner="Leeds City Council")
    text = [p.text for p in docx.Document(str(target)).paragraphs]
    assert "For Leeds City Council." in text
    assert "Sections to write or review: 2 The bidding partnership; 3 Strategic fit." in text
    assert "Please send this file back to Jo Bloggs (York) by Fri 19 Aug 2005." in text
    # The partner's name: the returned file's author with the council it was sent to, and
    # never the name of whoever runs the program.
    document = docx.Document(str(target))
    document.core_properties.last_modified_by = "Ann Smith"
    document.save(str(target))
    assert preview_returned(workspace, target).partner_name == "Ann Smith (Leeds City Council)"
    document.core_properties.last_modified_by = "Jo Bloggs (York)"
    document.save(str(target))
    assert preview_returned(workspace, target).partner_name == "Leeds City Council"
