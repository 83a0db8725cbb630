"""A bid is trusted only after its schema, its rows and its write-ahead log check out.

Each case is a file someone could really send or leave behind: extra triggers and tables
(SQL that would run on later edits), a missing table, rows a partner's tool wrote wrongly,
garbage in a schema page, a write-ahead log from another file, a busy or read-only bid.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.store import sqlite as sqlite_store
from crmbid_desktop.store import sqlite_trust
from crmbid_desktop.store.bidfile import check_bid, inspect_file, open_bid
from crmbid_desktop.store.errors import (
    BidBusyError,
    CannotEditError,
    DamagedBidError,
    ForeignSchemaError,
    InvalidRowsError,
)
from crmbid_desktop.store.schema import SCHEMA_HEAD
from tests.helpers.readonly import read_only

ROOT = Path(__file__).resolve().parents[2]


def _sql(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    try:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def _cli(*arguments: object, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crmbid_desktop", *map(str, arguments)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "CRMBID_HOME": str(home), "PYTHONPATH": str(ROOT)},
    )


def _beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))


# -- the expected schema ---------------------------------------------------------------------------
def test_expected_schema_module_matches_the_shipped_migrations() -> None:
    sys.path.insert(0, str(ROOT / "tests" / "tools"))
    import make_expected_schema

    current = make_expected_schema.TARGET.read_text(encoding="utf-8")
    assert current == make_expected_schema.formatted(make_expected_schema.source()), (
        "run tests/tools/make_expected_schema.py after changing the migrations"
    )


@pytest.mark.parametrize("start", ["0001", "0002_exchange", "0003_letter_details"])
def test_an_updated_older_bid_has_exactly_the_schema_a_new_one_has(
    start: str, tmp_path: Path, app_paths: AppPaths
) -> None:
    from alembic import command

    from crmbid_desktop.store.schema import alembic_config

    path = tmp_path / "older.crmbid"
    engine = sqlite_store.make_engine(path)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), start)  # type: ignore[arg-type]
        connection.exec_driver_sql(
            "INSERT INTO bid (uuid, created_at, modified_at, title, "
            "funding_body, reference, status, version_label, protective_marking, contact_name, "
            "contact_title, contact_email, contact_phone, template_name, count_table_words, "
            "expected_products, budget_first_year, budget_year_count) VALUES ('b', "
            "'2005-08-01 00:00:00.000000', '2005-08-01 00:00:00.000000', 'Old', '', '', "
            "'preparing', '0.1', '', '', '', '', '', 'blank', 1, 41, 2005, 5)"
        )
    engine.dispose()
    open_bid(path, backups_dir=app_paths.backups_dir).close()  # updated to the head
    with sqlite_trust.inspecting(path) as connection:
        report = sqlite_trust.compare_schema(connection, SCHEMA_HEAD)
    assert report.matches, report.describe()
    assert check_bid(path).sound
    # An older bid plans from the computer's date until someone chooses a day for it.
    workspace = open_workspace(path, app_paths)
    try:
        assert workspace.plan_today is None and workspace.bid_title() == "Old"
    finally:
        workspace.close()


def test_a_bid_made_by_the_program_passes_every_check(bid_path: Path) -> None:
    with sqlite_trust.inspecting(bid_path) as connection:
        assert sqlite_trust.compare_schema(connection, SCHEMA_HEAD).matches
        assert sqlite_trust.row_problems(connection, SCHEMA_HEAD) == []
    report = check_bid(bid_path)
    assert report.sound, report.problems


# -- foreign objects -------------------------------------------------------------------------------
HOSTILE_NAME = "a AFTER INSERT ON main.partner BEGIN UPDATE section SET body='owned'; END; --"


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        (
            "CREATE TRIGGER evil AFTER INSERT ON partner BEGIN UPDATE section SET body='owned'; END",
            "trigger “evil”",
        ),
        (f'CREATE TABLE "{HOSTILE_NAME}" (x)', f"a table “{HOSTILE_NAME}”"),
        ("CREATE VIEW everything AS SELECT * FROM section", "view “everything”"),
        ("CREATE INDEX sneaky ON section(body)", "an index “sneaky”"),
        ("ALTER TABLE section ADD COLUMN payload TEXT", "a column “payload” in “section”"),
    ],
)
def test_foreign_objects_are_refused_named_and_the_file_left_unchanged(
    bid_path: Path, app_paths: AppPaths, statement: str, named: str
) -> None:
    _sql(bid_path, statement)
    before = bid_path.read_bytes()
    with pytest.raises(ForeignSchemaError) as raised:
        open_bid(bid_path, backups_dir=app_paths.backups_dir)
    assert named in raised.value.user_message
    assert bid_path.name in raised.value.user_message
    report = check_bid(bid_path)
    assert not report.sound
    assert named in report.foreign_objects
    assert bid_path.read_bytes() == before
    assert _beside(bid_path) == [bid_path.name]


def test_check_command_lists_foreign_objects(bid_path: Path, app_paths: AppPaths) -> None:
    _sql(bid_path, "CREATE TRIGGER evil AFTER INSERT ON partner BEGIN SELECT 1; END")
    done = _cli("check", bid_path, home=app_paths.data_dir.parent)
    assert done.returncode == 1
    assert "Foreign object: trigger “evil”" in done.stdout
    assert "Traceback" not in done.stderr


def test_recorder_keeps_a_hostile_table_name_a_name(bid_path: Path) -> None:
    """Even past the gate, a table's name cannot end the recorder's trigger and run SQL."""
    _sql(bid_path, f'CREATE TABLE "{HOSTILE_NAME}" (x)')
    engine = sqlite_store.make_engine(bid_path)
    try:
        with engine.begin() as connection:
            sqlite_store.start_recording(connection)
            connection.exec_driver_sql(
                "INSERT INTO partner (uuid, created_at, modified_at, name, council_type, region,"
                " role, status, signatory, contribution_pence, staff_days, funding_share_bp,"
                " notes, position) VALUES ('u-1', '2005-08-01 00:00:00.000000',"
                " '2005-08-01 00:00:00.000000', 'X', '', '', 'supporting', 'approached', '',"
                " 0, 0, 0, '', 9)"
            )
            owned = connection.exec_driver_sql(
                "SELECT count(*) FROM section WHERE body = 'owned'"
            ).scalar()
            recorded = sqlite_store.recorded_changes(connection)
    finally:
        engine.dispose()
    assert owned == 0
    assert [(r.table, r.op, r.row_id, r.uuid) for r in recorded] == [
        ("partner", "insert", 3, "u-1")
    ]


# -- damage that slipped past the old checks -------------------------------------------------------
def test_missing_table_is_a_message_in_check_and_a_refusal_on_opening(
    bid_path: Path, app_paths: AppPaths
) -> None:
    _sql(bid_path, "PRAGMA foreign_keys=OFF", "DROP TABLE task")
    report = check_bid(bid_path)
    assert not report.sound
    assert any("the table “task”" in problem for problem in report.problems)
    with pytest.raises(DamagedBidError, match="the table “task”"):
        open_bid(bid_path, backups_dir=app_paths.backups_dir)


def test_rows_the_program_cannot_read_are_named_by_table_row_and_column(
    bid_path: Path, app_paths: AppPaths
) -> None:
    _sql(
        bid_path,
        "UPDATE task SET due_on = '2005-13-45' WHERE id = 2",
        "UPDATE partner SET name = CAST(x'4c656564739f' AS TEXT) WHERE id = 1",
        "UPDATE risk SET likelihood = 9 WHERE id = 1",
        "UPDATE section SET status = 'finished' WHERE id = 3",
        "UPDATE milestone SET created_at = 'yesterday' WHERE id = 1",
        "UPDATE partner SET contribution_pence = 'lots' WHERE id = 2",
    )
    before = bid_path.read_bytes()
    report = check_bid(bid_path)
    text = "\n".join(report.problems)
    assert "table “task”, row 2: “due_on” holds “2005-13-45”, not a date" in text
    assert "table “partner”, row 1: “name” holds text that is not UTF-8" in text
    assert "table “risk”, row 1: “likelihood” holds “9”, not one of the levels 1 to 5" in text
    assert "table “section”, row 3: “status” holds “finished”" in text
    assert "table “milestone”, row 1: “created_at” holds “yesterday”" in text
    assert "table “partner”, row 2: “contribution_pence” holds “lots”" in text
    with pytest.raises(InvalidRowsError) as raised:
        open_bid(bid_path, backups_dir=app_paths.backups_dir)
    assert len(raised.value.rows) == 6
    assert bid_path.read_bytes() == before


def test_text_that_is_not_utf8_is_named_among_thousands_of_rows(bid_path: Path) -> None:
    """Text is checked thousands of values at a time; a bad value anywhere is still named by
    its row and column, and a bad value ending one value cannot hide behind the next."""
    rows = 2 * sqlite_trust._UTF8_CHUNK_ROWS + 10
    with sqlite3.connect(bid_path) as connection:
        columns = [c[1] for c in connection.execute("PRAGMA table_info(product)") if c[1] != "id"]
    connection.close()
    made = {"uuid": "'u' || i", "name": "'Product ' || i", "description": "'café ' || i"}
    _sql(
        bid_path,
        # Copies of the bid's first product, each with its own uuid, name and description.
        f"INSERT INTO product ({', '.join(columns)}) "
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
        f"{rows}) SELECT {', '.join(made.get(c, 'p.' + c) for c in columns)} "
        "FROM n, (SELECT * FROM product LIMIT 1) AS p",
        # A truncated two-byte sequence at the end of one value, then a value that starts with
        # a lone continuation byte: each is broken alone (and joined as they are, they would
        # read as one good "é").
        "UPDATE product SET name = CAST(x'50726f64c3' AS TEXT) WHERE uuid = 'u7001'",
        "UPDATE product SET description = CAST(x'a9' AS TEXT) WHERE uuid = 'u7001'",
        f"UPDATE product SET description = CAST(x'4c656564739f' AS TEXT) WHERE uuid = 'u{rows}'",
    )
    with sqlite3.connect(bid_path) as connection:
        first = connection.execute("SELECT rowid FROM product WHERE uuid = 'u7001'").fetchone()[0]
        last = connection.execute(f"SELECT rowid FROM product WHERE uuid = 'u{rows}'").fetchone()
    connection.close()
    problems = "\n".join(check_bid(bid_path).problems)
    assert f"table “product”, row {first}: “name” holds text that is not UTF-8 (byte 5)" in problems
    assert f"table “product”, row {first}: “description” holds text that is not UTF-8" in problems
    assert f"table “product”, row {last[0]}: “description” holds text that is not UTF-8" in problems
    assert problems.count("not UTF-8") == 3


def test_export_of_a_bid_with_bad_rows_is_a_message_not_a_traceback(
    bid_path: Path, app_paths: AppPaths, tmp_path: Path
) -> None:
    _sql(bid_path, "UPDATE task SET due_on = 'soon' WHERE id = 2")
    done = _cli("export", bid_path, tmp_path / "out.docx", home=app_paths.data_dir.parent)
    assert done.returncode == 1
    assert "“due_on” holds “soon”" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out.docx").exists()


def _garble_schema_name(path: Path) -> None:
    """Put a byte that is not UTF-8 into an index's name in the schema pages.

    Every copy of the name is garbled: the pages also hold stale copies (cells left in free
    space by the migrations), and which copy comes first depends on the SQLite version.
    """
    data = bytearray(path.read_bytes())
    name = b"ix_comment_section_id"
    at = data.find(name)
    assert at > 0
    while at >= 0:
        data[at + 3] = 0xFF
        at = data.find(name, at + 1)
    path.write_bytes(bytes(data))


def test_garbage_in_a_schema_page_is_reported_as_damage_everywhere(
    bid_path: Path, app_paths: AppPaths, tmp_path: Path
) -> None:
    _garble_schema_name(bid_path)
    before = bid_path.read_bytes()
    with pytest.raises(DamagedBidError):
        inspect_file(bid_path)
    report = check_bid(bid_path)
    assert not report.sound and report.problems
    home = app_paths.data_dir.parent
    for arguments in (
        ("check", bid_path),
        ("export", bid_path, tmp_path / "o.docx"),
        ("import", bid_path, tmp_path / "p.csv"),
    ):
        (tmp_path / "p.csv").write_text("Name,Role\nA Council,supporting\n", encoding="utf-8")
        done = _cli(*arguments, home=home)
        assert done.returncode == 1, arguments
        assert "Traceback" not in done.stderr, done.stderr
    assert bid_path.read_bytes() == before


def test_merging_a_partner_copy_with_a_garbled_schema_is_a_message(
    bid_path: Path, app_paths: AppPaths, tmp_path: Path
) -> None:
    copy = tmp_path / "partner copy.crmbid"
    shutil.copy(bid_path, copy)
    _garble_schema_name(copy)
    done = _cli("merge", bid_path, copy, "--dry-run", home=app_paths.data_dir.parent)
    assert done.returncode == 1
    assert "damaged" in done.stderr and "partner copy.crmbid" in done.stderr
    assert "Traceback" not in done.stderr


# -- the write-ahead log ---------------------------------------------------------------------------
def _crash_copy(source: Path, target: Path) -> None:
    """What a crash leaves: the bid, its log and the log's identity, copied while open."""
    for suffix in ("", "-wal", "-walid"):
        shutil.copy(str(source) + suffix, str(target) + suffix)


