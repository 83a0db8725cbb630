"""Councils' rights on a server bid: setting councils up, asking what this login may edit, and
saying who may make an edit the server refused.

The rules themselves live on the server (store/postgres_rights.py); this module only reads
them. A bid file has no rights: whoever opens it edits everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from crmbid_desktop.domain.outline import OutlineItem, number_outline
from crmbid_desktop.store.errors import RefusedEditError

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from crmbid_desktop.services.bid.workspace import Workspace
    from crmbid_desktop.store.postgres import ServerLocation
    from crmbid_desktop.store.postgres_rights import Refusal

#: What each lead-only table holds, for "Only the lead (…) may change the budget."
LEAD_ONLY_WORDS = {
    "bid": "the bid's details",
    "milestone": "the milestones",
    "risk": "the risk register",
    "budget_line": "the budget",
    "budget_amount": "the budget",
    "criterion": "the evaluation criteria",
    "clarification": "the clarification questions",
}


def set_up_councils(
    location: ServerLocation, connection: Connection, councils: Sequence[str], *, lead: str | None
) -> list[str]:
    """Name each council's role on the server (server init): `lead`, or else the first
    council, edits everything; every other council what is assigned to it."""
    from crmbid_desktop.store.postgres import role_name
    from crmbid_desktop.store.postgres_rights import assign_councils

    check_lead(councils, lead)
    if not councils:
        return ["No council named: only the admin role's members and superusers edit the bid."]
    return assign_councils(
        connection,
        [(role_name(location.database, council), council) for council in councils],
        lead=lead or councils[0],
        admin_role=role_name(location.database, "admin"),
    )


def check_lead(councils: Sequence[str], lead: str | None) -> None:
    """Refuse, before anything is made, a lead that is not one of the councils."""
    named = {" ".join(c.lower().split()) for c in councils}
    if lead and " ".join(lead.lower().split()) not in named:
        raise ValueError(f"the lead “{lead}” is not one of the councils named with --council.")


def add_council(url: str, council: str, *, lead: bool = False) -> list[str]:
    """Add a council to a bid already on a server (server council): its group role, and what
    it may edit (everything with `lead`, which takes the lead from any earlier lead council).
    Also how a bid moved by File > Move to a server… gets councils' rights."""
    from crmbid_desktop.store.postgres import (
        ServerLocation,
        current_revision,
        grant_team_roles,
        make_engine,
        role_name,
    )
    from crmbid_desktop.store.postgres_rights import assign_councils

    location = ServerLocation.parse(url)
    if not council.strip():
        raise ValueError("name the council with --council.")
    engine = make_engine(location)
    try:
        with engine.begin() as connection:
            if not current_revision(connection):
                raise ValueError("the database holds no bid: run server init first.")
            done = grant_team_roles(location, connection, [council])
            done += assign_councils(
                connection,
                [(role_name(location.database, council), council)],
                lead=council if lead else "",
                admin_role=role_name(location.database, "admin"),
            )
    finally:
        engine.dispose()
    return done


def grant_login(url: str, council: str, login: str) -> list[str]:
    """Make the login role `login` a member of `council`'s role (server grant): it then edits
    what that council may. The council must have been named by server init."""
    from sqlalchemy import text

    from crmbid_desktop.store.postgres import ServerLocation, make_engine, quote_name
    from crmbid_desktop.store.postgres_rights import council_roles

    location = ServerLocation.parse(url)
    engine = make_engine(location)
    try:
        with engine.begin() as connection:
            roles = council_roles(connection)
            wanted = " ".join(council.lower().split())
            found = [r for r in roles if " ".join(r.council.lower().split()) == wanted]
            if not found or found[0].partner_id is None:
                known = ", ".join(r.council for r in roles if r.partner_id is not None)
                raise ValueError(
                    f"“{council}” is not a council of this bid"
                    + (f" (its councils: {known})." if known else " (run server init first).")
                )
            exists = connection.execute(
                text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :login"), {"login": login}
            ).first()
            if exists is None:
                raise ValueError(
                    f"there is no login role “{login}” on the server: create it first "
                    f"(CREATE ROLE {quote_name(login)} LOGIN, with a password or Kerberos)."
                )
            connection.execute(text(f"GRANT {quote_name(found[0].role)} TO {quote_name(login)}"))
    finally:
        engine.dispose()
    what = "everything (the lead)" if found[0].lead else f"what is assigned to {found[0].council}"
    return [f"Granted {found[0].role} to {login}: {login} now edits {what}."]


@dataclass(frozen=True)
class EditRights:
    """What the person at the keyboard may edit: everything, or their councils' rows."""

    everything: bool
    partner_ids: frozenset[int]
    #: The lead council's name ("" when not known), and every council's partner row's name.
    lead: str
    councils: dict[int, str]

    def may_edit(self, partner_id: int | None) -> bool:
        """May this login change a row assigned to the partner `partner_id` (None: nobody)?"""
        return self.everything or (partner_id is not None and partner_id in self.partner_ids)

    def who_may(self, partner_id: int | None) -> str:
        """ "Leeds City Council or the lead (Sheffield City Council)", or "the lead (…)"."""
        lead = f"the lead ({self.lead})" if self.lead else "the lead council"
        owner = self.councils.get(partner_id) if partner_id is not None else None
        return f"{owner} or {lead}" if owner and owner != self.lead else lead

    def only_who_may(self, partner_id: int | None, what: str) -> str:
        """ "Only Leeds City Council or the lead (…) may change 4.2 'Governance'." """
        return f"Only {self.who_may(partner_id)} may change {what}."


EVERYTHING = EditRights(everything=True, partner_ids=frozenset(), lead="", councils={})


