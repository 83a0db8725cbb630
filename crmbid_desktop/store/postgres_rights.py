"""Councils' rights on a server: each partner council edits only what is assigned to it.

Server-only objects, not Alembic migrations (a bid file has no logins): a schema
`crmbid_rights` holding which group role is which council (`council`) and which council wrote
each comment (`comment_writer`), the rule `may_write(table, operation, row)`, row-level
security policies on every table of the bid, and a guard trigger.

Why a trigger as well as policies: a policy's USING clause hides the rows a role may not
change, so an UPDATE or DELETE of another council's section would quietly touch nothing. The
policies here check every new row (INSERT and UPDATE's WITH CHECK) and the BEFORE trigger checks
the row as it was (UPDATE and DELETE) and refuses loudly, with the table and row in the error's
detail, so the program can say who may make the change. Neither can be switched off by a
council's role (only the tables' owner, the admin role, can disable a trigger or a policy).

Who edits what (a login belongs to a council by membership in the council's group role):
- the lead council's role and the `<db>_admin` role: everything;
- a partner council: its own `partner` row (not deleting it), its contacts and letters
  (attachment), the sections it is the author of (`author_partner_id`; not adding a section for
  another council, nor reassigning, nor deleting, which would take sub-sections with it), their
  saved versions, criteria notes and clarification links, the tasks and products it owns
  (`owner_partner_id`), dependencies touching its tasks, comments it writes on any section (and
  resolving comments on its own sections);
- the lead only: the bid's settings, milestones, risks (their owner is free text), budget lines
  and amounts, criteria and clarifications;
- everyone: the change log (each edit adds its line) and the exchange bookkeeping.
Until `assign_councils` has named a council (a bid moved to a server, not yet set up by
`server init`), and for a superuser, nothing is restricted.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

SCHEMA = "crmbid_rights"
#: SQLSTATE of the refusal (insufficient_privilege), as for a policy's own refusal.
REFUSED_STATE = "42501"
#: The refusal's message starts with this; its detail is JSON {"table", "op", "new", "row"}.
REFUSED_MARK = "crmbid: not yours to change"

#: The columns of a refused row the refusal carries (to say who may change it, and what).
ROW_KEYS = (
    "id",
    "name",
    "title",
    "partner_id",
    "owner_partner_id",
    "author_partner_id",
    "section_id",
    "predecessor_id",
    "successor_id",
)
#: Tables whose rows belong to a council through a column naming the partner.
PARTNER_COLUMN = {
    "contact": "partner_id",
    "attachment": "partner_id",
    "task": "owner_partner_id",
    "product": "owner_partner_id",
    "section": "author_partner_id",
}
#: Tables whose rows belong to the council that is the author of their section.
SECTION_COLUMN = {
    "section_version": "section_id",
    "section_criterion": "section_id",
    "clarification_section": "section_id",
}
#: Tables everyone writes: bookkeeping, not content.
EVERYONE_TABLES = frozenset({"change_log", "exchange_base"})
# Every table not named above (bid, milestone, risk, budget_line, budget_amount, criterion,
# clarification, and any added later) is the lead's alone: the rule's default, not a list.
#: Not guarded: the schema's version is the admin role's (upgrades), read by everyone.
UNGUARDED_TABLES = frozenset({"alembic_version"})

_FUNCTIONS = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {SCHEMA}.council (
  role_name text PRIMARY KEY,
  council text NOT NULL,
  partner_id integer,
  lead boolean NOT NULL DEFAULT false
);
CREATE TABLE IF NOT EXISTS {SCHEMA}.comment_writer (
  comment_id integer PRIMARY KEY,
  partner_ids integer[] NOT NULL
);
GRANT USAGE ON SCHEMA {SCHEMA} TO PUBLIC;
GRANT SELECT ON {SCHEMA}.council, {SCHEMA}.comment_writer TO PUBLIC;

-- The partner rows of the councils whose group role `who` is a member of.
CREATE OR REPLACE FUNCTION {SCHEMA}.partners_of(who name) RETURNS integer[]
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT coalesce(array_agg(c.partner_id), '{{}}')
    FROM {SCHEMA}.council c JOIN pg_roles r ON r.rolname = c.role_name
   WHERE c.partner_id IS NOT NULL AND pg_has_role(who, c.role_name, 'MEMBER')
$$;

-- True for the lead (its council's role or the admin role), a superuser, or any role while no
-- council has been named yet (rights not set up).
CREATE OR REPLACE FUNCTION {SCHEMA}.edits_everything() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT NOT EXISTS (SELECT 1 FROM {SCHEMA}.council)
      OR coalesce((SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user),
                  false)
      OR EXISTS (SELECT 1 FROM {SCHEMA}.council c JOIN pg_roles r ON r.rolname = c.role_name
                  WHERE c.lead AND pg_has_role(current_user, c.role_name, 'MEMBER'))
$$;

-- May the current role make this row (INSERT, UPDATE's new row) or change it as it was
-- (UPDATE's old row, DELETE)? `op` is INSERT, UPDATE or DELETE.
CREATE OR REPLACE FUNCTION {SCHEMA}.may_write(tbl text, op text, r jsonb) RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  mine integer[];
BEGIN
  IF tbl IN ({", ".join(f"'{name}'" for name in sorted(EVERYONE_TABLES))})
     OR {SCHEMA}.edits_everything() THEN
    RETURN true;
  END IF;
  mine := {SCHEMA}.partners_of(current_user);
  CASE
  WHEN tbl = 'partner' THEN
    RETURN op = 'UPDATE' AND (r->>'id')::integer = ANY(mine);
  WHEN tbl = 'section' THEN
    RETURN op <> 'DELETE' AND (r->>'author_partner_id')::integer = ANY(mine);
  WHEN tbl IN ({", ".join(f"'{name}'" for name in sorted(set(PARTNER_COLUMN) - {"section"}))})
  THEN
    RETURN (r->>CASE WHEN tbl IN ('contact', 'attachment') THEN 'partner_id'
                     ELSE 'owner_partner_id' END)::integer = ANY(mine);
  WHEN tbl IN ({", ".join(f"'{name}'" for name in sorted(SECTION_COLUMN))}) THEN
    RETURN EXISTS (SELECT 1 FROM section s WHERE s.id = (r->>'section_id')::integer
                                             AND s.author_partner_id = ANY(mine));
  WHEN tbl = 'task_dependency' THEN
    RETURN EXISTS (SELECT 1 FROM task t
                    WHERE t.id IN ((r->>'predecessor_id')::integer, (r->>'successor_id')::integer)
                      AND t.owner_partner_id = ANY(mine));
  WHEN tbl = 'comment' THEN
    -- Anyone comments on any section; a comment is changed or deleted by the council that
    -- wrote it, and resolved (changed) by the council whose section it is on too.
    RETURN op = 'INSERT'
        OR EXISTS (SELECT 1 FROM {SCHEMA}.comment_writer w
                    WHERE w.comment_id = (r->>'id')::integer AND w.partner_ids && mine)
        OR (op = 'UPDATE' AND EXISTS (
              SELECT 1 FROM section s WHERE s.id = (r->>'section_id')::integer
                                        AND s.author_partner_id = ANY(mine)));
  ELSE
    RETURN false;
  END CASE;
END
$$;

-- The columns a refusal's message needs (who owns the row, what to call it), not its text.
CREATE OR REPLACE FUNCTION {SCHEMA}.row_keys(r jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_object_agg(key, value), '{{}}') FROM jsonb_each(r)
   WHERE key IN ({", ".join(f"'{key}'" for key in ROW_KEYS)})
$$;

-- BEFORE each row's change: refuse loudly what a policy would only hide (see the module's
-- docstring), naming the table and row so the program can say who may change it.
CREATE OR REPLACE FUNCTION {SCHEMA}.guard_row() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  r jsonb;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    r := to_jsonb(OLD);
    IF NOT {SCHEMA}.may_write(TG_TABLE_NAME, TG_OP, r) THEN
      RAISE EXCEPTION USING ERRCODE = '{REFUSED_STATE}',
        MESSAGE = format('{REFUSED_MARK}: %s %s', TG_TABLE_NAME, r->>'id'),
        DETAIL = jsonb_build_object('table', TG_TABLE_NAME, 'op', TG_OP, 'new', false,
                                    'row', {SCHEMA}.row_keys(r))::text;
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    r := to_jsonb(NEW);
    IF NOT {SCHEMA}.may_write(TG_TABLE_NAME, TG_OP, r) THEN
      RAISE EXCEPTION USING ERRCODE = '{REFUSED_STATE}',
        MESSAGE = format('{REFUSED_MARK}: %s %s', TG_TABLE_NAME, r->>'id'),
        DETAIL = jsonb_build_object('table', TG_TABLE_NAME, 'op', TG_OP, 'new', true,
                                    'row', {SCHEMA}.row_keys(r))::text;
    END IF;
    RETURN NEW;
  END IF;
  RETURN OLD;
END
$$;

-- Which councils wrote a comment, noted as it is inserted. SECURITY DEFINER because council
-- roles may not write comment_writer themselves (they could then claim others' comments); a
-- trigger function cannot be called directly, and an existing note is never replaced (undo
-- putting a deleted comment back keeps its writer). current_user is the definer here, so the
-- writer is the login that connected (session_user).
CREATE OR REPLACE FUNCTION {SCHEMA}.note_comment_writer() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO {SCHEMA}.comment_writer(comment_id, partner_ids)
    VALUES (NEW.id, {SCHEMA}.partners_of(session_user))
    ON CONFLICT (comment_id) DO NOTHING;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION {SCHEMA}.note_comment_writer() FROM PUBLIC;
"""


