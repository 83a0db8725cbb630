"""Start-up benchmark: process start until the main window has painted, against a bare PySide6 floor.

Median over alternating runs of the program on its default bid and of a floor program (a bare
QMainWindow that also imports sqlalchemy.orm and opens an engine on a SQLite file). Target: the
ratio is at most 1.3. Usage: python tests/benchmarks/bench_startup.py [RUNS] [--app-command CMD...]

With ``--frozen "dist/CRM Bid Desktop/CRM Bid Desktop"`` it times the PyInstaller build against the
source run instead (both started with CRMBID_STARTUP_PROBE=1, which makes the program itself print
the time of its first paint and quit). Target: the built program within 10% of the source run.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROBE = Path(__file__).with_name("startup_probe.py")
ROOT = Path(__file__).resolve().parents[2]


def time_once(command: list[str], env: dict[str, str]) -> float:
    start = time.time()
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    for line in result.stdout.splitlines():
        if line.startswith("painted "):
            return float(line.split()[1]) - start
    raise RuntimeError(f"{command} did not report a paint:\n{result.stdout}\n{result.stderr}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", nargs="?", type=int, default=11)
    parser.add_argument(
        "--app-command",
        help="command that starts the program and prints 'painted <time>' "
        "(default: python -m crmbid_desktop with CRMBID_STARTUP_PROBE=1)",
    )
    parser.add_argument(
        "--keep-environment",
        action="store_true",
        help="run both programs as this shell would (e.g. with PYTHONDONTWRITEBYTECODE=1, which "
        "recompiles every one of the program's modules on every start); by default both run "
        "from cached bytecode, as an installed program does",
    )
    parser.add_argument(
        "--fresh-home",
        action="store_true",
        help="start the program each time with an empty user folder, so it first creates the "
        "sample bid (a first start, not the everyday one)",
    )
    parser.add_argument(
        "--frozen",
        type=Path,
        help="the built program (dist/CRM Bid Desktop/CRM Bid Desktop[.exe]) to time against the "
        "source run",
    )
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="crmbid-startup-"))
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env["CRMBID_HOME"] = str(home)
    # Both programs run from compiled bytecode, as an installed program does (pip compiles a
    # wheel's modules; the PyInstaller bundle holds .pyc files). Without this, a machine with
    # PYTHONDONTWRITEBYTECODE set recompiles every one of our modules from source on every start
    # while the floor's libraries come precompiled, and the ratio measures the compiler. The
    # warm-up runs write the bytecode into a folder of the benchmark's own.
    if not args.keep_environment:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(home / "bytecode")
    print(
        "bytecode: "
        + (
            "as this shell has it (PYTHONDONTWRITEBYTECODE="
            f"{env.get('PYTHONDONTWRITEBYTECODE', '')!r})"
            if args.keep_environment
            else "compiled once into the benchmark's own cache (as installed)"
        )
    )
    if args.frozen:
        return compare_frozen(args.frozen, args.runs, env)
    # The program's own entry point, as a user starts it; CRMBID_STARTUP_PROBE makes it print the
    # time of its main window's first paint and quit (crmbid_desktop/ui/application.py).
    env = dict(env, CRMBID_STARTUP_PROBE="1", PYTHONPATH=str(ROOT))
    app_command = (
        shlex.split(args.app_command)
        if args.app_command
        else [sys.executable, "-m", "crmbid_desktop", "--no-crash-dialog"]
    )
    floor_db = home / "floor.sqlite"
    floor_command = [sys.executable, str(PROBE), "floor", str(floor_db)]

    # Warm up: the first start creates the default bid and fills the OS file cache.
    time_once(app_command, env)
    time_once(floor_command, env)
    app_times: list[float] = []
    floor_times: list[float] = []
    for run in range(args.runs):
        app_env = dict(env, CRMBID_HOME=str(home / f"fresh {run}")) if args.fresh_home else env
        app_times.append(time_once(app_command, app_env))
        floor_times.append(time_once(floor_command, env))
    app_median = statistics.median(app_times)
    floor_median = statistics.median(floor_times)
    print(f"runs: {args.runs} alternating (after one warm-up each)")
    print(f"app start to first paint:   median {app_median * 1000:.0f} ms")
    print(f"floor start to first paint: median {floor_median * 1000:.0f} ms")
    print(f"ratio app/floor: {app_median / floor_median:.2f} (target at most 1.3)")
    return 0


def compare_frozen(frozen: Path, runs: int, env: dict[str, str]) -> int:
    """Median start-to-first-paint of the built program against `python -m crmbid_desktop`."""
    env = dict(env, CRMBID_STARTUP_PROBE="1", PYTHONPATH=str(ROOT))
    frozen_command = [str(frozen.resolve()), "--no-crash-dialog"]
    source_command = [sys.executable, "-m", "crmbid_desktop", "--no-crash-dialog"]
    # Warm up: the first start creates the default bid (through the migrations) and fills the cache.
    time_once(frozen_command, env)
    time_once(source_command, env)
    frozen_times: list[float] = []
    source_times: list[float] = []
    for _ in range(runs):
        frozen_times.append(time_once(frozen_command, env))
        source_times.append(time_once(source_command, env))
    frozen_median = statistics.median(frozen_times)
    source_median = statistics.median(source_times)
    print(f"runs: {runs} alternating (after one warm-up each)")
    print(f"built program start to first paint: median {frozen_median * 1000:.0f} ms ({frozen})")
    print(f"source run start to first paint:    median {source_median * 1000:.0f} ms")
    ratio = frozen_median / source_median
    print(f"ratio built/source: {ratio:.2f} (target at most 1.10)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
