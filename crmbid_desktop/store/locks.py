"""One writer at a time: a lock file next to the bid naming who holds it, like Word's "~$" files.

SQLite's own locks only protect a single transaction and are unreliable on network shares; this
lock covers the whole editing session and says who has the bid open.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import logging
import os
import socket
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from crmbid_desktop.store.errors import BidLockedError, CannotEditError, SuspectLockError

log = logging.getLogger(__name__)

#: A lock not refreshed for this long belongs to a program that stopped (crash, power cut,
#: a laptop that went to sleep on another desk); a running program refreshes every minute.
STALE_AFTER = timedelta(minutes=15)
#: A lock file still being written by another program may be briefly empty.
UNREADABLE_GRACE = timedelta(seconds=30)


#: The longest file name NTFS and ext4 allow, in bytes.
_NAME_MAX_BYTES = 255
#: A lock whose time is this far ahead of our clock was not written by a clock we can trust.
FUTURE_TOLERANCE = timedelta(minutes=5)


def lock_path(bid_path: Path) -> Path:
    """The lock file beside the bid; a shortened, hashed name when the bid's name is very long."""
    name = f"~${bid_path.name}.lock"
    if len(os.fsencode(name)) <= _NAME_MAX_BYTES:
        return bid_path.with_name(name)
    digest = hashlib.sha256(os.fsencode(bid_path.name)).hexdigest()[:12]
    stem = bid_path.name
    while len(os.fsencode(f"~${stem}~{digest}.lock")) > _NAME_MAX_BYTES:
        stem = stem[:-1]
    return bid_path.with_name(f"~${stem}~{digest}.lock")


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some locked-down machines
        return "unknown user"


def current_machine() -> str:
    return socket.gethostname() or "unknown computer"