def install_rights(connection: Connection) -> None:
    """Create (or bring up to date) the rights schema, policies and triggers on every table.

    Idempotent; called from `install_server_objects` whenever the schema is made or migrated,
    so a table a later migration adds is guarded too (lead-only unless named above).
    """
    connection.exec_driver_sql(_FUNCTIONS)
    tables = [
        str(row[0])
        for row in connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        )
    ]
    for table in tables:
        if table in UNGUARDED_TABLES:
            continue
        name = _quote(table)
        rule = f"{SCHEMA}.may_write('{table}', '%s', to_jsonb({name}.*))"
        statements = [
            f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY",
            # FORCE: the admin role owns the tables, and an owner is otherwise exempt.
            f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS crmbid_read ON {name}",
            f"DROP POLICY IF EXISTS crmbid_add ON {name}",
            f"DROP POLICY IF EXISTS crmbid_change ON {name}",
            f"DROP POLICY IF EXISTS crmbid_remove ON {name}",
            f"CREATE POLICY crmbid_read ON {name} FOR SELECT USING (true)",
            f"CREATE POLICY crmbid_add ON {name} FOR INSERT WITH CHECK ({rule % 'INSERT'})",
            # The old row is checked by the guard trigger (loudly); the new one here too.
            f"CREATE POLICY crmbid_change ON {name} FOR UPDATE USING (true) "
            f"WITH CHECK ({rule % 'UPDATE'})",
            f"CREATE POLICY crmbid_remove ON {name} FOR DELETE USING (true)",
            f"CREATE OR REPLACE TRIGGER crmbid_guard BEFORE INSERT OR UPDATE OR DELETE "
            f"ON {name} FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.guard_row()",
        ]
        for statement in statements:
            connection.exec_driver_sql(statement)
    if "comment" in tables:
        connection.exec_driver_sql(
            "CREATE OR REPLACE TRIGGER crmbid_comment_writer AFTER INSERT ON comment "
            f"FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.note_comment_writer()"
        )


