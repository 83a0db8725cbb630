"""`crmbid-desktop clean BID [--output COPY]`: a received bid's foreign objects left out of a copy.

The same service as the GUI's "Open a cleaned copy"; every message names what was removed and
the received file is never changed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crmbid_desktop.app import main
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.store.bidfile import check_bid

EVIL = "CREATE TRIGGER evil AFTER INSERT ON partner BEGIN UPDATE section SET body='owned'; END"


def _sql(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    try:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def _hostile(bid_path: Path) -> bytes:
    _sql(
        bid_path,
        EVIL,
        "CREATE VIEW everything AS SELECT * FROM section",
        "CREATE TABLE stolen (x)",
        "ALTER TABLE section ADD COLUMN payload TEXT",
    )
    return bid_path.read_bytes()


def test_clean_saves_a_copy_beside_naming_each_object_removed(
    bid_path: Path, app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _hostile(bid_path)
    assert main(["check", str(bid_path)]) == 1
    capsys.readouterr()
    assert main(["clean", str(bid_path)]) == 0
    out = capsys.readouterr().out
    copy = bid_path.with_name(f"{bid_path.stem} (cleaned){bid_path.suffix}")
    assert f"Saved a cleaned copy as {copy}" in out
    for removed in (
        "trigger “evil”",
        "view “everything”",
        "a table “stolen”",
        "a column “payload” in “section”",
    ):
        assert f"Removed: {removed}" in out
    assert "itself was not changed" in out
    assert bid_path.read_bytes() == before
    assert check_bid(copy).sound
    # The copy is a working bid without the trigger: adding a partner leaves sections alone.
    from crmbid_desktop.services.bid.bid_files import open_workspace
    from crmbid_desktop.store.models import Partner

    workspace = open_workspace(copy, app_paths)
    try:
        with workspace.edit("add a partner") as session:
            session.add(Partner(name="City of York Council"))
    finally:
        workspace.close()
    connection = sqlite3.connect(copy)
    try:
        owned = connection.execute("SELECT count(*) FROM section WHERE body = 'owned'").fetchone()
    finally:
        connection.close()
    assert owned == (0,)
    # A second clean does not overwrite the first copy: it gets a free name.
    assert main(["clean", str(bid_path)]) == 0
    assert copy.exists() and "(cleaned)" in capsys.readouterr().out


def test_clean_to_a_chosen_output_and_never_over_a_file(
    bid_path: Path, app_paths: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _hostile(bid_path)
    output = tmp_path / "safe" / "York copy.crmbid"
    output.parent.mkdir()
    assert main(["clean", str(bid_path), "--output", str(output)]) == 0
    assert f"Saved a cleaned copy as {output}" in capsys.readouterr().out
    assert check_bid(output).sound
    kept = output.read_bytes()
    assert main(["clean", str(bid_path), "--output", str(output)]) == 1
    err = capsys.readouterr().err
    assert "already exists" in err and "York copy.crmbid" in err and "Traceback" not in err
    assert output.read_bytes() == kept
    assert main(["clean", str(bid_path), "--output", str(bid_path)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert bid_path.read_bytes() == before


def test_clean_of_a_sound_bid_makes_no_copy(
    bid_path: Path, app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(p.name for p in bid_path.parent.iterdir())
    assert main(["clean", str(bid_path)]) == 0
    assert "holds nothing this version does not make" in capsys.readouterr().out
    assert sorted(p.name for p in bid_path.parent.iterdir()) == before


def test_clean_of_a_file_that_is_not_a_bid_is_one_line(
    tmp_path: Path, app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "letter.crmbid"
    target.write_bytes(b"PK\x03\x04 a Word file")
    assert main(["clean", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "letter.crmbid" in err and "Traceback" not in err
