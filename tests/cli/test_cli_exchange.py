"""crmbid-desktop export --sections, import of a returned .docx, and merge from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmbid_desktop.app import main


def test_send_and_take_back_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bid = tmp_path / "bid.crmbid"
    assert main(["new", str(bid)]) == 0
    out = tmp_path / "for partner.docx"
    assert main(["export", str(bid), str(out), "--sections", "2,3"]) == 0
    assert "Wrote 2 section(s) (2, 3)" in capsys.readouterr().out
    returned = tmp_path / "returned.docx"
    out.rename(returned)
    assert main(["import", str(bid), str(returned), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "Section 2 The bidding partnership: unchanged." in text and "Dry run" in text


def test_hostile_docx_is_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bid = tmp_path / "bid.crmbid"
    main(["new", str(bid)])
    fake = tmp_path / "returned.docx"
    fake.write_bytes(b"not a zip")
    assert main(["import", str(bid), str(fake)]) == 1
    assert "returned.docx" in capsys.readouterr().err


def test_merge_refuses_a_non_bid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bid = tmp_path / "bid.crmbid"
    main(["new", str(bid)])
    fake = tmp_path / "copy.crmbid"
    fake.write_bytes(b"PK\x03\x04 not a bid")
    assert main(["merge", str(bid), str(fake)]) == 1
    assert "not a CRM Bid Desktop file" in capsys.readouterr().err
