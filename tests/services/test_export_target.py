"""The Export page's typed "Save as" path: what is accepted, and the message for what is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmbid_desktop.services.word.export_target import ExportTargetError, checked_target


def test_a_typed_path_is_taken_as_the_file_dialog_would(tmp_path: Path) -> None:
    assert checked_target(str(tmp_path / "Draft.docx"), tmp_path) == tmp_path / "Draft.docx"
    # No extension: .docx is added; Explorer's "Copy as path" quotes are dropped.
    assert checked_target(f'  "{tmp_path / "Draft"}" ', tmp_path) == tmp_path / "Draft.docx"
    assert checked_target(str(tmp_path / "A.DOCX"), tmp_path) == tmp_path / "A.DOCX"
    # A bare name is saved beside the bid.
    assert checked_target("Draft for Leeds", tmp_path) == tmp_path / "Draft for Leeds.docx"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "type where to save the document"),
        ("   ", "type where to save the document"),
        ("proposal.pdf", "end the name with .docx"),
        ("what?.docx", "cannot contain ?"),
        ("a|b*.docx", "cannot contain * |"),
        ("missing folder/Draft.docx", "does not exist"),
        (".", "that is a folder"),
    ],
)
def test_a_path_that_cannot_be_saved_to_is_named_with_what_to_change(
    typed: str, says: str, tmp_path: Path
) -> None:
    with pytest.raises(ExportTargetError) as raised:
        checked_target(typed, tmp_path)
    assert says in str(raised.value)
