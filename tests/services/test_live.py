"""Live screens on a shared server: NOTIFY carries each write's change set to the other users.

Real PostgreSQL (the server fixtures), two Workspaces on one database as two users would have.
"""

from __future__ import annotations

import dataclasses
import queue
import time
from pathlib import Path
from typing import Any

import pytest

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.live import LiveBid, remote_change_set
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import partners
from crmbid_desktop.store import postgres_notify
from tests.helpers import partner_saves


def _open(place: str, paths: AppPaths, user: str) -> tuple[Workspace, LiveBid, queue.Queue]:
    workspace = open_workspace(place, paths, user=user)
    arrived: queue.Queue[ChangeSet] = queue.Queue()
    workspace.on_changed(arrived.put)
    live = LiveBid.start(workspace)
    assert live is not None and live.connected
    return workspace, live, arrived


@pytest.fixture
def two_users(server_bid: str, app_paths: AppPaths):
    alice = _open(server_bid, app_paths, "Alice (Leeds)")
    bob = _open(server_bid, app_paths, "Bob (Newham)")
    yield alice, bob
    for workspace, live, _ in (alice, bob):
        live.stop()
        workspace.close()


def _rename_first_council(workspace: Workspace, name: str) -> str:
    row = partners.partner_rows(workspace)[0]
    detail = partners.partner_detail(workspace, row.id)
    partner_saves.save_partner(workspace, row.id, dataclasses.replace(detail.row.fields, name=name))
    return row.uuid


def _until(arrived: queue.Queue, wanted: Any, timeout: float = 1.0) -> Any:
    """The first report `wanted` accepts within `timeout` (earlier ones may still be queued)."""
    deadline = time.monotonic() + timeout
    while True:
        report = arrived.get(timeout=max(0.01, deadline - time.monotonic()))
        if wanted(report):
            return report


def _next(arrived: queue.Queue, timeout: float = 1.0) -> ChangeSet:
    return arrived.get(timeout=timeout)


def test_a_write_reaches_the_other_user_within_a_second(two_users) -> None:
    (alice, _, alice_heard), (_, _, bob_heard) = two_users
    started = time.monotonic()
    uuid = _rename_first_council(alice, "Leeds City Council (lead)")
    remote = _next(bob_heard)
    assert time.monotonic() - started < 1.0
    assert remote.kind == "remote"
    assert remote.who == "Alice (Leeds)"
    assert remote.changed_in("partner") == {uuid}
    assert remote.summary.startswith("Changed partner Leeds City Council (lead)")
    # Alice saw her own write once, as her edit, and not again from the server.
    own = _next(alice_heard)
    assert own.kind == "edit"
    with pytest.raises(queue.Empty):
        alice_heard.get(timeout=0.5)
    assert bob_heard.empty()


def test_undo_and_additions_and_removals_travel_too(two_users) -> None:
    (alice, _, _), (_, _, bob_heard) = two_users
    new_id = partners.add_partner(alice, partners.PartnerFields(name="Bristol City Council"))
    added = _next(bob_heard)
    assert len(added.added_to("partner")) == 1
    (uuid,) = added.added_to("partner")
    partners.delete_partner(alice, new_id)
    removed = _next(bob_heard)
    assert uuid in removed.removed_from("partner")


def test_a_large_change_set_goes_by_reference(two_users) -> None:
    (alice, _, _), (_, _, bob_heard) = two_users
    with alice.edit("Added 400 councils") as session:
        from crmbid_desktop.store.models import Partner

        for number in range(400):
            session.add(Partner(name=f"Council {number}", position=100 + number))
    remote = _next(bob_heard, timeout=2.0)
    assert len(remote.added_to("partner")) == 400
    assert remote.who == "Alice (Leeds)"
    with alice.bid.engine.connect() as connection:
        from sqlalchemy import text

        kept = connection.execute(text("SELECT count(*) FROM crmbid_live.change_set")).scalar()
    assert kept == 1  # the set itself was too big for NOTIFY's 8000 bytes


def test_a_rolled_back_write_is_never_announced(two_users) -> None:
    (alice, _, _), (_, _, bob_heard) = two_users
    with pytest.raises(RuntimeError), alice.edit("Half an edit") as session:
        from crmbid_desktop.store.models import Partner

        session.add(Partner(name="Never saved", position=99))
        session.flush()
        raise RuntimeError("the user's edit failed half-way")
    with pytest.raises(queue.Empty):
        bob_heard.get(timeout=0.7)


