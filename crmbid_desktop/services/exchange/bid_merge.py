"""Three-way merge of a partner's offline copy of the bid, by row uuid, against the last common state.

"Save a copy for a partner" records a snapshot of every row in both files. A merge compares,
per table and row uuid, the snapshot (base), this bid (ours) and the partner's copy (theirs):
a change on one side is taken, section text changed on both sides is merged line by line, and
anything else changed on both sides, or edited on one side and deleted on the other, is a
conflict the user resolves. The partner's file is opened read-only and never changed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import operator
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.store import sqlite as sqlite_store
from crmbid_desktop.store.bidfile import inspect_file
from crmbid_desktop.store.errors import BidFileError
from crmbid_desktop.store.models import Base, ExchangeBase, new_uuid, utc_now
from crmbid_desktop.store.schema import SCHEMA_HEAD

Row = dict[str, Any]
Snapshot = dict[str, dict[str, Row]]
Resolution = Literal["ours", "theirs", "edited"]
#: Called with (done, total) as the work goes; the UI's callback raises `Cancelled` to stop it.
Progress = Callable[[int, int], None]

#: A partner's copy bigger than this is refused before it is opened (a bid is a few MB; this
#: leaves room for many attachments while keeping a wrong or hostile file from filling memory).
MAX_COPY_BYTES = 200 * 1024 * 1024

#: Fields that follow from others and never conflict on their own. A row version counts the
#: changes made to one copy of the bid, so the two copies' versions never compare.
_IGNORED = {"id", "uuid", "created_at", "modified_at", "row_version"}
#: Fields each bid keeps for itself: a partner rehearsing on their copy ("plan as if today is")
#: must not move the lead's planning day, so the lead's bid keeps its own, set or not.
_KEPT_HERE = {"bid": frozenset({"planning_date"})}
_MISSING = object()


class MergeError(ValueError):
    pass


def merged_tables() -> list[Table]:
    """Every table whose rows carry a uuid, parents before children."""
    return [table for table in Base.metadata.sorted_tables if "uuid" in table.c]


_AS_IS = (str, int, float, type(None))


def _plain(value: Any) -> Any:
    if type(value) in _AS_IS:  # most values: no conversion (this runs for every cell)
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        # Attachments: compare by digest; the bytes themselves are copied from the file.
        return "sha256:" + hashlib.sha256(value).hexdigest()
    return value


def snapshot(connection: Connection | Session) -> Snapshot:
    """Every row by table and uuid; foreign keys become the referenced row's uuid."""
    tables = merged_tables()
    uuid_of: dict[str, dict[int, str]] = {}
    for table in tables:
        # .all() fetches in one call; iterating a result fetches row by row (600,000 calls).
        uuid_of[table.name] = dict(connection.execute(select(table.c.id, table.c.uuid)).all())
    snap: Snapshot = {}
    for table in tables:
        fks = _foreign_keys(table)
        names = [column.name for column in table.c]
        at_uuid = names.index("uuid")
        # Per column, once: what turns a stored value into the snapshot's (this runs for every
        # cell of the bid, 2.4 million for a 200,000-row copy). Text, number and yes/no columns
        # are taken as they are, all at once (validation on opening makes sure a text column
        # holds text); only foreign keys, dates and blobs are looked at cell by cell.
        plain = [
            (index, name)
            for index, name in enumerate(names)
            if name not in ("id", "uuid") and name not in fks and _as_is(table, name)
        ]
        kept = [
            (index, name, uuid_of[fks[name]] if name in fks else None)
            for index, name in enumerate(names)
            if name not in ("id", "uuid") and (index, name) not in plain
        ]
        plain_names = [name for _index, name in plain]
        take = _getter([index for index, _name in plain])
        rows: dict[str, Row] = {}
        for row in connection.execute(select(table)).all():
            fields: Row = dict(zip(plain_names, take(row), strict=True))
            for index, name, parents in kept:
                value = row[index]
                if parents is not None and value is not None:
                    value = parents.get(value)
                fields[name] = value if type(value) in _AS_IS else _plain(value)
            rows[row[at_uuid]] = fields
        snap[table.name] = rows
    return snap


def _as_is(table: Table, name: str) -> bool:
    """Whether the column's values go into a snapshot unchanged (text, numbers, yes/no)."""
    return _python_type(table, name) in (str, int, float, bool)


