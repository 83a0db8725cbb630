"""A bid set up on the test server for three councils, with a login in each (rights tests).

Sheffield City Council is the lead; section 9 'Governance' is London Borough of Newham's,
section 3 'Strategic fit' and the first task are Leeds City Council's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from crmbid_desktop.cli import run
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.store.models import Partner, Section, Task
from crmbid_desktop.store.postgres import role_name
from tests.helpers.pg_server import TestServer

LEAD = "Sheffield City Council"
LEEDS = "Leeds City Council"
NEWHAM = "London Borough of Newham"


@dataclass(frozen=True)
class TeamBid:
    """The bid's address for each council's login, and the rows the tests use."""

    database: str
    it_url: str  # the server's superuser: IT
    urls: dict[str, str]
    partner_ids: dict[str, int]
    governance_id: int  # Newham's section
    strategic_fit_id: int  # Leeds's section
    leeds_task_id: int
    other_task_id: int  # nobody's: the lead's


@contextlib.contextmanager
def team_bid(pg_server: TestServer, server_database: str, app_paths: AppPaths) -> Iterator[TeamBid]:
    database = server_database.rsplit("/", 1)[1]
    host_part = server_database.split("@", 1)[1]
    councils = {LEAD: "sheffield", LEEDS: "leeds", NEWHAM: "newham"}
    arguments = ["server", "init", server_database, "--lead", LEAD]
    for council in councils:
        arguments += ["--council", council]
    logins = {council: f"{short}_{database}" for council, short in councils.items()}
    try:
        assert run(arguments) == 0
        for council, login in logins.items():
            pg_server.admin(f'CREATE ROLE "{login}" LOGIN')
            assert run(["server", "grant", server_database, "--council", council,
                        "--login", login]) == 0  # fmt: skip
        # IT (a superuser here) assigns the sections and a task, as the lead would.
        it = open_workspace(server_database, app_paths, user="IT")
        try:
            with it.edit("Assign work") as session:
                ids = {p.name: p.id for p in session.scalars(select(Partner))}
                sections = {s.title: s for s in session.scalars(select(Section))}
                sections["Governance"].author_partner_id = ids[NEWHAM]
                sections["Strategic fit"].author_partner_id = ids[LEEDS]
                tasks = list(session.scalars(select(Task).order_by(Task.id)))
                tasks[0].owner_partner_id = ids[LEEDS]
                tasks[1].owner_partner_id = None  # the template may give it to its lead
                found = (sections["Governance"].id, sections["Strategic fit"].id, tasks[0].id,
                         tasks[1].id)  # fmt: skip
        finally:
            it.close()
        yield TeamBid(
            database,
            server_database,
            {c: f"postgresql://{login}@{host_part}" for c, login in logins.items()},
            ids,
            *found,
        )
    finally:
        pg_server.admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        for login in logins.values():
            pg_server.admin(f'DROP ROLE IF EXISTS "{login}"')
        for who in ("admin", *councils):
            pg_server.admin(f'DROP ROLE IF EXISTS "{role_name(database, who)}"')
