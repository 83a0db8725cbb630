"""Writes the part of requirements.lock a 64-bit Windows Python 3.11 installs, markers resolved.

`pip download --platform win_amd64` fetches Windows wheels on Linux but judges each line's marker
(`sys_platform == 'win32'`) by the Linux machine it runs on, so it would leave out pefile and
pywin32-ctypes, which PyInstaller needs on Windows. This keeps the lines whose marker holds on
Windows, without the marker, hashes and all, so `pip download --require-hashes` checks every file.

    python tests/tools/lock_for_windows.py requirements.lock OUTPUT
"""

from __future__ import annotations

import sys
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement

WINDOWS_PYTHON_311 = {
    "implementation_name": "cpython",
    "implementation_version": "3.11.9",
    "os_name": "nt",
    "platform_machine": "AMD64",
    "platform_python_implementation": "CPython",
    "platform_release": "10",
    "platform_system": "Windows",
    "python_full_version": "3.11.9",
    "python_version": "3.11",
    "sys_platform": "win32",
}


def requirement_lines(lock_text: str) -> list[str]:
    """The lock's requirements, one logical line each (continuations joined, comments dropped)."""
    entries: list[str] = []
    current = ""
    for raw in lock_text.splitlines():
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        current += " " + line.removesuffix("\\").strip() if current else line.removesuffix("\\")
        if not line.endswith("\\"):
            entries.append(current.strip())
            current = ""
    if current:
        entries.append(current.strip())
    return entries


def for_windows(lock_text: str) -> list[str]:
    kept = []
    for entry in requirement_lines(lock_text):
        pin, _, hashes = entry.partition(" --hash")
        requirement = Requirement(pin.strip())
        if requirement.marker is not None and not Marker(str(requirement.marker)).evaluate(
            WINDOWS_PYTHON_311
        ):
            continue
        (version,) = requirement.specifier
        line = f"{requirement.name}=={version.version}"
        kept.append(line + (" --hash" + hashes if hashes else ""))
    return kept


def main(argv: list[str]) -> int:
    lock, output = Path(argv[0]), Path(argv[1])
    lines = for_windows(lock.read_text(encoding="utf-8"))
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} packages for Windows (x64, Python 3.11) from {lock.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
