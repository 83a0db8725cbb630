"""Mutations of real bid files, and a bounded child process that runs the commands on each.

Shared by tests/store/test_bid_fuzz.py (a few dozen Hypothesis cases in every test run) and
tests/benchmarks/fuzz_bids.py (hundreds, with counts for the closing note).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

HELPERS = Path(__file__).resolve().parent
ROOT = HELPERS.parents[1]
RUNNER = HELPERS / "bid_fuzz_runner.py"
#: Each case's child process: address space and CPU seconds (and a wall-clock timeout).
MEMORY_LIMIT_BYTES = 2 * 1024**3
CPU_LIMIT_SECONDS = 120
WALL_LIMIT_SECONDS = 240

PAGE = 4096
TABLES_AND_COLUMNS = {
    "partner": ["name", "role", "status", "council_type", "signed_on", "funding_share_bp"],
    "task": ["title", "due_on", "start_on", "effort_days", "status", "owner_partner_id"],
    "section": ["title", "body", "status", "parent_id", "word_limit", "is_appendix"],
    "milestone": ["due_on", "due_time", "kind", "created_at"],
    "risk": ["likelihood", "impact", "status", "description"],
    "product": ["category", "decision", "yearly_cost_pence"],
    "bid": ["title", "budget_first_year", "count_table_words", "modified_at"],
    "budget_line": ["kind", "label"],
    "alembic_version": ["version_num"],
}

names = st.lists(
    st.sampled_from([*"abcXYZ_ ;'\"-()*.", "é", "\u202e", "\x00", " END", "--", "BEGIN "]),
    min_size=1,
    max_size=16,
).map("".join)
values = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.binary(max_size=40),
    st.sampled_from(["2005-02-30", "26/08/2005", "2005-08-26T09:00", "9999-99-99", "", "lead"]),
)

bit_flips = st.tuples(
    st.just("flip"),
    st.sampled_from(["header", "page1", "schema", "anywhere", "last page"]),
    st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 7)), min_size=1, max_size=24),
)
truncations = st.tuples(st.just("truncate"), st.floats(0.0, 1.0), st.booleans())
foreign_objects = st.tuples(
    st.just("foreign"), st.sampled_from(["trigger", "view", "table", "index", "column"]), names
)
bad_rows = st.tuples(
    st.just("row"),
    st.sampled_from(sorted(TABLES_AND_COLUMNS)),
    st.integers(0, 5),
    values,
    st.sampled_from(["first", "all"]),
)
wal_swaps = st.tuples(
    st.just("wal"),
    st.sampled_from(["foreign with id", "foreign no id", "own flipped", "own truncated"]),
    st.integers(0, 10**6),
)
mutations = st.one_of(bit_flips, truncations, foreign_objects, bad_rows, wal_swaps)


@dataclass
class Sources:
    """Real bids the mutations start from: a closed bid, and one left open with changes."""

    bid: Path
    crashed: Path  # a copy (with -wal and -walid) taken while its session had unsaved pages


def make_sources(folder: Path) -> Sources:
    sys.path.insert(0, str(ROOT))
    from crmbid_desktop.services.bid.bid_template import create_bid
    from crmbid_desktop.store import sqlite as sqlite_store
    from crmbid_desktop.store.bidfile import open_bid

    folder.mkdir(parents=True, exist_ok=True)
    bid = folder / "source.crmbid"
    create_bid(bid).close()
    other = folder / "other" / "source.crmbid"
    other.parent.mkdir()
    sqlite_store.backup_file(bid, other)  # another file of the same bid, as a partner has
    opened = open_bid(other, backups_dir=folder / "backups")
    with opened.transaction() as session:
        session.connection().exec_driver_sql("UPDATE section SET body = 'from another file'")
        session.connection().exec_driver_sql("DELETE FROM task WHERE id % 2 = 0")
    crashed = folder / "crashed" / "source.crmbid"
    crashed.parent.mkdir()
    for suffix in ("", "-wal", "-walid"):
        shutil.copy(str(other) + suffix, str(crashed) + suffix)
    opened.close()
    return Sources(bid=bid, crashed=crashed)


def _schema_pages(data: bytes) -> list[int]:
    return [
        start
        for start in range(0, len(data), PAGE)
        if b"CREATE TABLE" in data[start : start + PAGE]
        or b"CREATE INDEX" in data[start : start + PAGE]
    ] or [0]


def apply(mutation: tuple[object, ...], sources: Sources, target: Path) -> None:
    """Write `target` (and maybe its -wal) as `mutation` says, from the real sources."""
    for suffix in ("", "-wal", "-shm", "-walid"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copy(sources.bid, target)
    kind = mutation[0]
    if kind == "flip":
        _, region, flips = mutation
        data = bytearray(target.read_bytes())
        starts = {
            "header": (0, 100),
            "page1": (100, PAGE),
            "anywhere": (0, len(data)),
            "last page": (len(data) - PAGE, len(data)),
        }
        for offset, bit in flips:  # type: ignore[attr-defined]
            if region == "schema":
                pages = _schema_pages(bytes(data))
                page = pages[offset % len(pages)]
                position = page + (offset // len(pages)) % PAGE
            else:
                low, high = starts[str(region)]
                position = low + offset % max(high - low, 1)
            data[position % len(data)] ^= 1 << int(bit)
        target.write_bytes(bytes(data))
    elif kind == "truncate":
        _, fraction, page_aligned = mutation
        data = bytearray(target.read_bytes())
        cut = int(len(data) * float(fraction))  # type: ignore[arg-type]
        if page_aligned:
            cut -= cut % PAGE
        target.write_bytes(data[:cut])
    elif kind == "foreign":
        _, what, name = mutation
        quoted = '"' + str(name).replace('"', '""') + '"'
        statement = {
            "trigger": f"CREATE TRIGGER {quoted} AFTER INSERT ON partner BEGIN "
            "UPDATE section SET body = 'owned'; END",
            "view": f"CREATE VIEW {quoted} AS SELECT * FROM section",
            "table": f"CREATE TABLE {quoted} (x)",
            "index": f"CREATE INDEX {quoted} ON section(body)",
            "column": f"ALTER TABLE section ADD COLUMN {quoted} TEXT",
        }[str(what)]
        _sql(target, statement)
    elif kind == "row":
        _, table, column_index, value, which = mutation
        columns = TABLES_AND_COLUMNS[str(table)]
        column = columns[int(column_index) % len(columns)]  # type: ignore[call-overload]
        where = "" if which == "all" else f" WHERE rowid = (SELECT min(rowid) FROM {table})"
        _sql(
            target, "PRAGMA foreign_keys=OFF", (f'UPDATE {table} SET "{column}" = ?{where}', value)
        )
    elif kind == "wal":
        _, how, seed = mutation
        if how.startswith("foreign"):  # type: ignore[attr-defined]
            shutil.copy(str(sources.crashed) + "-wal", str(target) + "-wal")
            if how == "foreign with id":
                shutil.copy(str(sources.crashed) + "-walid", str(target) + "-walid")
        else:  # this file's own crash leftovers, damaged
            for suffix in ("", "-wal", "-walid"):
                shutil.copy(str(sources.crashed) + suffix, str(target) + suffix)
            wal = Path(str(target) + "-wal")
            data = bytearray(wal.read_bytes())
            if how == "own truncated":
                data = data[: int(seed) % max(len(data), 1)]  # type: ignore[call-overload]
            else:
                data[int(seed) % len(data)] ^= 0x5A  # type: ignore[call-overload]
            wal.write_bytes(bytes(data))


def _sql(path: Path, *statements: str | tuple[str, object]) -> None:
    """Run the statements; one SQLite refuses (a NOT NULL, a bad name) leaves the file as it is."""
    connection = sqlite3.connect(path)
    try:
        for statement in statements:
            if isinstance(statement, tuple):
                connection.execute(statement[0], (statement[1],))
            else:
                connection.execute(statement)
        connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except (sqlite3.Error, ValueError, OverflowError):
        connection.rollback()
    finally:
        connection.close()


def _limits() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_SECONDS, CPU_LIMIT_SECONDS))


@dataclass
class Outcome:
    returncode: int
    results: dict[str, object]
    stderr: str

    @property
    def finding(self) -> str:
        """What went wrong ("" for a clear message or a correct result)."""
        if "Traceback" in self.stderr:
            return "traceback: " + self.stderr.strip().splitlines()[-1]
        if self.returncode == 3:
            return "check changed the file"
        if self.returncode == 4:
            return "a refused file was changed"
        if self.returncode == 5:
            return "merge changed the partner's copy"
        if self.returncode != 0:
            return f"runner exited {self.returncode}: {self.stderr.strip()[-200:]}"
        for command in ("check", "merge", "export", "ics", "docx"):
            code = self.results.get(command)
            if code is not None and code not in (0, 1, 2):
                return f"{command} exited {code}"
        for command in ("export", "merge"):
            message = str(self.results.get(f"{command}_error", ""))
            if self.results.get(command) == 1 and not message.startswith("error:"):
                return f"{command} failed without a clear message: {message[:120]}"
        return ""


def run_case(mutated: Path, base: Path, work: Path, home: Path) -> Outcome:
    """The runner in a child process bounded in memory, CPU and wall-clock time."""
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CRMBID_HOME": str(home), "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run(
            [sys.executable, str(RUNNER), str(mutated), str(base), str(work)],
            capture_output=True,
            text=True,
            timeout=WALL_LIMIT_SECONDS,
            env=env,
            cwd=ROOT,
            preexec_fn=_limits if os.name == "posix" else None,
        )
    except subprocess.TimeoutExpired:
        return Outcome(-1, {}, f"Traceback: timed out after {WALL_LIMIT_SECONDS} s")
    results: dict[str, object] = {}
    lines = done.stdout.strip().splitlines()
    if lines:
        try:
            results = json.loads(lines[-1])
        except ValueError:
            results = {}
    return Outcome(done.returncode, results, done.stderr)
