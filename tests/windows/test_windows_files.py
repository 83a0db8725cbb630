"""Windows file behaviour the bid officers meet: open documents, hidden locks, redirected folders.

These run under a Windows Python (.ci/windows runs them under Wine in CI) and skip elsewhere.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from crmbid_desktop.app import main
from crmbid_desktop.paths import HOME_OVERRIDE_ENV, AppPaths

pytestmark = pytest.mark.skipif(
    sys.platform != "win32", reason="Windows only: .ci/windows runs these under Wine"
)

GENERIC_READ, GENERIC_WRITE = 0x80000000, 0x40000000
FILE_SHARE_READ = 1
OPEN_EXISTING = 3
FILE_ATTRIBUTE_HIDDEN = 0x2
INVALID_HANDLE_VALUE = ctypes.c_void_p(-1).value


@contextmanager
def held_open(path: Path, share: int) -> Iterator[None]:
    """Hold `path` open the way another program does; Word shares reading only."""
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.CreateFileW.restype = ctypes.c_void_p
    handle = kernel32.CreateFileW(
        str(path), GENERIC_READ | GENERIC_WRITE, share, None, OPEN_EXISTING, 0, None
    )
    assert handle != INVALID_HANDLE_VALUE, ctypes.WinError(ctypes.get_last_error())
    try:
        yield
    finally:
        kernel32.CloseHandle(ctypes.c_void_p(handle))


def attributes(path: Path) -> int:
    value = ctypes.windll.kernel32.GetFileAttributesW(str(path))
    assert value != 0xFFFFFFFF, f"{path} has no attributes (missing?)"
    return int(value)


def test_export_over_a_proposal_word_has_open_names_it_and_keeps_it(
    bid_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from crmbid_desktop.services.word.proposal_export import alternative_name

    target = tmp_path / "Leeds proposal.docx"
    target.write_bytes(b"the copy Word has open")
    with held_open(target, FILE_SHARE_READ):
        assert main(["export", str(bid_path), str(target), "--draft"]) == 1
        error = capsys.readouterr().err
        assert str(target) in error and "open in another program (perhaps Word)" in error
        assert "Traceback" not in error
        # The user's file is untouched and no temporary file is left beside it.
        assert target.read_bytes() == b"the copy Word has open"
        assert sorted(p.name for p in tmp_path.glob("~$*")) == []
        # What the export page offers instead: the "(2)" name beside it, which works.
        second = alternative_name(target)
        assert second.name == "Leeds proposal (2).docx"
        assert main(["export", str(bid_path), str(second), "--draft"]) == 0
    assert second.read_bytes()[:2] == b"PK"
    assert target.read_bytes() == b"the copy Word has open"


def test_the_lock_file_is_hidden_while_the_bid_is_open(bid_path: Path, app_paths: AppPaths) -> None:
    from crmbid_desktop.services.bid.bid_files import open_guarded
    from crmbid_desktop.store.locks import lock_path

    guarded = open_guarded(bid_path, app_paths)
    lock = lock_path(bid_path.resolve())
    try:
        assert attributes(lock) & FILE_ATTRIBUTE_HIDDEN, "Explorer would show the ~$ lock file"
        assert not attributes(bid_path) & FILE_ATTRIBUTE_HIDDEN
        # Refreshing rewrites the lock by a rename; it stays hidden and still names us.
        assert guarded.lock is not None and guarded.lock.refresh()
        assert attributes(lock) & FILE_ATTRIBUTE_HIDDEN
        assert guarded.lock.still_ours()
    finally:
        guarded.close()
    assert not lock.exists()


@contextmanager
def documents_folder_redirected_to(folder: Path) -> Iterator[None]:
    """Point the user's Documents (known folder "Personal") elsewhere, as OneDrive backup does."""
    import winreg

    key_name = r"Software\Microsoft\Windows\CurrentVersion\Explorer\User Shell Folders"
    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key_name, 0, winreg.KEY_ALL_ACCESS) as key:
        try:
            previous: tuple[str, int] | None = winreg.QueryValueEx(key, "Personal")
        except FileNotFoundError:
            previous = None
        winreg.SetValueEx(key, "Personal", 0, winreg.REG_EXPAND_SZ, str(folder))
        try:
            yield
        finally:
            if previous is None:
                winreg.DeleteValue(key, "Personal")
            else:
                winreg.SetValueEx(key, "Personal", 0, previous[1], previous[0])


