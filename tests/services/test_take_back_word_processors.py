"""Sent sections re-saved and edited by the word processors partners use, then taken back.

Real LibreOffice (re-save as .docx, via .odt, and edits made through UNO with python3-uno) and
real pandoc. Each file must come back as exactly the edits made and nothing else.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
import pytest

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.exchange.section_exchange import (
    TakeBackPreview,
    apply_returned,
    preview_returned,
    send_sections,
)
from tests.services.test_section_exchange import _section, _set_body

LO_EDIT = Path(__file__).resolve().parents[1] / "helpers" / "lo_edit.py"
SYSTEM_PYTHON = "/usr/bin/python3"

BODIES = {
    "1": (
        "The partnership brings **seven** councils together.\n\n"
        "2005\\. was the year the Academy's products needed a new home.\n\n"
        "1\\. is not a list here, and neither is \\- this.\n\n"
        "1. First step\n2. Second step\n   - nested a\n   - nested b\n3. Third step\n\n"
        "Text with CRM\\_NP, 3 \\* £1,200 and e\u2011government."
    ),
    "2": (
        "| Council | Role |\n|---|---|\n| Leeds | Lead |\n| Newham | Supporting |\n\n"
        "See [the Academy](https://example.org/crm) for *more* detail."
    ),
    "3": "- one\n- two\n\nA closing <u>underlined</u> paragraph.",
}


def soffice(*args: str, cwd: Path) -> None:
    """Run LibreOffice headless with a profile of its own, as the tests' rules ask."""
    binary = shutil.which("soffice")
    assert binary is not None, "LibreOffice (soffice) is needed; CI installs it"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [binary, f"-env:UserInstallation=file://{profile}", "--headless", *args],
            cwd=cwd,
            check=True,
            capture_output=True,
            timeout=180,
        )


