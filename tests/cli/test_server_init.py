"""`crmbid-desktop server init URL`: IT sets up a bid and its council roles on a real server."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from crmbid_desktop.cli import run
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.workspace import RecordedEdit
from crmbid_desktop.store.models import Partner
from tests.helpers.pg_server import TestServer


def test_server_init_makes_the_bid_and_roles_a_council_member_can_edit_with(
    server_database: str,
    pg_server: TestServer,
    app_paths: AppPaths,
    capsys: pytest.CaptureFixture[str],
) -> None:
    database = server_database.rsplit("/", 1)[1]
    code = run(
        ["server", "init", server_database, "--council", "Leeds City Council",
         "--council", "London Borough of Newham"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    leeds_role = f"{database}_leeds_city_council"
    assert f"Created role {database}_admin" in out
    assert f"Created role {leeds_role} (Leeds City Council)" in out
    assert "new bid from the odpm-crm-2005 template" in out
    # IT gives Alice a login of her own in the Leeds role; she opens and edits the bid with it.
    alice = f"alice_{database}"
    pg_server.admin(f'CREATE ROLE "{alice}" LOGIN IN ROLE "{leeds_role}"')
    try:
        host_part = server_database.split("@", 1)[1]
        workspace = open_workspace(f"postgresql://{alice}@{host_part}", app_paths, user="Alice")
        try:
            edits: list[RecordedEdit] = []
            workspace.on_recorded(edits.append)
            with workspace.edit("Rename Leeds") as session:
                partner = session.scalars(select(Partner).order_by(Partner.id)).first()
                assert partner is not None
                partner.name = "Leeds"
            workspace.take_back(edits[-1])
            assert workspace.bid.counts().partners == 2
        finally:
            workspace.close()
        # Run again: nothing is made twice, and it says so.
        assert run(["server", "init", server_database]) == 1
        assert "already holds a bid" in capsys.readouterr().err
    finally:
        pg_server.admin(f'DROP ROLE IF EXISTS "{alice}"')
        pg_server.admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        for role in (leeds_role, f"{database}_london_borough_of_newham", f"{database}_admin"):
            pg_server.admin(f'DROP ROLE IF EXISTS "{role}"')


def test_server_init_moves_a_file_in(
    server_database: str, bid_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["server", "init", server_database, "--from", str(bid_path)]) == 0
    assert "copied “bid.crmbid” in" in capsys.readouterr().out
    assert run(["check", server_database]) == 0


def test_server_init_needs_an_address(bid_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["server", "init", str(bid_path)]) == 1
    assert "postgresql://host/database" in capsys.readouterr().err
