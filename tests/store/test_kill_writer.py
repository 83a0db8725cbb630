"""A writer killed at random moments (SIGKILL; TerminateProcess on Windows) loses no saved edit."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import select

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.store import sqlite as sqlite_store
from crmbid_desktop.store.bidfile import open_bid
from crmbid_desktop.store.models import Partner
from tests.helpers.faults import run_and_kill

pytestmark = pytest.mark.slow


def test_no_saved_edit_is_lost_when_the_writer_is_killed(
    bid_path: Path, app_paths: AppPaths
) -> None:
    rng = random.Random(2005)
    reported: list[int] = []
    first = 0
    kills = 0
    # A loaded machine makes fewer edits before each kill: keep killing (up to 60 runs) until
    # enough edits were saved to make the check meaningful.
    while len(reported) < 120 and kills < 60:
        saved = run_and_kill(bid_path, app_paths.data_dir.parent, first, 400, rng)
        reported += saved
        first += 400
        kills += 1
        assert sqlite_store.integrity_check(bid_path) == []
    assert len(reported) >= 100, f"only {len(reported)} edits were made in {kills} runs"

    bid = open_bid(bid_path, backups_dir=app_paths.backups_dir)
    try:
        with bid.reading() as session:
            names = set(session.scalars(select(Partner.name)))
    finally:
        bid.close()
    lost = [number for number in reported if f"edit {number}" not in names]
    assert lost == []


def _damage_or_loss(bid: Path, saved: list[int]) -> bool:
    import sqlite3

    try:
        if sqlite_store.integrity_check(bid):
            return True
        with sqlite_store.read_only_connection(bid) as connection:
            names = {row[0] for row in connection.execute("SELECT name FROM partner")}
    except sqlite3.DatabaseError:
        return True
    return any(f"edit {number}" not in names for number in saved)


def test_control_the_harness_does_detect_loss(bid_path: Path, app_paths: AppPaths) -> None:
    """Writers that cheat (report before commit; journal and syncing off) are caught."""
    rng = random.Random(1)
    template = bid_path.read_bytes()
    detected: dict[str, int] = {}
    for kill in range(40):
        mode = ("early-report", "journal-off")[kill % 2]
        if mode in detected:
            continue
        for extra in ("-wal", "-shm"):
            Path(str(bid_path) + extra).unlink(missing_ok=True)
        bid_path.write_bytes(template)
        saved = run_and_kill(bid_path, app_paths.data_dir.parent, 0, 100_000, rng, mode=mode)
        if _damage_or_loss(bid_path, saved):
            detected[mode] = kill + 1
        if len(detected) == 2:
            break
    assert set(detected) == {"early-report", "journal-off"}, detected