@dataclass(frozen=True)
class CouncilRole:
    """A council's group role and the partner row it stands for."""

    role: str
    council: str
    partner_id: int | None
    lead: bool


def assign_councils(
    connection: Connection,
    councils: Sequence[tuple[str, str]],
    *,
    lead: str,
    admin_role: str,
) -> list[str]:
    """Say which group role is which council: `councils` is (role, council name) pairs.

    Each council is found among the bid's partners by name (case and spaces ignored), or added
    as a partner. `lead` names the council that edits everything, with `admin_role`. Returns
    what was done, in words. Run by IT (as the admin role's member or a superuser).
    """
    from sqlalchemy import insert, select

    from crmbid_desktop.store.models import Partner

    install_rights(connection)
    done: list[str] = []
    partners = {
        _plain(str(name)): int(pid)
        for pid, name in connection.execute(select(Partner.id, Partner.name).order_by(Partner.id))
    }
    upsert = text(
        f"INSERT INTO {SCHEMA}.council(role_name, council, partner_id, lead) "
        "VALUES (:role, :council, :partner_id, :lead) ON CONFLICT (role_name) DO UPDATE SET "
        "council = EXCLUDED.council, partner_id = EXCLUDED.partner_id, lead = EXCLUDED.lead"
    )
    if lead:
        connection.execute(text(f"UPDATE {SCHEMA}.council SET lead = false WHERE partner_id > 0"))
    for role, council in councils:
        partner_id = partners.get(_plain(council))
        if partner_id is None:
            partner_id = int(
                connection.execute(
                    insert(Partner).values(name=council.strip()).returning(Partner.id)
                ).scalar_one()
            )
            partners[_plain(council)] = partner_id
            done.append(f"Added {council} to the bid's partners.")
        is_lead = _plain(council) == _plain(lead)
        connection.execute(
            upsert,
            {"role": role, "council": council.strip(), "partner_id": partner_id, "lead": is_lead},
        )
        # The schema's version is the admin role's (upgrades): a council may only read it.
        connection.exec_driver_sql(
            f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {_quote(role)}"
        )
        done.append(
            f"{role} edits everything (the lead council, {council})."
            if is_lead
            else f"{role} edits what is assigned to {council}."
        )
    connection.execute(
        upsert,
        {"role": admin_role, "council": "the lead's administrators", "partner_id": None,
         "lead": True},
    )  # fmt: skip
    # Comments already in the bid were written by no council (lead or section's council edit).
    connection.exec_driver_sql(
        f"INSERT INTO {SCHEMA}.comment_writer(comment_id, partner_ids) "
        "SELECT id, '{}' FROM comment ON CONFLICT (comment_id) DO NOTHING"
    )
    # The admin role keeps the rights objects, as it keeps the tables (a superuser must not be
    # the owner of a SECURITY DEFINER function that council roles set off).
    owner = _quote(admin_role)
    for table in ("council", "comment_writer"):
        connection.exec_driver_sql(f"ALTER TABLE {SCHEMA}.{table} OWNER TO {owner}")
    for function in (
        "partners_of(name)",
        "edits_everything()",
        "may_write(text, text, jsonb)",
        "guard_row()",
        "row_keys(jsonb)",
        "note_comment_writer()",
    ):
        connection.exec_driver_sql(f"ALTER FUNCTION {SCHEMA}.{function} OWNER TO {owner}")
    connection.exec_driver_sql(f"ALTER SCHEMA {SCHEMA} OWNER TO {owner}")
    return done


