"""Kill a writer process at random moments and collect which edits it reported saved."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

WRITER = Path(__file__).with_name("writer.py")


def run_and_kill(bid: Path, home: Path, first: int, count: int, rng: random.Random) -> list[int]:
    """Start a writer, SIGKILL it after a random delay; return the edit numbers it reported saved."""
    process = subprocess.Popen(
        [sys.executable, str(WRITER), str(bid), str(home), str(first), str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    saved: list[int] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("saved "):
                saved.append(int(line.split()[1]))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    # Wait for the writer to get going (imports take a moment), then kill it at a random moment.
    deadline = time.monotonic() + 30
    while not saved and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.005)
    time.sleep(rng.uniform(0.0, 0.15))
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    reader.join(timeout=10)
    assert process.stdout is not None
    process.stdout.close()
    return saved
