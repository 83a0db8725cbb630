"""GUI: read-only places open read-only with a banner saying why; busy, suspect-locked, damaged,
foreign and unbacked-up bids each get the right question or message, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid import bid_files
from crmbid_desktop.store import backups
from crmbid_desktop.store import sqlite as sqlite_store
from crmbid_desktop.store.errors import ReadOnlyBidError
from crmbid_desktop.store.locks import lock_path, read_holder
from crmbid_desktop.ui.bid_controller import BidController
from crmbid_desktop.ui.window_state import WindowState
from tests.helpers.readonly import read_only

SHOTS = Path(os.environ.get("CRMBID_SHOTS", "")) if os.environ.get("CRMBID_SHOTS") else None


class Answers:
    """Stands in for the user at message boxes; records each box's name, text and default."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.queue: list[str | Callable[[QMessageBox], str]] = []
        self.asked: list[tuple[str, str, str]] = []
        answers = self

        def exec_(box: QMessageBox) -> int:
            default = box.defaultButton()
            answers.asked.append(
                (box.objectName(), box.text(), default.objectName() if default else "")
            )
            wanted = answers.queue.pop(0) if answers.queue else ""
            if callable(wanted):
                wanted = wanted(box)
            for button in box.findChildren(QPushButton):
                if wanted and button.objectName() == wanted:
                    button.click()
                    break
            return 0

        monkeypatch.setattr(QMessageBox, "exec", exec_)

    def names(self) -> list[str]:
        return [name for name, _text, _default in self.asked]


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


def _shot(widget: object, name: str) -> None:
    if SHOTS is None:
        return
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / name))


def test_a_bid_in_a_read_only_folder_opens_read_only_with_the_reason_in_the_banner(
    controller: BidController, answers: Answers, bid_path: Path
) -> None:
    with read_only(bid_path.parent):
        window = controller.start(bid_path)
        assert window is not None
        assert answers.asked == []  # no question: it simply cannot be edited there
        assert window.workspace.read_only
        window.resize(1024, 768)
        window.show()
        banner = window.read_only_banner
        assert banner.isVisible()
        assert "its folder" in banner.text() and "cannot be written to" in banner.text()
        assert "Read-only" in window.save_state_label.text()
        with pytest.raises(ReadOnlyBidError), window.workspace.edit("Renamed"):
            pass
        for index in range(len(window.pages)):  # every page opens read-only without a crash
            window.go_to(index)
        window.go_to(0)
        _shot(window, "read-only-folder-banner.png")
        controller.close()
    assert sorted(p.name for p in bid_path.parent.iterdir() if p.name.startswith("bid")) == [
        "bid.crmbid"
    ]


def test_a_read_only_file_opens_read_only_and_says_so(
    controller: BidController, answers: Answers, bid_path: Path
) -> None:
    with read_only(bid_path):
        window = controller.start(bid_path)
        assert window is not None
        window.show()
        assert window.workspace.read_only
        assert "the file is read-only" in window.read_only_banner.text()
        controller.close()


def _made_long_ago(path: Path, days: int) -> None:
    moment = (datetime.now() - timedelta(days=days)).timestamp()
    os.utime(path, (moment, moment))


