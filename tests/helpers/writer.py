"""A writer process for fault tests: makes numbered edits and reports each one after it is saved."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid_files import open_workspace
from crmbid_desktop.store.models import Partner


def main() -> None:
    bid_path, home, first, count = (
        Path(sys.argv[1]),
        Path(sys.argv[2]),
        int(sys.argv[3]),
        int(sys.argv[4]),
    )
    workspace = open_workspace(bid_path, AppPaths.under(home).ensure())
    for number in range(first, first + count):
        with workspace.edit(f"edit {number}") as session:
            session.add(Partner(name=f"edit {number}", notes="x" * (number % 500)))
        # Only now, after the commit returned, is the edit reported saved.
        print(f"saved {number}", flush=True)
    workspace.close()


if __name__ == "__main__":
    main()
