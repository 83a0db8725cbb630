"""How long the GUI tests take on each backend: a bid file, and a bid on the PostgreSQL server.

Usage: python tests/benchmarks/bench_gui_backends.py [pytest arguments, default tests/ui]

Runs the tests once (serially, as CI does) with a JUnit report and prints, for the tests run on
both backends, the total time of the `[file]` and the `[server]` cases (set-up, test and
tear-down, as pytest reports them), the time of the tests that run once, and the whole run's
wall time, so the cost of the `[server]` half of the GUI suite in CI can be read off.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def backend_of(name: str) -> str:
    """ "file" or "server" for a test parametrised by backend; "once" for any other test."""
    for backend in ("file", "server"):
        if name.endswith(f"[{backend}]") or f"[{backend}-" in name:
            return backend
    return "once"


def main(arguments: list[str]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.xml"
        started = time.perf_counter()
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                *(arguments or ["tests/ui"]),
                "-q",
                "-p",
                "no:cacheprovider",
                f"--junitxml={report}",
                "-o",
                "junit_duration_report=total",
            ],
            cwd=ROOT,
            check=False,
        )
        wall = time.perf_counter() - started
        seconds: dict[str, float] = {"file": 0.0, "server": 0.0, "once": 0.0}
        counts: Counter[str] = Counter()
        for case in ElementTree.parse(report).iter("testcase"):
            backend = backend_of(case.get("name", ""))
            seconds[backend] += float(case.get("time", "0"))
            counts[backend] += 1
    for backend in ("file", "server", "once"):
        print(f"{backend:>6}: {counts[backend]:4d} tests, {seconds[backend]:7.1f} s")
    if seconds["file"]:
        print(
            f"server/file time for the tests run on both: {seconds['server'] / seconds['file']:.2f}"
        )
    print(f"whole run: {wall:.1f} s wall (pytest exit code {result.returncode})")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
