"""Long file names: a 244-character name exports; a name the disk refuses gets a clear message."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from crmbid_desktop.app import main
from crmbid_desktop.file_paths import WINDOWS_PATH_MAX, long_paths_enabled
from crmbid_desktop.services.bid.atomic_files import PathTooLongError, atomic_write_bytes


@pytest.mark.parametrize("suffix", [".docx", ".xlsx", ".csv", ".ics"])
def test_a_244_character_name_exports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    bid = tmp_path / "bid.crmbid"
    assert main(["new", str(bid)]) == 0
    stem = {".xlsx": "partners", ".csv": "products", ".ics": "timetable"}.get(suffix, "proposal")
    name = (stem + " " + "p" * 244)[: 244 - len(suffix)] + suffix
    assert len(name) == 244
    target = tmp_path / name
    # A proposal with problems is exported only as a draft (preflight refuses a final one).
    draft = ["--draft"] if suffix == ".docx" else []
    if len(str(target)) > WINDOWS_PATH_MAX and sys.platform == "win32" and not long_paths_enabled():
        # Windows without long paths turned on refuses the whole path: a message, nothing written.
        assert main(["export", str(bid), str(target), *draft]) == 1
        assert "characters long" in capsys.readouterr().err
        assert not target.exists()
    else:
        assert main(["export", str(bid), str(target), *draft]) == 0
        assert target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_name_too_long_for_the_disk_gets_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bid = tmp_path / "bid.crmbid"
    assert main(["new", str(bid)]) == 0
    capsys.readouterr()
    target = tmp_path / ("proposal " + "p" * 260 + ".docx")
    assert main(["export", str(bid), str(target), "--draft"]) == 1
    err = capsys.readouterr().err
    assert "characters long" in err and "Choose a shorter name" in err
    assert "Errno" not in err and "Traceback" not in err


def test_atomic_write_refuses_a_long_name_before_touching_the_disk(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(PathTooLongError, match="file name is 300 characters long"):
        atomic_write_bytes(folder / ("x" * 296 + ".csv"), b"data")
    assert list(folder.iterdir()) == []
