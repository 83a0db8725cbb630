"""Write a bid N times the sample bid, through the program's public services (for bench_scale.py).

Usage: python tests/benchmarks/make_bid.py --scale N OUT.crmbid [--letter-kb 1024]

Starting from the ODPM template, every kind of row is multiplied by N: sections (copies of the
13 numbered sections, each with text up to its word limit, a review comment and an earlier
version), tasks (chained by dependencies, owned by councils, tied to sections), councils (with
two contacts and a letter of support of --letter-kb each), criteria ticks, products and risks.
Everything goes through the same services the GUI uses, so the file is what a team would make.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from crmbid_desktop.services.bid.bid_template import create_bid
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import criteria as criteria_service
from crmbid_desktop.services.registers import partners as partner_service
from crmbid_desktop.services.registers import planning, products, risks
from crmbid_desktop.services.registers import sections as section_service

WORDS = [
    "the",
    "partnership",
    "will",
    "keep",
    "every",
    "product",
    "of",
    "the",
    "CRM",
    "Academy",
    "supported",
    "promoted",
    "and",
    "refreshed",
    "across",
    "English",
    "councils",
    "with",
    "a",
    "board",
    "a",
    "user",
    "group",
    "and",
    "a",
    "costed",
    "plan",
]


def text_of(words: int, seed: int) -> str:
    """Markdown of about `words` words in paragraphs of 60, a heading and a short list."""
    out = [f"## Part {seed}", ""]
    paragraph: list[str] = []
    for n in range(max(words - 8, 1)):
        paragraph.append(WORDS[(n + seed) % len(WORDS)])
        if len(paragraph) == 60:
            out += [" ".join(paragraph).capitalize() + ".", ""]
            paragraph = []
    if paragraph:
        out += [" ".join(paragraph).capitalize() + ".", ""]
    out += ["- keep", "- refresh", "- retire"]
    return "\n".join(out)


def make(scale: int, target: Path, letter_kb: int = 1024) -> dict[str, int]:
    if target.exists():
        raise SystemExit(f"{target} exists already: choose a new file name.")
    create_bid(target).close()
    from crmbid_desktop.paths import AppPaths
    from crmbid_desktop.services.bid.bid_files import open_workspace

    home = Path(tempfile.mkdtemp(prefix="make-bid-"))
    workspace = open_workspace(target, AppPaths.under(home).ensure())
    workspace.user = "make_bid.py"
    try:
        return _fill(workspace, scale, letter_kb, home)
    finally:
        workspace.close()


def _fill(workspace: Workspace, scale: int, letter_kb: int, home: Path) -> dict[str, int]:
    with workspace.reading() as session:
        template = [row for row in section_service.outline(session) if row.parent_id is None]
    criteria = criteria_service.criteria(workspace)
    letter = home / "letter of support.pdf"
    letter.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * (letter_kb * 4))

    # Councils: the two examples, then more, each with contacts and a letter.
    partner_ids = [row.id for row in partner_service.partner_rows(workspace)]
    for n in range(2 * scale - len(partner_ids)):
        fields = partner_service.PartnerFields(f"Council number {n + 3}", region="London")
        partner_ids.append(partner_service.add_partner(workspace, fields))
    for n, partner_id in enumerate(partner_ids):
        detail = partner_service.partner_detail(workspace, partner_id)
        contacts = [
            partner_service.ContactFields(f"Officer {n}-{k}", "Head of customer services")
            for k in range(2)
        ]
        partner_service.save_partner(workspace, partner_id, detail.row.fields, contacts)
        partner_service.add_attachment(workspace, partner_id, letter, received_on=date(2005, 8, 10))

    # Sections: the template's, then copies, each filled to its limit with a version and a comment.
    section_ids = [row.id for row in template]
    for copy in range(1, scale):
        for row in template:
            section_ids.append(
                section_service.add_section(workspace, f"{row.title} (part {copy + 1})")
            )
    with workspace.reading() as session:
        limits = {row.id: row.word_limit or 300 for row in section_service.outline(session)}
    earlier = datetime(2005, 8, 1, 9, 0)
    for n, section_id in enumerate(section_ids):
        limit = limits.get(section_id, 300)
        section_service.save_body(workspace, section_id, text_of(limit // 2, n), now=earlier)
        later = earlier + timedelta(hours=1)
        section_service.save_body(workspace, section_id, text_of(limit, n), now=later)
        section_service.add_comment(workspace, section_id, "Check the figures with finance.")
        for criterion in criteria[n % len(criteria) : n % len(criteria) + 2]:
            criteria_service.set_link(workspace, section_id, criterion.id, True, "")

    # Tasks: the template's, then chains of 13 per copy, owned by councils, tied to sections.
    start = date(2005, 8, 1)
    for copy in range(1, scale):
        previous: int | None = None
        for k in range(13):
            data = planning.TaskInput(
                f"Task {k + 1} of work package {copy + 1}",
                owner_partner_id=partner_ids[(copy + k) % len(partner_ids)],
                start_on=start + timedelta(days=k),
                effort_days=1 + k % 3,
                section_id=section_ids[(copy * 13 + k) % len(section_ids)],
                predecessor_ids=(previous,) if previous is not None else (),
            )
            previous = planning.add_task(workspace, data)

    for n in range(8 * scale):
        products.PRODUCTS.add(
            workspace, products.ProductFields(f"Product {n + 1}", yearly_cost_pence=100_00 * n)
        )
    for n in range(5 * scale):
        risks.RISKS.add(
            workspace, risks.RiskFields(f"Risk {n + 1}", likelihood=1 + n % 5, impact=1 + n % 4)
        )
    counts = workspace.bid.counts()
    return {
        "partners": counts.partners,
        "tasks": counts.tasks,
        "sections": counts.sections,
        "criteria": counts.criteria,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, required=True, help="how many times the sample bid")
    parser.add_argument("out", type=Path, help="the new .crmbid file")
    parser.add_argument("--letter-kb", type=int, default=1024, help="size of each letter")
    args = parser.parse_args()
    if args.scale < 1:
        parser.error("--scale must be 1 or more")
    began = time.perf_counter()
    counts = make(args.scale, args.out, args.letter_kb)
    took = time.perf_counter() - began
    size = args.out.stat().st_size / 1e6
    print(f"{args.out}: scale {args.scale}, {counts}, {size:.1f} MB, made in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
