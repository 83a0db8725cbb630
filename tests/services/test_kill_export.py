"""A kill during an export through atomic_write leaves the previous export whole."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.helpers.export_writer import check_export, export_bytes
from tests.helpers.faults import run_and_kill_export

pytestmark = pytest.mark.slow


def test_killed_export_leaves_a_whole_file(tmp_path: Path) -> None:
    rng = random.Random(26)
    target = tmp_path / "exports" / "proposal.docx"
    target.parent.mkdir()
    target.write_bytes(export_bytes(0, 4_000_000))
    first = 1
    for _ in range(8):
        finished = run_and_kill_export(target, first, 10_000, 4_000_000, rng, longest=0.2)
        first += 10_000
        generation = check_export(target.read_bytes())  # raises if partial or damaged
        if finished:
            assert generation >= max(finished)
    assert check_export(target.read_bytes()) >= 0
