"""Make a file or folder really read-only for this process, also when the tests run as root.

chmod does not stop root, so under root the Linux immutable attribute (chattr +i) is used,
which stops root too. Both are undone when the block ends.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _chattr(flag: str, path: Path) -> bool:
    tool = shutil.which("chattr")
    if tool is None:
        return False
    done = subprocess.run([tool, flag, str(path)], capture_output=True, check=False)
    return done.returncode == 0


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    if os.name == "posix" and os.geteuid() == 0:
        if not _chattr("+i", path):
            pytest.fail(f"cannot make {path} read-only as root (chattr +i failed)")
        try:
            yield
        finally:
            _chattr("-i", path)
        return
    mode = path.stat().st_mode
    os.chmod(path, stat.S_IMODE(mode) & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield
    finally:
        os.chmod(path, stat.S_IMODE(mode))
