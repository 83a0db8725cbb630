"""The command line without Qt: new, check, clean, export, import and merge."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crmbid_desktop.services.bid.workspace import Workspace

COMMANDS = ("new", "check", "clean", "export", "import", "merge", "server")


_PLACE_HELP = "the .crmbid file, or a postgresql://host/database address of a bid on a server"


def _place(text: str) -> Path | str:
    """A bid's place on the command line: a postgresql:// address (checked) or a file path."""
    from crmbid_desktop.store.backend import is_server_location

    if not is_server_location(text):
        return Path(text)
    from crmbid_desktop.store.postgres import ServerLocation, ServerLocationError

    try:
        return ServerLocation.parse(text).url()
    except ServerLocationError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def build_parser() -> argparse.ArgumentParser:
    # Imported here: the GUI imports this module for COMMANDS and must not load the ORM models.
    from crmbid_desktop.services.bid.bid_template import DEFAULT_TEMPLATE, TEMPLATES

    parser = argparse.ArgumentParser(prog="crmbid-desktop", description="CRM Bid Desktop commands")
    commands = parser.add_subparsers(dest="command", required=True)
    new = commands.add_parser("new", help="create a new bid file")
    new.add_argument("file", type=Path)
    new.add_argument("--template", choices=sorted(TEMPLATES), default=DEFAULT_TEMPLATE)
    check = commands.add_parser("check", help="integrity check, schema version and counts")
    check.add_argument("file", type=_place, help="a .crmbid file or a postgresql:// address")
    clean = commands.add_parser(
        "clean",
        help="copy a received bid without the tables, triggers, views, indexes or columns "
        "this version never makes; the file itself is not changed",
    )
    clean.add_argument("file", type=Path, help="the received .crmbid file")
    clean.add_argument(
        "--output", type=Path, help='where to save the copy (default: "NAME (cleaned).crmbid")'
    )
    export = commands.add_parser(
        "export", help="write a document from the bid; the format follows the output's extension"
    )
    export.add_argument("file", type=_place, help=_PLACE_HELP)
    export.add_argument("output", type=Path, help="e.g. proposal.docx, timetable.ics")
    export.add_argument("--document", help="which document, e.g. proposal, eoi, partners, budget")
    export.add_argument("--template", type=Path, help="a council's own .docx or .dotx template")
    export.add_argument("--draft", action="store_true", help="mark every page DRAFT")
    export.add_argument("--sections", help="section numbers to send, e.g. 4,6.1")
    export.add_argument("--partner", default="", help="who the sections are for, with --sections")
    imp = commands.add_parser("import", help="read a file into the bid")
    imp.add_argument("file", type=_place, help=_PLACE_HELP)
    imp.add_argument("source", type=Path, help="e.g. partners.csv, partners.xlsx")
    imp.add_argument("--document", help="what the file holds, e.g. partners, products")
    imp.add_argument(
        "--dry-run", action="store_true", help="report what would change, change nothing"
    )
    imp.add_argument("--into-section", help="section number to import a .docx into")
    tracked = imp.add_mutually_exclusive_group()
    tracked.add_argument(
        "--accept-tracked",
        action="store_true",
        help="accept the tracked changes in a returned .docx (the default)",
    )
    tracked.add_argument(
        "--reject-tracked",
        action="store_true",
        help="reject the tracked changes in a returned .docx: take the text as it was before them",
    )
    merge = commands.add_parser(
        "merge", help="merge a partner's offline copy of the bid; exit 2 if conflicts remain"
    )
    merge.add_argument("file", type=_place, help=_PLACE_HELP)
    merge.add_argument("copy", type=Path, help="the partner's copy (.crmbid)")
    merge.add_argument(
        "--dry-run", action="store_true", help="report what would change, change nothing"
    )
    server = commands.add_parser("server", help="set up a bid on a PostgreSQL server (for IT)")
    server_commands = server.add_subparsers(dest="server_command", required=True)
    init = server_commands.add_parser(
        "init",
        help="make the bid's tables, the bid and its roles in an empty database; prints each step",
    )
    init.add_argument("url", type=_place, help="postgresql://host/database (no password)")
    init.add_argument(
        "--council",
        action="append",
        default=[],
        help="a council that works on the bid (repeat for each); each gets its own role",
    )
    init.add_argument(
        "--lead",
        help="the council that edits everything (one of the --council names; default: the first)",
    )
    start = init.add_mutually_exclusive_group()
    start.add_argument("--from", dest="source", type=Path, help="a .crmbid file to move in")
    start.add_argument("--template", choices=sorted(TEMPLATES), help="start a new bid from this")
    council = server_commands.add_parser(
        "council", help="add a council (its role and rights) to a bid already on the server"
    )
    council.add_argument("url", type=_place, help="postgresql://host/database (no password)")
    council.add_argument("--council", required=True, help="the council's name in the bid")
    council.add_argument("--lead", action="store_true", help="it is the lead: edits everything")
    grant = server_commands.add_parser(
        "grant", help="let a login edit what a council may (GRANT the council's role TO it)"
    )
    grant.add_argument("url", type=_place, help="postgresql://host/database (no password)")
    grant.add_argument("--council", required=True, help="a council named by server init")
    grant.add_argument("--login", required=True, help="an existing login role on the server")
    return parser


