"""Exports are written all or nothing, readable like any saved file, and say when Word holds them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from crmbid_desktop.services import atomic_files
from crmbid_desktop.services.atomic_files import TargetLockedError, atomic_write_bytes


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

    monkeypatch.setattr(atomic_files.os, "replace", locked)
    with pytest.raises(TargetLockedError, match=r"partners\.xlsx"):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == ["partners.xlsx"]
