"""Timing send / take back / merge on the ODPM template bid with long section bodies."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.bid_template import create_bid
from crmbid_desktop.services.exchange.bid_merge import apply_merge, plan_merge, save_partner_copy
from crmbid_desktop.services.exchange.section_exchange import preview_returned, send_sections
from crmbid_desktop.store.models import Section

PARAGRAPH = "The partnership will **sustain** the products with *care* and <u>rigour</u>. " * 6


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["CRMBID_HOME"] = str(folder / "app")
        paths = AppPaths.for_user()
        bid = folder / "bid.crmbid"
        create_bid(bid).close()
        workspace = open_workspace(bid, paths.ensure())
        body = "\n\n".join([PARAGRAPH] * 60 + ["- point one\n- point two"] * 10)
        with workspace.edit("fill") as session:
            for section in session.scalars(select(Section)):
                section.body = body
        numbers = [str(n) for n in range(1, 14)]
        started = time.perf_counter()
        send_sections(workspace, folder / "s.docx", numbers)
        print(
            f"send 13 sections ({len(body) * 13 // 1000} kB of text): "
            f"{time.perf_counter() - started:.2f} s"
        )
        started, cpu = time.perf_counter(), time.process_time()
        preview = preview_returned(workspace, folder / "s.docx")
        changed = sum(c.changed("accept") for c in preview.changes)
        print(
            f"take back preview ({(folder / 's.docx').stat().st_size // 1024} kB file): "
            f"{time.perf_counter() - started:.2f} s ({time.process_time() - cpu:.2f} s CPU), "
            f"{changed} changed"
        )
        copy = folder / "copy.crmbid"
        save_partner_copy(workspace, copy, "bench")
        partner = open_workspace(copy, paths)
        with partner.edit("partner") as session:
            for section in session.scalars(select(Section)):
                section.body = section.body + "\n\nPartner's closing line."
        partner.close()
        started = time.perf_counter()
        plan = plan_merge(workspace, copy)
        apply_merge(workspace, plan)
        print(
            f"merge (all sections changed by partner): {time.perf_counter() - started:.2f} s, "
            f"{len(plan.clean)} clean, {len(plan.conflicts)} conflicts"
        )
        workspace.close()


if __name__ == "__main__":
    main()
