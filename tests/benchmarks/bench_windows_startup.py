"""Windows start-up under Wine: the built CRM Bid Desktop.exe against the Windows source run.

Both run under the Wine prefix and Windows Python that .ci/windows leaves in .cache/windows/, on the
same default bid, with CRMBID_STARTUP_PROBE=1 (the program prints the time of its first paint and
quits). Prints the medians and their ratio; the target is at most 1.10. Also prints the size of the
built folder and of the MSI when they are there. Run .ci/windows first, then:

    xvfb-run -a python tests/benchmarks/bench_windows_startup.py [RUNS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / ".cache" / "windows"
EXE = WORK / "dist" / "CRM Bid Desktop" / "CRM Bid Desktop.exe"
PYTHON = WORK / "python" / "python.exe"


def windows_path(path: Path) -> str:
    return "Z:" + str(path.resolve()).replace("/", "\\")


def time_once(command: list[str], env: dict[str, str]) -> float:
    start = time.time()
    result = subprocess.run(
        ["wine", *command], env=env, capture_output=True, text=True, timeout=300, errors="replace"
    )
    for line in result.stdout.splitlines():
        if line.startswith("painted "):
            return float(line.split()[1]) - start
    raise RuntimeError(f"{command} did not report a paint:\n{result.stdout}\n{result.stderr}")


def folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    if not EXE.is_file() or not PYTHON.is_file():
        print(f"run .ci/windows first: {EXE} or {PYTHON} is missing")
        return 1
    home = Path(tempfile.mkdtemp(prefix="crmbid-winstart-", dir=WORK))
    env = dict(
        os.environ,
        WINEPREFIX=str(WORK / "prefix"),
        WINEDEBUG="-all",
        WINEDLLOVERRIDES="mscoree,mshtml=",
        CRMBID_HOME=windows_path(home),
        CRMBID_STARTUP_PROBE="1",
        PYTHONPATH=windows_path(ROOT),
        # The source run from bytecode, as an installed program runs (the bundle holds .pyc).
        PYTHONPYCACHEPREFIX=windows_path(home / "bytecode"),
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    frozen = [str(EXE), "--no-crash-dialog"]
    source = [str(PYTHON), "-m", "crmbid_desktop", "--no-crash-dialog"]
    time_once(source, env)  # creates the default bid and the bytecode
    time_once(frozen, env)
    frozen_times: list[float] = []
    source_times: list[float] = []
    for _ in range(runs):
        frozen_times.append(time_once(frozen, env))
        source_times.append(time_once(source, env))
    frozen_median = statistics.median(frozen_times)
    source_median = statistics.median(source_times)
    print(f"runs: {runs} each, alternating, under Wine")
    print(f"built CRM Bid Desktop.exe: median {frozen_median:.3f} s  {sorted(frozen_times)}")
    print(f"Windows source run:        median {source_median:.3f} s  {sorted(source_times)}")
    print(f"ratio built/source: {frozen_median / source_median:.2f} (target <= 1.10)")
    print(f"built folder: {folder_mb(EXE.parent):.0f} MB (limit 150 MB)")
    for msi in sorted(WORK.glob("*.msi")):
        print(f"{msi.name}: {msi.stat().st_size / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
