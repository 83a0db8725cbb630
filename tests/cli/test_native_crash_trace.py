"""A native crash (past Python's reach, as in the Qt bindings) leaves a stack trace in the log folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crmbid_desktop import __version__
from crmbid_desktop.paths import HOME_OVERRIDE_ENV, AppPaths

ROOT = Path(__file__).resolve().parents[2]

# The real entry point, with the work after start-up replaced by a segfault: what the GUI would
# meet if the Qt bindings crashed, or a command if SQLite did.
CRASH_IN_GUI = """
import faulthandler, sys
import crmbid_desktop.app as app

def open_the_main_window(*args, **kwargs):
    faulthandler._sigsegv()

app._import_core_before_qt = lambda: None
import types
fake = types.ModuleType("crmbid_desktop.ui.application")
fake.run_gui = open_the_main_window
sys.modules["crmbid_desktop.ui.application"] = fake
sys.exit(app.main(["--no-crash-dialog"]))
"""

CRASH_IN_COMMAND = """
import faulthandler, sys
import crmbid_desktop.app as app
import crmbid_desktop.cli as cli

def check_the_bid(*args, **kwargs):
    faulthandler._sigsegv()

cli.run = check_the_bid
sys.exit(app.main(["check", "bid.crmbid"]))
"""


def crash(script: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), **{HOME_OVERRIDE_ENV: str(home)})
    env.pop("PYTHONFAULTHANDLER", None)  # the program itself must turn it on
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("script", "crashed_in"),
    [(CRASH_IN_GUI, "open_the_main_window"), (CRASH_IN_COMMAND, "check_the_bid")],
    ids=["gui", "command"],
)
def test_a_native_crash_leaves_a_trace_in_the_log_folder(
    script: str, crashed_in: str, tmp_path: Path
) -> None:
    home = tmp_path / "crashing"
    result = crash(script, home)
    assert result.returncode != 0, result.stdout + result.stderr
    trace = AppPaths.under(home).crash_trace_file
    assert trace.parent == AppPaths.under(home).log_dir
    text = trace.read_text(encoding="utf-8")
    # Which version started when, then the fatal error and the Python stack at the crash.
    assert f"CRM Bid Desktop {__version__} started " in text
    assert "Fatal Python error: Segmentation fault" in text
    assert f" in {crashed_in}\n" in text  # the function that crashed, by name
    assert "in main" in text


def test_each_start_adds_one_dated_line_and_a_clean_run_nothing_else(tmp_path: Path) -> None:
    home = tmp_path / "calm"
    for _start in range(2):
        result = crash(
            "import sys\nfrom crmbid_desktop.app import main\nsys.exit(main(['--version']))",
            home,
        )
        assert result.returncode == 0, result.stderr
    lines = AppPaths.under(home).crash_trace_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all(line.startswith("-- CRM Bid Desktop ") for line in lines)


def test_a_full_trace_file_is_started_afresh_and_the_old_one_kept(tmp_path: Path) -> None:
    from crmbid_desktop.logs import CRASH_TRACE_MAX_BYTES

    home = tmp_path / "full"
    trace = AppPaths.under(home).crash_trace_file
    trace.parent.mkdir(parents=True)
    trace.write_text("x" * CRASH_TRACE_MAX_BYTES, encoding="utf-8")
    result = crash(CRASH_IN_COMMAND, home)
    assert result.returncode != 0
    assert trace.with_name(trace.name + ".old").stat().st_size == CRASH_TRACE_MAX_BYTES
    assert "check_the_bid" in trace.read_text(encoding="utf-8")


def test_the_next_start_logs_that_the_last_run_crashed_and_where_its_trace_is(
    tmp_path: Path,
) -> None:
    home = tmp_path / "after a crash"
    version = "import sys\nfrom crmbid_desktop.app import main\nsys.exit(main(['--version']))"
    assert crash(CRASH_IN_COMMAND, home).returncode != 0
    paths = AppPaths.under(home)
    assert "native crash" not in paths.log_file.read_text(encoding="utf-8")
    assert crash(version, home).returncode == 0
    logged = paths.log_file.read_text(encoding="utf-8")
    assert "ended in a native crash" in logged and str(paths.crash_trace_file) in logged
    assert f"CRM Bid Desktop {__version__} started " in logged  # which run it was
    # Said once: the start after that one ended normally, so the next says nothing.
    assert crash(version, home).returncode == 0
    assert paths.log_file.read_text(encoding="utf-8").count("ended in a native crash") == 1


def test_a_clean_last_run_is_not_taken_for_a_crash(tmp_path: Path) -> None:
    from crmbid_desktop.logs import last_run_crashed

    trace = tmp_path / "native-crash.log"
    assert last_run_crashed(trace) == ""  # no file yet
    trace.write_text(
        "-- CRM Bid Desktop 0.1.0 started 2005-08-22 09:00:00, process 1\n"
        'Fatal Python error: Segmentation fault\n\n  File "x.py", line 1 in f\n'
        "-- CRM Bid Desktop 0.1.0 started 2005-08-22 09:05:00, process 2\n",
        encoding="utf-8",
    )
    assert last_run_crashed(trace) == ""  # the crash was two runs ago, and was reported then
    with trace.open("a", encoding="utf-8") as handle:
        handle.write("Fatal Python error: Aborted\n")
    assert last_run_crashed(trace) == "CRM Bid Desktop 0.1.0 started 2005-08-22 09:05:00, process 2"