def _open_with_unsaved_change(path: Path, app_paths: AppPaths, body: str) -> object:
    bid = open_bid(path, backups_dir=app_paths.backups_dir)
    with bid.transaction() as session:
        session.connection().exec_driver_sql(f"UPDATE section SET body = '{body}'")
    return bid


def test_a_log_left_by_a_crash_is_replayed_into_its_own_bid(
    bid_path: Path, app_paths: AppPaths, tmp_path: Path
) -> None:
    bid = _open_with_unsaved_change(bid_path, app_paths, "kept after the crash")
    crashed = tmp_path / "crashed" / "bid.crmbid"
    crashed.parent.mkdir()
    _crash_copy(bid_path, crashed)
    bid.close()  # type: ignore[attr-defined]
    assert sqlite_trust.wal_has_changes(crashed)
    assert sqlite_trust.foreign_wal_reason(crashed) is None
    reopened = open_bid(crashed, backups_dir=app_paths.backups_dir)
    try:
        assert reopened.notices == []
        with reopened.reading() as session:
            bodies = set(session.connection().exec_driver_sql("SELECT body FROM section").scalars())
        assert bodies == {"kept after the crash"}
    finally:
        reopened.close()


def test_a_log_from_another_file_of_the_same_name_is_set_aside_never_replayed(
    bid_path: Path, app_paths: AppPaths, tmp_path: Path
) -> None:
    # The same bid's log, left from a session on a partner's copy of it (made by "Save a copy
    # for a partner") that was later saved over this name: same tables, different file.
    other = tmp_path / "other" / "bid.crmbid"
    other.parent.mkdir()
    sqlite_store.backup_file(bid_path, other)
    bid = _open_with_unsaved_change(other, app_paths, "from the other file")
    stale = tmp_path / "stale"
    stale.mkdir()
    _crash_copy(other, stale / "bid.crmbid")
    bid.close()  # type: ignore[attr-defined]
    for suffix in ("-wal", "-walid"):
        shutil.copy(str(stale / "bid.crmbid") + suffix, str(bid_path) + suffix)
    before = bid_path.read_bytes()

    report = check_bid(bid_path)
    assert not report.sound
    assert any("left by another file of the same name" in p for p in report.problems)
    assert bid_path.read_bytes() == before
    assert (Path(str(bid_path) + "-wal")).exists()  # check changes nothing

    opened = open_bid(bid_path, backups_dir=app_paths.backups_dir)
    try:
        assert len(opened.notices) == 1 and "set aside as" in opened.notices[0]
        with opened.reading() as session:
            bodies = set(session.connection().exec_driver_sql("SELECT body FROM section").scalars())
        assert "from the other file" not in bodies
    finally:
        opened.close()
    aside = [p for p in bid_path.parent.iterdir() if "foreign log" in p.name]
    assert len(aside) == 1
    assert aside[0].read_bytes() == (stale / "bid.crmbid-wal").read_bytes()