def _damage(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    data = bytearray(path.read_bytes())
    for offset in range(4096, len(data), 97):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_restoring_an_older_backup_is_never_the_default_and_both_files_are_described(
    controller: BidController,
    answers: Answers,
    bid_path: Path,
    app_paths: AppPaths,
    qtbot: object,
) -> None:
    backups.take_backup(bid_path, app_paths.backups_dir, now=datetime(2005, 8, 22, 17, 0))
    _damage(bid_path)  # saved (and damaged) now, long after the backup
    damaged = bid_path.read_bytes()
    shown: list[QMessageBox] = []

    def look(box: QMessageBox) -> str:
        shown.append(box)
        if SHOTS is not None:  # laid out as the user sees it, over a 1024x768 screen
            from PySide6.QtWidgets import QApplication

            box.show()
            QApplication.processEvents()
            assert box.width() <= 1024
            _shot(box, "damaged-bid-dialog.png")
            box.hide()
        return ""  # the user presses Enter (the default) or closes the box

    answers.queue.append(look)
    assert controller.start(bid_path) is None
    name, text, default = answers.asked[0]
    assert name == "damagedBidDialog"
    assert default == "cancelOpenButton"
    assert "The newest sound backup: taken Mon 22 Aug 2005 17:00" in text
    assert "2 partners, 13 tasks, 14 sections" in text
    assert "The damaged file: last saved" in text
    assert "newer than the backup" in text
    assert bid_path.read_bytes() == damaged


def test_a_backup_newer_than_the_damaged_file_is_the_default(
    controller: BidController, answers: Answers, bid_path: Path, app_paths: AppPaths
) -> None:
    _damage(bid_path)
    _made_long_ago(bid_path, 3)
    good = bid_path.with_name("good.crmbid")
    from crmbid_desktop.services.bid.bid_template import create_bid

    create_bid(good).close()
    folder = backups.bid_backup_folder(app_paths.backups_dir, bid_path)
    folder.mkdir(parents=True, exist_ok=True)
    sqlite_store.backup_file(good, folder / backups.backup_name(bid_path, datetime.now()))
    answers.queue.append("restoreBackupButton")
    window = controller.start(bid_path)
    assert window is not None
    assert answers.asked[0][0] == "damagedBidDialog"
    assert answers.asked[0][2] == "restoreBackupButton"


def test_a_busy_bid_is_not_called_damaged_and_try_again_opens_it(
    controller: BidController, answers: Answers, bid_path: Path
) -> None:
    connection = sqlite3.connect(bid_path)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    writer = sqlite3.connect(bid_path, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    writer.execute("UPDATE section SET body = 'another program writing'")

    def finish_writing(_box: QMessageBox) -> str:
        writer.execute("COMMIT")
        writer.close()
        return "tryAgainButton"

    answers.queue.append(finish_writing)
    window = controller.start(bid_path)
    assert answers.names() == ["bidBusyDialog"]
    assert "It is not damaged" in answers.asked[0][1]
    assert window is not None and not window.workspace.read_only


def _future_lock(bid: Path) -> None:
    later = (datetime.now() + timedelta(days=200)).isoformat(timespec="seconds")
    data = {"user": "sam.newham", "machine": "NEWHAM-PC-12", "pid": 77, "since": later}
    data |= {"refreshed": later, "token": "theirs"}
    lock_path(bid.resolve()).write_text(json.dumps(data), encoding="utf-8")


def test_a_lock_dated_in_the_future_is_suspect_and_open_anyway_takes_it_over(
    controller: BidController, answers: Answers, bid_path: Path
) -> None:
    _future_lock(bid_path)
    answers.queue.append("openAnywayButton")
    window = controller.start(bid_path)
    assert answers.names() == ["suspectLockDialog"]
    assert "later than now" in answers.asked[0][1]
    assert answers.asked[0][2] == "openReadOnlyButton"  # the safe choice is the default
    assert window is not None and not window.workspace.read_only
    holder = read_holder(bid_path.resolve())
    assert holder is not None and holder.user != "sam.newham"


def test_a_lock_dated_in_the_future_can_be_respected_read_only(
    controller: BidController, answers: Answers, bid_path: Path
) -> None:
    _future_lock(bid_path)
    answers.queue.append("openReadOnlyButton")
    window = controller.start(bid_path)
    assert window is not None and window.workspace.read_only
    window.show()
    assert "sam.newham" in window.read_only_banner.text()
    holder = read_holder(bid_path.resolve())
    assert holder is not None and holder.user == "sam.newham"


def test_a_failed_backup_on_opening_is_shown_not_only_logged(
    controller: BidController,
    answers: Answers,
    bid_path: Path,
    app_paths: AppPaths,
    qtbot: Any,
) -> None:
    shutil.rmtree(app_paths.backups_dir)
    app_paths.backups_dir.write_text("a file where the backups folder should be")
    window = controller.start(bid_path)
    assert window is not None and not window.workspace.read_only
    # The copy runs on the backup thread after opening; its failure is told as a timed
    # backup's is, in the status bar.
    qtbot.waitUntil(lambda: not controller.backing_up)
    assert controller.guarded is not None and controller.guarded.backup_error
    assert "could not be backed up" in window.statusBar().currentMessage()
    assert answers.names() == []


def test_a_foreign_write_ahead_log_is_set_aside_with_a_message(
    controller: BidController, answers: Answers, bid_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other" / "bid.crmbid"
    other.parent.mkdir()
    sqlite_store.backup_file(bid_path, other)
    guarded = bid_files.open_guarded(other, AppPaths.under(tmp_path / "h2").ensure())
    with guarded.workspace.edit("Changed in the other file") as session:
        session.connection().exec_driver_sql("UPDATE section SET body = 'other'")
    for suffix in ("-wal", "-walid"):
        shutil.copy(str(other) + suffix, str(bid_path) + suffix)
    guarded.close()
    window = controller.start(bid_path)
    assert window is not None
    assert answers.names() == ["bidInfoDialog"]
    assert "set aside" in answers.asked[0][1]
    with window.workspace.reading() as session:
        bodies = set(session.connection().exec_driver_sql("SELECT body FROM section").scalars())
    assert "other" not in bodies


def test_a_bid_with_foreign_objects_is_refused_with_their_names(
    controller: BidController, answers: Answers, bid_path: Path
) -> None:
    connection = sqlite3.connect(bid_path)
    connection.execute("CREATE TRIGGER evil AFTER INSERT ON partner BEGIN SELECT 1; END")
    connection.commit()
    connection.close()
    before = bid_path.read_bytes()
    answers.queue.append("cancelOpenButton")
    assert controller.start(bid_path) is None
    assert answers.names() == ["foreignSchemaDialog"]
    assert "trigger “evil”" in answers.asked[0][1]
    assert bid_path.read_bytes() == before


def test_a_cleaned_copy_opens_without_the_foreign_trigger(
    controller: BidController, answers: Answers, bid_path: Path
) -> None:
    connection = sqlite3.connect(bid_path)
    connection.execute(
        "CREATE TRIGGER evil AFTER INSERT ON partner BEGIN UPDATE section SET body='owned'; END"
    )
    connection.commit()
    connection.close()
    before = bid_path.read_bytes()
    answers.queue.append("cleanedCopyButton")
    window = controller.start(bid_path)
    assert window is not None
    assert answers.names() == ["foreignSchemaDialog", "bidInfoDialog"]
    assert "without trigger “evil”" in answers.asked[1][1]
    assert window.workspace.path.name == "bid (cleaned).crmbid"
    assert bid_path.read_bytes() == before
    from crmbid_desktop.services.registers import partners

    partners.add_partner(window.workspace, partners.PartnerFields(name="Barnsley Council"))
    with window.workspace.reading() as session:
        owned = (
            session.connection()
            .exec_driver_sql("SELECT count(*) FROM section WHERE body = 'owned'")
            .scalar()
        )
    assert owned == 0


def test_a_big_bid_is_checked_off_the_gui_thread_and_its_problems_still_reach_the_user(
    controller: BidController,
    answers: Answers,
    bid_path: Path,
    app_paths: AppPaths,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from crmbid_desktop.ui import bid_controller

    monkeypatch.setattr(bid_controller, "CHECK_OFF_THREAD_BYTES", 1)  # every bid counts as big
    threads: list[threading.Thread] = []
    real_inspect = bid_files.inspect

    def watched(path: Path) -> object:
        threads.append(threading.current_thread())
        return real_inspect(path)

    monkeypatch.setattr(bid_files, "inspect", watched)
    window = controller.start(bid_path)
    assert window is not None and not window.workspace.read_only
    assert threads and threads[0] is not threading.main_thread()
    controller.close()

    backups.take_backup(bid_path, app_paths.backups_dir, now=datetime(2005, 8, 22, 17, 0))
    _damage(bid_path)
    threads.clear()
    assert controller.open_guarded(bid_path) is None
    assert threads and threads[0] is not threading.main_thread()
    assert answers.names() == ["damagedBidDialog"]