def test_default_bid_follows_documents_redirected_to_onedrive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from crmbid_desktop.services.bid.bid_files import place_risk

    monkeypatch.delenv(HOME_OVERRIDE_ENV)
    onedrive = Path(os.environ["USERPROFILE"]) / "OneDrive - Leeds City Council"
    documents = onedrive / "Documents"
    documents.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("OneDriveCommercial", str(onedrive))
    with documents_folder_redirected_to(documents):
        paths = AppPaths.for_user()
    assert paths.documents_dir == documents
    assert paths.default_bid == documents / "CRM National Project bid.crmbid"
    # The program warns about a bid kept where OneDrive syncs it.
    risk = place_risk(paths.default_bid)
    assert risk is not None and risk.service == "OneDrive"


def test_data_settings_logs_and_backups_live_under_localappdata(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(HOME_OVERRIDE_ENV)
    local = Path(os.environ["LOCALAPPDATA"])
    paths = AppPaths.for_user()
    assert paths.data_dir == local / "CRM Bid Desktop"
    assert paths.config_dir == local / "CRM Bid Desktop"
    assert paths.backups_dir == local / "CRM Bid Desktop" / "backups"
    assert paths.log_dir == local / "CRM Bid Desktop" / "Logs"
    assert paths.settings_file == local / "CRM Bid Desktop" / "window-state.ini"


def _new_check_export_open(bid: Path, app_paths: AppPaths) -> None:
    """Create, check, export and open (lock, backup) a bid at `bid`, as a user would."""
    from crmbid_desktop.services.bid.bid_files import open_guarded
    from crmbid_desktop.store.locks import lock_path

    assert main(["new", str(bid)]) == 0
    assert main(["check", str(bid)]) == 0
    # Beside the bid, under a name whose whole path stays within MAX_PATH even when the bid's does
    # not leave room for a longer one (a longer path gets the "characters long" message instead).
    proposal = bid.with_name("proposal.docx")
    assert main(["export", str(bid), str(proposal), "--draft"]) == 0
    assert proposal.read_bytes()[:2] == b"PK"
    guarded = open_guarded(bid, app_paths)
    try:
        assert lock_path(bid.resolve()).exists()
        assert guarded.last_backup is not None and guarded.last_backup.stat().st_size > 0
    finally:
        guarded.close()
    assert not lock_path(bid.resolve()).exists()


def test_bid_in_a_folder_with_spaces_and_accents(tmp_path: Path, app_paths: AppPaths) -> None:
    folder = tmp_path / "Léa Ødegård's bids" / "Équipe Leeds & Newham — 2005"
    folder.mkdir(parents=True)
    _new_check_export_open(folder / "CRM bid für Newham ü.crmbid", app_paths)


def test_bid_near_the_260_character_limit_whose_lock_and_journal_pass_it(
    tmp_path: Path, app_paths: AppPaths
) -> None:
    # Windows' classic limit is 260 characters (MAX_PATH). A bid a little under it still has a
    # lock file ("~$" ... ".lock"), a write-ahead log ("-wal") and export temporaries whose names
    # pass it: the program must create, open, back up and export such a bid.
    folder = tmp_path
    while len(str(folder)) < 190:
        folder = folder / "Customer Relationship Management"
    folder.mkdir(parents=True)
    name = "CRM National Project bid.crmbid"
    bid = folder / (("x" * (255 - len(str(folder / name)))) + name)
    assert len(str(bid)) == 255
    _new_check_export_open(bid, app_paths)
