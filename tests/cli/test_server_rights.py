"""Councils' rights on a real server: a partner council edits only what is assigned to it,
reads everything, and a refused edit says who may make it (issue 22, item 6)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select, text

from crmbid_desktop.cli import run
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid import bid_details
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.errors import RefusedEditError
from crmbid_desktop.services.bid.rights import edit_rights
from crmbid_desktop.services.bid.workspace import RecordedEdit, Workspace
from crmbid_desktop.services.registers import (
    budget,
    partner_contacts,
    partners,
    section_saves,
    sections,
)
from crmbid_desktop.store.models import ChangeLogEntry, Contact, Partner, Section, Task
from tests.helpers import partner_saves
from tests.helpers.pg_server import TestServer
from tests.helpers.team_bid import LEAD, LEEDS, NEWHAM, TeamBid, team_bid


@pytest.fixture
def team(pg_server: TestServer, server_database: str, app_paths: AppPaths) -> Iterator[TeamBid]:
    with team_bid(pg_server, server_database, app_paths) as made:
        yield made


def _open(team: TeamBid, council: str, app_paths: AppPaths, user: str) -> Workspace:
    return open_workspace(team.urls[council], app_paths, user=user)


def _body(workspace: Workspace, section_id: int) -> str:
    with workspace.reading() as session:
        section = session.get(Section, section_id)
        assert section is not None
        return section.body


def test_a_partner_edits_its_own_section_and_is_refused_another_councils(
    team: TeamBid, app_paths: AppPaths
) -> None:
    leeds = _open(team, LEEDS, app_paths, "Alice (Leeds)")
    try:
        edits: list[RecordedEdit] = []
        leeds.on_recorded(edits.append)
        sections.save_body(leeds, team.strategic_fit_id, "Leeds's strategic fit.")
        assert _body(leeds, team.strategic_fit_id) == "Leeds's strategic fit."
        with pytest.raises(RefusedEditError) as refused:
            sections.save_body(leeds, team.governance_id, "Leeds writes Newham's part.")
        assert refused.value.reason == (
            f"Only {NEWHAM} or the lead ({LEAD}) may change 9 'Governance'."
        )
        assert "Nothing of this change was saved" in refused.value.user_message
        assert _body(leeds, team.governance_id) == ""  # nothing changed, no version kept
        with leeds.reading() as session:
            logged = session.scalars(select(ChangeLogEntry.summary)).all()
        assert "Saved the text of 'Strategic fit'" in logged
        assert "Saved the text of 'Governance'" not in logged
        # Undo of its own edit works under its role (the recorder and the change log too).
        leeds.take_back(edits[-1])
        assert _body(leeds, team.strategic_fit_id) == ""
        # It reads everything, the other council's text and the budget included.
        assert leeds.bid.counts().partners == 3
        assert budget.read_budget(leeds) is not None
        rights = edit_rights(leeds)
        assert not rights.everything
        assert rights.partner_ids == {team.partner_ids[LEEDS]}
        assert rights.who_may(team.partner_ids[NEWHAM]) == f"{NEWHAM} or the lead ({LEAD})"
    finally:
        leeds.close()


def test_the_lead_edits_every_council_s_section(team: TeamBid, app_paths: AppPaths) -> None:
    lead = _open(team, LEAD, app_paths, "Sam (Sheffield)")
    try:
        sections.save_body(lead, team.governance_id, "The lead's edit.")
        assert _body(lead, team.governance_id) == "The lead's edit."
        section_saves.save_details(
            lead,
            team.governance_id,
            section_saves.load_details(lead, team.governance_id),
            author_partner_id=team.partner_ids[LEEDS],
        )
        assert edit_rights(lead).everything
    finally:
        lead.close()


def test_the_register_rows_and_the_lead_only_tables(team: TeamBid, app_paths: AppPaths) -> None:
    leeds = _open(team, LEEDS, app_paths, "Alice (Leeds)")
    try:
        with leeds.edit("Own task") as session:
            task = session.get(Task, team.leeds_task_id)
            assert task is not None
            task.title = "Leeds's task"
        with (
            pytest.raises(RefusedEditError) as refused,
            leeds.edit("Someone else's task") as session,
        ):
            other = session.get(Task, team.other_task_id)
            assert other is not None
            other.title = "Taken over"
        assert refused.value.reason.startswith(f"Only the lead ({LEAD}) may change the task '")
        with pytest.raises(RefusedEditError) as refused, leeds.edit("Give my task away") as session:
            mine = session.get(Task, team.leeds_task_id)
            assert mine is not None
            mine.owner_partner_id = team.partner_ids[NEWHAM]
        assert refused.value.reason == (
            f"Only the lead ({LEAD}) may give the task 'Leeds's task' to another council."
        )
        # Its own council's details and contacts: yes; another council's: no.
        own = partners.partner_detail(leeds, team.partner_ids[LEEDS])
        partner_saves.save_partner(
            leeds,
            team.partner_ids[LEEDS],
            replace(own.row.fields, notes="Leeds's own notes"),
            [partners.ContactFields("Alice Smith", "Bid manager", "alice@leeds.gov.uk", "")],
        )
        with leeds.reading() as session:
            assert session.scalar(select(Contact.name)) == "Alice Smith"
        newham = partners.partner_detail(leeds, team.partner_ids[NEWHAM])
        with pytest.raises(RefusedEditError) as refused:
            partner_saves.save_partner(
                leeds, team.partner_ids[NEWHAM], replace(newham.row.fields, notes="Leeds was here")
            )
        assert refused.value.reason == (
            f"Only {NEWHAM} or the lead ({LEAD}) may change {NEWHAM}'s details."
        )
        with pytest.raises(RefusedEditError) as refused:
            partners.delete_partner(leeds, team.partner_ids[LEEDS])
        assert "may add councils to the partnership or remove them" in refused.value.reason
        with pytest.raises(RefusedEditError) as refused:
            budget.set_amount(leeds, "cost", "staff", 2005, 1_000_00)
        assert refused.value.reason == f"Only the lead ({LEAD}) may change the budget."
        # The versioned saves the pages make are refused alike, naming who may.
        own_contacts = partner_contacts.load_contacts(leeds, team.partner_ids[LEEDS])
        added = partner_contacts.save_contacts(
            leeds,
            team.partner_ids[LEEDS],
            own_contacts,
            [*own_contacts.contacts(), partners.ContactFields("Bob Lee", "Finance")],
        )
        assert added.written == ("added Bob Lee",)
        theirs = partner_contacts.load_contacts(leeds, team.partner_ids[NEWHAM])
        with pytest.raises(RefusedEditError) as refused:
            partner_contacts.save_contacts(
                leeds, team.partner_ids[NEWHAM], theirs, [partners.ContactFields("Leeds was here")]
            )
        assert refused.value.reason == (
            f"Only {NEWHAM} or the lead ({LEAD}) may add the contacts of {NEWHAM}."
        )
        with pytest.raises(RefusedEditError) as refused:
            budget.set_budget_years(leeds, 2006, 3)
        assert refused.value.reason == f"Only the lead ({LEAD}) may change the bid's details."
        with pytest.raises(RefusedEditError) as refused:
            bid_details.save(leeds, replace(bid_details.read(leeds), reference="LEEDS/1"))
        assert refused.value.reason == f"Only the lead ({LEAD}) may change the bid's details."
        with leeds.reading() as session:
            assert session.get(Partner, team.partner_ids[LEEDS]) is not None
    finally:
        leeds.close()


def test_comments_belong_to_the_council_that_wrote_them(team: TeamBid, app_paths: AppPaths) -> None:
    leeds = _open(team, LEEDS, app_paths, "Alice (Leeds)")
    newham = _open(team, NEWHAM, app_paths, "Nia (Newham)")
    try:
        # Any council comments on any section; the writer may resolve it.
        comment_id = sections.add_comment(leeds, team.governance_id, "Add the board's names.")
        sections.set_comment_resolved(leeds, comment_id, True)
        # The section's council may resolve (change) it too, but not delete it.
        sections.set_comment_resolved(newham, comment_id, False)
        on_leeds_section = sections.add_comment(newham, team.strategic_fit_id, "Cite the plan.")
        # A council that neither wrote it nor owns the section may not touch it.
        lead_comment = _comment_by_lead(team, app_paths)
        with pytest.raises(RefusedEditError) as refused:
            sections.set_comment_resolved(leeds, lead_comment, True)
        assert refused.value.reason == (
            f"Only {NEWHAM} or the lead ({LEAD}) may change this comment on 9 'Governance'."
        )
        assert [c.text for c in sections.comments(leeds, team.strategic_fit_id)] == [
            "Cite the plan."
        ]
        assert on_leeds_section
    finally:
        leeds.close()
        newham.close()


def _comment_by_lead(team: TeamBid, app_paths: AppPaths) -> int:
    lead = _open(team, LEAD, app_paths, "Sam (Sheffield)")
    try:
        return sections.add_comment(lead, team.governance_id, "The lead's note.")
    finally:
        lead.close()


def test_a_council_cannot_change_the_schema_version(team: TeamBid, app_paths: AppPaths) -> None:
    from sqlalchemy.exc import ProgrammingError

    leeds = _open(team, LEEDS, app_paths, "Alice (Leeds)")
    try:
        breaking = leeds.edit("Break the version")
        with pytest.raises(ProgrammingError, match="permission denied"), breaking as session:
            session.execute(text("UPDATE alembic_version SET version_num = 'x'"))
        assert leeds.bid.counts().partners == 3
    finally:
        leeds.close()


def test_every_table_is_guarded_by_forced_policies(team: TeamBid, app_paths: AppPaths) -> None:
    it = open_workspace(team.urls[LEAD], app_paths)
    try:
        with it.reading() as session:
            unguarded = session.execute(
                text(
                    "SELECT c.relname FROM pg_class c JOIN pg_namespace n "
                    "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' "
                    "AND c.relname <> 'alembic_version' "
                    "AND NOT (c.relrowsecurity AND c.relforcerowsecurity)"
                )
            ).all()
            policies = session.execute(
                text("SELECT count(*) FROM pg_policies WHERE schemaname = 'public'")
            ).scalar()
        assert unguarded == []
        assert policies and policies >= 4 * 19
    finally:
        it.close()


def test_the_policies_refuse_without_the_guard_trigger(team: TeamBid, app_paths: AppPaths) -> None:
    """Row-level security holds by itself: with the guard trigger switched off (only the owner
    or a superuser can), a partner still cannot add or change another council's rows."""
    it = open_workspace(team.it_url, app_paths, user="IT")
    try:
        with it.edit("Guard off") as session:
            for table in ("contact", "section"):
                session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER crmbid_guard"))
    finally:
        it.close()
    leeds = _open(team, LEEDS, app_paths, "Alice (Leeds)")
    try:
        adding = leeds.edit("Add a contact for Newham")
        with pytest.raises(RefusedEditError) as refused, adding as session:
            session.add(Contact(partner_id=team.partner_ids[NEWHAM], name="Spy"))
        assert refused.value.reason.startswith(f"Only the lead ({LEAD}) may ")
        with pytest.raises(RefusedEditError):
            sections.save_body(leeds, team.governance_id, "Leeds writes Newham's part.")
        assert _body(leeds, team.governance_id) == ""
        with leeds.reading() as session:
            assert session.scalars(select(Contact)).all() == []
    finally:
        leeds.close()


