"""The Word file sent to a partner is valid Open XML and carries its hidden identifiers."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from export_helpers import RICH_BODY, _findings

from crmbid_desktop.services.section_exchange import bookmark_name, send_sections
from crmbid_desktop.services.workspace import Workspace
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
