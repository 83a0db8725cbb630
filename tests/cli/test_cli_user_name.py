"""The command line signs imports and merges with the user's name from Settings, not the login."""

from __future__ import annotations

import getpass
from pathlib import Path

from docx import Document
from sqlalchemy import select

from crmbid_desktop import settings as user_settings
from crmbid_desktop.app import main
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.exchange.bid_merge import save_partner_copy
from crmbid_desktop.store.models import ChangeLogEntry, Section, SectionVersion

SIGNED = "Jo Smith (London Borough of Newham)"


def _name_the_user(paths: AppPaths) -> None:
    user_settings.save(
        paths.config_dir,
        user_settings.Settings(user_name="Jo Smith", council="London Borough of Newham"),
    )


def _who(bid: Path, paths: AppPaths) -> list[str]:
    workspace = open_workspace(bid, paths)
    try:
        with workspace.reading() as session:
            return list(session.scalars(select(ChangeLogEntry.who).order_by(ChangeLogEntry.id)))
    finally:
        workspace.close()


def test_an_import_is_signed_with_the_settings_name(app_paths: AppPaths, tmp_path: Path) -> None:
    _name_the_user(app_paths)
    bid = tmp_path / "bid.crmbid"
    assert main(["new", str(bid)]) == 0
    workspace = open_workspace(bid, app_paths)
    try:
        with workspace.edit("first words") as session:
            section = session.scalars(select(Section).where(Section.position == 1)).first()
            assert section is not None and section.parent_id is None
            section.body = "The partnership has four councils."
    finally:
        workspace.close()
    before = len(_who(bid, app_paths))
    sent = tmp_path / "returned.docx"
    assert main(["export", str(bid), str(sent), "--sections", "2"]) == 0
    document = Document(str(sent))
    paragraph = next(p for p in document.paragraphs if "The partnership has" in p.text)
    paragraph.add_run(" Leeds joins as lead.")
    document.save(str(sent))
    assert main(["import", str(bid), str(sent)]) == 0
    who = _who(bid, app_paths)[before:]
    assert who and set(who) == {SIGNED}
    workspace = open_workspace(bid, app_paths)
    try:
        with workspace.reading() as session:
            saved_by = set(session.scalars(select(SectionVersion.saved_by)))
    finally:
        workspace.close()
    assert SIGNED in saved_by and getpass.getuser() not in saved_by


def test_a_merge_is_signed_with_the_settings_name(app_paths: AppPaths, tmp_path: Path) -> None:
    _name_the_user(app_paths)
    bid = tmp_path / "bid.crmbid"
    assert main(["new", str(bid)]) == 0
    ours = open_workspace(bid, app_paths)
    copy = tmp_path / "partner copy.crmbid"
    try:
        save_partner_copy(ours, copy, "Ann at York")
    finally:
        ours.close()
    theirs = open_workspace(copy, app_paths)
    try:
        with theirs.edit("York's words") as session:
            section = session.scalars(select(Section).order_by(Section.id)).first()
            assert section is not None
            section.body = "York will host the product workshops."
    finally:
        theirs.close()
    before = len(_who(bid, app_paths))
    assert main(["merge", str(bid), str(copy)]) == 0
    who = _who(bid, app_paths)[before:]
    assert who and set(who) == {SIGNED}


def test_without_a_name_the_command_line_signs_unnamed_user(
    app_paths: AppPaths, tmp_path: Path
) -> None:
    bid = tmp_path / "bid.crmbid"
    assert main(["new", str(bid)]) == 0
    ours = open_workspace(bid, app_paths)
    copy = tmp_path / "copy.crmbid"
    try:
        save_partner_copy(ours, copy, "Ann at York")
    finally:
        ours.close()
    theirs = open_workspace(copy, app_paths)
    try:
        with theirs.edit("words") as session:
            section = session.scalars(select(Section).order_by(Section.id)).first()
            assert section is not None
            section.body = "Some words."
    finally:
        theirs.close()
    before = len(_who(bid, app_paths))
    assert main(["merge", str(bid), str(copy)]) == 0
    assert set(_who(bid, app_paths)[before:]) == {user_settings.UNNAMED}