def test_presence_is_shown_and_ends_with_leaving_or_a_dead_connection(two_users, pg_server) -> None:
    (_, alice_live, _), (_, bob_live, _) = two_users
    seen: queue.Queue[list] = queue.Queue()
    bob_live.on_presence(seen.put)
    alice_live.open_section("uuid-4-2", "4.2")
    shown = _until(seen, bool)
    assert [p.describe() for p in shown] == ["Alice (Leeds) is editing 4.2"]
    assert bob_live.others()[0].section_uuid == "uuid-4-2"
    assert alice_live.others() == []  # nobody else; Alice does not see herself
    alice_live.leave_section()
    _until(seen, lambda others: others == [])
    # A connection that dies (a crashed program, a lost network) ends its presence by itself.
    alice_live.open_section("uuid-4-2", "4.2")
    _until(seen, bool)
    alice_live.listener.stop()
    # The server ends the backend a moment after the client hangs up.
    deadline = time.monotonic() + 3
    while bob_live.others() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert bob_live.others() == []
    # Nobody announced it: Bob's screen finds out on its own presence check (every 5 s).
    _until(seen, lambda others: others == [], timeout=8.0)


def test_closing_the_bid_ends_presence_at_once(two_users) -> None:
    (_, alice_live, _), (_, bob_live, _) = two_users
    seen: queue.Queue[list] = queue.Queue()
    bob_live.on_presence(seen.put)
    alice_live.open_section("uuid-1", "1")
    _until(seen, bool)
    alice_live.stop()  # as Workspace.close does first
    _until(seen, lambda others: others == [])


def test_a_lost_connection_is_reported_and_comes_back(two_users, pg_server) -> None:
    (alice, _, _), (_, bob_live, bob_heard) = two_users
    states: queue.Queue = queue.Queue()
    bob_live.on_state(states.put)
    database = alice.bid.backend.location.database
    doomed = partners.partner_rows(alice)[1].uuid
    # Changed on the server in a way no notification reports (as if sent while Bob was away):
    # a council removed and one added, behind every Workspace's back.
    from crmbid_desktop.store.models import Partner

    with alice.bid.transaction() as session:
        session.delete(session.query(Partner).filter_by(uuid=doomed).one())
        session.add(Partner(uuid="added-in-outage", name="Bristol City Council", position=9))
    pg_server.admin(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
    try:
        pg_server.admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        )
        lost = states.get(timeout=3.0)
        assert not lost.connected
        assert not bob_live.connected
    finally:
        pg_server.admin(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
    back = states.get(timeout=5.0)
    assert back.connected
    # The pages catch up on what was missed: every row of the bid, re-read.
    catch_up = _next(bob_heard, timeout=2.0)
    assert catch_up.kind == "remote" and catch_up.summary.startswith("Changes made while")
    assert len(catch_up.changed_in("section")) == 14
    assert catch_up.removed_from("partner") == {doomed}
    assert catch_up.added_to("partner") == {"added-in-outage"}
    # Listening again: Alice's next write reaches Bob as before.
    _rename_first_council(alice, "Leeds after the outage")
    assert _next(bob_heard, timeout=2.0).who == "Alice (Leeds)"


def test_a_bid_file_has_no_live_link(bid_path: Path, app_paths: AppPaths) -> None:
    workspace = open_workspace(bid_path, app_paths)
    try:
        assert LiveBid.start(workspace) is None
    finally:
        workspace.close()


def test_a_malformed_message_is_left_out_not_raised() -> None:
    changes = remote_change_set({"who": "Alice", "added": {"partner": "not a list"}, "x": 1})
    assert not changes
    assert remote_change_set({"changed": {"task": ["a", "b"]}}).changed_in("task") == {"a", "b"}
    assert postgres_notify.MAX_PAYLOAD < 8000


def test_a_command_line_write_reaches_the_open_windows(
    two_users, server_bid: str, app_paths: AppPaths
) -> None:
    from crmbid_desktop.services.bid.bid_files import command_workspace

    _, (_, _, bob_heard) = two_users
    with command_workspace(server_bid, app_paths, writes=True, user="Carol (Leeds)") as command:
        uuid = _rename_first_council(command, "Leeds, renamed by a script")
    remote = _next(bob_heard)
    assert remote.who == "Carol (Leeds)"
    assert remote.changed_in("partner") == {uuid}


def test_a_large_set_without_the_live_tables_asks_for_everything_to_be_read_again(
    two_users,
) -> None:
    (alice, alice_live, _), (_, _, bob_heard) = two_users
    alice_live.presence_available = False  # as for a user who may not make the live tables
    with alice.edit("Added 400 councils") as session:
        from crmbid_desktop.store.models import Partner

        for number in range(400):
            session.add(Partner(name=f"Council {number}", position=100 + number))
    remote = _next(bob_heard, timeout=2.0)
    assert remote.who == "Alice (Leeds)" and remote.summary == "Added 400 councils"
    assert len(remote.added_to("partner")) == 400  # the new ones, found by reading again
    assert len(remote.changed_in("partner")) == 2  # and every other row, re-read
    assert len(remote.changed_in("section")) == 14
