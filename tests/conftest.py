"""Test set-up: offscreen Qt, and a private set of user folders and bid file for every test."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

# Before anything imports Qt: no screen on CI machines.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
if sys.platform == "win32":
    # Qt's offscreen platform reads fonts from a folder rather than asking Windows for them.
    fonts = os.path.join(os.environ.get("WINDIR", r"C:\Windows"), "Fonts")
    os.environ.setdefault("QT_QPA_FONTDIR", fonts)

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from crmbid_desktop.paths import HOME_OVERRIDE_ENV, AppPaths  # noqa: E402


@pytest.fixture(autouse=True)
def app_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppPaths:
    """Every test gets its own user folders; nothing touches the real profile."""
    home = tmp_path / "home"
    monkeypatch.setenv(HOME_OVERRIDE_ENV, str(home))
    return AppPaths.under(home).ensure()


@pytest.fixture(autouse=True)
def no_page_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Word exports skip the LibreOffice layout pass (seconds each) unless a test asks for it;
    tests/export/test_fit_to_send.py runs it for real."""
    monkeypatch.setenv("CRMBID_PAGE_LAYOUT", "off")


@pytest.fixture
def bid_path(tmp_path: Path) -> Path:
    """A fresh bid made from the ODPM template, closed, ready to open."""
    from crmbid_desktop.services.bid.bid_template import create_bid

    path = tmp_path / "bid.crmbid"
    create_bid(path).close()
    return path


@pytest.fixture
def workspace(bid_path: Path, app_paths: AppPaths) -> Iterator[object]:
    from crmbid_desktop.services.bid.bid_files import open_workspace

    opened = open_workspace(bid_path, app_paths)
    yield opened
    opened.close()


@pytest.fixture
def main_window(qtbot: object, workspace: object, app_paths: AppPaths) -> object:
    """The main window over the default bid, shown offscreen."""
    from crmbid_desktop.ui.main_window import MainWindow
    from crmbid_desktop.ui.window_state import WindowState

    window = MainWindow(workspace, WindowState(app_paths.settings_file))  # type: ignore[arg-type]
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    return window
