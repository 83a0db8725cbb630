"""The command line: version, new, check, smoke test, and clear failures on bad files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crmbid_desktop import __version__
from crmbid_desktop.app import main
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.store.schema import SCHEMA_HEAD

ROOT = Path(__file__).resolve().parents[2]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_new_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "Leeds bid.crmbid"
    assert main(["new", str(target)]) == 0
    assert "2 partners, 7 milestones, 13 tasks, 14 sections, 10 criteria" in capsys.readouterr().out
    assert main(["check", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"Schema version: {SCHEMA_HEAD}" in out and "Result: sound" in out


def test_new_blank_has_no_content(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "blank.crmbid"
    assert main(["new", str(target), "--template", "blank"]) == 0
    assert "0 partners, 0 milestones, 0 tasks, 0 sections, 0 criteria" in capsys.readouterr().out


def test_new_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "keep.crmbid"
    target.write_bytes(b"someone's work")
    assert main(["new", str(target)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert target.read_bytes() == b"someone's work"


def test_check_reports_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "proposal.crmbid"
    target.write_bytes(b"PK\x03\x04 not a bid")
    assert main(["check", str(target)]) == 1
    out = capsys.readouterr().out
    assert "Word document" in out and "NOT sound" in out


def test_smoke_test_opens_every_page(app_paths: AppPaths) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "crmbid_desktop", "--smoke-test", "--no-crash-dialog"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    from crmbid_desktop.ui.main_window import PAGES

    assert f"visited {len(PAGES)} pages" in result.stdout
    assert app_paths.default_bid.exists()


def test_gui_refuses_a_file_that_is_not_a_bid(tmp_path: Path) -> None:
    target = tmp_path / "letter.crmbid"
    target.write_text("Dear Julian", encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "crmbid_desktop", str(target), "--smoke-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert target.read_text(encoding="utf-8") == "Dear Julian"
