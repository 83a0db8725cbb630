"""Five simulated users editing one bid on a PostgreSQL server at once: the figures issue 22 asks.

Usage: python tests/benchmarks/bench_five_users.py [--seconds 60] [--users 5] [--think 0.05]

Starts its own PostgreSQL server on loopback (tests/helpers/pg_server.py; or
CRMBID_TEST_DATABASE_URL), puts the ODPM template bid on it, and runs the users of
tests/helpers/five_users.py: each loads a form (a council's fields, a section's details, one
paragraph of a section's text), waits up to --think seconds, and saves through the versioned
services. Prints edits per second, save latency (median, p95; target p95 ≤ 50 ms), lost edits
(must be 0), conflicts (all checked true), and how long until another user sees a save.

"Another user sees it" is measured here by a sixth connection polling the rows' versions every
50 ms (`PollingWatcher`), an upper bound that needs no window; a watcher with the same three
methods can be passed to `run` instead. How soon another user's page shows a change through
LISTEN/NOTIFY, as the program does, is bench_live.py's figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Protocol

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import move_to_server, open_workspace
from crmbid_desktop.services.bid.bid_template import create_bid
from crmbid_desktop.store.models import Partner, Section
from tests.helpers.five_users import audit, final_state, run_users
from tests.helpers.pg_server import running_server

POLL_SECONDS = 0.05


class Watcher(Protocol):
    """Another user's connection: when it first saw each row at each version."""

    name: str

    def stop(self) -> None: ...
    def first_seen(self, table: str, row_id: int, version: int) -> float | None: ...


class PollingWatcher:
    """Another user's connection reading the rows' versions every 50 ms (until NOTIFY lands)."""

    name = "polling row versions every 50 ms"

    def __init__(self, place: str, paths: AppPaths) -> None:
        self._workspace = open_workspace(place, paths, user="Watcher")
        #: (table, row id) -> [(time first seen, version)], in time order.
        self._seen: dict[tuple[str, int], list[tuple[float, int]]] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll)
        self._thread.start()

    def _poll(self) -> None:
        from sqlalchemy import select

        while not self._done.is_set():
            with self._workspace.reading() as session:
                rows = [
                    ("partner", i, v)
                    for i, v in session.execute(select(Partner.id, Partner.row_version))
                ]
                rows += [
                    ("section", i, v)
                    for i, v in session.execute(select(Section.id, Section.row_version))
                ]
            seen = time.perf_counter()
            for table, row_id, version in rows:
                history = self._seen.setdefault((table, row_id), [])
                if not history or history[-1][1] != version:
                    history.append((seen, version))
            time.sleep(POLL_SECONDS)

    def stop(self) -> None:
        time.sleep(POLL_SECONDS * 3)
        self._done.set()
        self._thread.join()
        self._workspace.close()

    def first_seen(self, table: str, row_id: int, version: int) -> float | None:
        for seen, found in self._seen.get((table, row_id), []):
            if found >= version:
                return seen
        return None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def run(
    place: str,
    paths: AppPaths,
    *,
    seconds: float,
    users: int,
    think: float,
    watcher: Watcher,
    processes: bool = True,
) -> int:
    ledger = run_users(place, paths, seconds=seconds, users=users, think=think, processes=processes)
    watcher.stop()
    delays = []
    for save in ledger.saves:
        if save.result.written:
            table = "partner" if save.row[0] == "partner" else "section"
            seen = watcher.first_seen(table, save.row[1], save.result.now.version)
            if seen is not None:  # seen before the saver's call returned counts as at once
                delays.append(max(0.0, seen - save.finished))
    final = final_state(place, paths, list(ledger.initial))
    result = audit(ledger, final)
    latencies = [save.seconds * 1000 for save in ledger.saves]
    how = "processes" if processes else "threads in one process"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{users} users ({how}) for {seconds:.0f} s, think time up to {think * 1000:.0f} ms, "
        f"machine load average {load:.1f} on {os.cpu_count()} CPUs:"
    )
    print(
        f"  saves: {result.saves} ({result.saves / seconds:.1f} per second), "
        f"{result.written} wrote something ({result.written / seconds:.1f} edits per second)"
    )
    print(
        f"  save latency: median {statistics.median(latencies):.1f} ms, "
        f"p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms (target p95 ≤ 50 ms)"
    )
    merged = sum(1 for save in ledger.saves if save.result.merged)
    print(f"  merged with another user's save without conflict: {merged}")
    print(
        f"  conflicts reported: {result.conflicts}, of which not true: {len(result.false_conflicts)}"
    )
    print(f"  lost edits: {len(result.lost)} (must be 0); failed saves: {len(ledger.failures)}")
    print(
        f"  another user sees a save ({watcher.name}): "
        f"median {statistics.median(delays) * 1000:.0f} ms, "
        f"p95 {percentile(delays, 0.95) * 1000:.0f} ms over {len(delays)} saves (target ≤ 1 s)"
    )
    for line in (result.lost + result.false_conflicts + ledger.failures)[:10]:
        print("  !", line)
    return 0 if not result.lost and not result.false_conflicts and not ledger.failures else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument(
        "--think", type=float, default=0.05, help="most seconds a user waits before saving"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="crmbid-five-"))
    paths = AppPaths.under(folder / "home").ensure()
    template = folder / "bid.crmbid"
    create_bid(template).close()
    with running_server() as server:
        server.admin("DROP DATABASE IF EXISTS bench_five_users")
        server.admin("CREATE DATABASE bench_five_users")
        place = server.url("bench_five_users")
        move_to_server(template, place)
        watcher = PollingWatcher(place, paths)
        return run(
            place, paths, seconds=args.seconds, users=args.users, think=args.think, watcher=watcher
        )


if __name__ == "__main__":
    raise SystemExit(main())