def process_is_running(pid: int) -> bool:
    """Whether a process of this id is alive on this machine."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        synchronize, still_active = 0x00100000 | 0x1000, 259
        handle = ctypes.windll.kernel32.OpenProcess(synchronize, False, pid)
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return bool(code.value == still_active)
        finally:
            ctypes.windll.kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


def hide(path: Path) -> None:
    """Give the lock file Windows' hidden attribute, as Word does its "~$" owner files.

    Explorer then shows only the bid to people browsing the shared folder. Rewriting the file by
    name would fail on a hidden file, which is why the lock is only ever replaced by a rename.
    Elsewhere the leading "~$" is the only marker.
    """
    if sys.platform != "win32":
        return
    import ctypes

    file_attribute_hidden = 0x2
    if not ctypes.windll.kernel32.SetFileAttributesW(str(path), file_attribute_hidden):
        log.warning("Could not hide the lock file %s", path)


@dataclass(frozen=True)
class LockHolder:
    """Who holds a bid's lock, as written in the lock file."""

    user: str
    machine: str
    pid: int
    since: datetime
    refreshed: datetime
    token: str

    def describe(self) -> str:
        from crmbid_desktop.domain.dates import format_date

        return (
            f"{self.user} on {self.machine} (since {format_date(self.since.date())} "
            f"{self.since:%H:%M})"
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "user": self.user,
                "machine": self.machine,
                "pid": self.pid,
                "since": self.since.isoformat(timespec="seconds"),
                "refreshed": self.refreshed.isoformat(timespec="seconds"),
                "token": self.token,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> LockHolder:
        data = json.loads(text)
        return cls(
            user=str(data["user"]),
            machine=str(data["machine"]),
            pid=int(data["pid"]),
            since=datetime.fromisoformat(str(data["since"])),
            refreshed=datetime.fromisoformat(str(data["refreshed"])),
            token=str(data.get("token", "")),
        )

    def is_from_the_future(self, now: datetime) -> bool:
        """Refreshed (or taken) later than now: another machine's clock is wrong, or this one's.

        Such a lock would block editing until its time comes, so it is suspect rather than held.
        """
        return max(self.refreshed, self.since) > now + FUTURE_TOLERANCE

    def is_stale(self, now: datetime, *, machine: str, stale_after: timedelta) -> bool:
        if self.machine == machine and not process_is_running(self.pid):
            return True
        return now - self.refreshed > stale_after


def read_holder(bid_path: Path) -> LockHolder | None:
    """The holder named in the bid's lock file, or None when there is no readable lock."""
    try:
        return LockHolder.from_json(lock_path(bid_path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return None


class BidLock:
    """This program's lock on one bid: refresh it while the bid is open, release it on close."""

    def __init__(self, bid_path: Path, holder: LockHolder, taken_over: LockHolder | None) -> None:
        self.bid_path = bid_path
        self.path = lock_path(bid_path)
        self.holder = holder
        #: The stale lock this one replaced, if any (logged, and available to the GUI).
        self.taken_over = taken_over
        self.released = False

    @classmethod
    def acquire(
        cls,
        bid_path: Path,
        *,
        user: str | None = None,
        now: datetime | None = None,
        stale_after: timedelta = STALE_AFTER,
        take_over_suspect: bool = False,
    ) -> BidLock:
        """Take the bid's lock, or raise `BidLockedError` naming who holds it.

        A stale lock (its program has stopped, or it has not been refreshed for
        `stale_after`) is taken over and the take-over logged. A lock dated in the future
        raises `SuspectLockError` unless `take_over_suspect` (the user chose "Open anyway").
        """
        now = (now or datetime.now()).replace(microsecond=0)  # the file keeps whole seconds
        machine = current_machine()
        holder = LockHolder(
            user=user or current_user(),
            machine=machine,
            pid=os.getpid(),
            since=now,
            refreshed=now,
            token=uuid.uuid4().hex,
        )
        path = lock_path(bid_path)
        try:
            cls._create_exclusive(path, holder)
            return cls(bid_path, holder, None)
        except FileExistsError:
            pass
        except PermissionError as error:
            raise CannotEditError(
                bid_path, f"its folder cannot be written to ({error.strerror or error})"
            ) from error
        except OSError as error:  # a name too long, a disconnected drive: say so, never crash
            raise CannotEditError(
                bid_path, f"its lock file cannot be made beside it ({error.strerror or error})"
            ) from error
        existing = read_holder(bid_path)
        if existing is None:
            age = now - datetime.fromtimestamp(path.stat().st_mtime)
            if age < UNREADABLE_GRACE:
                raise BidLockedError(bid_path, "another program that is opening it right now")
            log.warning("Replacing an unreadable lock file %s (%s old)", path, age)
        elif existing.is_from_the_future(now) and not (
            existing.machine == machine and not process_is_running(existing.pid)
        ):
            if not take_over_suspect:
                raise SuspectLockError(bid_path, existing)
            log.warning(
                "Taking over a lock on %s dated in the future (%s) at the user's request",
                bid_path,
                existing.refreshed,
            )
        elif not existing.is_stale(now, machine=machine, stale_after=stale_after):
            raise BidLockedError(bid_path, existing.describe())
        else:
            log.warning(
                "Taking over a stale lock on %s held by %s (pid %s, last refreshed %s)",
                bid_path,
                existing.describe(),
                existing.pid,
                existing.refreshed,
            )
        cls._replace(path, holder)
        # Two programs could take over the same stale lock at once: the last rename wins and
        # the other finds a token that is not its own.
        again = read_holder(bid_path)
        if again is None or again.token != holder.token:
            raise BidLockedError(bid_path, again.describe() if again else "another program")
        return cls(bid_path, holder, existing)

    @staticmethod
    def _create_exclusive(path: Path, holder: LockHolder) -> None:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(holder.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        hide(path)

    @staticmethod
    def _replace(path: Path, holder: LockHolder) -> None:
        temporary = path.with_name(f"{path.name}.{holder.token[:8]}.tmp")
        temporary.write_text(holder.to_json(), encoding="utf-8")
        hide(temporary)  # before the rename, so the lock is never visible, even for a moment
        os.replace(temporary, path)

    def still_ours(self) -> bool:
        holder = read_holder(self.bid_path)
        return holder is not None and holder.token == self.holder.token

    def refresh(self, now: datetime | None = None) -> bool:
        """Rewrite the lock with a fresh time; False (and logged) if someone else took it."""
        if self.released:
            return False
        if not self.still_ours():
            log.error("The lock on %s was taken by someone else", self.bid_path)
            return False
        refreshed = LockHolder(
            user=self.holder.user,
            machine=self.holder.machine,
            pid=self.holder.pid,
            since=self.holder.since,
            refreshed=(now or datetime.now()).replace(microsecond=0),
            token=self.holder.token,
        )
        try:
            self._replace(self.path, refreshed)
        except OSError:
            log.exception("Could not refresh the lock on %s", self.bid_path)
            return False
        self.holder = refreshed
        return True

    def release(self) -> None:
        """Remove the lock file if it is still ours (never another program's)."""
        if self.released:
            return
        self.released = True
        if self.still_ours():
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