def _getter(indexes: list[int]) -> Callable[[Any], tuple[Any, ...]]:
    """A function taking the values at `indexes` from a row, as a tuple (however many)."""
    if not indexes:
        return lambda _row: ()
    if len(indexes) == 1:
        only = indexes[0]
        return lambda row: (row[only],)
    return operator.itemgetter(*indexes)


@functools.cache
def _foreign_keys(table: Table) -> dict[str, str]:
    return {
        column.name: next(iter(column.foreign_keys)).column.table.name
        for column in table.c
        if column.foreign_keys
    }


# ----- the copy ----------------------------------------------------------------------------

#: Marks a stored snapshot as zlib-compressed JSON in base64; older bids hold plain JSON.
_COMPRESSED = "zlib+b64:"


def dump_snapshot(snap: Snapshot) -> str:
    """The common state as stored in exchange_base: compressed, as JSON of a whole bid repeats
    every column name per row (133 MB for 200,000 rows as plain JSON)."""
    import base64
    import zlib

    raw = json.dumps(snap, separators=(",", ":")).encode()
    return _COMPRESSED + base64.b64encode(zlib.compress(raw, 6)).decode("ascii")


def load_snapshot(text: str) -> Snapshot:
    """Read a stored snapshot, compressed or (from older versions) plain JSON."""
    import base64
    import zlib

    try:
        if not text.startswith(_COMPRESSED):
            loaded: Snapshot = json.loads(text)
            return loaded
        raw = zlib.decompress(base64.b64decode(text[len(_COMPRESSED) :], validate=True))
        found: Snapshot = json.loads(raw)
    except (ValueError, zlib.error) as error:
        raise MergeError(
            f"The stored state of an earlier exchange is damaged ({error})."
        ) from error
    return found


def save_partner_copy(workspace: Workspace, target: Path, partner_name: str) -> str:
    """Copy the bid for a partner and record the common state in both files; returns its uuid."""
    from crmbid_desktop.services.bid.bid_files import save_copy

    copy_uuid = new_uuid()
    made_at = utc_now()
    with workspace.edit(
        f"Saved a copy for {partner_name or 'a partner'}: {Path(target).name}",
        action="copy for partner",
        entity="bid",
    ) as session:
        state = dump_snapshot(snapshot(session))
        session.add(
            ExchangeBase(
                copy_uuid=copy_uuid, made_at=made_at, partner_name=partner_name, snapshot=state
            )
        )
    # Copied after the commit, so the copy holds the same exchange_base row as this bid.
    save_copy(workspace, Path(target))
    return copy_uuid


# ----- comparing ---------------------------------------------------------------------------


@dataclass
class Conflict:
    table: str
    uuid: str
    label: str  # "Section 4.2 Delivery" or "risk 'Loss of staff'"
    kind: str  # "edit/edit", "edit/delete", "delete/edit", "add/add", "add/orphan"
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # name: (ours, theirs)
    #: For section text changed on both sides: the text both sides started from, so the merge
    #: window can merge what does not overlap and offer a choice for what does.
    body_base: str = ""
    #: For "add/orphan": the row deleted here that the partner's new row belongs to.
    parent_label: str = ""

    def describe(self) -> str:
        if self.kind == "add/orphan":
            return (
                f"{self.label}: added in the partner's copy under {self.parent_label}, "
                "which was deleted here"
            )
        if self.kind == "edit/delete":
            return f"{self.label}: edited here, deleted in the partner's copy"
        if self.kind == "delete/edit":
            return f"{self.label}: deleted here, edited in the partner's copy"
        names = ", ".join(sorted(self.fields))
        return f"{self.label}: both sides changed {names}"


@dataclass
class MergePlan:
    partner_name: str
    copy_uuid: str
    has_base: bool
    #: table -> uuid -> the fields to set (a whole row for an insert).
    updates: dict[str, dict[str, Row]] = field(default_factory=dict)
    inserts: dict[str, dict[str, Row]] = field(default_factory=dict)
    deletes: dict[str, set[str]] = field(default_factory=dict)
    clean: list[str] = field(default_factory=list)  # plain descriptions of what merges cleanly
    conflicts: list[Conflict] = field(default_factory=list)
    theirs: Snapshot = field(default_factory=dict)
    ours: Snapshot = field(default_factory=dict)
    base: Snapshot = field(default_factory=dict)
    blobs: dict[str, dict[str, bytes]] = field(default_factory=dict)

    @property
    def nothing_to_do(self) -> bool:
        return not (self.updates or self.inserts or self.deletes or self.conflicts)


