"""How the program's costs grow with the bid: 1x, 10x and 100x the sample, each beside a floor.

Usage: python tests/benchmarks/bench_scale.py [--scales 1,10,100] [--bids DIR] [--letter-kb KB]

Bids are made with make_bid.py (kept in --bids, reused when present). For each scale a fresh
process opens the bid in the real main window (offscreen) and times, as GUI-thread CPU
(time.thread_time), each action a user takes; beside each is a floor doing the bare Qt or
library work of the same size in the same process: a QTableView over a QStandardItemModel of as
many rows, a QTextEdit with the same text, an SQLite UPDATE and commit, a QGraphicsScene of as
many items, pandoc on the same text. The measuring child runs from compiled bytecode, as the
program does once installed, so a first visit does not include compiling the page's source, and
handles the cyclic garbage collector as the program does (off until the first paint, then on
with start-up's objects set aside).
First paint is launch-to-paint (CRMBID_STARTUP_PROBE=1) against the start-up floor; `check` and
Word export run as the command line does, with CPU and peak memory of that process. Growth
exponents are fitted from 10x to 100x and 100x to 1000x (1.0 is linear). A 1000x bid is best
made first with make_bid.py --bulk-base 10 (minutes, not hours). --json keeps each scale's
figures, so runs made apart can be put side by side.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

ROWS = [
    ("first paint (launch to paint, wall ms)", "first_paint", "floor_paint"),
    ("first page's full figures after the paint", "visit:first", "floor_table"),
    ("word count off the GUI thread (worker CPU)", "worker_count", "floor_table"),
    ("Dashboard first visit", "visit:dashboardPage", "floor_table"),
    ("Partners first visit", "visit:partnersPage", "floor_table"),
    ("Timetable first visit", "visit:timetablePage", "floor_table"),
    ("Sections first visit", "visit:sectionsPage", "floor_table"),
    ("Criteria first visit", "visit:criteriaPage", "floor_table"),
    ("Clarifications first visit", "visit:clarificationsPage", "floor_table"),
    ("Sustainability first visit", "visit:sustainabilityPage", "floor_table"),
    ("Export first visit", "visit:exportPage", "floor_table"),
    ("Dashboard refresh", "refresh:dashboardPage", "floor_table"),
    ("Partners refresh", "refresh:partnersPage", "floor_table"),
    ("Timetable refresh", "refresh:timetablePage", "floor_table"),
    ("Sections refresh", "refresh:sectionsPage", "floor_table"),
    ("Criteria refresh", "refresh:criteriaPage", "floor_table"),
    ("Clarifications refresh", "refresh:clarificationsPage", "floor_table"),
    ("Sustainability refresh", "refresh:sustainabilityPage", "floor_table"),
    ("Export refresh", "refresh:exportPage", "floor_table"),
    ("keystroke in a section", "keystroke", "floor_keystroke"),
    ("autosave of a section (all pages told)", "autosave", "floor_update"),
    ("switching section", "switch", "floor_switch"),
    ("filter keystroke (tasks)", "filter", "floor_filter"),
    ("Gantt drag (all pages told)", "drag", "floor_drag"),
    ("council field edit (all pages told)", "field_edit", "floor_update"),
    ("undo of that field edit", "undo", "floor_update"),
    ("check (process CPU)", "check", "floor_check"),
    ("Word export (process CPU)", "export", "floor_pandoc"),
    ("Word export peak memory (MB)", "export_mb", "floor_pandoc_mb"),
]


def cpu_ms(*actions: Any) -> float:
    """GUI-thread CPU milliseconds of `actions`, run in turn (the median of what one call costs)."""
    began = time.thread_time()
    for action in actions:
        action()
    return (time.thread_time() - began) * 1000


def measure(bid: Path) -> dict[str, float]:
    """Run inside a child process: open `bid` in the main window and time each action."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSortFilterProxyModel, Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import (
        QApplication,
        QGraphicsScene,
        QGraphicsView,
        QTableView,
        QTextEdit,
    )

    from crmbid_desktop.paths import AppPaths
    from crmbid_desktop.services.bid.bid_files import open_workspace
    from crmbid_desktop.ui.main_window import PAGES, MainWindow
    from crmbid_desktop.ui.window_state import WindowState

    app = QApplication.instance() or QApplication([])
    home = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    paths = AppPaths.under(home).ensure()
    workspace = open_workspace(bid, paths)
    out: dict[str, float] = {}

    def settle() -> None:
        app.processEvents()

    from crmbid_desktop.ui.pages import word_counting

    worker_ms = 0.0

    def counted() -> None:
        """Wait for a word count running off the GUI thread and let the pages take its result.

        The GUI thread's CPU while waiting (event handling and the pages' update when the
        count is done) is charged to the visit; the worker's CPU is reported on its own.
        """
        nonlocal worker_ms
        began_process, began_gui = time.process_time(), time.thread_time()
        while any(job.running for job in list(word_counting._RUNNING.values())):
            app.processEvents()
            time.sleep(0.002)
        settle()
        worker_ms += (time.process_time() - began_process - time.thread_time() + began_gui) * 1000

    import gc

    from crmbid_desktop.ui.application import resume_garbage_collection

    gc.disable()  # as app.main does until the first paint, then sets start-up's objects aside
    window = MainWindow(workspace, WindowState(paths.settings_file))
    window.resize(1024, 768)
    window.show()
    settle()
    resume_garbage_collection(app)
    out["visit:first"] = cpu_ms(counted)  # the first page's figures, once its words are counted
    for index, spec in enumerate(PAGES):
        out[f"visit:{spec.object_name}"] = cpu_ms(lambda i=index: window.go_to(i), counted)
    out["worker_count"] = worker_ms
    for index, spec in enumerate(PAGES):
        window.go_to(index)
        settle()
        page = window.page(index)
        out[f"refresh:{spec.object_name}"] = cpu_ms(lambda p=page: p.refresh(), settle)

    sections = window.page(next(i for i, s in enumerate(PAGES) if s.object_name == "sectionsPage"))
    window.go_to(PAGES.index(next(s for s in PAGES if s.object_name == "sectionsPage")))
    settle()
    editor = sections.editor  # type: ignore[attr-defined]
    editor.setFocus()
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    out["keystroke"] = statistics.median(
        cpu_ms(lambda: QTest.keyClick(editor, Qt.Key.Key_A), settle) for _ in range(5)
    )
    out["autosave"] = cpu_ms(lambda: sections.flush_text(), settle)  # type: ignore[attr-defined]
    items = list(sections.items.values())  # type: ignore[attr-defined]
    target = items[len(items) // 2]
    out["switch"] = cpu_ms(lambda: sections.outline.setCurrentItem(target), settle)  # type: ignore[attr-defined]

    timetable = window.page(PAGES.index(next(s for s in PAGES if s.object_name == "timetablePage")))
    window.go_to(PAGES.index(next(s for s in PAGES if s.object_name == "timetablePage")))
    settle()
    box = timetable.tasks.text_filter  # type: ignore[attr-defined]
    out["filter"] = cpu_ms(lambda: QTest.keyClick(box, Qt.Key.Key_W), settle)
    box.clear()
    settle()
    dated = [row for row in timetable.tasks.model.rows if row.start_on]  # type: ignore[attr-defined]
    task = dated[len(dated) // 2]
    out["drag"] = cpu_ms(lambda: timetable.move_task(task.id, 1), settle)  # type: ignore[attr-defined]

    partners = window.page(PAGES.index(next(s for s in PAGES if s.object_name == "partnersPage")))
    window.go_to(PAGES.index(next(s for s in PAGES if s.object_name == "partnersPage")))
    settle()
    region = partners.form.region_edit  # type: ignore[attr-defined]

    def field_edit() -> None:
        region.setText("Yorkshire and the Humber (bench)")
        region.textEdited.emit(region.text())
        region.editingFinished.emit()
        settle()

    out["field_edit"] = cpu_ms(field_edit)
    out["undo"] = cpu_ms(lambda: window.undo_action.trigger(), settle)

    # -- floors of the same size, in the same process ----------------------------------------
    rows = max(len(timetable.tasks.model.rows), 1)  # type: ignore[attr-defined]

    def floor_table() -> None:
        model = QStandardItemModel(rows, 8)
        for r in range(rows):
            for c in range(8):
                model.setItem(r, c, QStandardItem(f"task {r} column {c}"))
        view = QTableView()
        view.setModel(model)
        view.resize(1024, 600)
        view.show()
        settle()
        view.close()

    out["floor_table"] = cpu_ms(floor_table)
    body = sections.rows[sections.section_id].body  # type: ignore[attr-defined]
    plain = QTextEdit()
    plain.setMarkdown(body)
    plain.show()
    plain.setFocus()
    settle()
    out["floor_keystroke"] = statistics.median(
        cpu_ms(lambda: QTest.keyClick(plain, Qt.Key.Key_A), settle) for _ in range(5)
    )
    out["floor_switch"] = cpu_ms(lambda: plain.setMarkdown(body), settle)
    plain.close()
    model = QStandardItemModel(rows, 8)
    for r in range(rows):
        for c in range(8):
            model.setItem(r, c, QStandardItem(f"task {r} column {c}"))
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(-1)
    filtered = QTableView()
    filtered.setModel(proxy)
    filtered.show()
    settle()
    out["floor_filter"] = cpu_ms(lambda: proxy.setFilterFixedString("w"), settle)
    filtered.close()
    scene = QGraphicsScene()
    bars = [scene.addRect(r * 3.0, r * 22.0, 120.0, 16.0) for r in range(rows)]
    chart = QGraphicsView(scene)
    chart.show()
    settle()
    out["floor_drag"] = cpu_ms(lambda: bars[rows // 2].setX(26.0), settle)
    chart.close()

    import sqlite3

    scratch = home / "floor.sqlite"
    shutil.copyfile(bid, scratch)
    connection = sqlite3.connect(scratch, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")

    def floor_update() -> None:
        connection.execute("BEGIN")
        connection.execute("UPDATE partner SET region = region || '' WHERE id = 1")
        connection.execute("COMMIT")

    out["floor_update"] = cpu_ms(floor_update)
    connection.close()
    window.close()
    workspace.close()
    return out


def run_child(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """CPU seconds and peak memory (MB) of one child process, and what it printed."""
    with tempfile.TemporaryFile("w+") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        printed = output.read()
    if process.returncode not in (0, 1):
        raise RuntimeError(f"{command} failed:\n{printed}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, printed


def first_paint(
    bid: Path, floor_db: Path, runs: int, *, backup_due: bool = False, code: Path = ROOT
) -> tuple[float, float]:
    """Median launch-to-paint of the program on `bid` and of the start-up floor (alternating).

    With `backup_due` every start gets an empty backups folder, so the backup on open is due
    each time (as on the first open of a bid, or after it changed elsewhere); otherwise only the
    warm-up start takes it. `code` is the tree whose program runs (to compare two branches).
    """
    sys.path.insert(0, str(HERE))
    from bench_startup import time_once

    home = Path(tempfile.mkdtemp(prefix="bench-paint-"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CRMBID_HOME=str(home))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        PYTHONPYCACHEPREFIX=str(home / "bytecode"), PYTHONPATH=str(code), CRMBID_STARTUP_PROBE="1"
    )
    app = [sys.executable, "-m", "crmbid_desktop", "--no-crash-dialog", str(bid)]
    floor = [sys.executable, str(HERE / "startup_probe.py"), "floor", str(floor_db)]

    def app_env() -> dict[str, str]:
        if not backup_due:
            return env
        shutil.rmtree(home / "data" / "backups", ignore_errors=True)
        return env

    time_once(app, app_env())
    time_once(floor, env)
    apps, floors = [], []
    for _ in range(runs):
        apps.append(time_once(app, app_env()))
        floors.append(time_once(floor, env))
    return statistics.median(apps) * 1000, statistics.median(floors) * 1000


def pandoc_floor(bid: Path, work: Path) -> tuple[float, float]:
    """pandoc turning the bid's section texts (one Markdown file) into a Word file."""
    import sqlite3

    if shutil.which("pandoc") is None:
        return math.nan, math.nan
    connection = sqlite3.connect(f"file:{bid}?mode=ro", uri=True)
    rows = connection.execute("SELECT title, body FROM section ORDER BY id").fetchall()
    connection.close()
    source = work / "sections.md"
    source.write_text("\n\n".join(f"# {title}\n\n{body}" for title, body in rows), "utf-8")
    cpu, peak, _ = run_child(["pandoc", str(source), "-o", str(work / "pandoc.docx")])
    return cpu * 1000, peak


def bytecode_cache() -> Path:
    """A bytecode cache of the program's modules, compiled before any timing."""
    cache = Path(tempfile.gettempdir()) / "crmbid-scale-bytecode"
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(cache))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "crmbid_desktop")],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return cache


def paint_only(bid: Path, paint_runs: int, *, backup_due: bool, code: Path) -> dict[str, float]:
    """First paint alone (launch to paint against the floor), on a copy of `bid`."""
    import sqlite3

    work = Path(tempfile.mkdtemp(prefix="bench-scale-paint-"))
    copy = work / bid.name
    shutil.copyfile(bid, copy)
    floor_db = work / "floor.sqlite"
    sqlite3.connect(floor_db).close()
    figures = {}
    figures["first_paint"], figures["floor_paint"] = first_paint(
        copy, floor_db, paint_runs, backup_due=backup_due, code=code
    )
    shutil.rmtree(work, ignore_errors=True)
    return figures


def bench(bid: Path, paint_runs: int, *, gui_only: bool = False) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="bench-scale-run-"))
    copy = work / bid.name
    shutil.copyfile(bid, copy)  # the measurements edit the bid; the made bid stays as made
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CRMBID_HOME=str(work / "home"))
    env["PYTHONPATH"] = str(ROOT)
    # The program runs from compiled bytecode (the bundle ships it; a second run has it): a page's
    # first visit should not include compiling its source, as it did with PYTHONDONTWRITEBYTECODE.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(bytecode_cache())
    _cpu, _peak, printed = run_child([sys.executable, __file__, "--measure", str(copy)], env)
    figures: dict[str, float] = json.loads(printed.strip().splitlines()[-1])
    if gui_only:
        shutil.rmtree(work, ignore_errors=True)
        return figures
    floor_db = work / "floor.sqlite"
    import sqlite3

    sqlite3.connect(floor_db).close()
    figures["first_paint"], figures["floor_paint"] = first_paint(copy, floor_db, paint_runs)
    cli = [sys.executable, "-m", "crmbid_desktop"]
    cpu, _peak, _ = run_child([*cli, "check", str(copy)], env)
    figures["check"] = cpu * 1000
    floor_cpu, _, _ = run_child(
        [
            sys.executable,
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(f'file:{sys.argv[1]}?mode=ro',uri=True); "
            "c.execute('PRAGMA quick_check').fetchall()",
            str(copy),
        ]
    )
    figures["floor_check"] = floor_cpu * 1000
    cpu, peak, _ = run_child([*cli, "export", str(copy), str(work / "proposal.docx")], env)
    figures["export"], figures["export_mb"] = cpu * 1000, peak
    figures["floor_pandoc"], figures["floor_pandoc_mb"] = pandoc_floor(copy, work)
    shutil.rmtree(work, ignore_errors=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--bids", type=Path, default=Path(tempfile.gettempdir()) / "crmbid-scale")
    parser.add_argument("--letter-kb", type=int, default=1024)
    parser.add_argument("--paint-runs", type=int, default=5)
    parser.add_argument(
        "--gui-only",
        action="store_true",
        help="time only the pages and actions in the window (no first paint, check or export)",
    )
    parser.add_argument(
        "--paint-only", action="store_true", help="time only the first paint against its floor"
    )
    parser.add_argument(
        "--backup-due",
        action="store_true",
        help="with --paint-only: every start finds no backup, so the backup on open is due",
    )
    parser.add_argument(
        "--code",
        type=Path,
        default=ROOT,
        help="with --paint-only: the work tree whose program starts (to compare branches)",
    )
    parser.add_argument("--json", type=Path, help="also write each scale's figures here")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    scales = [int(s) for s in args.scales.split(",")]
    args.bids.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, float]] = {}
    for scale in scales:
        bid = args.bids / f"scale {scale}.crmbid"
        if not bid.exists():
            from make_bid import make

            print(f"making {bid}…", flush=True)
            make(scale, bid, args.letter_kb)
        print(f"measuring {scale}x…", flush=True)
        if args.paint_only:
            results[scale] = paint_only(
                bid, args.paint_runs, backup_due=args.backup_due, code=args.code.resolve()
            )
        else:
            results[scale] = bench(bid, args.paint_runs, gui_only=args.gui_only)
        if args.json:
            args.json.write_text(json.dumps(results, indent=1))
    header = "".join(f"{f'{s}x':>10}{'floor':>9}" for s in scales)
    spans = [(low, high) for low, high in ((10, 100), (100, 1000)) if {low, high} <= set(results)]
    growth = "".join(f"   exponent {low}x->{high}x" for low, high in spans)
    print(f"\n{'GUI-thread CPU ms unless said':42}{header}{growth}")
    for title, key, floor in ROWS:
        if not any(key in results[s] for s in scales):
            continue  # not measured in this run (--gui-only, --paint-only)
        cells = "".join(
            f"{results[s].get(key, math.nan):10.1f}{results[s].get(floor, math.nan):9.1f}"
            for s in scales
        )
        exponents = ""
        for low_scale, high_scale in spans:  # 1.0 is linear
            low, high = (
                results[low_scale].get(key, math.nan),
                results[high_scale].get(key, math.nan),
            )
            fitted = math.log10(high / low) if low > 0 and high > 0 else math.nan
            exponents += f"{fitted:22.2f}"
        print(f"{title:42}{cells}{exponents}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
