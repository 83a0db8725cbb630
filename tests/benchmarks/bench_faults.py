"""Fault figures: SIGKILLs of a writer (and two controls), backups under load, kills during export.

Run: PYTHONPATH=. QT_QPA_PLATFORM=offscreen /work/venv/bin/python tests/benchmarks/bench_faults.py [KILLS]
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_template import create_bid
from crmbid_desktop.store import backups
from crmbid_desktop.store import sqlite as sqlite_store
from tests.helpers.export_writer import check_export, export_bytes
from tests.helpers.faults import run_and_kill, run_and_kill_export, start_writer


def saved_names(path: Path) -> set[str]:
    with sqlite_store.read_only_connection(path) as connection:
        return {str(row[0]) for row in connection.execute("SELECT name FROM partner")}


def kill_run(root: Path, kills: int, mode: str, fresh_each_time: bool) -> dict[str, float]:
    """Kill a writer `kills` times; count edits reported saved but lost, and integrity failures."""
    rng = random.Random(2005)
    template = root / f"template-{mode}.crmbid"
    create_bid(template).close()
    bid = root / f"{mode}.crmbid"
    shutil.copy(template, bid)
    home = root / "home"
    reported = lost = failures = runs_with_loss = 0
    first = 0
    started = time.perf_counter()
    for _ in range(kills):
        if fresh_each_time:  # a control's damage must not hide the next run's
            for extra in ("", "-wal", "-shm"):
                Path(str(bid) + extra).unlink(missing_ok=True)
            shutil.copy(template, bid)
        saved = run_and_kill(bid, home, first, 100_000, rng, mode=mode)
        first += 100_000
        reported += len(saved)
        problems: list[str]
        try:
            problems = sqlite_store.integrity_check(bid)
            names = saved_names(bid)
        except sqlite3.DatabaseError as error:
            problems, names = [str(error)], set()
        if problems:
            failures += 1
        missing = sum(1 for number in saved if f"edit {number}" not in names)
        lost += missing
        runs_with_loss += 1 if missing or problems else 0
    return {
        "kills": kills,
        "reported": reported,
        "lost": lost,
        "integrity_failures": failures,
        "runs_with_loss_or_damage": runs_with_loss,
        "seconds": time.perf_counter() - started,
    }


def backups_under_load(root: Path, count: int = 40) -> dict[str, float]:
    """Back up `count` times while another process writes; check each backup."""
    bid = root / "busy.crmbid"
    create_bid(bid).close()
    paths = AppPaths.under(root / "home").ensure()
    writer = start_writer(bid, root / "home", 0, 10**7)
    writer.wait_for_first()
    sound = holding = 0
    durations = []
    try:
        for _ in range(count):
            seen = len(writer.reported)
            while len(writer.reported) == seen:  # let at least one more edit land
                time.sleep(0.002)
            last = writer.reported[-1]
            started = time.perf_counter()
            taken = backups.take_backup(bid, paths.backups_dir, thin=False)
            durations.append(time.perf_counter() - started)
            sound += sqlite_store.integrity_check(taken) == []
            holding += f"edit {last}" in saved_names(taken)
    finally:
        writer.kill()
    return {
        "backups": count,
        "sound": sound,
        "hold_last_saved_edit": holding,
        "edits_during": len(writer.reported),
        "median_backup_ms": sorted(durations)[len(durations) // 2] * 1000,
    }


def kills_during_export(root: Path, kills: int, size: int = 8_000_000) -> dict[str, float]:
    rng = random.Random(26)
    target = root / "exports" / "proposal.docx"
    target.parent.mkdir()
    target.write_bytes(export_bytes(0, size))
    intact = newer_or_same = 0
    first = 1
    for _ in range(kills):
        finished = run_and_kill_export(target, first, 10_000, size, rng)
        first += 10_000
        try:
            generation = check_export(target.read_bytes())
            intact += 1
            newer_or_same += not finished or generation >= max(finished)
        except ValueError:
            pass
    leftovers = len([p for p in target.parent.iterdir() if p.name.endswith(".tmp")])
    return {
        "kills": kills,
        "export_intact": intact,
        "holds_last_finished": newer_or_same,
        "temporary_files_left_by_kills": leftovers,
    }


def main() -> None:
    kills = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    controls = max(20, kills // 5)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        print(f"SIGKILL of the writer, {kills} kills at random moments (WAL, synchronous=FULL):")
        print(f"  {kill_run(root, kills, 'normal', fresh_each_time=False)}")
        print(f"CONTROL: writer reports 'saved' before committing, {controls} kills:")
        print(f"  {kill_run(root, controls, 'early-report', fresh_each_time=True)}")
        print(f"CONTROL: journal_mode=OFF, synchronous=OFF, {controls} kills:")
        print(f"  {kill_run(root, controls, 'journal-off', fresh_each_time=True)}")
        print("40 backups while another process writes:")
        print(f"  {backups_under_load(root)}")
        print(f"SIGKILL during an 8 MB export through atomic_write, {controls} kills:")
        print(f"  {kills_during_export(root, controls)}")


if __name__ == "__main__":
    main()