def _label(table: str, row: Row | None, numbers: dict[str, str], uuid: str) -> str:
    if table == "section":
        number = numbers.get(uuid, "")
        title = (row or {}).get("title", "")
        return f"Section {number} {title}".replace("  ", " ").strip()
    for key in ("title", "name", "label", "description", "question", "author", "filename"):
        if row and row.get(key):
            text = str(row[key])
            return f"{table.replace('_', ' ')} “{text[:50]}”"
    return f"{table.replace('_', ' ')} {uuid[:8]}"


def _section_numbers(snap: Snapshot) -> dict[str, str]:
    from crmbid_desktop.domain.outline import OutlineItem, number_outline

    rows = snap.get("section", {})
    keys = {uuid: index for index, uuid in enumerate(sorted(rows))}
    items = [
        OutlineItem(keys[uuid], keys.get(row.get("parent_id") or ""), row.get("position", 0))
        for uuid, row in rows.items()
    ]
    back = {index: uuid for uuid, index in keys.items()}
    return {back[item.key]: item.number for item in number_outline(items)}


def _merge_text(base: str, ours: str, theirs: str) -> tuple[str, bool]:
    """Paragraph by paragraph: (merged text, True when the two sides changed the same place).

    With conflicts the text keeps both versions, ours first; the user settles them in the Merge
    window (keep ours, take theirs, keep both or edit), never by editing conflict markers.
    """
    from crmbid_desktop.domain.text_merge import merge_texts

    merged = merge_texts(base, ours, theirs)
    return merged.text("both"), bool(merged.conflicts)


def plan_merge(
    workspace: Workspace, copy_path: Path, progress: Progress | None = None
) -> MergePlan:
    """Compare this bid with a partner's copy; changes nothing.

    `progress` is called between steps; raising from it (Cancel) stops the comparison.
    """
    report = progress or (lambda _done, _total: None)
    tables = merged_tables()
    total = len(tables) + 2
    report(0, total)
    _refuse_own_file(workspace, Path(copy_path))
    theirs, blobs, bases, their_bid = _read_partner_copy(copy_path)
    report(1, total)
    with workspace.reading() as session:
        ours = snapshot(session)
        our_bases = {b.copy_uuid: b for b in session.scalars(select(ExchangeBase))}
    our_bid = next(iter(ours.get("bid", {})), "")
    if their_bid != our_bid:
        raise MergeError(
            f"“{Path(copy_path).name}” is a copy of a different bid, so it cannot be merged "
            "into this one."
        )
    _check_outline_depth(Path(copy_path), ours, theirs)
    common = [uuid for uuid in bases if uuid in our_bases]
    if common:
        # The newest common copy is the last state both sides agreed on.
        chosen = max(common, key=lambda uuid: our_bases[uuid].made_at)
        base: Snapshot = load_snapshot(our_bases[chosen].snapshot)
        plan = MergePlan(bases[chosen], chosen, True)
    else:
        base = {}
        plan = MergePlan("", "", False)
    plan.theirs, plan.ours, plan.base, plan.blobs = theirs, ours, base, blobs
    numbers = _section_numbers(ours) | {
        k: v for k, v in _section_numbers(theirs).items() if k not in ours.get("section", {})
    }
    for index, table in enumerate(tables, 2):
        _plan_table(plan, table.name, numbers)
        report(index, total)
    _orphans_to_conflicts(plan, numbers)
    # Sections in outline order first, so the dialog reads like the proposal.
    plan.conflicts.sort(key=lambda c: (c.table != "section", _outline_key(numbers.get(c.uuid))))
    return plan


def _refuse_own_file(workspace: Workspace, copy_path: Path) -> None:
    """Merging the open bid into itself would only log a merge and store a snapshot."""
    import os

    try:
        same = os.path.samefile(copy_path, workspace.path)
    except OSError:
        return  # the copy cannot be found: reading it says so, naming the file
    if same:
        raise MergeError(
            f"“{copy_path.name}” is the bid that is open, so there is nothing to merge. Choose "
            "the copy a partner sent back."
        )


