"""The bid controller: opens, creates, copies and restores bids for the main window.

It asks the user about locked, damaged, busy or risky files and runs the open bid's backups
(the one on open, from a snapshot taken as the bid opened, and the timed ones) off the GUI
thread; when a backup is due, and what a failure means, the service
(`services/bid/bid_files.GuardedBid`) decides.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from crmbid_desktop import settings as user_settings
from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.domain.risky_places import RiskyPlace
from crmbid_desktop.file_paths import resolved
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid import backups, bid_files
from crmbid_desktop.services.bid.errors import (
    BidBusyError,
    BidFileError,
    BidLockedError,
    CannotEditError,
    DamagedBidError,
    ForeignSchemaError,
    SuspectLockError,
)
from crmbid_desktop.services.bid.locations import ServerLocationError, is_server_location
from crmbid_desktop.ui.main_window import MainWindow
from crmbid_desktop.ui.window_state import WindowState
from crmbid_desktop.ui.worker import Job

if TYPE_CHECKING:
    from crmbid_desktop.ui.backups_dialog import BackupsDialog

log = logging.getLogger(__name__)


def _when(moment: datetime) -> str:
    return f"{format_date(moment.date())} {moment:%H:%M}"


def _contents(counts: tuple[int | None, int | None, int | None] | None) -> str:
    if counts is None or counts[0] is None:
        return "its contents cannot be counted"
    partners, tasks, sections = counts
    return f"{partners} partners, {tasks} tasks, {sections} sections"


#: A bid at least this big is checked on a worker thread when opened (the window stays live).
CHECK_OFF_THREAD_BYTES = 32 * 1024 * 1024
#: How often the open bid's lock is refreshed and a backup considered (one is taken only when
#: the bid changed and the last backup is 10 minutes old; the service decides).
TICK_INTERVAL_MS = 60_000
#: How long closing waits for a backup already running in the background (a local copy of a
#: bid takes well under a second; a stuck network drive must not keep the window from closing).
BACKUP_WAIT_ON_CLOSE_MS = 30_000


class BidController:
    """Opens, creates and copies bids for one main window, telling the user when a file is refused.

    It holds the open bid's lock and backup schedule (`GuardedBid`) and asks the user what to do
    about a locked, damaged or risky bid; the services decide everything else.
    """

    def __init__(
        self,
        paths: AppPaths,
        window_state: WindowState,
        *,
        tick_interval_ms: int = TICK_INTERVAL_MS,
        interactive: bool = True,
    ) -> None:
        self.window_state = window_state
        # The user's backups folder (File > Settings) replaces the program's own.
        chosen = window_state.user.current.backups_path
        self.paths = dataclasses.replace(paths, backups_override=chosen) if chosen else paths
        #: False for unattended runs (--smoke-test): problems go to stderr, never a modal dialog.
        self.interactive = interactive
        self.window: MainWindow | None = None
        self.guarded: bid_files.GuardedBid | None = None
        self.timer = QTimer()
        self.timer.setObjectName("bidTickTimer")
        self.timer.setInterval(tick_interval_ms)
        self.timer.timeout.connect(self.tick)
        # Timed backups run on their own one-thread pool: never two at once, never on the GUI
        # thread, so typing in a big bid does not stop while it is copied.
        self.backup_pool = QThreadPool()
        self.backup_pool.setMaxThreadCount(1)
        self.backup_job: Job | None = None

    # -- asking the user -----------------------------------------------------------------------
    def show_error(self, parent: QWidget | None, title: str, message: str) -> None:
        log.warning("%s: %s", title, message)
        if not self.interactive:
            print(f"{title}: {message}", file=sys.stderr)
            return
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=parent)
        box.setObjectName("bidErrorDialog")
        box.exec()

    def show_info(self, parent: QWidget | None, title: str, message: str) -> None:
        log.info("%s: %s", title, message)
        if not self.interactive:
            print(f"{title}: {message}", file=sys.stderr)
            return
        box = QMessageBox(QMessageBox.Icon.Information, title, message, parent=parent)
        box.setObjectName("bidInfoDialog")
        box.exec()

    def choose(
        self,
        name: str,
        title: str,
        text: str,
        buttons: list[tuple[str, str, QMessageBox.ButtonRole]],
        *,
        icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
    ) -> str:
        """Ask with named buttons; returns the objectName of the one clicked ("" if closed)."""
        if not self.interactive:
            # Unattended runs never block on a question: the answer is "closed", i.e. cancel.
            print(f"{title}: {text} (cancelled: not interactive)", file=sys.stderr)
            return ""
        box = QMessageBox(icon, title, text, parent=self.window)
        box.setObjectName(name)
        made = []
        for object_name, label, role in buttons:
            button = box.addButton(label, role)
            button.setObjectName(object_name)
            button.setAccessibleName(label.replace("&", ""))
            made.append(button)
        box.setDefaultButton(made[0])
        box.exec()
        clicked = box.clickedButton()
        return clicked.objectName() if clicked is not None else ""

    def ask_locked(self, error: BidLockedError) -> bool:
        """True when the user wants to open a locked bid read-only."""
        answer = self.choose(
            "bidLockedDialog",
            "The bid is already open",
            f"“{error.path.name}” is already open for editing by {error.holder}.\n\n"
            "Only one person can change a bid at a time, so that nobody's work is lost. "
            "You can open it read-only to read and export it, or cancel.",
            [
                ("openReadOnlyButton", "Open &read-only", QMessageBox.ButtonRole.AcceptRole),
                ("cancelOpenButton", "Cancel", QMessageBox.ButtonRole.RejectRole),
            ],
        )
        return answer == "openReadOnlyButton"

    def ask_risky_place(self, path: Path, place: RiskyPlace) -> str:
        """ "local", "anyway" or "cancel" for a bid on a network share or in a cloud folder."""
        answer = self.choose(
            "riskyPlaceDialog",
            "The bid is in a risky place",
            f"“{path.name}” is {place.description}.\n\n"
            "Files there can be damaged when two computers change them at once, or when the "
            "folder syncs while the bid is open. Work on a copy in your Documents folder "
            f"({self.paths.documents_dir}) and share it when you are done, or open it anyway.",
            [
                ("localCopyButton", "Work on a &local copy", QMessageBox.ButtonRole.AcceptRole),
                ("openAnywayButton", "Open &anyway", QMessageBox.ButtonRole.DestructiveRole),
                ("cancelOpenButton", "Cancel", QMessageBox.ButtonRole.RejectRole),
            ],
        )
        return {"localCopyButton": "local", "openAnywayButton": "anyway"}.get(answer, "cancel")

    def ask_restore(self, error: DamagedBidError, backup: Path) -> bool:
        """Offer the newest sound backup, showing both files' dates and contents.

        Restoring is the default button only when the backup is at least as new as the
        damaged file: otherwise work saved since the backup would be set aside by one Enter.
        """
        comparison = bid_files.compare_with_backup(error.path, backup)
        backup_newer = comparison.backup_taken >= comparison.file_modified
        restore = ("restoreBackupButton", "&Restore the backup", QMessageBox.ButtonRole.AcceptRole)
        cancel = ("cancelOpenButton", "Cancel", QMessageBox.ButtonRole.RejectRole)
        answer = self.choose(
            "damagedBidDialog",
            "The bid is damaged",
            f"“{error.path.name}” is damaged and cannot be opened safely ({error.reason})\n\n"
            f"The damaged file: last saved {_when(comparison.file_modified)}, "
            f"{_contents(comparison.file_counts)}.\n"
            f"The newest sound backup: taken {_when(comparison.backup_taken)}, "
            f"{_contents(comparison.backup_counts)}.\n\n"
            + (
                ""
                if backup_newer
                else "The damaged file is newer than the backup: what was saved since the "
                "backup is not in it. "
            )
            + "Restore the backup? The damaged file is kept beside it, renamed, and is not "
            "changed.",
            [restore, cancel] if backup_newer else [cancel, restore],
        )
        return answer == "restoreBackupButton"

    def ask_busy(self, error: BidBusyError) -> str:
        """ "again", "read-only" or "cancel" for a bid another program is writing right now."""
        answer = self.choose(
            "bidBusyDialog",
            "The bid is busy",
            f"“{error.path.name}” is being written by another program right now, so it cannot "
            "be read safely at this moment. It is not damaged.\n\n"
            "Wait a moment and try again, or open it read-only.",
            [
                ("tryAgainButton", "Try &again", QMessageBox.ButtonRole.AcceptRole),
                ("openReadOnlyButton", "Open &read-only", QMessageBox.ButtonRole.ActionRole),
                ("cancelOpenButton", "Cancel", QMessageBox.ButtonRole.RejectRole),
            ],
            icon=QMessageBox.Icon.Information,
        )
        return {"tryAgainButton": "again", "openReadOnlyButton": "read-only"}.get(answer, "cancel")

    def ask_suspect_lock(self, error: SuspectLockError) -> str:
        """ "anyway", "read-only" or "cancel" for a lock dated in the future."""
        answer = self.choose(
            "suspectLockDialog",
            "The bid's lock looks wrong",
            f"“{error.path.name}”: {error.reason}\n\n"
            "If nobody else is working on it now, open it anyway (their lock is replaced). "
            "If someone might be, open it read-only.",
            [
                ("openReadOnlyButton", "Open &read-only", QMessageBox.ButtonRole.AcceptRole),
                ("openAnywayButton", "Open &anyway", QMessageBox.ButtonRole.DestructiveRole),
                ("cancelOpenButton", "Cancel", QMessageBox.ButtonRole.RejectRole),
            ],
        )
        return {"openAnywayButton": "anyway", "openReadOnlyButton": "read-only"}.get(
            answer, "cancel"
        )

    # -- opening -------------------------------------------------------------------------------
    def open_guarded(self, path: Path | str) -> bid_files.GuardedBid | None:
        """Open a bid with its lock and backups, asking the user about risky, locked or damaged files."""
        if is_server_location(path):
            return self._open_server(str(path))
        path = Path(path)
        place = bid_files.place_risk(path) if path.exists() else None
        if place is not None:
            choice = self.ask_risky_place(path, place)
            if choice == "cancel":
                return None
            if choice == "local":
                try:
                    path = bid_files.make_local_copy(path, self.paths)
                except (BidFileError, OSError) as error:
                    self.show_error(self.window, "Cannot copy the bid", str(error))
                    return None
        guarded = self._open_asking(path)
        if guarded is not None:
            self._tell_about_opening(guarded)
        return guarded

    def _open_server(self, url: str) -> bid_files.GuardedBid | None:
        """Open a bid on a server: no lock file, no file backups (IT backs the server up)."""
        signature = self.window_state.user.current.signature
        try:
            return bid_files.open_guarded(url, self.paths, user=signature)
        except BidFileError as error:
            self.show_error(self.window, "Cannot open the bid", error.user_message)
        except ServerLocationError as error:
            # Not the address itself: it may hold the very password being refused (and this is
            # logged).
            self.show_error(self.window, "Cannot open the bid", f"The server's address: {error}")
        return None

    def _inspect_big_file(self, path: Path) -> object:
        """Check a big bid on a worker thread with a progress window; None for a small one.

        The check reads the whole file (integrity, every row); for a bid of hundreds of
        megabytes that would freeze the window, so it runs off the GUI thread.
        """
        try:
            size = Path(path).stat().st_size
        except OSError:
            return None
        if size < CHECK_OFF_THREAD_BYTES:
            return None
        from crmbid_desktop.ui.progress import run_with_progress

        return run_with_progress(
            self.window,
            "Opening the bid",
            f"Checking “{Path(path).name}” ({size / 1_000_000:.0f} MB)…",
            lambda _progress: bid_files.inspect(path),
        )

    def _open_asking(self, path: Path) -> bid_files.GuardedBid | None:
        take_over = False
        while True:
            try:
                inspection = self._inspect_big_file(path)
                if inspection is not None and not isinstance(inspection, bid_files.FileInspection):
                    return None  # cancelled while checking: nothing was opened or changed
                return bid_files.open_guarded(
                    path,
                    self.paths,
                    take_over_suspect=take_over,
                    inspection=inspection,
                    backup_in_background=True,
                )
            except SuspectLockError as error:
                choice = self.ask_suspect_lock(error)
                if choice == "anyway":
                    take_over = True
                    continue
                if choice == "read-only":
                    return self._open_read_only(path, f"it is open for editing by {error.holder}")
                return None
            except BidLockedError as error:
                if not self.ask_locked(error):
                    return None
                return self._open_read_only(path, f"it is open for editing by {error.holder}")
            except CannotEditError as error:
                # A read-only file or folder: never editable, never a traceback on an edit.
                return self._open_read_only(path, error.obstacle)
            except BidBusyError as error:
                choice = self.ask_busy(error)
                if choice == "again":
                    continue
                if choice == "read-only":
                    return self._open_read_only(path, "another program was writing to it")
                return None
            except DamagedBidError as error:
                return self._recover(path, error)
            except ForeignSchemaError as error:
                return self._offer_cleaned_copy(path, error)
            except BidFileError as error:
                self.show_error(self.window, "Cannot open the bid", error.user_message)
                return None

    def _offer_cleaned_copy(
        self, path: Path, error: ForeignSchemaError
    ) -> bid_files.GuardedBid | None:
        """A bid carrying foreign objects is never opened; a copy without them can be."""
        answer = self.choose(
            "foreignSchemaDialog",
            "The bid holds things this program never makes",
            f"“{error.path.name}” cannot be opened: {error.reason}\n\n"
            "You can open a cleaned copy instead, saved beside it without them. The file you "
            "received is not changed.",
            [
                ("cleanedCopyButton", "Open a &cleaned copy", QMessageBox.ButtonRole.AcceptRole),
                ("cancelOpenButton", "Cancel", QMessageBox.ButtonRole.RejectRole),
            ],
        )
        if answer != "cleanedCopyButton":
            return None
        try:
            copy, dropped = bid_files.save_cleaned_copy(path, self.paths)
        except (BidFileError, OSError) as failure:
            self.show_error(self.window, "Cannot make a cleaned copy", str(failure))
            return None
        guarded = self._try(
            lambda: bid_files.open_guarded(copy, self.paths, backup_in_background=True)
        )
        if guarded is not None:
            self.show_info(
                self.window,
                "Opened a cleaned copy",
                f"“{copy.name}” is a copy of “{path.name}” without "
                f"{', '.join(dropped)}.\n\nThe received file was not changed.",
            )
        return guarded

    def _open_read_only(self, path: Path, reason: str) -> bid_files.GuardedBid | None:
        return self._try(
            lambda: bid_files.open_guarded(
                path, self.paths, read_only=True, read_only_reason=reason
            )
        )

    def _tell_about_opening(self, guarded: bid_files.GuardedBid) -> None:
        """What opening did that the user must hear of: a foreign log set aside, a failed backup."""
        for notice in guarded.workspace.bid.notices:
            self.show_info(self.window, "Opened the bid as last saved", notice)
        if guarded.backup_error:
            self.show_error(
                self.window,
                "The bid could not be backed up",
                f"“{guarded.workspace.path.name}” opened, but its backup failed: "
                f"{guarded.backup_error}.\n\nYour changes are still saved in the bid itself.",
            )

    def _try(self, opener: Callable[[], bid_files.GuardedBid]) -> bid_files.GuardedBid | None:
        try:
            return opener()
        except BidFileError as error:
            self.show_error(self.window, "Cannot open the bid", error.user_message)
            return None

    def _recover(self, path: Path, error: DamagedBidError) -> bid_files.GuardedBid | None:
        backup = bid_files.newest_good_backup(path, self.paths)
        if backup is None:
            self.show_error(
                self.window,
                "Cannot open the bid",
                f"{error.user_message}\n\nThere is no sound backup of it to restore from. "
                "The file has not been changed.",
            )
            return None
        if not self.ask_restore(error, backup):
            return None
        try:
            recovery = bid_files.recover_damaged(path, self.paths)
        except (BidFileError, OSError) as failure:
            self.show_error(self.window, "Cannot restore the bid", str(failure))
            return None
        guarded = self._try(
            lambda: bid_files.open_guarded(recovery.path, self.paths, backup_in_background=True)
        )
        if guarded is not None:
            self.show_info(
                self.window,
                "Bid restored",
                f"“{recovery.path.name}” was restored from the backup "
                f"{recovery.restored_from.name}.\n\nThe damaged file is kept, unchanged, as "
                f"“{recovery.damaged_kept_as.name}”.",
            )
        return guarded

    def start(self, path: Path | str | None) -> MainWindow | None:
        if path is None:
            path = self.paths.default_bid
            if not path.exists():
                try:
                    bid_files.new_workspace(path).close()
                except BidFileError as error:
                    self.show_error(None, "Cannot create the bid", error.user_message)
                    return None
        guarded = self.open_guarded(path)
        return None if guarded is None else self._show(guarded)

    def _show(self, guarded: bid_files.GuardedBid) -> MainWindow:
        previous = self.guarded
        self.guarded = guarded
        if self.window is None:
            self.window = MainWindow(guarded.workspace, self.window_state)
            self.window.open_requested.connect(self.open)
            self.window.new_requested.connect(self.create)
            self.window.copy_requested.connect(self.copy)
            self.window.backups_requested.connect(self.show_backups)
            self.window.settings_changed.connect(self.use_settings)
        else:
            self.window.set_workspace(guarded.workspace)
        if previous is not None:
            self.wait_for_backup()
            previous.close()
            self.backup_job = None  # it was the previous bid's
        # The backup on open (a snapshot of the bid as opened) is copied on the backup thread:
        # the window paints at once, and the user may edit while the copy runs.
        due = guarded.take_open_backup()
        if due is not None:
            self._start_backup(guarded, due)
        if guarded.lock is not None and guarded.lock.taken_over is not None:
            # A lock left by a crash is recovered without asking; the log says whose it was.
            log.warning(
                "Recovered a stale lock on %s left by %s",
                guarded.workspace.path,
                guarded.lock.taken_over.describe(),
            )
        self.timer.start()
        return self.window

    def use_settings(self, settings: object) -> None:
        """New settings from File > Settings: backups go to the folder chosen from now on."""
        assert isinstance(settings, user_settings.Settings)
        self.paths = dataclasses.replace(self.paths, backups_override=settings.backups_path)
        if self.guarded is not None:
            self.guarded.paths = self.paths

    def open(self, path: Path | str) -> None:
        if is_server_location(path):
            if self.window is not None and path == self.window.workspace.place:
                return
        elif self.window is not None and resolved(path) == self.window.workspace.path:
            return
        guarded = self.open_guarded(path)
        if guarded is None:
            if self.window is not None and not is_server_location(path) and not Path(path).exists():
                self.window_state.remove_recent_file(Path(path))
            return
        self._show(guarded)

    def create(self, template: str, path: Path) -> None:
        try:
            guarded = bid_files.create_guarded(
                path, self.paths, template, backup_in_background=True
            )
        except BidFileError as error:
            self.show_error(self.window, "Cannot create the bid", error.user_message)
            return
        self._show(guarded)

    def copy(self, target: Path) -> None:
        if self.window is None:
            return
        try:
            bid_files.save_copy(self.window.workspace, target)
        except (BidFileError, OSError) as error:
            self.show_error(self.window, "Cannot save the copy", str(error))
            return
        self.window.statusBar().showMessage(f"Copy saved as {target}", 8000)

    # -- backups -------------------------------------------------------------------------------
    def backups_dialog(self) -> BackupsDialog | None:
        """The open bid file's timed backups; None for a bid on a server (IT backs it up)."""
        if self.window is None or self.window.workspace.bid.on_server:
            return None
        from crmbid_desktop.ui.backups_dialog import BackupsDialog  # only when asked for

        bid_path = self.window.workspace.path
        dialog = BackupsDialog(
            bid_path,
            backups.list_backups(bid_path, self.paths.backups_dir),
            backups.bid_backup_folder(self.paths.backups_dir, bid_path),
            self.window,
        )
        dialog.restore_requested.connect(self.restore)
        return dialog

    def show_backups(self) -> None:
        dialog = self.backups_dialog()
        if dialog is not None:
            dialog.exec()
            dialog.deleteLater()

    def restore(self, backup: Path, target: Path) -> None:
        """Restore a backup as a new file and open it (the open bid is closed, backed up).

        The copy runs off the GUI thread with Cancel; a cancelled restore deletes the new file.
        """
        from crmbid_desktop.services.bid.cancel import Cancelled
        from crmbid_desktop.ui.progress import CANCELLED, run_with_progress

        open_path = self.window.workspace.path if self.window is not None else None

        def work(progress: Callable[[int, int], None]) -> Path:
            progress(0, 2)
            restored = backups.restore_backup(backup, target, open_bid=open_path)
            try:
                progress(1, 2)
            except Cancelled:
                restored.unlink(missing_ok=True)  # nothing half done: no new file left behind
                raise
            return restored

        try:
            restored = run_with_progress(
                self.window, "Restore a backup", f"Restoring {Path(backup).name}…", work
            )
        except (BidFileError, OSError) as error:
            self.show_error(self.window, "Cannot restore the backup", str(error))
            return
        if restored is CANCELLED:
            return
        self.open(restored)
        if self.window is not None and self.window.workspace.path == restored:
            self.window.statusBar().showMessage(f"Backup restored as {restored}", 8000)

    @property
    def backing_up(self) -> bool:
        """True from a backup's start until the bid has been told how it ended.

        The worker stops running before its "finished" signal reaches the GUI thread: until then
        the bid still counts the copy as running and would not start the next one.
        """
        if self.backup_job is None:
            return False
        return self.backup_job.running or (self.guarded is not None and self.guarded.backup_running)

    def tick(self) -> None:
        """Every minute: the service refreshes the lock and says whether a backup is due.

        A due backup is copied on the controller's one-thread pool, never on the GUI thread.
        """
        guarded = self.guarded
        if guarded is None or guarded.closed:
            return
        due = guarded.tick()
        if due is not None:
            self._start_backup(guarded, due)
        if self.window is not None and guarded.lock_lost:
            self.window.statusBar().showMessage(
                "Warning: another program has taken over this bid's lock. Save a copy of your "
                "work (File > Save a Copy As…) and reopen the bid.",
                0,
            )

    def _start_backup(self, guarded: bid_files.GuardedBid, due: bid_files.DueBackup) -> None:
        job = Job(lambda _progress: due.take())
        job.finished.connect(lambda taken: self._backup_taken(guarded, taken))
        job.failed.connect(lambda error: self._backup_failed(guarded, error))
        self.backup_job = job
        job.start(self.backup_pool)

    def _backup_taken(self, guarded: bid_files.GuardedBid, taken: object) -> None:
        assert isinstance(taken, Path)  # DueBackup.take returns the backup's path
        guarded.backup_done(taken)

    def _backup_failed(self, guarded: bid_files.GuardedBid, error: object) -> None:
        assert isinstance(error, BaseException)  # Job.failed carries the exception raised
        why = guarded.backup_failed(error)
        if self.window is not None:
            self.window.statusBar().showMessage(
                f"Warning: the bid could not be backed up ({why}). "
                "Your changes are saved in the bid itself.",
                0,
            )

    def wait_for_backup(self) -> bool:
        """Let a background backup finish before the bid closes; False if it did not in time."""
        done = self.backup_pool.waitForDone(BACKUP_WAIT_ON_CLOSE_MS)
        if not done:
            log.error("A background backup was still running when the bid closed.")
        return done

    def close(self) -> None:
        self.timer.stop()
        self.wait_for_backup()
        if self.guarded is not None:
            self.guarded.close()
        elif self.window is not None:
            self.window.workspace.close()
