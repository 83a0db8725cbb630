"""Take-back when the markers are repeated, lost or moved, when text is emptied or content is lost,
and when the bid changed after the sections were sent (three-way take-back)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from crmbid_desktop.app import main
from crmbid_desktop.services import formats
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.exchange.section_exchange import (
    apply_returned,
    preview_returned,
    send_sections,
)
from tests.services.test_section_exchange import _section, _set_body

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}

BODIES = {
    "1": "Leeds leads the bid.\n\nNewham supports it with staff.\n\nThe Academy stays online.",
    "2": "The partnership has seven councils and a clear plan for each of the 41 products.",
    "3": "Strategic fit with the efficiency agenda is strong across all partner councils here.",
}


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    assert parent is not None
    parent.remove(element)


def _rewrite(
    path: Path, change: Callable[[etree._Element], None], *, drop_props: bool = False
) -> None:
    """Edit word/document.xml of `path` in place (and drop its custom properties if asked)."""
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            if info.filename == "word/document.xml":
                root = etree.fromstring(data)
                change(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            if drop_props and info.filename == "docProps/custom.xml":
                continue
            target.writestr(info.filename, data)


def _paragraph(root: etree._Element, starts: str) -> etree._Element:
    for p in root.iter(f"{W}p"):
        if "".join(t.text or "" for t in p.iter(f"{W}t")).startswith(starts):
            return p
    raise AssertionError(f"no paragraph starting {starts!r}")


def _drop_bookmarks(root: etree._Element) -> None:
    for mark in list(root.iter(f"{W}bookmarkStart", f"{W}bookmarkEnd")):
        _remove(mark)


def _set_text(p: etree._Element, text: str) -> None:
    runs = p.findall(f"{W}r")
    for run in runs[1:]:
        p.remove(run)
    first = runs[0].find(f"{W}t")
    assert first is not None
    first.text = text


@pytest.fixture
def sent(workspace: Workspace, tmp_path: Path) -> Path:
    for number, body in BODIES.items():
        _set_body(workspace, number, body)
    target = tmp_path / "sent.docx"
    send_sections(workspace, target, ["1", "2", "3"])
    return target


def test_repeated_and_orphaned_markers_never_make_a_section(
    workspace: Workspace, sent: Path
) -> None:
    def change(root: etree._Element) -> None:
        heading = _paragraph(root, "1 Executive summary")
        # The heading of section 1, bookmark and all, pasted again into section 3's text, and
        # a bookmark of ours that names no section.
        copy = etree.fromstring(etree.tostring(heading))
        _paragraph(root, "Strategic fit with").addnext(copy)
        stray = etree.SubElement(_paragraph(root, "Leeds leads"), f"{W}bookmarkStart")
        stray.set(f"{W}id", "77")
        stray.set(f"{W}name", "crmbid_00000000000000000000000000000000")

    _rewrite(sent, change)
    preview = preview_returned(workspace, sent)
    assert [c.number for c in preview.changes] == ["1", "2", "3"]
    assert len({c.section_uuid for c in preview.changes}) == 3
    one = preview.changes[0]
    assert not one.changed("accept")  # section 1 is found once, at its first heading


def test_deleted_end_line_is_never_absorbed(workspace: Workspace, sent: Path) -> None:
    def change(root: etree._Element) -> None:
        end = _paragraph(root, "End of section 1")
        _remove(end)

    _rewrite(sent, change)
    preview = preview_returned(workspace, sent)
    assert all(not c.changed("accept") for c in preview.changes)
    assert all("End of section" not in c.returned.accepted for c in preview.changes)


def test_markers_gone_retitled_heading_found_by_number(workspace: Workspace, sent: Path) -> None:
    def change(root: etree._Element) -> None:
        _drop_bookmarks(root)
        _set_text(_paragraph(root, "2 The bidding partnership"), "2 Our partnership")
        _set_text(_paragraph(root, "The partnership has"), "The partnership has eight councils.")

    _rewrite(sent, change, drop_props=True)
    preview = preview_returned(workspace, sent)
    by_number = {c.number: c for c in preview.changes}
    assert by_number["2"].matched_by == "section number in a heading"
    assert by_number["2"].text("accept") == "The partnership has eight councils."
    assert not by_number["1"].changed("accept") and not by_number["3"].changed("accept")
    assert preview.notes  # the user is told the markers were lost


def test_heading_gone_found_by_its_text(workspace: Workspace, sent: Path) -> None:
    def change(root: etree._Element) -> None:
        heading = _paragraph(root, "3 Strategic fit")
        _remove(heading)
        _set_text(
            _paragraph(root, "Strategic fit with"),
            "Strategic fit with the efficiency agenda is strong across all partner councils now.",
        )

    _rewrite(sent, change)
    preview = preview_returned(workspace, sent)
    three = next(c for c in preview.changes if c.number == "3")
    assert three.matched_by.startswith("text ") and "like what was sent" in three.matched_by
    assert three.text("accept").endswith("councils now.")
    assert not next(c for c in preview.changes if c.number == "2").changed("accept")


def test_emptied_section_is_flagged_and_not_taken(
    workspace: Workspace, sent: Path, tmp_path: Path
) -> None:
    def change(root: etree._Element) -> None:
        for start in ("Leeds leads", "Newham supports", "The Academy stays"):
            p = _paragraph(root, start)
            _remove(p)

    _rewrite(sent, change)
    preview = preview_returned(workspace, sent)
    one = preview.changes[0]
    assert one.warnings("accept") == ["came back empty"]
    assert not one.ticked_by_default("accept")
    report = formats.import_file(workspace, sent, formats.ImportOptions())
    assert any("came back empty" in line for line in report.lines)
    assert _section(workspace, "1").body == BODIES["1"]


def test_lost_content_is_listed_and_symbols_kept(workspace: Workspace, sent: Path) -> None:
    def change(root: etree._Element) -> None:
        p = _paragraph(root, "Leeds leads")
        run = etree.SubElement(p, f"{W}r")
        etree.SubElement(run, f"{W}t").text = " e"
        etree.SubElement(run, f"{W}noBreakHyphen")
        etree.SubElement(run, f"{W}t").text = "government "
        sym = etree.SubElement(run, f"{W}sym")
        sym.set(f"{W}font", "Wingdings")
        sym.set(f"{W}char", "F0FC")
        etree.SubElement(etree.SubElement(p, f"{W}r"), f"{W}drawing")
        etree.SubElement(etree.SubElement(p, f"{W}r"), f"{W}drawing")
        note = etree.SubElement(etree.SubElement(p, f"{W}r"), f"{W}footnoteReference")
        note.set(f"{W}id", "1")

    _rewrite(sent, change)
    one = preview_returned(workspace, sent).changes[0]
    assert one.text("accept").startswith("Leeds leads the bid. e\u2011government ✓")
    assert one.warnings("accept") == ["2 pictures and 1 footnote in the file were not taken in"]
    assert one.ticked_by_default("accept")  # listed, but the text itself is whole


def test_main_part_named_by_relationships(workspace: Workspace, sent: Path) -> None:
    with zipfile.ZipFile(sent) as source:
        items = {info.filename: source.read(info) for info in source.infolist()}
    renamed = {}
    for name, data in items.items():
        if name == "word/document.xml":
            name = "word/main-text.xml"
        elif name == "word/_rels/document.xml.rels":
            name = "word/_rels/main-text.xml.rels"
        elif name in ("_rels/.rels", "[Content_Types].xml"):
            data = data.replace(b"word/document.xml", b"word/main-text.xml")
        renamed[name] = data
    with zipfile.ZipFile(sent, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in renamed.items():
            target.writestr(name, data)
    preview = preview_returned(workspace, sent)
    assert [c.number for c in preview.changes] == ["1", "2", "3"]
    assert not any(c.changed("accept") for c in preview.changes)


def test_cli_rejects_tracked_changes_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bid = tmp_path / "bid.crmbid"
    assert main(["new", str(bid)]) == 0
    from crmbid_desktop.paths import AppPaths
    from crmbid_desktop.services.bid.bid_files import open_workspace

    workspace = open_workspace(bid, AppPaths.for_user().ensure())
    try:
        _set_body(workspace, "2", BODIES["2"])
    finally:
        workspace.close()
    sent = tmp_path / "returned.docx"
    assert main(["export", str(bid), str(sent), "--sections", "2", "--partner", "Leeds"]) == 0

    def change(root: etree._Element) -> None:
        p = _paragraph(root, "The partnership has")
        inserted = etree.SubElement(p, f"{W}ins")
        inserted.set(f"{W}id", "5")
        inserted.set(f"{W}author", "Ann")
        etree.SubElement(etree.SubElement(inserted, f"{W}r"), f"{W}t").text = " Tracked words."

    _rewrite(sent, change)
    capsys.readouterr()
    assert main(["import", str(bid), str(sent), "--reject-tracked"]) == 0
    out = capsys.readouterr().out
    assert "(1 insertion, 0 deletions) rejected" in out and "unchanged" in out
    assert main(["import", str(bid), str(sent), "--accept-tracked"]) == 0
    workspace = open_workspace(bid, AppPaths.for_user().ensure())
    try:
        assert _section(workspace, "2").body.endswith("Tracked words.")
    finally:
        workspace.close()


# ----- three-way take-back --------------------------------------------------------------------


def _partner_changes(sent: Path, old: str, new: str) -> None:
    def change(root: etree._Element) -> None:
        _set_text(_paragraph(root, old), new)

    _rewrite(sent, change)


def test_bid_changes_after_sending_are_kept(workspace: Workspace, sent: Path) -> None:
    # The team edits paragraph 3 after sending; the partner edits paragraph 1.
    _set_body(workspace, "1", BODIES["1"].replace("stays online", "stays online for all"))
    _partner_changes(sent, "Leeds leads", "Leeds leads the joint bid.")
    one = preview_returned(workspace, sent).changes[0]
    assert one.changed_in_bid_since_sent and one.sent == BODIES["1"]
    assert one.conflicts("accept") == 0
    expected = (
        "Leeds leads the joint bid.\n\nNewham supports it with staff.\n\n"
        "The Academy stays online for all."
    )
    assert one.text("accept") == expected
    assert one.ticked_by_default("accept")
    apply_returned(workspace, preview_returned(workspace, sent), [one.section_uuid])
    assert _section(workspace, "1").body == expected


def test_overlapping_changes_are_a_conflict_never_overwritten(
    workspace: Workspace, sent: Path
) -> None:
    later = BODIES["1"].replace("Leeds leads the bid.", "Leeds leads the bid team.")
    _set_body(workspace, "1", later)
    _partner_changes(sent, "Leeds leads", "Leeds City Council leads the bid.")
    preview = preview_returned(workspace, sent)
    one = preview.changes[0]
    assert one.conflicts("accept") == 1
    assert not one.ticked_by_default("accept")
    lines = apply_returned(workspace, preview, [one.section_uuid])
    assert any("not settled" in line for line in lines)
    assert _section(workspace, "1").body == later  # the team's later work is untouched
    merged = one.merged("accept")
    assert merged is not None
    one.settled = merged.text("both")
    apply_returned(workspace, preview, [one.section_uuid])
    body = _section(workspace, "1").body
    assert "Leeds leads the bid team." in body and "Leeds City Council leads the bid." in body
    assert "<<<<<<<" not in body and "=======" not in body
    assert re.search(r"Newham supports it with staff\.", body)