def _check_outline_depth(copy_path: Path, ours: Snapshot, theirs: Snapshot) -> None:
    """Refuse a copy whose outline, alone or merged with ours, is deeper than nine levels."""
    from crmbid_desktop.domain.outline import MAX_DEPTH, outline_depth

    their_parents = {uuid: row.get("parent_id") for uuid, row in theirs.get("section", {}).items()}
    merged = {uuid: row.get("parent_id") for uuid, row in ours.get("section", {}).items()}
    merged.update(their_parents)
    depth = max(outline_depth(their_parents), outline_depth(merged))
    if depth > MAX_DEPTH:
        raise MergeError(
            f"“{copy_path.name}” has sections nested {depth} levels deep; a bid's outline has "
            f"at most {MAX_DEPTH} levels, so it cannot be merged. Ask the partner to move the "
            "deepest sections up a level and send the copy again."
        )


def _outline_key(number: str | None) -> tuple[int, ...]:
    return tuple(int(p) for p in (number or "").split(".") if p.isdigit())


def _plan_table(plan: MergePlan, table: str, numbers: dict[str, str]) -> None:
    base_rows = plan.base.get(table, {})
    our_rows = plan.ours.get(table, {})
    their_rows = plan.theirs.get(table, {})
    for uuid in sorted(set(base_rows) | set(our_rows) | set(their_rows)):
        base, ours, theirs = base_rows.get(uuid), our_rows.get(uuid), their_rows.get(uuid)
        label = _label(table, ours or theirs or base, numbers, uuid)
        if theirs is None:
            if ours is None or base is None:
                continue  # deleted on both sides, or only ever ours
            if _changed(base, ours):
                plan.conflicts.append(Conflict(table, uuid, label, "edit/delete"))
            else:
                plan.deletes.setdefault(table, set()).add(uuid)
                plan.clean.append(f"{label}: deleted in the partner's copy")
            continue
        if ours is None:
            if base is None:
                plan.inserts.setdefault(table, {})[uuid] = theirs
                plan.clean.append(f"{label}: added in the partner's copy")
            elif _changed(base, theirs):
                plan.conflicts.append(Conflict(table, uuid, label, "delete/edit"))
            continue  # deleted here and unchanged there: stays deleted
        _plan_fields(plan, table, uuid, label, base, ours, theirs)


def _missing_parent(plan: MergePlan, table: Table, row: Row) -> tuple[str, str] | None:
    """(parent table, uuid) of a row `row` refers to that exists neither here nor among inserts."""
    for name, parent_table in _foreign_keys(table).items():
        parent = row.get(name)
        if parent is None:
            continue
        if parent in plan.ours.get(parent_table, {}):
            continue
        if parent in plan.inserts.get(parent_table, {}):
            continue
        return parent_table, parent
    return None


def _orphans_to_conflicts(plan: MergePlan, numbers: dict[str, str]) -> None:
    """A row the partner added under something deleted here is a conflict, never a silent loss.

    Repeated until nothing changes, so a row added under another such row is caught too.
    """
    tables = {table.name: table for table in merged_tables()}
    # Taken out of the clean list once at the end: removing each from the list as found would
    # cost the list's length per orphan (minutes for a copy adding 200,000 rows under one).
    orphaned: Counter[str] = Counter()
    found = True
    while found:
        found = False
        for name, rows in list(plan.inserts.items()):
            for uuid, row in list(rows.items()):
                missing = _missing_parent(plan, tables[name], row)
                if missing is None:
                    continue
                found = True
                del rows[uuid]
                label = _label(name, row, numbers, uuid)
                parent_table, parent_uuid = missing
                parent_row = plan.theirs.get(parent_table, {}).get(parent_uuid) or plan.base.get(
                    parent_table, {}
                ).get(parent_uuid)
                parent_label = _label(parent_table, parent_row, numbers, parent_uuid)
                orphaned[f"{label}: added in the partner's copy"] += 1
                plan.conflicts.append(
                    Conflict(name, uuid, label, "add/orphan", parent_label=parent_label)
                )
            if not rows:
                del plan.inserts[name]
    if orphaned:
        clean = []
        for line in plan.clean:  # two rows may share a label: drop as many as were orphaned
            if orphaned[line] > 0:
                orphaned[line] -= 1
            else:
                clean.append(line)
        plan.clean = clean


