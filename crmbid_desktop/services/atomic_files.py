"""Write a file all or nothing: a crash mid-export leaves the previous file as it was.

Every export (Word, spreadsheets, calendars, attachment copies) goes through here, so each one
gets the same guarantees: a temporary file beside the target, flushed to disk, renamed over the
target only when complete, removed on failure, readable like any other saved document, and a
clear error when the target is held open by another program (Word, Excel).
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO


class TargetLockedError(OSError):
    """The target exists but cannot be replaced: another program (Word, Excel) has it open."""

    def __init__(self, target: Path) -> None:
        self.target = Path(target)
        super().__init__(
            f"“{self.target.name}” is open in another program (perhaps Word or Excel), so it "
            "cannot be replaced. Close it there, or save under another name."
        )


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
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(target)
    # A name Word and Explorer treat as a temporary file, and that says what it belongs to.
    descriptor, name = tempfile.mkstemp(
        prefix=f"~${target.stem}.", suffix=f"{target.suffix}.tmp", dir=target.parent
    )
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
    for leftover in target.parent.glob(f"~${glob.escape(target.stem)}.*{target.suffix}.tmp"):
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
