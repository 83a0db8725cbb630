"""Write a file all or nothing: a crash mid-export leaves the previous file as it was."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write(target: Path, write: Callable[[Path], None]) -> Path:
    """Let `write` fill a temporary file beside `target`, flush it to disk, then rename it over.

    The temporary file is in the target's folder so the rename stays on one disk (and so is
    atomic); on any error it is removed and the old target is untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # A name Word and Explorer treat as a temporary file, and that says what it belongs to.
    descriptor, name = tempfile.mkstemp(
        prefix=f"~${target.stem}.", suffix=f"{target.suffix}.tmp", dir=target.parent
    )
    os.close(descriptor)
    temporary = Path(name)
    try:
        write(temporary)
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _fsync_folder(target.parent)
    return target


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no folder handles to flush."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