def _restore_with_parents(
    plan: MergePlan, inserts: dict[str, dict[str, Row]], table_name: str, uuid: str
) -> list[str]:
    """Add a row from the partner's copy and, first, any row it belongs to that is gone here."""
    tables = {table.name: table for table in merged_tables()}
    restored: list[str] = []
    pending = [(table_name, uuid)]
    while pending:
        name, key = pending.pop()
        row = plan.theirs.get(name, {}).get(key)
        if row is None or key in inserts.get(name, {}) or key in plan.ours.get(name, {}):
            continue
        inserts.setdefault(name, {})[key] = row
        if (name, key) != (table_name, uuid):
            restored.append(_label(name, row, {}, key))
        for column, parent_table in _foreign_keys(tables[name]).items():
            if row.get(column) is not None:
                pending.append((parent_table, row[column]))
    return restored


def _changed(base: Row, row: Row) -> bool:
    return any(base.get(k, _MISSING) != v for k, v in row.items() if k not in _IGNORED)


def _plan_fields(
    plan: MergePlan, table: str, uuid: str, label: str, base: Row | None, ours: Row, theirs: Row
) -> None:
    take: Row = {}
    clashes: dict[str, tuple[Any, Any]] = {}
    merged_body = ""
    kept_here = _KEPT_HERE.get(table, frozenset())
    for name, their_value in theirs.items():
        if name in _IGNORED or name in kept_here:
            continue
        our_value = ours.get(name)
        if our_value == their_value:
            continue
        base_value = base.get(name, _MISSING) if base is not None else _MISSING
        if base_value == our_value:
            take[name] = their_value
        elif base_value == their_value:
            continue  # only we changed it
        elif table == "section" and name == "body" and isinstance(base_value, str):
            text, conflicted = _merge_text(base_value, our_value or "", their_value or "")
            if conflicted:
                clashes[name] = (our_value, their_value)
                merged_body = base_value
            else:
                take[name] = text
        else:
            clashes[name] = (our_value, their_value)
    if clashes:
        kind = "edit/edit" if base is not None else "add/add"
        plan.conflicts.append(Conflict(table, uuid, label, kind, clashes, merged_body))
    if take:
        take["modified_at"] = max(str(ours.get("modified_at")), str(theirs.get("modified_at")))
        plan.updates.setdefault(table, {})[uuid] = take
        fields = ", ".join(sorted(k for k in take if k != "modified_at"))
        plan.clean.append(f"{label}: {fields} taken from the partner's copy")


# ----- reading the partner's file ------------------------------------------------------------


