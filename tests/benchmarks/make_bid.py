"""Write a bid N times the sample bid, through the program's public services (for bench_scale.py).

Usage: python tests/benchmarks/make_bid.py --scale N OUT.crmbid [--letter-kb 1024] [--bulk-base B]

Starting from the ODPM template, every kind of row is multiplied by N: sections (copies of the
13 numbered sections, each with text up to its word limit, a review comment and an earlier
version), tasks (chained by dependencies, owned by councils, tied to sections), councils (with
two contacts and a letter of support of --letter-kb each), criteria ticks, products and risks.
Everything goes through the same services the GUI uses, so the file is what a team would make.

Bulk mode (--bulk-base B, for 1000x: the services path took hours there, since adding a section
renumbers its siblings and adding a task reads every dependency): a bid B times the sample is
made through the services as above, then its rows are copied N/B - 1 more times in SQL, in one
transaction on the bid's own engine. Each copy of a row gets a fresh id (the original id plus
the copy number times the table's largest id) and a fresh UUID, and every foreign key to a copied
table is moved by the same offset, so copy k's tasks depend on copy k's tasks, are owned by copy
k's councils and tied to copy k's sections; letters are copied with their bytes. Copied are
councils, contacts, letters, sections, their versions, comments and criteria ticks, tasks and
their dependencies, products and risks; the bid, criteria, milestones, clarifications and the
budget stay single, as in the services path. Copied titles and names say which set they are in
("(set 3)"); copied councils take no funding share and the supporting role, like the councils
the services path adds. The change log is not copied (it is history, not the bid).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from crmbid_desktop.services.bid.bid_template import create_bid
from crmbid_desktop.services.bid.versioned import Loaded
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import criteria as criteria_service
from crmbid_desktop.services.registers import partners as partner_service
from crmbid_desktop.services.registers import planning, products, risks
from crmbid_desktop.services.registers import sections as section_service
from tests.helpers import partner_saves

#: What an unticked cell of the criteria matrix shows, for a tick saved over it.
UNTICKED = Loaded(0, {"linked": False, "note": ""})

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


#: Tables copied in bulk mode, parents first, with what a copy changes besides ids and UUIDs.
BULK_TABLES: dict[str, dict[str, str]] = {
    "partner": {
        "name": "name || ' (set ' || :set || ')'",
        "role": "'supporting'",
        "funding_share_bp": "0",
        "position": "position + :copy * :positions",
    },
    "contact": {},
    "attachment": {},
    "section": {
        "title": "title || ' (set ' || :set || ')'",
        "position": "CASE WHEN parent_id IS NULL THEN position + :copy * :positions "
        "ELSE position END",
    },
    "section_version": {},
    "comment": {},
    "section_criterion": {},
    "task": {
        "title": "title || ' (set ' || :set || ')'",
        "position": "position + :copy * :positions",
    },
    "task_dependency": {},
    "product": {"name": "name || ' (set ' || :set || ')'"},
    "risk": {"description": "description || ' (set ' || :set || ')'"},
}


def make(
    scale: int, target: Path, letter_kb: int = 1024, bulk_base: int | None = None
) -> dict[str, int]:
    if target.exists():
        raise SystemExit(f"{target} exists already: choose a new file name.")
    if bulk_base is not None and (bulk_base < 1 or scale % bulk_base):
        raise SystemExit(f"--bulk-base {bulk_base} must divide --scale {scale}.")
    create_bid(target).close()
    from crmbid_desktop.paths import AppPaths
    from crmbid_desktop.services.bid.bid_files import open_workspace

    home = Path(tempfile.mkdtemp(prefix="make-bid-"))
    workspace = open_workspace(target, AppPaths.under(home).ensure())
    workspace.user = "make_bid.py"
    try:
        counts = _fill(workspace, bulk_base or scale, letter_kb, home)
        if bulk_base is not None and scale > bulk_base:
            counts = _multiply(workspace, scale // bulk_base)
        return counts
    finally:
        workspace.close()


def _multiply(workspace: Workspace, times: int) -> dict[str, int]:
    """Copy the bulk tables' rows `times - 1` more times with fresh ids, UUIDs and foreign keys."""
    import uuid

    from sqlalchemy import event, text

    from crmbid_desktop.store.models import Base

    tables = {table.name: table for table in Base.metadata.sorted_tables}
    engine = workspace.bid.engine

    @event.listens_for(engine, "connect")
    def _uuids(connection: Any, _record: object) -> None:  # new connections get new_uuid() too
        connection.create_function("new_uuid", 0, lambda: str(uuid.uuid4()))

    engine.dispose()  # so the connection below is a new one, with new_uuid()
    with engine.begin() as connection:
        largest = {
            name: connection.execute(text(f"SELECT coalesce(max(id), 0) FROM {name}")).scalar_one()
            for name in BULK_TABLES
        }
        positions = {
            name: connection.execute(
                text(f"SELECT coalesce(max(position), 0) + 1 FROM {name}")
            ).scalar_one()
            for name in ("partner", "section", "task")
        }
        for copy in range(1, times):
            for name, changes in BULK_TABLES.items():
                table = tables[name]
                values = []
                for column in table.columns:
                    if column.name == "id":
                        values.append(f"id + {copy * largest[name]}")
                    elif column.name == "uuid":
                        values.append("new_uuid()")
                    elif column.name in changes:
                        values.append(changes[column.name])
                    else:
                        keys = [fk.column.table.name for fk in column.foreign_keys]
                        if keys and keys[0] in BULK_TABLES:
                            offset = copy * largest[keys[0]]
                            values.append(
                                f"CASE WHEN {column.name} IS NULL THEN NULL "
                                f"ELSE {column.name} + {offset} END"
                            )
                        else:
                            values.append(column.name)
                names = ", ".join(column.name for column in table.columns)
                connection.execute(
                    text(
                        f"INSERT INTO {name} ({names}) SELECT {', '.join(values)} "
                        f"FROM {name} WHERE id <= {largest[name]}"
                    ),
                    {"copy": copy, "set": copy + 1, "positions": positions.get(name, 0)},
                )
    counts = workspace.bid.counts()
    return {
        "partners": counts.partners,
        "tasks": counts.tasks,
        "sections": counts.sections,
        "criteria": counts.criteria,
    }


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
        partner_saves.save_partner(workspace, partner_id, detail.row.fields, contacts)
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
            criteria_service.save_link(workspace, section_id, criterion.id, UNTICKED, True)

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
    parser.add_argument(
        "--bulk-base",
        type=int,
        help="make a bid this many times the sample through the services, then copy its rows "
        "in SQL up to --scale (see the module's docstring)",
    )
    args = parser.parse_args()
    if args.scale < 1:
        parser.error("--scale must be 1 or more")
    began = time.perf_counter()
    counts = make(args.scale, args.out, args.letter_kb, args.bulk_base)
    took = time.perf_counter() - began
    size = args.out.stat().st_size / 1e6
    print(f"{args.out}: scale {args.scale}, {counts}, {size:.1f} MB, made in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
