"""Timing the take-back preview of a ~365 kB returned Word file (the issue's target: under 1 s).

Thirteen long sections are sent, a partner edits a word in every paragraph of one section and
one word in each of the others (with python-docx, as Word would save it), and the preview that
File > Take back shows is timed: reading the file, finding the sections, converting them and
comparing each with the bid (three-way where the bid changed since sending).
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import docx
from sqlalchemy import select

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.bid_template import create_bid
from crmbid_desktop.services.exchange.markdown_compare import _signature, blocks, rendered
from crmbid_desktop.services.exchange.section_exchange import preview_returned, send_sections
from crmbid_desktop.store.models import Section

WORDS = [
    "council",
    "partnership",
    "academy",
    "product",
    "roadmap",
    "toolkit",
    "standard",
    "guidance",
    "promotion",
    "roll-out",
    "maintenance",
    "helpdesk",
    "training",
    "governance",
    "board",
    "evaluation",
    "sustainability",
    "funding",
    "budget",
    "subscription",
    "sponsorship",
    "transition",
    "handover",
    "milestone",
    "risk",
    "benefit",
    "authority",
    "customer",
]
TABLE = "| Council | Role | Share |\n|---|---|---|\n" + "| Leeds | Lead | 40% |\n" * 12
#: Paragraphs per section; with 13 sections this makes the returned file about 365 kB.
PARAGRAPHS = 195
LIST = "1. Promote\n2. Maintain\n   - helpdesk\n   - training\n3. Review"


def _paragraph(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(70)]
    words[3] = f"**{words[3]}**"
    words[9] = f"*{words[9]}*"
    words[15] = f"<u>{words[15]}</u>"
    words[22] = f"[{words[22]}](https://example.org/{rng.randrange(1000)})"
    return "The partnership will " + " ".join(words) + f" CRM\\_NP {rng.randrange(9999)}."


def _body(paragraphs: int, rng: random.Random) -> str:
    blocks = []
    for index in range(paragraphs):
        blocks.append(_paragraph(rng))
        if index % 15 == 7:
            blocks.append(TABLE)
        if index % 10 == 3:
            blocks.append(LIST)
    return "\n\n".join(blocks)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["CRMBID_HOME"] = str(folder / "app")
        bid = folder / "bid.crmbid"
        create_bid(bid).close()
        workspace = open_workspace(bid, AppPaths.for_user().ensure())
        rng = random.Random(2005)
        with workspace.edit("fill") as session:
            for section in session.scalars(select(Section)):
                section.body = _body(PARAGRAPHS, rng)
        sent = folder / "sent.docx"
        send_sections(workspace, sent, [str(n) for n in range(1, 14)], partner="Leeds")
        # The bid team goes on editing section 5 after sending (a three-way take-back).
        with workspace.edit("later") as session:
            later = session.scalars(select(Section).where(Section.position == 4)).first()
            if later is not None:
                later.body = later.body.replace("sustain", "keep", 1)
        document = docx.Document(str(sent))
        edited = 0
        for paragraph in document.paragraphs:
            if paragraph.text.startswith("The partnership will") and paragraph.runs:
                paragraph.runs[0].text = paragraph.runs[0].text.replace("will", "shall", 1)
                edited += 1
        document.core_properties.last_modified_by = "Ann Smith"
        returned = folder / "returned.docx"
        document.save(str(returned))
        size_kb = returned.stat().st_size / 1024
        times, cpu = [], []
        for _ in range(5):
            for cached in (rendered, blocks, _signature):
                cached.cache_clear()  # every run starts cold, as a user's first preview does
            started, started_cpu = time.perf_counter(), time.process_time()
            preview = preview_returned(workspace, returned)
            changed = sum(c.changed("accept") for c in preview.changes)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        print(
            f"take-back preview of a {size_kb:.0f} kB returned file ({len(preview.changes)} "
            f"sections, {edited} paragraphs edited, {changed} sections changed): "
            f"median {statistics.median(times):.2f} s, best {min(times):.2f} s; CPU time median "
            f"{statistics.median(cpu):.2f} s (target under 1 s)"
        )
        workspace.close()


if __name__ == "__main__":
    main()
