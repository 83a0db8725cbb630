"""A partner's copy with 200,000 new rows merged into the bid: time and stored snapshot size.

The issue measured 158 s and a 133 MB JSON snapshot (which put the bid over the 200 MB limit
for a partner's copy); the aim is under 20 s with a compact snapshot.
Run: python tests/benchmarks/bench_merge_large.py [ROWS]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.bid_template import create_bid
from crmbid_desktop.services.exchange.bid_merge import apply_merge, plan_merge, save_partner_copy
from crmbid_desktop.store.models import ExchangeBase, Product, new_uuid


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["CRMBID_HOME"] = str(folder / "app")
        paths = AppPaths.for_user().ensure()
        bid = folder / "bid.crmbid"
        create_bid(bid).close()
        workspace = open_workspace(bid, paths)
        copy = folder / "copy.crmbid"
        save_partner_copy(workspace, copy, "bench")
        partner = open_workspace(copy, paths)
        with partner.edit("partner adds products") as session:
            session.execute(
                insert(Product),
                [
                    {
                        "uuid": new_uuid(),
                        "name": f"Product {n}",
                        "description": f"Toolkit number {n} for councils at every stage",
                    }
                    for n in range(rows)
                ],
            )
        partner.close()
        print(f"partner's copy: {copy.stat().st_size / 1e6:.1f} MB with {rows:,} new products")
        started, cpu = time.perf_counter(), time.process_time()
        plan = plan_merge(workspace, copy)
        planned = time.perf_counter() - started
        apply_merge(workspace, plan)
        total = time.perf_counter() - started
        # CPU time too: on a shared machine the wall clock includes waiting for a core.
        print(
            f"plan {planned:.1f} s, plan + apply {total:.1f} s wall, "
            f"{time.process_time() - cpu:.1f} s CPU"
        )
        with workspace.reading() as session:
            count = session.scalar(select(func.count()).select_from(Product))
            sizes = [len(s) for s in session.scalars(select(ExchangeBase.snapshot))]
        workspace.close()
        print(f"products in the bid: {count:,}")
        print(f"stored snapshots: {', '.join(f'{s / 1e6:.1f} MB' for s in sizes)}")
        print(f"bid file: {bid.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
