"""Row versions kept right by the database itself: every UPDATE of a tracked row bumps it by one.

Done by triggers, not by the ORM (SQLAlchemy's `version_id_col` sees only ORM flushes), so a raw
`update()` statement, a merge and an undo's take-back bump it too. A statement that sets
`row_version` itself (copying a bid's rows) is left alone.

- SQLite: temporary triggers made on each connection by `start_recording` (nothing is added to
  the file's schema, which the trust check compares object by object). Their inner UPDATE is
  also seen by the change recorder; `fold_version_bumps` joins that record to its edit's.
- PostgreSQL: one permanent BEFORE UPDATE trigger per table, installed with the server objects.
"""

from __future__ import annotations

from typing import Any

from crmbid_desktop.store.backend import RowChange

COLUMN = "row_version"
_SQLITE_PREFIX = "rowversion_"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_triggers(connection: Any, tables: set[str]) -> None:
    """Make the bumping triggers on `connection` for `tables` that have a row version."""
    existing = {
        str(row[0])
        for row in connection.exec_driver_sql(
            "SELECT name FROM temp.sqlite_master WHERE type='trigger'"
        )
    }
    for table in sorted(tables):
        name = f"{_SQLITE_PREFIX}{table}"
        if name in existing:
            continue
        columns = {
            str(row[1])
            for row in connection.exec_driver_sql(f"PRAGMA main.table_info({_quote(table)})")
        }
        if COLUMN not in columns:
            continue  # a bid not yet migrated, or a table without the tracked columns
        # Unqualified inside the trigger, as SQLite requires; the WHEN leaves alone a statement
        # that set the version itself, and the inner UPDATE (which sets it) does not loop.
        connection.exec_driver_sql(
            f"CREATE TEMP TRIGGER IF NOT EXISTS {_quote(name)} AFTER UPDATE ON "
            f"main.{_quote(table)} WHEN new.{COLUMN} IS old.{COLUMN} BEGIN "
            f"UPDATE {_quote(table)} SET {COLUMN} = old.{COLUMN} + 1 WHERE rowid = new.rowid; END"
        )


def fold_version_bumps(changes: list[RowChange]) -> list[RowChange]:
    """SQLite's records with each bump joined to the update that caused it (one record per
    UPDATE, as PostgreSQL's BEFORE trigger gives). The bump's record may come just before or
    just after its update's (trigger order), so the two are matched by row, in one pass."""
    folded: list[RowChange] = []
    last: dict[tuple[str, int], int] = {}  # the latest update record of each row, by index
    for change in changes:
        key = (change.table, change.row_id)
        if change.op != "update":
            folded.append(change)
            last.pop(key, None)
            continue
        old = dict(change.old or {})
        index = last.get(key)
        if index is not None:
            earlier = folded[index]
            before = dict(earlier.old or {})
            if set(old) == {COLUMN} and COLUMN not in before:
                folded[index] = _with_old(earlier, {**before, COLUMN: old[COLUMN]})
                continue
            if set(before) == {COLUMN} and COLUMN not in old:
                folded[index] = _with_old(earlier, {**old, COLUMN: before[COLUMN]})
                continue
        last[key] = len(folded)
        folded.append(change)
    return folded


def _with_old(change: RowChange, old: dict[str, object]) -> RowChange:
    return RowChange(change.table, change.op, change.row_id, change.uuid, old)


POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION crmbid_bump_row_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.{COLUMN} IS NOT DISTINCT FROM OLD.{COLUMN} THEN
    NEW.{COLUMN} := OLD.{COLUMN} + 1;
  END IF;
  RETURN NEW;
END
$$
"""


def install_postgres_triggers(connection: Any, tables: list[str]) -> None:
    """The bumping function and one BEFORE UPDATE trigger on each of `tables` with a version."""
    from sqlalchemy import text

    connection.execute(text(POSTGRES_FUNCTION))
    versioned = {
        str(row[0])
        for row in connection.execute(
            text(
                "SELECT table_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND column_name = :column"
            ),
            {"column": COLUMN},
        )
    }
    for table in tables:
        if table not in versioned:
            continue
        name = _quote(f"crmbid_version_{table}")
        connection.execute(
            text(
                f"CREATE OR REPLACE TRIGGER {name} BEFORE UPDATE ON {_quote(table)} "
                "FOR EACH ROW EXECUTE FUNCTION crmbid_bump_row_version()"
            )
        )


def without_versions(changes: tuple[RowChange, ...]) -> tuple[RowChange, ...]:
    """`changes` with the row versions left out of what an update puts back.

    Taking back an edit is itself a change: the row's version must go on up (a form loaded
    before the undo is then stale), not back to what it was.
    """
    kept: list[RowChange] = []
    for change in changes:
        if change.op == "update" and change.old and COLUMN in change.old:
            old = {key: value for key, value in change.old.items() if key != COLUMN}
            if not old:
                continue
            change = RowChange(change.table, change.op, change.row_id, change.uuid, old)
        kept.append(change)
    return tuple(kept)
