"""Write a file all or nothing: a crash mid-export leaves the previous file as it was.

Every export (Word, spreadsheets, calendars, attachment copies) goes through here, so each one
gets the same guarantees: a temporary file beside the target, flushed to disk, renamed over the
target only when complete, removed on failure, readable like any other saved document, and a
clear error when the target is held open by another program (Word, Excel).
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from crmbid_desktop.file_paths import windows_path_limit


class TargetLockedError(OSError):
    """The target exists but cannot be replaced: another program (Word, Excel) has it open."""

    def __init__(self, target: Path) -> None:
        self.target = Path(target)
        super().__init__(
            f"“{self.target.name}” is open in another program (perhaps Word or Excel), so it "
            "cannot be replaced. Close it there, or save under another name."
        )


class PathTooLongError(OSError):
    """The target's name or path is longer than the file system allows; says by how much."""

    def __init__(self, target: Path, limit: int, length: int, what: str) -> None:
        self.target = Path(target)
        super().__init__(
            f"Cannot save “{self.target.name[:60]}…”: its {what} is {length} characters long, "
            f"and this computer allows at most {limit}. Choose a shorter name or folder"
            + (
                " (or ask IT to turn on Windows' long paths)."
                if what == "path" and os.name == "nt"
                else "."
            )
        )


#: Longest file name (bytes on POSIX, characters on Windows) most file systems accept.
NAME_MAX = 255
#: How much of the target's name a temporary file repeats: enough to say what it belongs to,
#: short enough that a target with a 244-character name still has room for its temporary file.
_TEMP_STEM = 24


def check_path_length(target: Path) -> None:
    """Refuse, with a message, a target the file system would refuse with a bare error."""
    name_length = len(os.fsencode(target.name)) if os.name == "posix" else len(target.name)
    if name_length > NAME_MAX:
        raise PathTooLongError(target, NAME_MAX, name_length, "file name")
    if os.name == "nt":
        # 259 characters unless IT has turned on Windows' long paths (the program opts in).
        limit, length = windows_path_limit(), len(str(target.absolute()))
        if length > limit:
            raise PathTooLongError(target, limit, length, "path")


def _temporary_prefix(target: Path) -> str:
    return f"~${target.stem[:_TEMP_STEM]}."


def _default_mode() -> int:
    """The permissions a newly created file would get (mkstemp makes files private)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(target: Path, write: Callable[[Path], object]) -> Path:
    """Let `write` fill a temporary file beside `target`, flush it to disk, then rename it over.

    The temporary file is in the target's folder so the rename stays on one disk (and so is
    atomic); on any error it is removed and the old target is untouched.
    """
    target = Path(target)
    check_path_length(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(target)
    # A name Word and Explorer treat as a temporary file, and that says what it belongs to
    # (shortened, so it is never the name that makes a long path too long).
    try:
        descriptor, name = tempfile.mkstemp(
            prefix=_temporary_prefix(target), suffix=f"{target.suffix}.tmp", dir=target.parent
        )
    except OSError as error:
        if error.errno == errno.ENAMETOOLONG:
            raise PathTooLongError(target, NAME_MAX, len(str(target)), "path") from error
        raise
    if hasattr(os, "fchmod"):
        os.fchmod(descriptor, _default_mode())
    os.close(descriptor)
    temporary = Path(name)
    try:
        write(temporary)
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        try:
            os.replace(temporary, target)
        except PermissionError as error:
            # On Windows an open Word or Excel document cannot be replaced.
            raise TargetLockedError(target) from error
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _fsync_folder(target.parent)
    return target


#: A temporary file this old was left by a write that was killed (power cut, Task Manager).
LEFTOVER_AGE_SECONDS = 15 * 60


def _remove_leftovers(target: Path) -> None:
    """Tidy temporary files an earlier, killed write of the same target left beside it."""
    now = time.time()
    pattern = f"{glob.escape(_temporary_prefix(target))}*{glob.escape(target.suffix)}.tmp"
    for leftover in target.parent.glob(pattern):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > LEFTOVER_AGE_SECONDS:
                leftover.unlink()


def atomic_write_bytes(target: Path, data: bytes) -> Path:
    return atomic_write(target, lambda temporary: temporary.write_bytes(data))


def atomic_write_stream(target: Path, write: Callable[[IO[bytes]], object]) -> Path:
    """Like `atomic_write`, for writers that want an open binary stream."""

    def fill(temporary: Path) -> None:
        with temporary.open("wb") as handle:
            write(handle)

    return atomic_write(target, fill)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no folder handles to flush."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
