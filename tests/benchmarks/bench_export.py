"""Time write_proposal on a large bid and compare with pandoc on the same text (not a test)."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from crmbid_desktop.domain.wordcount import count_words
from crmbid_desktop.services.word.docx_export import write_proposal
from crmbid_desktop.services.word.proposal_content import (
    PartnerRow,
    ProposalContent,
    SectionContent,
    TimetableRow,
)

WORDS = [
    "council",
    "product",
    "roadmap",
    "academy",
    "**standard**",
    "toolkit",
    "_guide_",
    "partner",
    "budget",
    "<u>risk</u>",
]


def body(rng: random.Random) -> str:
    def sentence(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n)) + "."

    paras = [sentence(104) for _ in range(13)]
    items = "\n".join(f"{'  ' * (i % 3)}- {sentence(8)}" for i in range(9))
    table = "| Product | Decision | Notes |\n|---|---|---|\n" + "\n".join(
        f"| Product {i} | keep | {sentence(6)} |" for i in range(8)
    )
    return "\n\n".join([*paras[:6], items, *paras[6:], table]) + "\n"


def build() -> ProposalContent:
    rng = random.Random(2005)
    sections = [SectionContent(str(i + 1), f"Section {i + 1}", 1, body(rng)) for i in range(60)]
    start = date(2005, 8, 1)
    timetable = [
        TimetableRow((start + timedelta(days=i % 500)).strftime("%a %d %b %Y"), f"Task {i}", "PM")
        for i in range(1000)
    ]
    partners = [
        PartnerRow(f"Council {i}", "Joint partner", "Agreed", "£1,000.00", "2%") for i in range(50)
    ]
    return ProposalContent(
        title="Benchmark bid",
        reference="B/1",
        lead_council="Council 0",
        date=date(2005, 8, 26),
        version="1.0",
        contact="Bench",
        sections=sections,
        partners=partners,
        timetable=timetable,
    )


def as_markdown(content: ProposalContent) -> str:
    parts = [f"% {content.title}\n"]
    for s in content.sections:
        parts.append(f"# {s.title}\n\n{s.body_markdown}")
    parts.append(
        "# Partnership\n\n| Council | Role | Status | Contribution | Share |\n|---|---|---|---|---|"
    )
    parts.extend(
        f"| {p.council} | {p.role} | {p.status} | {p.contribution} | {p.share} |"
        for p in content.partners
    )
    parts.append("\n# Timetable\n\n| Date | Task | Owner |\n|---|---|---|")
    parts.extend(f"| {t.when} | {t.task} | {t.owner} |" for t in content.timetable)
    return "\n".join(parts) + "\n"


def main() -> None:
    content = build()
    words = sum(count_words(s.body_markdown, include_tables=True) for s in content.sections)
    print(f"sections: {len(content.sections)}, words in sections: {words:,}")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        t0 = time.perf_counter()
        write_proposal(content, out / "bench.docx")
        ours = time.perf_counter() - t0
        print(f"write_proposal: {ours:.2f} s, {(out / 'bench.docx').stat().st_size / 1e6:.2f} MB")
        pandoc = shutil.which("pandoc")
        if pandoc is None:
            print("pandoc not on PATH: no comparison")
            return
        md = out / "bench.md"
        md.write_text(as_markdown(content), encoding="utf-8")
        t0 = time.perf_counter()
        subprocess.run(
            [pandoc, "--toc", "-f", "commonmark_x", str(md), "-o", str(out / "p.docx")], check=True
        )
        theirs = time.perf_counter() - t0
        print(f"pandoc: {theirs:.2f} s; ratio ours/pandoc = {ours / theirs:.2f} (target <= 0.6)")


if __name__ == "__main__":
    main()
