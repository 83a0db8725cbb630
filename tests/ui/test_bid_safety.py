"""GUI: locked, stale-locked, damaged and risky bids, read-only mode, and the Backups dialog."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid import bid_files
from crmbid_desktop.store import backups
from crmbid_desktop.store.errors import ReadOnlyBidError
from crmbid_desktop.store.locks import current_machine, lock_path, read_holder
from crmbid_desktop.ui import bid_controller
from crmbid_desktop.ui.application import read_only_excepthook
from crmbid_desktop.ui.backups_dialog import BackupsDialog
from crmbid_desktop.ui.bid_controller import BidController
from crmbid_desktop.ui.window_state import WindowState
from tests.helpers.qt import assert_controls_named


class Answers:
    """Stands in for the user at message boxes: clicks the named button and records what was asked."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.queue: list[str] = []
        self.asked: list[tuple[str, str]] = []
        answers = self

        def exec_(box: QMessageBox) -> int:
            answers.asked.append((box.objectName(), box.text()))
            wanted = answers.queue.pop(0) if answers.queue else ""
            for button in box.findChildren(QPushButton):
                if wanted and button.objectName() == wanted:
                    button.click()
                    break
            return 0

        monkeypatch.setattr(QMessageBox, "exec", exec_)

    def names(self) -> list[str]:
        return [name for name, _text in self.asked]


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    return Answers(monkeypatch)


@pytest.fixture
def controller(qtbot: object, app_paths: AppPaths) -> Iterator[BidController]:
    made = BidController(app_paths, WindowState(app_paths.settings_file))
    yield made
    made.close()
    if made.window is not None:
        made.window.close()
        made.window.deleteLater()


def _lock_by_someone_else(bid: Path, **fields: object) -> None:
    now = datetime.now().isoformat(timespec="seconds")
    data = {"user": "sam.newham", "machine": "NEWHAM-PC-12", "pid": 77, "since": now}
    data |= {"refreshed": now, "token": "theirs", **fields}
    lock_path(bid.resolve()).write_text(json.dumps(data), encoding="utf-8")


def test_locked_bid_offers_read_only_and_shows_the_banner(
    controller: BidController, answers: Answers, bid_path: Path
) -> None:
    _lock_by_someone_else(bid_path)
    answers.queue.append("openReadOnlyButton")
    window = controller.start(bid_path)
    assert window is not None
    assert answers.names() == ["bidLockedDialog"]
    assert "sam.newham on NEWHAM-PC-12" in answers.asked[0][1]
    assert window.workspace.read_only
    assert "(read-only)" in window.windowTitle()
    window.show()
    assert window.read_only_banner.isVisible()
    assert "Read-only" in window.save_state_label.text()
    assert not window.undo_action.isVisible()
    with pytest.raises(ReadOnlyBidError), window.workspace.edit("Renamed"):
        pass
    holder = read_holder(bid_path.resolve())
    assert holder is not None and holder.user == "sam.newham"  # their lock left alone
    assert_controls_named(window)


def test_locked_bid_cancel_opens_nothing(
    controller: BidController, answers: Answers, bid_path: Path
) -> None:
    _lock_by_someone_else(bid_path)
    answers.queue.append("cancelOpenButton")
    assert controller.start(bid_path) is None
    assert controller.guarded is None


def test_read_only_edit_gets_a_plain_message_not_a_crash(
    controller: BidController, answers: Answers, bid_path: Path
) -> None:
    crashed: list[BaseException] = []
    hook = read_only_excepthook(lambda _k, value, _t: crashed.append(value), lambda: None)
    error = ReadOnlyBidError(bid_path, "it is open read-only, so it cannot be changed.")
    hook(ReadOnlyBidError, error, None)
    assert answers.names() == ["readOnlyEditDialog"]
    assert crashed == []
    hook(RuntimeError, RuntimeError("other"), None)
    assert len(crashed) == 1


def test_edit_controls_are_disabled_when_read_only(
    controller: BidController, answers: Answers, bid_path: Path
) -> None:
    from PySide6.QtWidgets import QPushButton as Button

    from crmbid_desktop.ui.main_window import EDITS_BID_PROPERTY

    _lock_by_someone_else(bid_path)
    answers.queue.append("openReadOnlyButton")
    window = controller.start(bid_path)
    assert window is not None
    button = Button("Add partner", window.current_page())
    button.setProperty(EDITS_BID_PROPERTY, True)
    window.set_workspace(window.workspace)
    assert not button.isEnabled()


