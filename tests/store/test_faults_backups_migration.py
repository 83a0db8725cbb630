"""Backups taken while another process writes, and a migration that fails half-way."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.store import backups, bidfile, schema
from crmbid_desktop.store import sqlite as sqlite_store
from crmbid_desktop.store.errors import MigrationError
from crmbid_desktop.store.schema import SCHEMA_HEAD
from tests.helpers.faults import start_writer


def _names(path: Path) -> set[str]:
    with sqlite_store.read_only_connection(path) as connection:
        return {str(row[0]) for row in connection.execute("SELECT name FROM partner")}


@pytest.mark.slow
def test_forty_backups_while_another_process_writes(bid_path: Path, app_paths: AppPaths) -> None:
    writer = start_writer(bid_path, app_paths.data_dir.parent, 0, 10**7)
    writer.wait_for_first()
    results = []
    try:
        for _ in range(40):
            seen = len(writer.reported)
            deadline = time.monotonic() + 10
            while len(writer.reported) == seen and time.monotonic() < deadline:
                time.sleep(0.002)
            last = writer.reported[-1]  # saved before the backup begins
            taken = backups.take_backup(bid_path, app_paths.backups_dir, thin=False)
            results.append((sqlite_store.integrity_check(taken), f"edit {last}" in _names(taken)))
    finally:
        writer.kill()
    assert [problems for problems, _ in results] == [[]] * 40
    assert all(holds for _, holds in results)
    assert len(writer.reported) > 40


def test_a_migration_failing_midway_leaves_the_file_byte_identical(
    bid_path: Path, app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[str] = []

    def failing_upgrade(connection: Connection) -> None:
        # Real DDL and data changes first, then a failure, as a broken migration would.
        connection.execute(text("CREATE TABLE newer_thing (id INTEGER PRIMARY KEY)"))
        connection.execute(text("ALTER TABLE partner ADD COLUMN newer_column TEXT"))
        connection.execute(text("UPDATE partner SET name = 'half migrated'"))
        connection.execute(text("UPDATE alembic_version SET version_num = 'next'"))
        ran.append("ddl")
        raise RuntimeError("disk full half-way through the update")

    monkeypatch.setattr(bidfile, "SCHEMA_HEAD", "next")
    monkeypatch.setattr(schema, "known_revisions", lambda: {SCHEMA_HEAD, "next"})
    monkeypatch.setattr(schema, "upgrade_to_head", failing_upgrade)
    before = bid_path.read_bytes()

    with pytest.raises(MigrationError) as raised:
        bidfile.open_bid(bid_path, backups_dir=app_paths.backups_dir)

    assert ran == ["ddl"]
    assert "left as it was" in raised.value.user_message
    assert bid_path.read_bytes() == before
    assert (
        not Path(str(bid_path) + "-wal").exists()
        or Path(str(bid_path) + "-wal").stat().st_size == 0
    )
    with sqlite_store.read_only_connection(bid_path) as connection:
        assert "newer_thing" not in sqlite_store.table_names(connection)
        columns = {row[1] for row in connection.execute("PRAGMA table_info(partner)")}
        assert "newer_column" not in columns
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            SCHEMA_HEAD,
        )
    saved = [
        p for p in app_paths.backups_dir.iterdir() if f"before update from {SCHEMA_HEAD}" in p.name
    ]
    assert len(saved) == 1
    assert sqlite_store.integrity_check(saved[0]) == []
    assert _names(saved[0]) == _names(bid_path)
