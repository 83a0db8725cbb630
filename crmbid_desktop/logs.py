"""Logging to a rotating file in the user's log folder (Qt-free, so the command line uses it too)."""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import logging.handlers
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(log_file: Path, *, level: int = logging.INFO) -> logging.Handler:
    """Send the application's log records to a rotating file; returns the handler added."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    return handler


#: The native-crash file is started afresh (the old one kept as ``.old``) once it reaches this.
CRASH_TRACE_MAX_BYTES = 1_000_000

#: The open native-crash file: faulthandler writes to its descriptor, which must stay open.
_crash_trace: TextIO | None = None

#: Each start's line in the native-crash file begins with this; a trace below it is a crash.
START_LINE = "-- CRM Bid Desktop "
#: How much of the end of the file is read to see whether the last run crashed.
_TAIL_BYTES = 65_536


@dataclass(frozen=True)
class CrashTrace:
    """The armed native-crash file, and the start line of the last run if that run crashed."""

    file: Path
    previous_crash: str = ""


def last_run_crashed(trace_file: Path) -> str:
    """The start line (without "-- ") of the last run when a trace follows it, else "".

    A run that ended normally leaves only its start line; anything after it is faulthandler's.
    """
    try:
        with open(trace_file, "rb") as handle:
            handle.seek(max(0, handle.seek(0, os.SEEK_END) - _TAIL_BYTES))
            tail = handle.read().decode("utf-8", "replace")
    except OSError:
        return ""
    lines = tail.splitlines()
    starts = [index for index, line in enumerate(lines) if line.startswith(START_LINE)]
    if not starts or not any(line.strip() for line in lines[starts[-1] + 1 :]):
        return ""
    return lines[starts[-1]].removeprefix("-- ")


def trace_native_crashes(trace_file: Path, version: str) -> CrashTrace | None:
    """Have a native crash (a segfault or abort in Qt, SQLite or Python itself) leave a trace.

    Such a crash kills the process before logging or the crash dialog can run, so Python's
    faulthandler writes every thread's stack straight to `trace_file`. Each start adds one dated
    line, so a trace below it says when and in which version the crash happened. Returns the
    file and whether the last run crashed, or None when the file cannot be written (the program
    still starts) or when faulthandler is already on (``python -X faulthandler``,
    PYTHONFAULTHANDLER, a test runner): whoever turned it on chose where its traces go.
    """
    global _crash_trace
    if faulthandler.is_enabled() and _crash_trace is None:
        return None
    previous_crash = last_run_crashed(trace_file)
    try:
        trace_file.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            if trace_file.stat().st_size >= CRASH_TRACE_MAX_BYTES:
                os.replace(trace_file, trace_file.with_name(trace_file.name + ".old"))
        handle = open(trace_file, "a", encoding="utf-8")  # noqa: SIM115  # open while we run
        handle.write(
            f"{START_LINE}{version} started {time.strftime('%Y-%m-%d %H:%M:%S')}, "
            f"process {os.getpid()}\n"
        )
        handle.flush()
    except OSError:
        return None
    faulthandler.enable(handle, all_threads=True)
    if _crash_trace is not None and _crash_trace is not handle:
        _crash_trace.close()
    _crash_trace = handle
    return CrashTrace(trace_file, previous_crash)
