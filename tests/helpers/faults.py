"""Kill writer processes at random moments and collect what they reported saved.

The kill is the hardest the system has: SIGKILL on Linux and macOS, TerminateProcess on Windows
(what Task Manager's End task and a crash do); neither lets the writer run another instruction.
"""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HELPERS = Path(__file__).resolve().parent
WRITER = HELPERS / "writer.py"
EXPORT_WRITER = HELPERS / "export_writer.py"


@dataclass
class Reporter:
    """A child process and the numbers it has reported ("saved N" / "written N") so far."""

    process: subprocess.Popen[str]
    reported: list[int] = field(default_factory=list)
    thread: threading.Thread | None = None

    @classmethod
    def start(cls, arguments: list[str]) -> Reporter:
        process = subprocess.Popen(
            [sys.executable, *arguments],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        reporter = cls(process)
        reporter.thread = threading.Thread(target=reporter._read, daemon=True)
        reporter.thread.start()
        return reporter

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            parts = line.split()
            if len(parts) == 2 and parts[0] in ("saved", "written"):
                self.reported.append(int(parts[1]))

    def wait_for_first(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not self.reported and time.monotonic() < deadline and self.process.poll() is None:
            time.sleep(0.005)

    def kill(self) -> None:
        if self.process.poll() is None:
            # Popen.kill is SIGKILL on POSIX and TerminateProcess on Windows.
            self.process.kill()
        self.process.wait()
        if self.thread is not None:
            self.thread.join(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()


def start_writer(bid: Path, home: Path, first: int, count: int, mode: str = "normal") -> Reporter:
    return Reporter.start([str(WRITER), str(bid), str(home), str(first), str(count), mode])


def run_and_kill(
    bid: Path,
    home: Path,
    first: int,
    count: int,
    rng: random.Random,
    mode: str = "normal",
    longest: float = 0.15,
) -> list[int]:
    """Start a writer, kill it after a random delay; return the edit numbers it reported saved."""
    writer = start_writer(bid, home, first, count, mode)
    # Wait for the writer to get going (imports take a moment), then kill it at a random moment.
    writer.wait_for_first()
    time.sleep(rng.uniform(0.0, longest))
    writer.kill()
    return writer.reported


def run_and_kill_export(
    target: Path, first: int, count: int, size: int, rng: random.Random, longest: float = 0.3
) -> list[int]:
    """Start the export writer, kill it at a random moment; return the exports it finished."""
    writer = Reporter.start([str(EXPORT_WRITER), str(target), str(first), str(count), str(size)])
    writer.wait_for_first()
    time.sleep(rng.uniform(0.0, longest))
    writer.kill()
    return writer.reported
