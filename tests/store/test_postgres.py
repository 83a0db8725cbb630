"""A bid on a real PostgreSQL server: addresses, schema versions, undo, and file ↔ server moves."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from crmbid_desktop.cli import run as cli_run
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import (
    move_to_server,
    open_guarded,
    open_workspace,
    save_copy,
)
from crmbid_desktop.services.bid.workspace import RecordedEdit, Workspace
from crmbid_desktop.store import sqlite as sqlite_store
from crmbid_desktop.store.backend import is_server_location
from crmbid_desktop.store.errors import BidFileError, NewerVersionError
from crmbid_desktop.store.models import (
    Attachment,
    Base,
    Comment,
    Partner,
    Section,
    SectionVersion,
)
from crmbid_desktop.store.postgres import (
    PostgresBackend,
    ServerLocation,
    ServerLocationError,
    make_engine,
)
from crmbid_desktop.store.schema import SCHEMA_HEAD

LETTER = bytes(range(256)) * 4000  # a 1 MB letter of support, every byte value


def dump(engine: Engine, *, versions: bool = True) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in id order, as plain values (row versions left out if asked:
    an undo is a change, so it moves them on rather than back)."""
    tables: dict[str, list[tuple[object, ...]]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if versions or c.name != "row_version"]
            query = select(*columns).order_by(*table.primary_key.columns)
            rows = connection.execute(query)
            tables[table.name] = [tuple(row) for row in rows]
    return tables


def fill(workspace: Workspace) -> None:
    """Give the bid a letter, a comment, a saved version and change-log lines."""
    with workspace.edit("Add a letter", entity="attachment") as session:
        partner = session.scalars(select(Partner).order_by(Partner.id)).first()
        assert partner is not None
        session.add(
            Attachment(
                partner=partner,
                filename="Leeds letter.pdf",
                media_type="application/pdf",
                received_on=date(2005, 3, 1),
                size_bytes=len(LETTER),
                data=LETTER,
            )
        )
    with workspace.edit("Comment and version") as session:
        section = session.scalars(select(Section).order_by(Section.id)).first()
        assert section is not None
        session.add(Comment(section_id=section.id, author="Alice", text="Tighten this"))
        session.add(SectionVersion(section_id=section.id, body="First draft", saved_by="Alice"))


def test_an_address_with_a_password_is_refused_and_never_repeated() -> None:
    with pytest.raises(ServerLocationError, match="pgpass") as caught:
        ServerLocation.parse("postgresql://alice:s3cret@db.leeds.gov.uk/bid")
    assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgresql://db.leeds.gov.uk/", "names no database"),
        ("postgresql://db/bid?sslmode=sometimes", "sslmode “sometimes”"),
        ("postgresql://db/bid?password=x", "password"),
        ("postgresql://db:port/bid", "port"),
    ],
)
def test_bad_addresses_say_what_is_wrong(url: str, words: str) -> None:
    with pytest.raises(ServerLocationError, match=words):
        ServerLocation.parse(url)


def test_an_address_keeps_host_port_database_and_sslmode() -> None:
    location = ServerLocation.parse(
        "postgresql://alice@db.leeds.gov.uk:6543/crm_bid?sslmode=require"
    )
    assert (location.host, location.port, location.database, location.user) == (
        "db.leeds.gov.uk",
        6543,
        "crm_bid",
        "alice",
    )
    assert location.sslmode == "require"
    assert location.url() == "postgresql://alice@db.leeds.gov.uk:6543/crm_bid?sslmode=require"
    assert is_server_location(location.url()) and not is_server_location(Path("bid.crmbid"))


def test_sslmode_is_honoured(server_bid: str) -> None:
    """The test server has no TLS: sslmode=require must fail to connect, saying so."""
    with pytest.raises(BidFileError, match="SSL"):
        PostgresBackend(ServerLocation.parse(server_bid + "?sslmode=require")).open()
    PostgresBackend(ServerLocation.parse(server_bid + "?sslmode=disable")).open().close()


def test_the_connection_is_named_by_user_and_council(server_bid: str, app_paths: AppPaths) -> None:
    workspace = open_workspace(server_bid, app_paths, user="Alice Smith (Leeds)")
    try:
        with workspace.reading() as session:
            name = session.execute(text("SELECT current_setting('application_name')")).scalar()
        assert name == "CRM Bid Desktop: Alice Smith (Leeds)"
    finally:
        workspace.close()


def test_an_edit_records_and_undoes_the_same_shape_as_on_a_file(
    server_bid: str, bid_path: Path, app_paths: AppPaths
) -> None:
    """Deleting a council with its contacts and letter: the same rows, ops and columns kept."""
    shapes = []
    for place in (bid_path, server_bid):
        workspace = open_workspace(place, app_paths)
        try:
            fill(workspace)
            before = dump(workspace.bid.engine, versions=False)
            del before["change_log"]  # undo adds its own line
            edits: list[RecordedEdit] = []
            workspace.on_recorded(edits.append)
            with workspace.edit("Remove Leeds") as session:
                partner = session.scalars(select(Partner).order_by(Partner.id)).first()
                assert partner is not None
                session.delete(partner)
            rows = edits[-1].rows
            letter = next(row for row in rows if row.table == "attachment")
            assert letter.old is not None
            assert isinstance(letter.old["data"], sqlite_store.KeptBlob)
            assert letter.old["data"].data == LETTER
            shapes.append(
                sorted((row.table, row.op, row.row_id, sorted(row.old or {})) for row in rows)
            )
            redo = workspace.take_back(edits[-1])
            after = dump(workspace.bid.engine, versions=False)
            del after["change_log"]
            assert after == before
            workspace.take_back(redo, "Redid")
            assert workspace.bid.counts().partners == 1
        finally:
            workspace.close()
    assert shapes[0] == shapes[1]


