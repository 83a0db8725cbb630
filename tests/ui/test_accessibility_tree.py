"""The running program as a screen reader sees it, walked through AT-SPI as Orca would.

The program runs on Xvfb in its own D-Bus session with QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1;
tests/tools/atspi_walk.py (system Python with Debian's python3-pyatspi) selects every page
through the page list's accessibility Selection interface, checks the page shown follows, and
lists any interactive control without a name or a tied label (scroll bars, splitters, cells and
list items, named by their own text, are the allow-list). CI installs xvfb, dbus, at-spi2-core
and python3-pyatspi; elsewhere the test is skipped when they are missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crmbid_desktop import settings as user_settings
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_template import create_bid
from crmbid_desktop.ui.main_window import PAGES

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = "/usr/bin/python3"


def _missing() -> str:
    if not sys.platform.startswith("linux"):
        return "AT-SPI is the Linux accessibility bus"
    for tool in ("Xvfb", "dbus-run-session"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        return "python3-pyatspi is not installed"
    return ""


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_every_page_is_reachable_and_every_control_is_named(tmp_path: Path) -> None:
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the accessibility test: {missing}")
        pytest.skip(missing)
    home = tmp_path / "a11y-home"
    paths = AppPaths.under(home).ensure()
    # The first-start question is answered, so the main window is what the walk finds.
    user_settings.save(paths.config_dir, user_settings.Settings(name_asked="yes"))
    bid = home / "bid.crmbid"
    create_bid(bid).close()
    env = dict(
        os.environ,
        PYTHON=sys.executable,
        WALKER=str(ROOT / "tests" / "tools" / "atspi_walk.py"),
        PYTHONPATH=str(ROOT),
    )
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("DISPLAY", None)
    result = subprocess.run(
        [
            "dbus-run-session",
            "--",
            "bash",
            str(ROOT / "tests" / "tools" / "a11y_session.sh"),
            str(home),
            str(bid),
            *[spec.title for spec in PAGES],
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=380,
        check=False,
    )
    lines = result.stdout.splitlines()
    log = (home / "app.log").read_text(errors="replace") if (home / "app.log").exists() else ""
    report = result.stdout + result.stderr[-2000:] + log[-2000:]
    assert lines and lines[-1] == "DONE 0", report
    pages = [line for line in lines if line.startswith("PAGE ")]
    assert [line.split(" ok (")[0] for line in pages] == [f"PAGE {s.title}" for s in PAGES], report
    # The walk really looked: each page has named controls to check.
    assert all(int(line.split("(")[1].split()[0]) >= 5 for line in pages), report
