"""File → server → file for a bid N times the sample (10× by default): time and equality.

Usage: python tests/benchmarks/bench_server_move.py [--scale 10]

Starts its own PostgreSQL server (tests/helpers/pg_server.py; or CRMBID_TEST_DATABASE_URL),
moves the bid made by make_bid.py into an empty database, saves it back as a file, then compares
every table of the two files row for row. Prints the sizes, each step's wall time and whether
the bids are equal.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import Engine

from crmbid_desktop.store import sqlite as sqlite_store
from crmbid_desktop.store.models import Base
from crmbid_desktop.store.postgres import (
    PostgresBackend,
    ServerLocation,
    move_file_to_server,
)
from tests.benchmarks.make_bid import make
from tests.helpers.pg_server import running_server


def dump(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(table.select().order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="crmbid-move-"))
    source, back = folder / "source.crmbid", folder / "back.crmbid"
    started = time.perf_counter()
    make(args.scale, source)
    print(f"made the {args.scale}x bid: {source.stat().st_size / 1e6:.1f} MB "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    with running_server() as server:
        server.admin("CREATE DATABASE bench_move")
        location = ServerLocation.parse(server.url("bench_move"))
        started = time.perf_counter()
        counts = move_file_to_server(source, location)
        moved = time.perf_counter() - started
        print(f"file → server: {sum(counts.values())} rows in {moved:.2f} s")
        bid = PostgresBackend(location).open()
        started = time.perf_counter()
        bid.copy_to_file(back)
        saved = time.perf_counter() - started
        bid.close()
        print(f"server → file: {back.stat().st_size / 1e6:.1f} MB in {saved:.2f} s")
    first = sqlite_store.make_engine(source, read_only=True)
    second = sqlite_store.make_engine(back, read_only=True)
    same = dump(first) == dump(second)
    first.dispose()
    second.dispose()
    print(f"every table equal after file → server → file: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
