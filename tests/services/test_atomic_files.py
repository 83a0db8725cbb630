"""Exports are written all or nothing, readable like any saved file, and say when Word holds them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from crmbid_desktop.services.bid.atomic_files import TargetLockedError, atomic_write_bytes


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_written_files_get_ordinary_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = atomic_write_bytes(tmp_path / "budget.xlsx", b"data")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_locked_target_is_named_and_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "partners.xlsx"
    target.write_bytes(b"previous")

    def locked(_source: object, _target: object) -> None:
        raise PermissionError(13, "in use")

    monkeypatch.setattr("crmbid_desktop.services.bid.atomic_files.os.replace", locked)
    with pytest.raises(TargetLockedError, match=r"partners\.xlsx"):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == ["partners.xlsx"]


def test_leftovers_of_a_killed_write_are_tidied_but_fresh_ones_kept(tmp_path: Path) -> None:
    target = tmp_path / "proposal.docx"
    old = tmp_path / "~$proposal.abc123.docx.tmp"
    fresh = tmp_path / "~$proposal.def456.docx.tmp"
    other = tmp_path / "~$budget.abc123.xlsx.tmp"
    for path in (old, fresh, other):
        path.write_bytes(b"half a file")
    an_hour_ago = os.path.getmtime(old) - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    os.utime(other, (an_hour_ago, an_hour_ago))
    atomic_write_bytes(target, b"whole file")
    assert target.read_bytes() == b"whole file"
    assert not old.exists()
    assert fresh.exists()  # perhaps another export writing right now
    assert other.exists()  # belongs to another target
