"""Checks that an installed environment holds exactly the packages requirements.lock pins.

    python tests/tools/compare_packages.py requirements.lock linux|windows FREEZE [FREEZE...]

FREEZE is `pip freeze --all` of a build environment. Every package the lock pins for that system
must be installed at the pinned version, and nothing else may be, apart from the packaging tools a
fresh Python brings (and, on Windows, what the WinPython build ships beside them, which no build
imports). Given two FREEZE files (two builds of the same commit), their lists must also be equal.
Exit 1 with the differences named.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lock_for_windows import WINDOWS_PYTHON_311, requirement_lines

#: Installed by `python -m venv` (pip) or shipped with the WinPython build; never in a bundle.
TOOLING = {"pip", "wheel", "build", "pyproject-hooks", "winpython", "sqlite-bro", "msvc-runtime"}
#: This project itself, installed from the checkout.
PROJECT = "crmbid-desktop"


def locked(lock_text: str, system: str) -> dict[str, str]:
    """name -> version the lock pins on `system` ("linux" or "windows")."""
    environment = WINDOWS_PYTHON_311 if system == "windows" else None
    pins: dict[str, str] = {}
    for entry in requirement_lines(lock_text):
        requirement = Requirement(entry.partition(" --hash")[0].strip())
        marker = requirement.marker
        if marker is not None and not Marker(str(marker)).evaluate(environment):
            continue
        (specifier,) = requirement.specifier
        pins[canonicalize_name(requirement.name)] = specifier.version
    return pins


def installed(freeze_text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in freeze_text.splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line.strip())
        if match:
            found[canonicalize_name(match.group(1))] = match.group(2)
        elif " @ " in line:  # installed from a folder or a URL (the project itself)
            found[canonicalize_name(line.split(" @ ")[0].strip())] = "local"
        # "-e <folder>" (the project, editable) and comments are not packages from the lock.
    return found


def differences(pins: dict[str, str], found: dict[str, str]) -> list[str]:
    problems = []
    for name, version in sorted(pins.items()):
        if name not in found:
            problems.append(f"{name}=={version} is locked but not installed")
        elif found[name] != version:
            problems.append(f"{name} is {found[name]}, the lock says {version}")
    for name in sorted(set(found) - set(pins) - TOOLING - {canonicalize_name(PROJECT)}):
        problems.append(f"{name}=={found[name]} is installed but not in the lock")
    return problems


def main(argv: list[str]) -> int:
    lock, system, *freezes = argv
    pins = locked(Path(lock).read_text(encoding="utf-8"), system)
    lists = []
    failed = False
    for freeze in freezes:
        found = installed(Path(freeze).read_text(encoding="utf-8"))
        problems = differences(pins, found)
        for problem in problems:
            print(f"{freeze}: {problem}")
        failed = failed or bool(problems)
        lists.append({name: version for name, version in found.items() if name in pins})
    if len(lists) > 1 and any(other != lists[0] for other in lists[1:]):
        print("the builds installed different packages:", *freezes)
        failed = True
    if failed:
        print("Install with: pip install --require-hashes -r requirements.lock (see README)")
        return 1
    print(
        f"{system}: {len(pins)} packages, as requirements.lock pins them, in {len(freezes)} build(s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
