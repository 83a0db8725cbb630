"""Live screens: how soon another user sees a write on a bid on a shared server.

Usage: QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_live.py [--edits 200]

Starts its own PostgreSQL server (tests/helpers/pg_server.py; or CRMBID_TEST_DATABASE_URL), puts
the sample bid there and opens it twice, as Alice and as Bob, each with its live link. Alice
renames a council `--edits` times; for each, it times from Alice's COMMIT being sent to Bob's
change listener (on his listening thread), and to Bob's Partners page table showing the new
name (on the GUI thread). Prints the median, p95 and worst of both, in milliseconds.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtWidgets import QApplication
from sqlalchemy import event

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import move_to_server, open_workspace
from crmbid_desktop.services.bid.bid_template import create_bid
from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.live import LiveBid
from crmbid_desktop.services.registers import partners
from tests.helpers import partner_saves
from tests.helpers.pg_server import running_server


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def describe(name: str, values: list[float]) -> str:
    ms = [value * 1000 for value in values]
    return (
        f"{name}: median {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
        f"worst {max(ms):.1f} ms over {len(ms)} edits"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--edits", type=int, default=200)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with running_server() as server, tempfile.TemporaryDirectory() as folder:
        paths = AppPaths.under(Path(folder) / "home").ensure()
        database = "crmbid_bench_live"
        server.admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        server.admin(f'CREATE DATABASE "{database}"')
        bid = Path(folder) / "sample.crmbid"
        create_bid(bid).close()
        move_to_server(bid, server.url(database))
        alice = open_workspace(server.url(database), paths, user="Alice (Leeds)")
        bob = open_workspace(server.url(database), paths, user="Bob (Newham)")
        alice_live, bob_live = LiveBid.start(alice), LiveBid.start(bob)
        assert alice_live is not None and bob_live is not None

        from crmbid_desktop.ui.pages.partners_page import PartnersPage

        page = PartnersPage(bob)
        page.refresh()
        committed: list[float] = []
        heard: list[float] = []

        def on_alice_commit(_connection: object) -> None:
            committed.append(time.perf_counter())

        def on_bob(changes: ChangeSet) -> None:
            if changes.kind == "remote":
                heard.append(time.perf_counter())

        # Timed from when Alice's COMMIT is sent (SQLAlchemy's "commit" event): the commit's
        # own round trip is included, so this is the most the other user waits.
        event.listen(alice.bid.engine, "commit", on_alice_commit)
        bob.on_changed(on_bob)
        row = partners.partner_rows(alice)[0]
        fields = partners.partner_detail(alice, row.id).row.fields
        to_listener: list[float] = []
        to_page: list[float] = []
        for number in range(args.edits):
            name = f"Leeds City Council {number}"
            partner_saves.save_partner(alice, row.id, dataclasses.replace(fields, name=name))
            deadline = time.perf_counter() + 5
            while not any(r.fields.name == name for r in page.model.rows):
                app.processEvents()
                if time.perf_counter() > deadline:
                    raise SystemExit(f"edit {number} never reached Bob's page")
            shown = time.perf_counter()
            to_listener.append(heard[-1] - committed[-1])
            to_page.append(shown - committed[-1])
        print(describe("commit -> other user's change listener", to_listener))
        print(describe("commit -> other user's Partners page model updated", to_page))
        for live in (alice_live, bob_live):
            live.stop()
        alice.close()
        bob.close()
        server.admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
