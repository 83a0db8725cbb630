"""Word export of a large bid through a real .crmbid file, against pandoc on the same content.

A large bid: 60 sections of about 1,500 words (each with a list and a table), 1,000 tasks and
50 partners, written with the ORM into a .crmbid file, then exported as the command line does
(services/proposal_export.export: read the file -> ProposalContent -> .docx). pandoc converts
the same content written as Markdown (installed with `apt-get install -y pandoc` if missing).

Run: PYTHONPATH=. QT_QPA_PLATFORM=offscreen /work/venv/bin/python tests/benchmarks/bench_export_bid.py
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import delete

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_export import as_markdown, body

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.bid_template import create_bid
from crmbid_desktop.services.formats import ExportOptions
from crmbid_desktop.services.word.proposal_export import export, proposal_content
from crmbid_desktop.store.models import Partner, Section, Task, TaskDependency

RUNS = 5


def build(path: Path, home: Path) -> None:
    rng = random.Random(2005)
    create_bid(path).close()
    workspace = open_workspace(path, AppPaths.under(home).ensure())
    with workspace.edit("Benchmark bid", action="bench", entity="bid") as session:
        session.execute(delete(TaskDependency))
        session.execute(delete(Task))
        session.execute(delete(Section))
        partners = [
            Partner(
                name=f"Council {i}",
                role="lead" if i == 0 else "joint",
                status="agreed",
                contribution_pence=100_000 * i,
                funding_share_bp=200,
                position=i,
            )
            for i in range(50)
        ]
        session.add_all(partners)
        session.flush()
        for i in range(60):
            session.add(Section(title=f"Section {i + 1}", position=i, body=body(rng)))
        start = date(2005, 6, 1)
        for i in range(1000):
            session.add(
                Task(
                    title=f"Task {i}: prepare the evidence pack",
                    owner_partner_id=partners[i % 50].id,
                    start_on=start + timedelta(days=i // 10),
                    due_on=start + timedelta(days=i // 10 + 3),
                    priority="high" if i % 2 == 0 else "normal",
                    position=i,
                )
            )
    workspace.close()


def main() -> None:
    # The writer alone: the LibreOffice layout pass for contents page numbers is timed by
    # bench_fit.py.
    os.environ.setdefault("CRMBID_PAGE_LAYOUT", "off")
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        subprocess.run(["apt-get", "install", "-y", "-q", "pandoc"], check=False)
        pandoc = shutil.which("pandoc")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        path = out / "large.crmbid"
        t0 = time.perf_counter()
        build(path, out / "home")
        print(f"set-up: large bid written in {time.perf_counter() - t0:.2f} s")
        workspace = open_workspace(path, AppPaths.under(out / "home").ensure())
        content = proposal_content(workspace, today=date(2005, 8, 1))
        print(
            f"bid: {len(content.sections)} sections, {len(content.partners)} partners, "
            f"{len(content.timetable)} timetable rows"
        )
        reads, ours = [], []
        for run in range(RUNS):
            t0 = time.perf_counter()
            proposal_content(workspace, today=date(2005, 8, 1))
            reads.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            # A draft: the large bid has preflight problems, and a final export is refused.
            export(
                workspace,
                out / f"ours{run}.docx",
                ExportOptions(draft=True),
                today=date(2005, 8, 1),
            )
            ours.append(time.perf_counter() - t0)
        workspace.close()
        mine = statistics.median(ours)
        print(f"reading the bid into ProposalContent: {statistics.median(reads):.2f} s")
        print(f"export (read + preflight + write .docx): {mine:.2f} s (median of {RUNS})")
        if pandoc is None:
            print("pandoc could not be installed: no comparison")
            return
        md = out / "bid.md"
        md.write_text(as_markdown(content), encoding="utf-8")
        theirs_runs = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            subprocess.run(
                [pandoc, "--toc", "-f", "commonmark_x", str(md), "-o", str(out / "p.docx")],
                check=True,
            )
            theirs_runs.append(time.perf_counter() - t0)
        theirs = statistics.median(theirs_runs)
        print(f"pandoc on the same content: {theirs:.2f} s")
        print(f"ratio ours/pandoc = {mine / theirs:.2f} (target <= 0.6)")


if __name__ == "__main__":
    main()