def test_file_to_server_to_file_gives_the_same_bid(
    bid_path: Path, server_database: str, app_paths: AppPaths, tmp_path: Path
) -> None:
    workspace = open_workspace(bid_path, app_paths)
    fill(workspace)
    workspace.close()
    copied = move_to_server(bid_path, server_database)
    assert copied["attachment"] == 1 and copied["change_log"] >= 2
    back = tmp_path / "back.crmbid"
    on_server = open_workspace(server_database, app_paths)
    try:
        save_copy(on_server, back)
    finally:
        on_server.close()
    original = sqlite_store.make_engine(bid_path, read_only=True)
    returned = sqlite_store.make_engine(back, read_only=True)
    try:
        assert dump(returned) == dump(original)
    finally:
        original.dispose()
        returned.dispose()
    assert cli_run(["check", str(back)]) == 0
    # Nothing is left beside the copy: one self-contained file to email.
    assert sorted(path.name for path in tmp_path.iterdir() if "back" in path.name) == [
        "back.crmbid"
    ]


def test_new_rows_after_a_move_never_collide_with_copied_ids(
    bid_path: Path, server_database: str, app_paths: AppPaths
) -> None:
    move_to_server(bid_path, server_database)
    workspace = open_workspace(server_database, app_paths)
    try:
        with workspace.edit("Add a council") as session:
            session.add(Partner(name="Bradford Council"))
        with workspace.reading() as session:
            ids = session.scalars(select(Partner.id)).all()
        assert len(ids) == len(set(ids)) == 3
    finally:
        workspace.close()


def test_a_database_that_is_not_empty_is_refused_unchanged(bid_path: Path, server_bid: str) -> None:
    engine = make_engine(ServerLocation.parse(server_bid))
    before = dump(engine)
    with pytest.raises(BidFileError, match="already holds a bid"):
        move_to_server(bid_path, server_bid)
    assert dump(engine) == before
    engine.dispose()


def test_a_bid_from_a_newer_program_is_refused_unchanged(server_bid: str) -> None:
    engine = make_engine(ServerLocation.parse(server_bid))
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    before = dump(engine)
    with pytest.raises(NewerVersionError, match="newer version of CRM Bid Desktop"):
        PostgresBackend(ServerLocation.parse(server_bid)).open()
    assert dump(engine) == before
    engine.dispose()


def test_an_older_bid_is_migrated_under_the_advisory_lock(server_database: str) -> None:
    """A bid at schema 0002 is brought to the head by the first client to open it."""
    from alembic import command

    from crmbid_desktop.store.schema import alembic_config

    engine = make_engine(ServerLocation.parse(server_database))
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0002_exchange")  # type: ignore[arg-type]
    bid = PostgresBackend(ServerLocation.parse(server_database)).open()
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
                SCHEMA_HEAD
            )
        workspace = Workspace(bid)
        edits: list[RecordedEdit] = []
        workspace.on_recorded(edits.append)
        with workspace.edit("Add a council") as session:
            session.add(Partner(name="Wakefield Council"))
        assert [row.op for row in edits[-1].rows] == ["insert"]
    finally:
        bid.close()
        engine.dispose()


def test_timed_file_backups_are_off_on_a_server(server_bid: str, app_paths: AppPaths) -> None:
    guarded = open_guarded(server_bid, app_paths)
    try:
        with guarded.workspace.edit("Rename") as session:
            partner = session.scalars(select(Partner)).first()
            assert partner is not None
            partner.name = "Leeds"
        assert guarded.backup_now() is None
        assert guarded.lock is None
    finally:
        guarded.close()
    assert not any(app_paths.backups_dir.glob("*"))


def test_cli_check_and_export_take_an_address(
    server_bid: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_run(["check", server_bid]) == 0
    out = capsys.readouterr().out
    assert "Result: sound" in out and "2 partners" in out and SCHEMA_HEAD in out
    target = tmp_path / "partners.csv"
    assert cli_run(["export", server_bid, str(target), "--document", "partners"]) == 0
    assert "Leeds City Council" in target.read_text(encoding="utf-8-sig")


def test_cli_refuses_a_password_in_the_address(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli_run(["check", "postgresql://alice:s3cret@127.0.0.1/bid"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "pgpass" in err and "s3cret" not in err


def test_cli_check_of_an_unreachable_server_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_run(["check", "postgresql://127.0.0.1:1/bid?connect_timeout=2"]) == 1
    out = capsys.readouterr().out
    assert "could not be used" in out and "Traceback" not in out