def council_roles(connection: Connection) -> list[CouncilRole]:
    """Every council role named on this bid, the lead's first; [] when rights are not set up."""
    if not connection.execute(text(f"SELECT to_regclass('{SCHEMA}.council')")).scalar():
        return []
    rows = connection.execute(
        text(
            f"SELECT role_name, council, partner_id, lead FROM {SCHEMA}.council "
            "ORDER BY lead DESC, partner_id IS NULL, council"
        )
    )
    return [CouncilRole(str(r[0]), str(r[1]), r[2], bool(r[3])) for r in rows]


@dataclass(frozen=True)
class MyRights:
    """What the connected login may edit: everything, or the rows of these partners."""

    everything: bool
    partner_ids: frozenset[int]


def my_rights(connection: Connection) -> MyRights:
    """Ask the server what this login may edit (the same functions the policies use)."""
    if not connection.execute(text(f"SELECT to_regclass('{SCHEMA}.council')")).scalar():
        return MyRights(everything=True, partner_ids=frozenset())
    everything = bool(connection.execute(text(f"SELECT {SCHEMA}.edits_everything()")).scalar())
    mine = connection.execute(text(f"SELECT {SCHEMA}.partners_of(current_user)")).scalar()
    return MyRights(everything=everything, partner_ids=frozenset(int(i) for i in mine or ()))


@dataclass(frozen=True)
class Refusal:
    """What the server refused: the table, the operation, whether the row as it would become
    (rather than as it was) was refused, and the row's keys (`ROW_KEYS`; empty when a policy
    rather than the guard refused)."""

    table: str
    op: str
    new: bool
    row: dict[str, object]


def read_refusal(error: BaseException) -> Refusal | None:
    """The refusal in a database error raised by the guard or a policy; None for other errors."""
    cause = getattr(error, "orig", error)
    if getattr(cause, "sqlstate", None) != REFUSED_STATE:
        return None
    diag = getattr(cause, "diag", None)
    detail = getattr(diag, "message_detail", None) or ""
    primary = str(getattr(diag, "message_primary", None) or cause)
    if primary.startswith(REFUSED_MARK):
        try:
            found = json.loads(detail)
        except ValueError:
            found = {}
        row = found.get("row")
        return Refusal(
            str(found.get("table", "")),
            str(found.get("op", "")),
            bool(found.get("new")),
            dict(row) if isinstance(row, dict) else {},
        )
    if "row-level security" not in primary:
        return None  # another refusal (no privilege on a table): not a council's rights
    # A policy's own words: new row violates row-level security policy for table "x".
    table = primary.rsplit('"', 2)[-2] if primary.count('"') >= 2 else ""
    return Refusal(table, "", True, {})


def _plain(name: str) -> str:
    return " ".join(name.lower().split())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
