"""atomic_write: the target is replaced whole or not at all; no temporary file is left on error."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmbid_desktop.services.atomic_files import atomic_write


def test_writes_the_target_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out" / "proposal.docx"
    atomic_write(target, lambda temporary: temporary.write_bytes(b"new proposal"))
    assert target.read_bytes() == b"new proposal"
    assert [p.name for p in target.parent.iterdir()] == ["proposal.docx"]


def test_failure_keeps_the_previous_file_and_removes_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "exports" / "proposal.docx"
    target.parent.mkdir()
    target.write_bytes(b"previous export")

    def fail(temporary: Path) -> None:
        temporary.write_bytes(b"half")
        raise RuntimeError("the exporter broke")

    with pytest.raises(RuntimeError):
        atomic_write(target, fail)
    assert target.read_bytes() == b"previous export"
    assert [p.name for p in target.parent.iterdir()] == ["proposal.docx"]
