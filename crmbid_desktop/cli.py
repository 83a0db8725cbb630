"""The command line without Qt: new, check, and (later) export, import and merge."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crmbid_desktop.services.bid_template import DEFAULT_TEMPLATE, TEMPLATES

COMMANDS = ("new", "check")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crmbid-desktop", description="CRM Bid Desktop commands")
    commands = parser.add_subparsers(dest="command", required=True)
    new = commands.add_parser("new", help="create a new bid file")
    new.add_argument("file", type=Path)
    new.add_argument("--template", choices=sorted(TEMPLATES), default=DEFAULT_TEMPLATE)
    check = commands.add_parser("check", help="integrity check, schema version and counts")
    check.add_argument("file", type=Path)
    return parser


def run(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "new":
        return _new(args.file, args.template)
    if args.command == "check":
        return _check(args.file)
    return 2


def _new(path: Path, template: str) -> int:
    from crmbid_desktop.services.bid_template import create_bid
    from crmbid_desktop.store.errors import BidFileError

    try:
        bid = create_bid(path, template)
    except BidFileError as error:
        print(f"error: {error.user_message}", file=sys.stderr)
        return 1
    counts = bid.counts()
    bid.close()
    print(
        f"Created {bid.path} from template {template}: {counts.partners} partners, "
        f"{counts.milestones} milestones, {counts.tasks} tasks, {counts.sections} sections, "
        f"{counts.criteria} criteria."
    )
    return 0


def _check(path: Path) -> int:
    from crmbid_desktop.store.bidfile import check_bid

    report = check_bid(path)
    print(f"File: {report.path}")
    if report.revision:
        print(f"Schema version: {report.revision}")
    if report.counts:
        c = report.counts
        print(
            f"Contents: {c.partners} partners, {c.milestones} milestones, {c.tasks} tasks, "
            f"{c.sections} sections, {c.criteria} criteria"
        )
    if report.sound:
        print("Result: sound")
        return 0
    for problem in report.problems:
        print(f"Problem: {problem}")
    print("Result: NOT sound")
    return 1
