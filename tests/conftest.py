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


#: Test folders whose `workspace` tests run on both backends: a bid file and a bid on a real
#: PostgreSQL server (tests/helpers/pg_server.py). A test that also asks for `bid_path` works on
#: the file itself, so it runs on the file only, as does one marked `file_only`.
BOTH_BACKENDS = ("tests/services/", "tests/store/", "tests/cli/", "tests/ui/")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "workspace" not in metafunc.fixturenames or "bid_path" in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("file_only"):
        return
    if sys.platform == "win32" and not os.environ.get("CRMBID_TEST_DATABASE_URL"):
        return  # no server is started under Windows (.ci/windows); give it one by address
    where = Path(str(metafunc.definition.fspath)).as_posix()
    if any(f"/{folder}" in where for folder in BOTH_BACKENDS):
        metafunc.parametrize("backend", ["file", "server"], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which backend the `workspace` is on: "file" unless the test is parametrised."""
    return str(getattr(request, "param", "file"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """A real PostgreSQL server for the whole run (started once; see tests/helpers/pg_server)."""
    from tests.helpers.pg_server import running_server

    with running_server() as server:
        yield server


@pytest.fixture(scope="session")
def pg_template(pg_server: object, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database holding the ODPM template bid, cloned for each test that needs one."""
    from crmbid_desktop.services.bid.bid_files import move_to_server
    from crmbid_desktop.services.bid.bid_template import create_bid
    from tests.helpers.pg_server import TestServer

    assert isinstance(pg_server, TestServer)
    name = f"crmbid_template_{os.getpid()}"
    pg_server.admin(f'DROP DATABASE IF EXISTS "{name}"')
    pg_server.admin(f'CREATE DATABASE "{name}"')
    path = tmp_path_factory.mktemp("template") / "template.crmbid"
    create_bid(path).close()
    move_to_server(path, pg_server.url(name))
    return name


_DATABASES = iter(range(1, 1_000_000))


@pytest.fixture
def server_database(pg_server: object) -> Iterator[str]:
    """The address of a new, empty database on the test server, dropped afterwards."""
    from tests.helpers.pg_server import TestServer

    assert isinstance(pg_server, TestServer)
    name = f"crmbid_test_{os.getpid()}_{next(_DATABASES)}"
    pg_server.admin(f'CREATE DATABASE "{name}"')
    yield pg_server.url(name)
    pg_server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def server_bid(pg_server: object, pg_template: str) -> Iterator[str]:
    """The address of a fresh ODPM template bid on the test server (a clone of the template)."""
    from tests.helpers.pg_server import TestServer

    assert isinstance(pg_server, TestServer)
    name = f"crmbid_test_{os.getpid()}_{next(_DATABASES)}"
    pg_server.admin(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    yield pg_server.url(name)
    pg_server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def workspace(
    backend: str, tmp_path: Path, app_paths: AppPaths, request: pytest.FixtureRequest
) -> Iterator[object]:
    """The ODPM template bid, open: a file, or (parametrised) a bid on the test server."""
    from crmbid_desktop.services.bid.bid_files import open_workspace

    if backend == "server":
        place: Path | str = request.getfixturevalue("server_bid")
    else:
        place = request.getfixturevalue("bid_path")
    opened = open_workspace(place, app_paths)
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