def edit_rights(workspace: Workspace) -> EditRights:
    """Ask the server what this login may edit; a file (or a server bid without councils)
    may be edited whole."""
    if not workspace.bid.on_server:
        return EVERYTHING
    from crmbid_desktop.store.postgres_rights import council_roles, my_rights

    with workspace.reading() as session:
        connection = session.connection()
        mine = my_rights(connection)
        roles = council_roles(connection)
        names = _partner_names(session)
    lead = next((r for r in roles if r.lead and r.partner_id is not None), None)
    return EditRights(
        everything=mine.everything,
        partner_ids=mine.partner_ids,
        lead=names.get(lead.partner_id, lead.council) if lead and lead.partner_id else "",
        councils=names,
    )


def refused_edit(workspace: Workspace, error: BaseException) -> RefusedEditError | None:
    """The server's refusal of an edit in words saying who may make it; None when `error` is
    not such a refusal (the caller raises it as it is)."""
    from sqlalchemy.orm.exc import StaleDataError

    from crmbid_desktop.store.postgres_rights import read_refusal

    if not workspace.bid.on_server:
        return None
    if isinstance(error, StaleDataError):
        # A row the server hid from this login (or that another user deleted meanwhile).
        return RefusedEditError(
            workspace.path,
            "The server did not let this change be saved: the row is not yours to change, or "
            "someone else has just removed it. Ask the lead council if it should be changed.",
        )
    refusal = read_refusal(error)
    if refusal is None:
        return None
    return RefusedEditError(workspace.path, refusal_message(workspace, refusal))


def refusal_message(workspace: Workspace, refusal: Refusal) -> str:
    """ "Only Leeds City Council or the lead (Sheffield City Council) may change 4.2
    'Governance'." (and the like for other tables and for adding or reassigning rows)."""
    rights = edit_rights(workspace)
    lead = rights.who_may(None)
    row = refusal.row
    with workspace.reading() as session:
        owner, what = _owner_and_words(session, refusal.table, row)
    verb = {"INSERT": "add", "DELETE": "remove"}.get(refusal.op, "change")
    if refusal.new and refusal.op == "UPDATE" and refusal.table in ("section", "task", "product"):
        return f"Only {lead} may give {what} to another council."
    if refusal.table in LEAD_ONLY_WORDS:
        return f"Only {lead} may change {what}."
    if refusal.table == "partner" and refusal.op in ("INSERT", "DELETE"):
        return f"Only {lead} may add councils to the partnership or remove them."
    if refusal.table == "section" and refusal.op == "DELETE":
        return f"Only {lead} may remove {what} (with its sub-sections) from the outline."
    return f"Only {rights.who_may(owner)} may {verb} {what}."


def _partner_names(session: Session) -> dict[int, str]:
    from crmbid_desktop.store.models import Partner

    return {int(i): str(n) for i, n in session.execute(select(Partner.id, Partner.name))}


def section_label(number: str, title: str) -> str:
    """How a refusal names a section: "4.2 'Governance'", or "'Appendix A'" without a number."""
    return f"{number} '{title}'" if number else f"'{title}'"


def _section_label(session: Session, section_id: object) -> tuple[int | None, str]:
    """(author partner, "4.2 'Governance'") of a section, or (None, "a section")."""
    from crmbid_desktop.store.models import Section

    if not isinstance(section_id, int):
        return None, "a section"
    shape = session.execute(
        select(Section.id, Section.parent_id, Section.position, Section.title,
               Section.author_partner_id, Section.is_appendix)
    ).all()  # fmt: skip
    by_id = {r.id: r for r in shape}
    found = by_id.get(section_id)
    if found is None:
        return None, "a section"
    numbers = {
        item.key: item.number
        for item in number_outline(OutlineItem(r.id, r.parent_id, r.position) for r in shape)
    }
    number = "" if found.is_appendix else numbers.get(section_id, "")
    return found.author_partner_id, section_label(number, found.title)


def _owner_and_words(
    session: Session, table: str, row: dict[str, object]
) -> tuple[int | None, str]:
    """Which partner a refused row belongs to, and the row in words."""
    from crmbid_desktop.store.models import Comment, Task

    names = _partner_names(session)

    def partner_id(key: str) -> int | None:
        value = row.get(key)
        return value if isinstance(value, int) else None

    if table == "section":
        owner, label = _section_label(session, row.get("id"))
        return partner_id("author_partner_id") or owner, label
    if table in ("section_version", "section_criterion", "clarification_section"):
        return _section_label(session, row.get("section_id"))
    if table == "comment":
        section_id = row.get("section_id")
        if section_id is None and isinstance(row.get("id"), int):
            section_id = session.scalar(select(Comment.section_id).where(Comment.id == row["id"]))
        owner, label = _section_label(session, section_id)
        return owner, f"this comment on {label}"
    if table == "partner":
        pid = partner_id("id")
        return pid, f"{names.get(pid or 0, row.get('name') or 'this council')}'s details"
    if table in ("contact", "attachment"):
        pid = partner_id("partner_id")
        kind = "contacts" if table == "contact" else "letters"
        return pid, f"the {kind} of {names.get(pid or 0, 'this council')}"
    if table in ("task", "product"):
        title = row.get("title") or row.get("name") or ""
        return partner_id("owner_partner_id"), f"the {table} '{title}'"
    if table == "task_dependency":
        ids = [row.get("predecessor_id"), row.get("successor_id")]
        owners = session.execute(
            select(Task.owner_partner_id).where(Task.id.in_([i for i in ids if isinstance(i, int)]))
        ).scalars()
        return next((o for o in owners if o is not None), None), "this dependency between tasks"
    return None, LEAD_ONLY_WORDS.get(table, f"the {table.replace('_', ' ')}")
