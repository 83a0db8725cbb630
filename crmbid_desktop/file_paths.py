"""Whole paths as Windows sees them: whether long paths are on, and resolving a long path."""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: Windows' classic limit on a whole path (MAX_PATH less the closing NUL) without long paths.
WINDOWS_PATH_MAX = 259
#: The limit Windows keeps even with long paths on (a UNICODE_STRING's length, in characters).
WINDOWS_LONG_PATH_MAX = 32_767

_FILE_SYSTEM_KEY = r"SYSTEM\CurrentControlSet\Control\FileSystem"


def long_paths_enabled() -> bool:
    """Whether Windows lets this program use paths longer than 259 characters.

    Two things must both be true: the machine's LongPathsEnabled setting (IT sets it through
    Group Policy, "Enable Win32 long paths"), and the program's manifest declaring itself
    longPathAware. The built program's manifest declares it (tests/tools/check_windows_exe.py
    checks that in CI) and so does python.exe's, so the setting alone decides here. Read on each
    call: IT may turn it on while the program runs, and it is one small registry read.
    """
    if sys.platform != "win32":
        return True
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, _FILE_SYSTEM_KEY) as key:
            value, kind = winreg.QueryValueEx(key, "LongPathsEnabled")
    except OSError:
        return False
    return kind == winreg.REG_DWORD and value == 1


def windows_path_limit() -> int:
    """The longest whole path (in characters) Windows lets this program use now."""
    return WINDOWS_LONG_PATH_MAX if long_paths_enabled() else WINDOWS_PATH_MAX


def resolved(path: str | os.PathLike[str]) -> Path:
    """`Path(path).resolve()`: absolute, links followed; on Windows never failing on a long path.

    Windows resolves through GetFinalPathNameByHandleW, which Wine (and so CI) answers with
    ERROR_MORE_DATA for a path past 260 characters, an error Python's realpath does not expect.
    Where that or any other error stops the resolving, the absolute path as written is used:
    what only a link would change (the same bid reached two ways) is then compared by name.
    """
    try:
        return Path(path).resolve()
    except OSError:
        if os.name != "nt":
            raise
        return Path(os.path.abspath(path))