def test_copies_do_not_carry_the_identity_that_ties_a_bid_to_its_log(
    bid_path: Path, app_paths: AppPaths, tmp_path: Path
) -> None:
    open_bid(bid_path, backups_dir=app_paths.backups_dir).close()
    assert sqlite_trust.file_identity(bid_path) != 0
    copy = tmp_path / "copy.crmbid"
    sqlite_store.backup_file(bid_path, copy)
    assert sqlite_trust.file_identity(copy) == 0


# -- leaving no trace, busy, read-only -------------------------------------------------------------
def test_check_leaves_nothing_beside_the_file(bid_path: Path, app_paths: AppPaths) -> None:
    assert _beside(bid_path) == [bid_path.name]
    before = bid_path.read_bytes()
    done = _cli("check", bid_path, home=app_paths.data_dir.parent)
    assert done.returncode == 0, done.stderr
    assert _beside(bid_path) == [bid_path.name]
    assert bid_path.read_bytes() == before


def test_check_still_reads_a_bid_open_in_the_program(bid_path: Path, app_paths: AppPaths) -> None:
    bid = _open_with_unsaved_change(bid_path, app_paths, "not yet folded in")
    try:
        report = check_bid(bid_path)
        assert report.sound, report.problems
    finally:
        bid.close()  # type: ignore[attr-defined]


