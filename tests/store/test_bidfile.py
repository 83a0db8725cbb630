"""The bid file: round trip, schema from the migrations, and files that must be refused untouched."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.store import sqlite as sqlite_store
from crmbid_desktop.store.bidfile import check_bid, create_bid_file, open_bid
from crmbid_desktop.store.errors import (
    BidFileMissingError,
    DamagedBidError,
    NewerVersionError,
    NotABidError,
    ReadOnlyBidError,
)
from crmbid_desktop.store.models import Base, Contact, Partner, Section
from crmbid_desktop.store.schema import SCHEMA_HEAD, script_head


def test_schema_head_constant_matches_the_shipped_migrations() -> None:
    assert script_head() == SCHEMA_HEAD


def test_a_new_file_gets_exactly_the_models_schema_from_the_migrations(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    bid = create_bid_file(tmp_path / "new.crmbid", title="New")
    try:
        with bid.engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert compare_metadata(context, Base.metadata) == []
            assert context.get_current_revision() == SCHEMA_HEAD
    finally:
        bid.close()


def test_pragmas_are_set_on_every_connection(tmp_path: Path) -> None:
    bid = create_bid_file(tmp_path / "p.crmbid", title="P")
    try:
        with bid.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    finally:
        bid.close()


def test_round_trip_keeps_rows_uuids_and_timestamps(tmp_path: Path, app_paths: AppPaths) -> None:
    path = tmp_path / "r.crmbid"
    bid = create_bid_file(path, title="Round trip")
    with bid.transaction() as session:
        partner = Partner(name="Leeds City Council", role="lead", funding_share_bp=10000)
        partner.contacts.append(Contact(name="A Person", email="a@leeds.gov.uk"))
        session.add(partner)
    uuid, created = partner.uuid, partner.created_at
    bid.close()

    reopened = open_bid(path, backups_dir=app_paths.backups_dir)
    try:
        with reopened.reading() as session:
            again = session.scalars(select(Partner)).one()
            assert (again.name, again.uuid, again.created_at) == (
                "Leeds City Council",
                uuid,
                created,
            )
            assert again.funding_share_bp == 10000
            assert [c.email for c in again.contacts] == ["a@leeds.gov.uk"]
    finally:
        reopened.close()


def test_a_failed_edit_is_rolled_back_whole(tmp_path: Path) -> None:
    bid = create_bid_file(tmp_path / "f.crmbid", title="F")
    try:
        with pytest.raises(RuntimeError), bid.transaction() as session:
            session.add(Section(title="half an edit"))
            session.flush()
            raise RuntimeError("boom")
        assert bid.counts().sections == 0
    finally:
        bid.close()


def test_read_only_bid_refuses_edits(bid_path: Path, app_paths: AppPaths) -> None:
    bid = open_bid(bid_path, backups_dir=app_paths.backups_dir, read_only=True)
    try:
        with pytest.raises(ReadOnlyBidError), bid.transaction():
            pass
        assert bid.counts().partners == 2
    finally:
        bid.close()


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


def test_file_from_a_newer_version_is_refused_and_unchanged(
    bid_path: Path, app_paths: AppPaths
) -> None:
    connection = sqlite3.connect(bid_path)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    before = _bytes(bid_path)
    with pytest.raises(NewerVersionError) as raised:
        open_bid(bid_path, backups_dir=app_paths.backups_dir)
    assert "newer version" in raised.value.user_message
    assert bid_path.name in raised.value.user_message
    assert _bytes(bid_path) == before


def _make_docx(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")


def _make_truncated(path: Path, source: Path) -> None:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _make_other_database(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (x TEXT)")
    connection.commit()
    connection.close()


def _make_garbled(path: Path, source: Path) -> None:
    data = bytearray(source.read_bytes())
    for offset in range(4096, len(data), 97):  # damage every page after the first
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("empty", NotABidError),
        ("docx", NotABidError),
        ("text", NotABidError),
        ("other-database", NotABidError),
        ("truncated", DamagedBidError),
        ("garbled", DamagedBidError),
    ],
)
def test_files_that_are_not_sound_bids_are_refused_and_unchanged(
    kind: str, error: type[Exception], tmp_path: Path, bid_path: Path, app_paths: AppPaths
) -> None:
    # The source bid must be one self-contained file for truncation to mean anything.
    connection = sqlite3.connect(bid_path)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    path = tmp_path / f"{kind}.crmbid"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "docx":
        _make_docx(path)
    elif kind == "text":
        path.write_text("Dear Julian,\nPlease find our bid attached.\n", encoding="utf-8")
    elif kind == "other-database":
        _make_other_database(path)
    elif kind == "truncated":
        _make_truncated(path, bid_path)
    else:
        _make_garbled(path, bid_path)
    before = _bytes(path)
    with pytest.raises(error) as raised:
        open_bid(path, backups_dir=app_paths.backups_dir)
    message = raised.value.user_message  # type: ignore[attr-defined]
    assert path.name in message
    assert _bytes(path) == before
    report = check_bid(path)
    assert not report.sound
    assert _bytes(path) == before


def test_missing_file_is_named(tmp_path: Path, app_paths: AppPaths) -> None:
    with pytest.raises(BidFileMissingError) as raised:
        open_bid(tmp_path / "nowhere.crmbid", backups_dir=app_paths.backups_dir)
    assert "nowhere.crmbid" in raised.value.user_message


def test_backup_file_is_a_sound_single_file(bid_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "backups" / "copy.crmbid"
    sqlite_store.backup_file(bid_path, target)
    assert target.exists()
    assert not target.with_name(target.name + ".part").exists()
    assert sqlite_store.integrity_check(target) == []
    report = check_bid(target)
    assert report.sound and report.counts is not None and report.counts.partners == 2