def libreoffice_resave(source: Path, *, via_odt: bool) -> Path:
    """Open `source` in LibreOffice and save it as Word again (through .odt when asked)."""
    work = source.parent / ("lo-odt" if via_odt else "lo-docx")
    work.mkdir()
    if via_odt:
        soffice("--convert-to", "odt", "--outdir", str(work), str(source), cwd=work)
        odt = work / (source.stem + ".odt")
        out = work / "docx"
        out.mkdir()
        soffice("--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(odt), cwd=out)
        return out / (source.stem + ".docx")
    soffice("--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work), str(source), cwd=work)
    return work / source.name


def libreoffice_edit(source: Path, edits: list[dict[str, object]], *, via_odt: bool) -> Path:
    """Edit `source` in LibreOffice Writer through UNO (a separate system Python process)."""
    assert Path(SYSTEM_PYTHON).exists()
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True)
    assert probe.returncode == 0, "python3-uno is needed; CI installs it"
    copy = source.parent / f"to-edit-{'odt' if via_odt else 'docx'}.docx"
    shutil.copy(source, copy)
    plan = source.parent / "edits.json"
    plan.write_text(json.dumps(edits))
    target = source.parent / f"edited-{'odt' if via_odt else 'docx'}.docx"
    args = [SYSTEM_PYTHON, str(LO_EDIT), str(copy), str(target), str(plan)]
    subprocess.run(
        [*args, *(["--via-odt"] if via_odt else [])],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return target


@pytest.fixture
def sent(workspace: Workspace, tmp_path: Path) -> Path:
    for number, body in BODIES.items():
        _set_body(workspace, number, body)
    target = tmp_path / "sent.docx"
    send_sections(workspace, target, ["1", "2", "3"], partner="Leeds City Council")
    return target


def _assert_no_change(preview: TakeBackPreview) -> None:
    assert [c.number for c in preview.changes] == ["1", "2", "3"]
    for change in preview.changes:
        assert not change.changed("accept"), (change.number, change.returned.accepted)
        assert change.warnings("accept") == []
        assert "End of section" not in change.returned.accepted
        assert "\\2005" not in change.returned.accepted
        assert "**Council**" not in change.returned.accepted


@pytest.mark.slow
@pytest.mark.parametrize("via_odt", [False, True], ids=["docx", "via-odt"])
def test_libreoffice_resave_is_no_change(workspace: Workspace, sent: Path, via_odt: bool) -> None:
    # A comment as Word writes it; LibreOffice must carry it through its own save.
    document = docx.Document(str(sent))
    target = next(p for p in document.paragraphs if p.text.startswith("A closing"))
    document.add_comment(target.runs[0], text="Is this still true?", author="Ann Partner")
    document.save(str(sent))
    returned = libreoffice_resave(sent, via_odt=via_odt)
    preview = preview_returned(workspace, returned)
    _assert_no_change(preview)
    assert [c.text for c in preview.changes[2].comments] == ["Is this still true?"]
    assert preview.missing == []
    # Each section found once, by its marker and heading; LibreOffice's repeated bookmark on the
    # "End of section" line never makes a second, empty section.
    assert {c.matched_by for c in preview.changes} == {"hidden marker and heading"}


@pytest.mark.slow
def test_pandoc_resave_is_no_change_and_found_by_headings(
    workspace: Workspace, sent: Path, tmp_path: Path
) -> None:
    pandoc = shutil.which("pandoc")
    assert pandoc is not None, "pandoc is needed; CI installs it"
    returned = tmp_path / "pandoc.docx"
    subprocess.run([pandoc, str(sent), "-o", str(returned)], check=True, timeout=120)
    preview = preview_returned(workspace, returned)
    _assert_no_change(preview)
    assert {c.matched_by for c in preview.changes} == {"heading"}
    assert any("lost the hidden markers" in note for note in preview.notes)


@pytest.mark.slow
@pytest.mark.parametrize("via_odt", [False, True], ids=["docx", "via-odt"])
def test_libreoffice_edits_come_back_exactly(
    workspace: Workspace, sent: Path, via_odt: bool
) -> None:
    edits: list[dict[str, object]] = [
        {"op": "replace", "find": "seven", "with": "eight", "tracked": True},
        {"op": "append_after", "find": "A closing", "text": "Added in LibreOffice by Ann."},
        {"op": "delete_paragraph", "find": "Text with CRM"},
    ]
    returned = libreoffice_edit(sent, edits, via_odt=via_odt)
    preview = preview_returned(workspace, returned)
    by_number = {c.number: c for c in preview.changes}
    assert list(by_number) == ["1", "2", "3"]
    one, two, three = by_number["1"], by_number["2"], by_number["3"]
    expected_one = BODIES["1"].replace("**seven**", "**eight**").rsplit("\n\nText with", 1)[0]
    assert one.text("accept") == expected_one
    assert one.returned.has_tracked_changes
    assert one.text("reject") == BODIES["1"].rsplit("\n\nText with", 1)[0]
    assert not two.changed("accept")
    assert three.text("accept") == BODIES["3"] + "\n\nAdded in LibreOffice by Ann."
    lines = apply_returned(workspace, preview, [one.section_uuid, three.section_uuid])
    assert any("Section 1" in line for line in lines)
    assert _section(workspace, "1").body == expected_one
    assert _section(workspace, "2").body == BODIES["2"]
    assert _section(workspace, "3").body == BODIES["3"] + "\n\nAdded in LibreOffice by Ann."


@pytest.mark.slow
def test_cli_import_of_a_libreoffice_resave_changes_nothing(
    workspace: Workspace, sent: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from crmbid_desktop.services import formats

    returned = libreoffice_resave(sent, via_odt=True)
    report = formats.import_file(workspace, returned, formats.ImportOptions())
    text = "\n".join(report.lines)
    for number, title in (("1", "Executive summary"), ("2", "The bidding partnership")):
        assert f"Section {number} {title}: unchanged." in text
    assert "replaced" not in text and "warning" not in text
    for number, body in BODIES.items():
        assert _section(workspace, number).body == body


@pytest.mark.slow
def test_take_back_window_shows_how_a_pandoc_file_was_matched(
    qtbot: object, workspace: Workspace, sent: Path, tmp_path: Path
) -> None:
    from crmbid_desktop.ui.exchange.take_back_dialog import TakeBackDialog

    pandoc = shutil.which("pandoc")
    assert pandoc is not None, "pandoc is needed; CI installs it"
    returned = tmp_path / "pandoc.docx"
    subprocess.run([pandoc, str(sent), "-o", str(returned)], check=True, timeout=120)
    dialog = TakeBackDialog(workspace, preview_returned(workspace, returned))
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.show()
    assert dialog.notes.isVisibleTo(dialog) and "lost the hidden markers" in dialog.notes.text()
    first = dialog.sections.item(0).text()
    assert "unchanged" in first and "found by heading" in first
    assert "Found in the file by its heading." in dialog.note.text()
    assert dialog.accepted_uuids() == []  # nothing changed, nothing ticked