def test_a_bid_another_program_is_writing_is_busy_not_damaged(
    bid_path: Path, app_paths: AppPaths
) -> None:
    _sql(bid_path, "PRAGMA journal_mode=DELETE")  # as a backup or a partner's copy arrives
    writer = sqlite3.connect(bid_path, isolation_level=None)
    try:
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("UPDATE section SET body = 'being written'")
        started = time.monotonic()
        with pytest.raises(BidBusyError) as raised:
            inspect_file(bid_path)
        assert time.monotonic() - started < 15
        assert "not damaged" in raised.value.reason
        assert not isinstance(raised.value, DamagedBidError)
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_read_only_file_opens_read_only_never_editable(
    bid_path: Path, app_paths: AppPaths
) -> None:
    with read_only(bid_path):
        with pytest.raises(CannotEditError, match="the file is read-only"):
            open_bid(bid_path, backups_dir=app_paths.backups_dir)
        workspace = open_workspace(bid_path, app_paths, read_only=True, reason="read-only file")
        try:
            assert workspace.bid.counts().partners == 2
        finally:
            workspace.close()


def test_a_bid_in_a_read_only_folder_is_read_and_checked_where_it_is(
    bid_path: Path, app_paths: AppPaths, tmp_path: Path
) -> None:
    with read_only(bid_path.parent):
        with pytest.raises(CannotEditError, match="its folder"):
            open_bid(bid_path, backups_dir=app_paths.backups_dir)
        assert check_bid(bid_path).sound
        done = _cli("export", bid_path, tmp_path / "home" / "p.csv", home=tmp_path / "home")
        assert done.returncode == 0, done.stderr
        done = _cli("import", bid_path, tmp_path / "home" / "p.csv", home=tmp_path / "home")
        assert done.returncode == 1
        assert "cannot be changed because" in done.stderr
        assert "Traceback" not in done.stderr


