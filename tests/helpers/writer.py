"""A writer process for fault tests: makes numbered edits and reports each one after it is saved.

Modes: "normal" (the program's own way: report after the commit returns), and two controls that
prove the harness can see loss: "early-report" says "saved" before committing, "journal-off"
writes with SQLite's rollback journal and syncing turned off.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.store.models import Partner


def normal(bid_path: Path, home: Path, first: int, count: int, early: bool) -> None:
    workspace = open_workspace(bid_path, AppPaths.under(home).ensure())
    for number in range(first, first + count):
        with workspace.edit(f"edit {number}") as session:
            session.add(Partner(name=f"edit {number}", notes="x" * (number % 500)))
            if early:
                session.flush()
                print(f"saved {number}", flush=True)  # the control's lie: not committed yet
        if not early:
            # Only now, after the commit returned, is the edit reported saved.
            print(f"saved {number}", flush=True)
    workspace.close()


def journal_off(bid_path: Path, first: int, count: int) -> None:
    from sqlalchemy import create_engine, event
    from sqlalchemy.orm import sessionmaker

    engine = create_engine(f"sqlite+pysqlite:///{bid_path.as_posix()}")

    @event.listens_for(engine, "connect")
    def _unsafe(dbapi_connection: object, _record: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("PRAGMA journal_mode=DELETE")
        cursor.execute("PRAGMA journal_mode=OFF")
        cursor.execute("PRAGMA synchronous=OFF")
        # A tiny page cache spills pages into the file before the commit: with no journal, a
        # kill then leaves half a transaction in the file, as a power cut would.
        cursor.execute("PRAGMA cache_size=5")
        cursor.close()

    sessions = sessionmaker(engine)
    for number in range(first, first + count):
        with sessions.begin() as session:
            # Many pages per edit, so a kill often lands while they are being written.
            session.add_all(Partner(name=f"edit {number}", notes="y" * 3000) for _ in range(50))
        print(f"saved {number}", flush=True)
    engine.dispose()


def main() -> None:
    bid_path, home, first, count = (
        Path(sys.argv[1]),
        Path(sys.argv[2]),
        int(sys.argv[3]),
        int(sys.argv[4]),
    )
    mode = sys.argv[5] if len(sys.argv) > 5 else "normal"
    if mode == "journal-off":
        journal_off(bid_path, first, count)
    else:
        normal(bid_path, home, first, count, early=mode == "early-report")


if __name__ == "__main__":
    main()