def test_server_init_refuses_a_lead_that_is_not_a_council(
    server_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["server", "init", server_database, "--council", LEEDS, "--lead", "Sheffield"])
    assert code == 1
    assert "the lead “Sheffield” is not one of the councils" in capsys.readouterr().err
    assert run(["check", server_database]) == 1  # nothing was made
    capsys.readouterr()


def test_server_grant_names_what_is_wrong(
    team: TeamBid, capsys: pytest.CaptureFixture[str]
) -> None:
    url = team.it_url
    assert run(["server", "grant", url, "--council", "Nowhere", "--login", "x"]) == 1
    assert "“Nowhere” is not a council of this bid" in capsys.readouterr().err
    assert run(["server", "grant", url, "--council", LEEDS, "--login", "nobody_here"]) == 1
    assert "there is no login role “nobody_here”" in capsys.readouterr().err


def test_a_partner_saves_a_copy_as_a_file_and_has_no_timed_backups(
    team: TeamBid, app_paths: AppPaths, tmp_path: Path
) -> None:
    """Issue 22 item 7 under a council's role: the user's own snapshot is the whole bid."""
    from crmbid_desktop.services.bid.bid_files import open_guarded, save_copy

    guarded = open_guarded(team.urls[NEWHAM], app_paths, user="Nia (Newham)")
    try:
        sections.save_body(guarded.workspace, team.governance_id, "Newham's governance.")
        assert guarded.backup_now() is None
        assert guarded.tick() is None
        target = tmp_path / "snapshot.crmbid"
        save_copy(guarded.workspace, target)
    finally:
        guarded.close()
    assert not any(app_paths.backups_dir.glob("*"))
    copy = open_workspace(target, app_paths)
    try:
        assert copy.bid.counts().partners == 3
        assert _body(copy, team.governance_id).strip() == "Newham's governance."
    finally:
        copy.close()