def _read_partner_copy(
    path: Path,
) -> tuple[Snapshot, dict[str, dict[str, bytes]], dict[str, str], str]:
    """(snapshot, attachment bytes, {copy uuid: partner name}, bid uuid), read-only."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise MergeError(f"“{path.name}” cannot be read ({error.strerror or error}).") from error
    if size > MAX_COPY_BYTES:
        raise MergeError(
            f"“{path.name}” is {size / (1024 * 1024):.0f} MB; a partner's copy can be at most "
            f"{MAX_COPY_BYTES // (1024 * 1024)} MB. Check that this is the bid file the partner "
            "sent back (not an archive or a disc image)."
        )
    inspection = inspect_file(path)  # raises a BidFileError naming what is wrong
    if inspection.revision not in ("0001", SCHEMA_HEAD):
        raise MergeError(
            f"“{path.name}” was saved by another version of CRM Bid Desktop (schema "
            f"{inspection.revision}); ask the partner to use the same version."
        )
    engine = sqlite_store.make_engine(path, read_only=True)
    try:
        with engine.connect() as connection:
            theirs = snapshot(connection)
            blobs: dict[str, dict[str, bytes]] = {}
            table = Base.metadata.tables["attachment"]
            for row in connection.execute(select(table.c.uuid, table.c.data)):
                blobs.setdefault("attachment", {})[row.uuid] = bytes(row.data or b"")
            bases: dict[str, str] = {}
            if inspection.revision == SCHEMA_HEAD:
                eb = Base.metadata.tables["exchange_base"]
                for row in connection.execute(select(eb.c.copy_uuid, eb.c.partner_name)):
                    bases[row.copy_uuid] = row.partner_name
    except BidFileError:
        raise
    except Exception as error:  # a damaged or hostile file: say so, never crash
        raise MergeError(f"“{path.name}” could not be read as a bid ({error}).") from error
    finally:
        engine.dispose()
    their_bid = next(iter(theirs.get("bid", {})), "")
    return theirs, blobs, bases, their_bid


# ----- applying -----------------------------------------------------------------------------


@functools.cache
def _python_type(table: Table, name: str) -> type | None:
    try:
        found: type = table.c[name].type.python_type
    except NotImplementedError:
        return None
    return found


@functools.cache
def _converters(table: Table) -> dict[str, Callable[[Any], Any]]:
    """Per column, what turns a snapshot value back into what SQLAlchemy stores."""
    return {
        column.name: functools.partial(_to_db, table, column.name)
        for column in table.c
        if _python_type(table, column.name) in (datetime, date, time)
    }


def _to_db(table: Table, name: str, value: Any) -> Any:
    if value is None:
        return None
    python_type = _python_type(table, name)
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is time:
        return time.fromisoformat(value)
    return value


def apply_merge(
    workspace: Workspace,
    plan: MergePlan,
    resolutions: dict[tuple[str, str], tuple[Resolution, str]] | None = None,
    *,
    partner_name: str = "",
    progress: Progress | None = None,
) -> list[str]:
    """Apply what merges cleanly plus resolved conflicts, in one edit; returns report lines.

    `progress` is called inside the edit; raising from it (Cancel) rolls the whole merge back.

    `resolutions` maps (table, uuid) to ("ours"|"theirs"|"edited", edited section text).
    Conflicts without a resolution are left as they are, and the base keeps their old state so
    a later merge shows them again.
    """
    resolutions = resolutions or {}
    who = partner_name or plan.partner_name or "a partner"
    lines: list[str] = []
    resolved_uuids: set[tuple[str, str]] = set()
    updates = {t: dict(rows) for t, rows in plan.updates.items()}
    inserts = {t: dict(rows) for t, rows in plan.inserts.items()}
    deletes = {t: set(rows) for t, rows in plan.deletes.items()}
    for conflict in plan.conflicts:
        key = (conflict.table, conflict.uuid)
        if key not in resolutions:
            continue
        choice, text = resolutions[key]
        resolved_uuids.add(key)
        theirs = plan.theirs.get(conflict.table, {}).get(conflict.uuid)
        if choice == "ours" and conflict.kind == "add/orphan":
            lines.append(
                f"{conflict.label}: not added, as {conflict.parent_label} is deleted here."
            )
        elif choice == "ours":
            lines.append(f"{conflict.label}: kept this bid's version.")
        elif conflict.kind == "add/orphan" and choice == "theirs":
            parents = _restore_with_parents(plan, inserts, conflict.table, conflict.uuid)
            also = f" (with {', '.join(parents)} restored)" if parents else ""
            lines.append(f"{conflict.label}: added from the partner's copy{also}.")
        elif conflict.kind == "edit/delete" and choice == "theirs":
            deletes.setdefault(conflict.table, set()).add(conflict.uuid)
            lines.append(f"{conflict.label}: deleted, as in the partner's copy.")
        elif conflict.kind == "delete/edit" and choice == "theirs" and theirs is not None:
            inserts.setdefault(conflict.table, {})[conflict.uuid] = theirs
            lines.append(f"{conflict.label}: restored from the partner's copy.")
        elif choice == "theirs":
            fields = {name: value[1] for name, value in conflict.fields.items()}
            updates.setdefault(conflict.table, {}).setdefault(conflict.uuid, {}).update(fields)
            lines.append(f"{conflict.label}: took the partner's version.")
        elif choice == "edited":
            fields = {name: value[1] for name, value in conflict.fields.items() if name != "body"}
            fields["body"] = text
            updates.setdefault(conflict.table, {}).setdefault(conflict.uuid, {}).update(fields)
            lines.append(f"{conflict.label}: text as edited during the merge.")
    changed = any(updates.values()) or any(inserts.values()) or any(deletes.values())
    new_base = _new_base(plan, resolved_uuids)
    lines = [*plan.clean, *lines]
    if not changed and plan.has_base and new_base == plan.base:
        # The same copy merged again: nothing to write, not even a change-log line.
        return [*lines, "Nothing to merge: the partner's copy holds nothing new."]
    summary = f"Merged {who}'s copy of the bid"
    report = progress or (lambda _done, _total: None)
    with workspace.edit(summary, action="merge", entity="bid") as session:
        report(0, 3)
        if changed:
            lines += _write(session, plan, updates, inserts, deletes)
        report(1, 3)
        _store_base(session, plan, new_base, who)
        report(2, 3)
    report(3, 3)
    left = len(plan.conflicts) - len(resolved_uuids)
    if left:
        lines.append(f"{left} conflict(s) left for you to resolve in the Merge window.")
    return lines


def _write(
    session: Session,
    plan: MergePlan,
    updates: dict[str, dict[str, Row]],
    inserts: dict[str, dict[str, Row]],
    deletes: dict[str, set[str]],
) -> list[str]:
    """Write the changes; returns a line for any row that could not be placed (never silent)."""
    tables = merged_tables()
    skipped: list[str] = []
    ids: dict[str, dict[str, int]] = {}

    def refresh_ids(table: Table) -> None:
        ids[table.name] = dict(session.execute(select(table.c.uuid, table.c.id)).all())

    for table in tables:
        refresh_ids(table)
    # Deletions first, children before parents.
    for table in reversed(tables):
        for uuid in deletes.get(table.name, set()):
            session.execute(delete(table).where(table.c.uuid == uuid))
    deferred: list[tuple[Table, str, str, str]] = []  # self-references set after the inserts
    for table in tables:
        fks = _foreign_keys(table)
        # Rows go in as one executemany per set of columns: a statement per row spent most of
        # a 200,000-row merge building and caching SQL (158 s before). Values stay as the
        # snapshot holds them; `_insert_many` converts them a column at a time.
        batches: dict[tuple[str, ...], list[Row]] = {}
        for uuid, row in inserts.get(table.name, {}).items():
            if not fks and "data" not in row:  # the common case: every value as it is
                values: Row = {"uuid": uuid, **row}
                batches.setdefault(tuple(sorted(values)), []).append(values)
                continue
            values = {"uuid": uuid}
            for name, value in row.items():
                if name not in fks and name != "data":
                    values[name] = value
                elif name in fks:
                    if value is None:
                        values[name] = None
                    elif fks[name] == table.name:
                        values[name] = None
                        deferred.append((table, uuid, name, value))
                    else:
                        values[name] = ids[fks[name]].get(value)
                        if values[name] is None and not table.c[name].nullable:
                            # Planning makes these conflicts; this is the last guard.
                            skipped.append(
                                f"{_label(table.name, row, {}, uuid)}: not added, the row it "
                                "belongs to is gone from this bid."
                            )
                            break
                else:
                    values[name] = plan.blobs.get(table.name, {}).get(uuid, b"")
            else:
                batches.setdefault(tuple(sorted(values)), []).append(values)
        for columns, batch in batches.items():
            _insert_many(session, table, columns, batch)
        if batches:  # the new rows' ids, for rows that refer to them
            refresh_ids(table)
        changes: dict[tuple[str, ...], list[Row]] = {}
        for uuid, fields in updates.get(table.name, {}).items():
            values = {}
            for name, value in fields.items():
                if name in fks:
                    values[name] = ids[fks[name]].get(value) if value is not None else None
                elif name == "data":
                    values[name] = plan.blobs.get(table.name, {}).get(uuid, b"")
                else:
                    values[name] = _to_db(table, name, value)
            if values:
                bound = {f"new_{name}": value for name, value in values.items()}
                changes.setdefault(tuple(sorted(values)), []).append({"row_uuid": uuid, **bound})
        for columns, batch in changes.items():
            _update_many(session, table, columns, batch)
    self_references: dict[tuple[Table, str], list[Row]] = {}
    for table, uuid, name, parent in deferred:
        self_references.setdefault((table, name), []).append(
            {"row_uuid": uuid, f"new_{name}": ids[table.name].get(parent)}
        )
    for (table, name), batch in self_references.items():
        _update_many(session, table, (name,), batch)
    return skipped


def _insert_many(
    session: Session, table: Table, columns: tuple[str, ...], batch: list[Row]
) -> None:
    """Insert rows that all set `columns` (dates still as the snapshot's text), in one executemany.

    Values are converted a column at a time. When the rows set every column but the id, no
    default has to be filled in, so they go straight to the driver with each column's own bind
    conversion applied: SQLAlchemy's per-row parameter handling cost more than SQLite's work
    for a 200,000-row merge.
    """
    connection = session.connection()
    dialect = connection.dialect
    # The straight-to-the-driver path writes SQLite's "?" placeholders; on a server the rows go
    # through SQLAlchemy's insert, which speaks the server driver's own paramstyle.
    direct = dialect.name == "sqlite" and set(columns) == {c.name for c in table.c} - {"id"}
    convert = _converters(table)
    converted: list[list[Any]] = []
    for name in columns:
        values = [row[name] for row in batch]
        impl = table.c[name].type.dialect_impl(dialect)
        process = impl.bind_processor(dialect)
        steps: list[Callable[[Any], Any]]
        if direct and _stored_as_sqlite_text(impl):
            steps = [_sqlite_datetime]  # text to text: no datetime built and formatted per row
        else:
            steps = [convert[name]] if name in convert else []
            if direct and process is not None:
                steps.append(process)
        for step in steps:
            values = [None if value is None else step(value) for value in values]
        converted.append(values)
    if not direct:
        rows = zip(*converted, strict=True)
        connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    connection.exec_driver_sql(sql, list(zip(*converted, strict=True)))


#: How SQLAlchemy's SQLite dialect stores a DATETIME (its default storage format).
_SQLITE_DATETIME_FORMAT = (
    "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"
)


def _stored_as_sqlite_text(impl: Any) -> bool:
    from sqlalchemy.dialects.sqlite import DATETIME

    return isinstance(impl, DATETIME) and impl._storage_format == _SQLITE_DATETIME_FORMAT


def _sqlite_datetime(text: str) -> str:
    """A snapshot's datetime (`datetime.isoformat()` text) as SQLite's DATETIME stores it.

    "2005-08-15T10:30:00" becomes "2005-08-15 10:30:00.000000" by slicing; anything else (a time
    zone, another shape) goes the full way through a datetime. 400,000 values of a
    200,000-row merge took over a second as parse-then-format.
    """
    if len(text) == 19 and text[10] == "T":
        return f"{text[:10]} {text[11:]}.000000"
    if len(text) == 26 and text[10] == "T" and text[19] == ".":
        return f"{text[:10]} {text[11:]}"
    value = datetime.fromisoformat(text)
    return _SQLITE_DATETIME_FORMAT % {
        "year": value.year,
        "month": value.month,
        "day": value.day,
        "hour": value.hour,
        "minute": value.minute,
        "second": value.second,
        "microsecond": value.microsecond,
    }


def _update_many(
    session: Session, table: Table, columns: tuple[str, ...], batch: list[Row]
) -> None:
    """One executemany UPDATE ... WHERE uuid = :row_uuid setting `columns` from :new_<column>."""
    statement = (
        update(table)
        .where(table.c.uuid == bindparam("row_uuid"))
        .values({name: bindparam(f"new_{name}") for name in columns})
    )
    session.connection().execute(statement, batch)


def _new_base(plan: MergePlan, resolved: set[tuple[str, str]]) -> Snapshot:
    """The partner's state becomes the common state, except for rows still in conflict."""
    new_base: Snapshot = {}
    open_conflicts = {(c.table, c.uuid) for c in plan.conflicts} - resolved
    for table in merged_tables():
        rows: dict[str, Row] = {}
        for uuid in set(plan.theirs.get(table.name, {})) | set(plan.base.get(table.name, {})):
            source = plan.base if (table.name, uuid) in open_conflicts else plan.theirs
            row = source.get(table.name, {}).get(uuid)
            if row is not None:
                rows[uuid] = row
        new_base[table.name] = rows
    return new_base


def _store_base(session: Session, plan: MergePlan, new_base: Snapshot, who: str) -> None:
    state = dump_snapshot(new_base)
    copy_uuid = plan.copy_uuid or new_uuid()
    existing = session.scalars(
        select(ExchangeBase).where(ExchangeBase.copy_uuid == copy_uuid)
    ).one_or_none()
    if existing is None:
        session.add(
            ExchangeBase(copy_uuid=copy_uuid, partner_name=who, snapshot=state, merged_at=utc_now())
        )
    else:
        existing.snapshot = state
        existing.merged_at = utc_now()


def report_lines(plan: MergePlan) -> list[str]:
    """What a dry run prints."""
    lines = [f"Merges cleanly: {line}" for line in plan.clean]
    lines += [f"Conflict: {conflict.describe()}" for conflict in plan.conflicts]
    if not plan.has_base:
        lines.insert(
            0,
            "No common state was recorded for this copy (it was not made with “Save a copy for a "
            "partner”), so rows both files hold differently are shown as conflicts.",
        )
    if plan.nothing_to_do:
        lines.append("Nothing to merge: the partner's copy holds nothing new.")
    return lines