def test_stale_lock_is_recovered_silently(
    controller: BidController, answers: Answers, bid_path: Path
) -> None:
    _lock_by_someone_else(bid_path, machine=current_machine(), pid=2**22 + 12345)
    window = controller.start(bid_path)
    assert window is not None
    assert answers.asked == []
    assert not window.workspace.read_only
    assert window.read_only_banner.isHidden()
    assert controller.guarded is not None and controller.guarded.lock is not None
    assert controller.guarded.lock.taken_over is not None
    holder = read_holder(bid_path.resolve())
    assert holder is not None and holder.token == controller.guarded.lock.holder.token
    controller.close()
    assert not lock_path(bid_path.resolve()).exists()


def _damage(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    data = bytearray(path.read_bytes())
    for offset in range(4096, len(data), 97):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_damaged_bid_is_restored_from_backup_and_kept_aside(
    controller: BidController, answers: Answers, bid_path: Path, app_paths: AppPaths
) -> None:
    bid_files.open_guarded(bid_path, app_paths).close()  # takes the backup on open
    _damage(bid_path)
    damaged = bid_path.read_bytes()
    answers.queue.append("restoreBackupButton")
    window = controller.start(bid_path)
    assert window is not None
    assert answers.names() == ["damagedBidDialog", "bidInfoDialog"]
    assert window.workspace.path == bid_path.resolve()
    assert window.workspace.bid.counts().partners == 2
    aside = [p for p in bid_path.parent.iterdir() if "(damaged " in p.name]
    assert len(aside) == 1 and aside[0].read_bytes() == damaged
    assert aside[0].name in answers.asked[1][1]


def test_damaged_bid_declined_is_left_untouched(
    controller: BidController, answers: Answers, bid_path: Path, app_paths: AppPaths
) -> None:
    bid_files.open_guarded(bid_path, app_paths).close()
    _damage(bid_path)
    damaged = bid_path.read_bytes()
    answers.queue.append("cancelOpenButton")
    assert controller.start(bid_path) is None
    assert bid_path.read_bytes() == damaged


def test_risky_place_offers_a_local_copy(
    controller: BidController,
    answers: Answers,
    bid_path: Path,
    app_paths: AppPaths,
    tmp_path: Path,
) -> None:
    synced = tmp_path / "Dropbox" / "bid.crmbid"
    synced.parent.mkdir()
    synced.write_bytes(bid_path.read_bytes())
    answers.queue.append("localCopyButton")
    window = controller.start(synced)
    assert window is not None
    assert answers.names() == ["riskyPlaceDialog"]
    assert "in a Dropbox folder" in answers.asked[0][1]
    assert window.workspace.path == (app_paths.documents_dir / "bid (local copy).crmbid").resolve()


def test_risky_place_open_anyway(
    controller: BidController, answers: Answers, bid_path: Path, tmp_path: Path
) -> None:
    synced = tmp_path / "OneDrive" / "bid.crmbid"
    synced.parent.mkdir()
    synced.write_bytes(bid_path.read_bytes())
    answers.queue.append("openAnywayButton")
    window = controller.start(synced)
    assert window is not None and window.workspace.path == synced.resolve()


def test_backups_dialog_lists_and_restores_as_a_new_file(
    controller: BidController,
    answers: Answers,
    bid_path: Path,
    app_paths: AppPaths,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: object,
    qtmodeltester: object,
) -> None:
    backups.take_backup(bid_path, app_paths.backups_dir, now=datetime(2005, 8, 26, 9, 30))
    window = controller.start(bid_path)
    assert window is not None
    qtbot.waitUntil(lambda: not controller.backing_up)  # type: ignore[attr-defined]
    dialog = controller.backups_dialog()
    assert isinstance(dialog, BackupsDialog)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    assert_controls_named(dialog)
    rows = [
        [dialog.model.index(r, c).data() for c in range(dialog.model.columnCount())]
        for r in range(dialog.model.rowCount())
    ]
    assert len(rows) == 2  # the one above and the one taken on open
    assert rows[-1][0] == "Fri 26 Aug 2005 09:30:00"
    assert rows[-1][2:5] == ["2", "13", "14"]
    assert rows[-1][1].endswith("KB")

    target = tmp_path / "restored"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    dialog.view.selectRow(1)
    with qtbot.waitSignal(dialog.restore_requested):  # type: ignore[attr-defined]
        dialog.restore_button.click()
    restored = tmp_path / "restored.crmbid"
    assert window.workspace.path == restored.resolve()
    assert window.workspace.bid.counts().partners == 2
    assert backups.is_good_backup(bid_path), "the bid that was open is left sound and in place"
    assert "Backup restored" in window.statusBar().currentMessage()


def test_backups_dialog_look(
    controller: BidController, bid_path: Path, app_paths: AppPaths, tmp_path: Path, qtbot: object
) -> None:
    for hour in (9, 10, 11):
        backups.take_backup(bid_path, app_paths.backups_dir, now=datetime(2005, 8, 25, hour, 5))
    controller.start(bid_path)
    dialog = controller.backups_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.show()
    image = dialog.grab()
    assert image.width() > 600
    shots = os.environ.get("CRMBID_SCREENSHOTS")
    if shots:  # for looking at the dialog: CRMBID_SCREENSHOTS=/some/folder pytest ...
        image.save(str(Path(shots) / "backups-dialog.png"))
        window = controller.window
        assert window is not None
        window.resize(1280, 800)
        window.show()
        window.grab().save(str(Path(shots) / "main-window.png"))


def test_timer_ticks_take_a_backup_when_due(
    controller: BidController, bid_path: Path, app_paths: AppPaths, qtbot: Any
) -> None:
    from crmbid_desktop.store.models import Partner

    window = controller.start(bid_path)
    assert window is not None and controller.timer.isActive()
    assert controller.timer.interval() == bid_controller.TICK_INTERVAL_MS
    qtbot.waitUntil(lambda: not controller.backing_up)  # the backup on open
    with window.workspace.edit("Added Wakefield") as session:
        session.add(Partner(name="Wakefield"))
    assert controller.guarded is not None
    controller.guarded.schedule.last_backup_at = datetime(2005, 8, 26, 9, 0)
    controller.tick()
    # The backup runs on a worker thread; a second tick meanwhile starts no second one.
    job = controller.backup_job
    assert job is not None
    controller.tick()
    assert controller.backup_job is job
    if job.running:
        with qtbot.waitSignal(job.finished, timeout=20_000):
            pass
    assert backups.list_backups(bid_path, app_paths.backups_dir)[0].partners == 3
    assert controller.guarded.last_backup is not None


def test_backup_tick_does_not_overlap_and_close_waits(
    controller: BidController, bid_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    import threading

    from crmbid_desktop.store.models import Partner

    window = controller.start(bid_path)
    assert window is not None and controller.guarded is not None
    qtbot.waitUntil(lambda: not controller.backing_up)  # the backup on open
    release = threading.Event()
    started: list[str] = []
    real = backups.take_backup

    def slow_backup(*args: Any, **kwargs: Any) -> Path:
        started.append(threading.current_thread().name)
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(backups, "take_backup", slow_backup)
    with window.workspace.edit("Added Wakefield") as session:
        session.add(Partner(name="Wakefield"))
    controller.guarded.schedule.last_backup_at = datetime(2005, 8, 26, 9, 0)
    controller.tick()
    qtbot.waitUntil(lambda: bool(started))
    assert started[0] != threading.main_thread().name
    # The window keeps working while the copy runs: an edit saves at once.
    with window.workspace.edit("Added Barnsley") as session:
        session.add(Partner(name="Barnsley"))
    controller.guarded.schedule.last_backup_at = datetime(2005, 8, 26, 9, 0)
    controller.tick()  # due again, but one is running: no second backup
    assert len(started) == 1 and controller.backing_up
    release.set()
    assert controller.wait_for_backup()
    qtbot.waitUntil(lambda: not controller.backing_up)
    assert controller.guarded.schedule.changed  # Barnsley is in the next backup


def test_timed_backups_are_scheduled_by_the_service_and_a_failure_warns(
    controller: BidController, bid_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    from crmbid_desktop.store.models import Partner

    window = controller.start(bid_path)
    assert window is not None and controller.guarded is not None
    qtbot.waitUntil(lambda: not controller.backing_up)  # the backup on open
    asked: list[bid_files.GuardedBid] = []
    real_tick = bid_files.GuardedBid.tick

    def tick(guarded: bid_files.GuardedBid) -> bid_files.DueBackup | None:
        asked.append(guarded)
        return real_tick(guarded)

    def full_disk(*args: Any, **kwargs: Any) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bid_files.GuardedBid, "tick", tick)
    monkeypatch.setattr(backups, "take_backup", full_disk)
    with window.workspace.edit("Added Wakefield") as session:
        session.add(Partner(name="Wakefield"))
    controller.guarded.schedule.last_backup_at = datetime(2005, 8, 26, 9, 0)
    controller.tick()
    assert asked == [controller.guarded]  # the service decides; the controller only copies
    qtbot.waitUntil(lambda: not controller.backing_up)
    assert "No space left" in controller.guarded.backup_error
    assert "could not be backed up" in window.statusBar().currentMessage()
    assert controller.guarded.schedule.due()  # tried again at the next tick


def _gated_backups(monkeypatch: pytest.MonkeyPatch, events: list[str]) -> Any:
    """Backups that wait for the returned event before copying, noting when each ends."""
    import threading

    release = threading.Event()
    real = backups.take_backup

    def gated(*args: Any, **kwargs: Any) -> Path:
        events.append("copy started")
        release.wait(20)
        taken = real(*args, **kwargs)
        events.append("copy ended")
        return taken

    monkeypatch.setattr(backups, "take_backup", gated)
    return release


def test_backup_on_open_runs_after_opening_and_keeps_the_bid_as_opened(
    controller: BidController,
    bid_path: Path,
    app_paths: AppPaths,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: Any,
) -> None:
    from crmbid_desktop.store.models import Partner

    events: list[str] = []
    release = _gated_backups(monkeypatch, events)
    window = controller.start(bid_path)
    events.append("opened")
    assert window is not None and controller.guarded is not None
    # Opening returned while the copy was still waiting: it runs on the backup thread.
    assert "copy ended" not in events and controller.backing_up
    with window.workspace.edit("Added Wakefield") as session:  # an edit at once
        session.add(Partner(name="Wakefield"))
    release.set()
    qtbot.waitUntil(lambda: not controller.backing_up, timeout=20_000)
    assert events.index("opened") < events.index("copy ended")
    newest = backups.list_backups(bid_path, app_paths.backups_dir)[0]
    assert newest.partners == 2, "the backup on open is the bid as it was opened"
    assert controller.guarded.last_backup == newest.path
    assert controller.guarded.schedule.changed  # Wakefield goes into the next backup


def test_closing_waits_for_the_backup_on_open(
    controller: BidController,
    bid_path: Path,
    app_paths: AppPaths,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    events: list[str] = []
    release = _gated_backups(monkeypatch, events)
    window = controller.start(bid_path)
    assert window is not None and controller.backing_up
    threading.Timer(0.3, release.set).start()
    controller.close()
    events.append("closed")
    assert events[-2:] == ["copy ended", "closed"]
    assert [b.partners for b in backups.list_backups(bid_path, app_paths.backups_dir)] == [2]


def test_a_failed_backup_on_open_warns_as_a_timed_one_does(
    controller: BidController, bid_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    def full_disk(*args: Any, **kwargs: Any) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "take_backup", full_disk)
    window = controller.start(bid_path)
    assert window is not None and controller.guarded is not None
    qtbot.waitUntil(lambda: not controller.backing_up)
    assert "No space left" in controller.guarded.backup_error
    assert "could not be backed up" in window.statusBar().currentMessage()
    assert controller.guarded.schedule.due()  # tried again at the next tick


def test_cancelled_restore_leaves_no_new_file(
    controller: BidController,
    bid_path: Path,
    app_paths: AppPaths,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from crmbid_desktop.ui import worker

    backup = backups.take_backup(bid_path, app_paths.backups_dir, now=datetime(2005, 8, 26, 9, 30))
    window = controller.start(bid_path)
    assert window is not None
    real = worker.Job.report

    def report(self: worker.Job, done: int, total: int) -> None:
        if done >= 1:
            self.cancel()  # the user pressed Cancel while the copy was being made
        real(self, done, total)

    monkeypatch.setattr(worker.Job, "report", report)
    target = tmp_path / "restored.crmbid"
    controller.restore(backup, target)
    assert not target.exists()
    assert window.workspace.path == bid_path.resolve()
