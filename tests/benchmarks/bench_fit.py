"""Figures for issue 17 (and the two issue-15 fixes in the Word writer).

1. Tables appended to a long document: our writer finds the end of the body from the end, where
   python-docx's add_table looks for it from the top each time (quadratic in the body's length).
2. How many times an Export-page export counts each section's words (preflight only: once).
3. The LibreOffice layout pass that puts page numbers in the contents, on the sample bid.

Run: PYTHONPATH=. QT_QPA_PLATFORM=offscreen /work/venv/bin/python tests/benchmarks/bench_fit.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "export"))


def _tables(count: int, *, ours: bool) -> float:
    from docx.shared import Emu

    from crmbid_desktop.services.word.docx_export import _Builder

    builder = _Builder(None)
    rows = [[f"Row {i}", "Leeds City Council", "£12,000"] for i in range(10)]
    for i in range(200):  # a body that is already long when the tables come
        builder.para(f"Paragraph {i} of the sections before the registers.")
    started = time.perf_counter()
    for _ in range(count):
        builder.para("A paragraph between tables.")
        if ours:
            builder.table("Register", ["Item", "Council", "Amount"], rows)
        else:
            builder.doc._body.add_table(11, 3, Emu(builder.block_width))
    return time.perf_counter() - started


def main() -> None:
    print("1. appending tables to a long document (10 rows each)")
    for count in (250, 500, 1000):
        ours = _tables(count, ours=True)
        theirs = _tables(count, ours=False)
        print(
            f"   {count:5d} tables: ours {ours:6.2f} s ({ours / count * 1000:.2f} ms each, "
            f"filled and fitted); python-docx add_table, empty: {theirs:6.2f} s "
            f"({theirs / count * 1000:.2f} ms each)"
        )

    from bid_fill import TODAY, complete_bid

    from crmbid_desktop.domain import wordcount
    from crmbid_desktop.paths import AppPaths
    from crmbid_desktop.services.bid.bid_files import open_workspace
    from crmbid_desktop.services.bid.bid_template import create_bid
    from crmbid_desktop.services.bid.preflight import preflight
    from crmbid_desktop.services.word import proposal_export as service

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        os.environ["CRMBID_HOME"] = str(out / "home")
        bid = out / "bid.crmbid"
        create_bid(bid).close()
        workspace = open_workspace(bid, AppPaths.for_user().ensure())
        complete_bid(workspace)
        calls = 0
        real = wordcount.count_words

        def counting(*args: object, **kwargs: object) -> int:
            nonlocal calls
            calls += 1
            return real(*args, **kwargs)  # type: ignore[arg-type]

        wordcount.count_words = counting
        try:
            # What the Export page does: check (the list it shows), then prepare with that list.
            problems = preflight(workspace, today=TODAY)
            os.environ["CRMBID_PAGE_LAYOUT"] = "off"
            service.prepare_export(
                workspace, out / "p.docx", today=TODAY, problems=problems
            ).write()
        finally:
            wordcount.count_words = real
        print(f"2. word counts per section for one Export-page export: {calls / 15:.0f}")

        os.environ["CRMBID_PAGE_LAYOUT"] = "off"
        started = time.perf_counter()
        service.prepare_export(workspace, out / "a.docx", today=TODAY).write()
        plain = time.perf_counter() - started
        os.environ["CRMBID_PAGE_LAYOUT"] = "on"
        started = time.perf_counter()
        service.prepare_export(workspace, out / "b.docx", today=TODAY).write()
        laid_out = time.perf_counter() - started
        workspace.close()
        print(
            f"3. sample bid proposal: {plain:.2f} s without the layout pass, {laid_out:.2f} s with "
            "LibreOffice working out the contents' page numbers"
        )


if __name__ == "__main__":
    main()