def test_a_bid_name_of_255_bytes_is_refused_for_editing_with_a_reason(
    bid_path: Path, app_paths: AppPaths, tmp_path: Path
) -> None:
    from crmbid_desktop.services.bid.bid_files import open_guarded
    from crmbid_desktop.store.locks import lock_path

    long = tmp_path / ("L" * (255 - len(".crmbid")) + ".crmbid")
    shutil.copy(bid_path, long)
    assert len(lock_path(long).name.encode()) <= 255
    with pytest.raises(CannotEditError, match="name is too long"):
        open_guarded(long, app_paths)
    guarded = open_guarded(long, app_paths, read_only=True, read_only_reason="long name")
    try:
        assert guarded.workspace.bid.counts().sections == 14
    finally:
        guarded.close()
    assert check_bid(long).sound


def test_a_cleaned_copy_leaves_out_every_foreign_object_and_the_original_unchanged(
    bid_path: Path, app_paths: AppPaths, tmp_path: Path
) -> None:
    from crmbid_desktop.store.bidfile import save_cleaned_copy

    _sql(
        bid_path,
        "CREATE TRIGGER evil AFTER INSERT ON partner BEGIN UPDATE section SET body='owned'; END",
        "CREATE VIEW everything AS SELECT * FROM section",
        f'CREATE TABLE "{HOSTILE_NAME}" (x)',
        "CREATE INDEX sneaky ON section(body)",
        "ALTER TABLE section ADD COLUMN payload TEXT",
    )
    before = bid_path.read_bytes()
    copy = tmp_path / "cleaned.crmbid"
    dropped = save_cleaned_copy(bid_path, copy)
    assert set(dropped) == {
        "trigger “evil”",
        "view “everything”",
        f"a table “{HOSTILE_NAME}”",
        "an index “sneaky”",
        "a column “payload” in “section”",
    }
    assert bid_path.read_bytes() == before
    assert check_bid(copy).sound
    opened = open_bid(copy, backups_dir=app_paths.backups_dir)
    try:
        assert opened.counts().sections == 14
    finally:
        opened.close()


def test_timetable_choices_are_checked_too(bid_path: Path) -> None:
    _sql(
        bid_path,
        "UPDATE task SET status = 'finished' WHERE id = 1",
        "UPDATE task SET priority = 'urgent' WHERE id = 2",
        "UPDATE milestone SET kind = 'party' WHERE id = 1",
    )
    text = "\n".join(check_bid(bid_path).problems)
    assert "table “task”, row 1: “status” holds “finished”, not one of the task statuses" in text
    assert "table “task”, row 2: “priority” holds “urgent”" in text
    assert "table “milestone”, row 1: “kind” holds “party”" in text