#: Draws the risk heat map for the Word proposal; the entry point passes one in because
#: painting needs Qt, which this module must not import.
HeatMapRenderer = Callable[[dict[tuple[int, int], int]], bytes]


def run(argv: list[str], *, heat_map_renderer: HeatMapRenderer | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "new":
        return _new(args.file, args.template)
    if args.command == "check":
        return _check(args.file)
    if args.command == "clean":
        return _clean(args.file, args.output)
    if args.command == "export":
        return _export(args, heat_map_renderer)
    if args.command == "import":
        return _import(args)
    if args.command == "merge":
        return _merge(args)
    if args.command == "server":
        return _server_init(args)
    return 2


def _server_init(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import DBAPIError

    from crmbid_desktop.services.bid.bid_files import init_server
    from crmbid_desktop.store.errors import BidFileError

    if not isinstance(args.url, str):
        print(
            f"error: server {args.server_command} needs a postgresql://host/database address.",
            file=sys.stderr,
        )
        return 1
    try:
        if args.server_command == "grant":
            from crmbid_desktop.services.bid.rights import grant_login

            lines = grant_login(args.url, args.council, args.login)
        elif args.server_command == "council":
            from crmbid_desktop.services.bid.rights import add_council

            lines = add_council(args.url, args.council, lead=args.lead)
        else:
            lines = init_server(
                args.url, args.council, source=args.source, template=args.template, lead=args.lead
            )
        for line in lines:
            print(line)
    except BidFileError as error:
        print(f"error: {error.user_message}", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except DBAPIError as error:
        print(f"error: the server refused a step: {error.orig}", file=sys.stderr)
        return 1
    return 0


class CommandFailed(Exception):
    """A command stops with a one-line message for the user (printed as "error: ...")."""


def _on_bid(path: Path | str, work: Callable[[Workspace], int], *, writes: bool = False) -> int:
    """Open the bid, run `work` on it, close it; a refused file or failed step is one clear line.

    A command that changes the bid (`writes`) takes the bid's lock first, so a second import
    while one runs, or an import while the bid is open in the program, is told who has it at
    once instead of waiting on SQLite's own lock.
    """
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    from crmbid_desktop import settings as user_settings
    from crmbid_desktop.paths import AppPaths
    from crmbid_desktop.services.bid.bid_files import command_workspace
    from crmbid_desktop.services.formats import UnknownFormatError
    from crmbid_desktop.store.bidfile import classify_sqlite_error
    from crmbid_desktop.store.errors import BidFileError

    try:
        paths = AppPaths.for_user().ensure()
        # Imports and merges are signed as the program signs them: the name and council from
        # File > Settings ("Unnamed user" without one), never the computer login; on a server
        # the same words name the connection (application_name).
        signature = user_settings.UserSettings(paths.config_dir).current.signature
        with command_workspace(path, paths, writes=writes, user=signature) as workspace:
            workspace.user = signature
            for notice in workspace.bid.notices:
                print(f"note: {notice}", file=sys.stderr)
            return work(workspace)
    except BidFileError as error:
        print(f"error: {error.user_message}", file=sys.stderr)
        return 1
    except (sqlite3.Error, DBAPIError) as error:
        cause = error.orig if isinstance(error, DBAPIError) else error
        if not isinstance(cause, sqlite3.Error):
            raise
        print(f"error: {classify_sqlite_error(Path(path), cause).user_message}", file=sys.stderr)
        return 1
    except (CommandFailed, UnknownFormatError, OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _export(args: argparse.Namespace, heat_map_renderer: HeatMapRenderer | None = None) -> int:
    from crmbid_desktop.services import formats

    options = formats.ExportOptions(
        document=args.document,
        template=args.template,
        draft=args.draft,
        sections=tuple(part.strip() for part in (args.sections or "").split(",") if part.strip()),
        partner=args.partner,
        heat_map_renderer=heat_map_renderer,
    )

    def work(workspace: Workspace) -> int:
        from crmbid_desktop.services.word.proposal_export import FinalExportRefused

        try:
            result = formats.export(workspace, args.output, options)
        except FinalExportRefused as refused:
            # The same checklist the Export page shows, each with where to fix it.
            for problem in refused.problems:
                print(f"problem: {problem.line()}", file=sys.stderr)
            print(f"error: {refused}", file=sys.stderr)
            return 1
        # A draft goes ahead with its problems listed as warnings.
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        print(result.summary)
        return 0

    return _on_bid(args.file, work)


def _import(args: argparse.Namespace) -> int:
    from crmbid_desktop.services import formats

    options = formats.ImportOptions(
        document=args.document,
        dry_run=args.dry_run,
        into_section=args.into_section,
        reject_tracked=args.reject_tracked,
    )

    def work(workspace: Workspace) -> int:
        report = formats.import_file(workspace, args.source, options)
        for line in report.lines:
            print(line)
        return 1 if report.rejected else 0

    return _on_bid(args.file, work, writes=not args.dry_run)


def _merge(args: argparse.Namespace) -> int:
    from crmbid_desktop.services.exchange import bid_merge

    def work(workspace: Workspace) -> int:
        try:
            plan = bid_merge.plan_merge(workspace, args.copy)
            if args.dry_run:
                lines = [*bid_merge.report_lines(plan), "Dry run: the bid was not changed."]
            else:
                lines = bid_merge.apply_merge(workspace, plan)
                lines += [f"Conflict: {conflict.describe()}" for conflict in plan.conflicts]
        except bid_merge.MergeError as error:
            raise CommandFailed(str(error)) from error
        for line in lines:
            print(line)
        return 2 if plan.conflicts else 0

    return _on_bid(args.file, work, writes=not args.dry_run)


def _new(path: Path, template: str) -> int:
    from crmbid_desktop.services.bid.bid_template import create_bid
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


def _clean(path: Path, output: Path | None) -> int:
    """Save a copy of a received bid without foreign objects, as the GUI's "Open a cleaned copy"."""
    from crmbid_desktop.paths import AppPaths
    from crmbid_desktop.services.bid.bid_files import save_cleaned_copy
    from crmbid_desktop.store.bidfile import inspect_file
    from crmbid_desktop.store.errors import BidFileError, ForeignSchemaError

    try:
        inspect_file(path)
    except ForeignSchemaError as error:
        print(f"“{path.name}” holds what this version never makes: {', '.join(error.objects)}.")
    except BidFileError as error:
        print(f"error: {error.user_message}", file=sys.stderr)
        return 1
    else:
        print(f"“{path.name}” holds nothing this version does not make, so no copy was made.")
        return 0
    try:
        copy, dropped = save_cleaned_copy(path, AppPaths.for_user().ensure(), output)
    except BidFileError as error:
        print(f"error: {error.user_message}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: the cleaned copy could not be saved ({error}).", file=sys.stderr)
        return 1
    print(f"Saved a cleaned copy as {copy}")
    for item in dropped:
        print(f"Removed: {item}")
    print(f"“{path.name}” itself was not changed.")
    return 0


def _check_server(url: str) -> int:
    from crmbid_desktop.store.errors import BidFileError
    from crmbid_desktop.store.postgres import PostgresBackend, ServerLocation, check_server_bid

    location = ServerLocation.parse(url)
    print(f"Bid on a server: {location.url()}")
    try:
        revision, problems = check_server_bid(location)
        if revision:
            print(f"Schema version: {revision}")
        if not problems:
            bid = PostgresBackend(location).open(read_only=True)
            try:
                c = bid.counts()
            finally:
                bid.close()
            print(
                f"Contents: {c.partners} partners, {c.milestones} milestones, {c.tasks} tasks, "
                f"{c.sections} sections, {c.criteria} criteria"
            )
    except BidFileError as error:
        problems = [error.reason]
    if not problems:
        print("Result: sound")
        return 0
    for problem in problems:
        print(f"Problem: {problem}")
    print("Result: NOT sound")
    return 1


def _check(path: Path | str) -> int:
    from crmbid_desktop.store.bidfile import check_bid

    if isinstance(path, str):
        return _check_server(path)
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
    for foreign in report.foreign_objects:
        print(f"Foreign object: {foreign}")
    print("Result: NOT sound")
    return 1