def test_a_bid_moved_to_a_server_gets_councils_afterwards(
    server_database: str,
    pg_server: TestServer,
    bid_path: Path,
    app_paths: AppPaths,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """File > Move to a server… names no councils; server council adds them later."""
    from crmbid_desktop.services.bid.bid_files import move_to_server
    from crmbid_desktop.store.postgres import role_name

    database = server_database.rsplit("/", 1)[1]
    move_to_server(bid_path, server_database)
    login = f"nia_{database}"
    try:
        assert run(["server", "council", server_database, "--council", LEEDS, "--lead"]) == 0
        assert run(["server", "council", server_database, "--council", NEWHAM]) == 0
        out = capsys.readouterr().out
        assert f"{role_name(database, LEEDS)} edits everything (the lead council, {LEEDS})." in out
        assert f"{role_name(database, NEWHAM)} edits what is assigned to {NEWHAM}." in out
        pg_server.admin(f'CREATE ROLE "{login}" LOGIN')
        assert run(["server", "grant", server_database, "--council", NEWHAM, "--login", login]) == 0
        host_part = server_database.split("@", 1)[1]
        newham = open_workspace(f"postgresql://{login}@{host_part}", app_paths, user="Nia")
        try:
            with newham.reading() as session:
                leeds_id = session.scalar(select(Partner.id).where(Partner.name == LEEDS))
            detail = partners.partner_detail(newham, leeds_id or 0)
            with pytest.raises(RefusedEditError) as refused:
                partner_saves.save_partner(
                    newham, leeds_id or 0, replace(detail.row.fields, notes="x")
                )
            assert refused.value.reason == f"Only the lead ({LEEDS}) may change {LEEDS}'s details."
        finally:
            newham.close()
    finally:
        pg_server.admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        pg_server.admin(f'DROP ROLE IF EXISTS "{login}"')
        for who in ("admin", LEEDS, NEWHAM):
            pg_server.admin(f'DROP ROLE IF EXISTS "{role_name(database, who)}"')


def test_a_versioned_save_of_another_councils_section_is_refused_in_words(
    team: TeamBid, app_paths: AppPaths
) -> None:
    """FOR UPDATE hides a row this login may not change: the save is refused naming who may
    make it, never called a deletion."""
    leeds = _open(team, LEEDS, app_paths, "Alice (Leeds)")
    try:
        loaded = section_saves.load_body(leeds, team.governance_id)
        with pytest.raises(RefusedEditError) as refused:
            section_saves.save_body(leeds, team.governance_id, loaded, "Leeds writes Newham's.")
        assert refused.value.reason == (
            f"Only {NEWHAM} or the lead ({LEAD}) may change 9 'Governance'."
        )
        assert _body(leeds, team.governance_id) == ""
    finally:
        leeds.close()
