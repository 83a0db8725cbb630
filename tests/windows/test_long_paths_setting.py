"""Windows' long-path setting decides whether a path past 259 characters is refused or saved.

Runs under a Windows Python (.ci/windows runs it under Wine, whose registry the test may change)
and skips elsewhere. The setting is HKLM\\SYSTEM\\CurrentControlSet\\Control\\FileSystem
LongPathsEnabled, what IT's Group Policy "Enable Win32 long paths" writes.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from crmbid_desktop.app import main
from crmbid_desktop.file_paths import WINDOWS_PATH_MAX, long_paths_enabled, resolved

pytestmark = pytest.mark.skipif(
    sys.platform != "win32", reason="Windows only: .ci/windows runs these under Wine"
)

_KEY = r"SYSTEM\CurrentControlSet\Control\FileSystem"


@contextmanager
def long_paths_setting(value: int | None) -> Iterator[None]:
    """Set LongPathsEnabled (None: no value at all) for the test, then put back what was there."""
    import winreg

    access = winreg.KEY_READ | winreg.KEY_SET_VALUE
    with winreg.CreateKeyEx(winreg.HKEY_LOCAL_MACHINE, _KEY, 0, access) as key:
        try:
            before: tuple[object, int] | None = winreg.QueryValueEx(key, "LongPathsEnabled")
        except FileNotFoundError:
            before = None
        try:
            if value is None:
                if before is not None:
                    winreg.DeleteValue(key, "LongPathsEnabled")
            else:
                winreg.SetValueEx(key, "LongPathsEnabled", 0, winreg.REG_DWORD, value)
            yield
        finally:
            if before is None:
                with suppress(FileNotFoundError):
                    winreg.DeleteValue(key, "LongPathsEnabled")
            else:
                # The value Windows keeps there is a DWORD.
                winreg.SetValueEx(
                    key,
                    "LongPathsEnabled",
                    0,
                    winreg.REG_DWORD,
                    before[0] if isinstance(before[0], int) else 1,
                )


def _long_target(tmp_path: Path) -> Path:
    """A proposal whose whole path is 300 characters, in folders of ordinary length."""
    folder = tmp_path / ("Partner returns " + "f" * 44) / ("Round two " + "g" * 50)
    name_length = 300 - len(str(folder)) - 1
    assert 20 < name_length < 255
    folder.mkdir(parents=True)
    target = folder / (("proposal " + "p" * 300)[: name_length - len(".docx")] + ".docx")
    assert len(str(target)) == 300 > WINDOWS_PATH_MAX
    return target


@pytest.mark.parametrize("value", [None, 0])
def test_without_long_paths_a_300_character_path_is_refused_with_the_fix(
    value: int | None, bid_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = _long_target(tmp_path)
    with long_paths_setting(value):
        assert not long_paths_enabled()
        assert main(["export", str(bid_path), str(target), "--draft"]) == 1
    err = capsys.readouterr().err
    assert "its path is 300 characters long, and this computer allows at most 259" in err
    assert "ask IT to turn on Windows' long paths" in err
    assert "Traceback" not in err
    assert not target.exists()


def test_with_long_paths_on_a_300_character_path_is_saved(
    bid_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import docx

    target = _long_target(tmp_path)
    with long_paths_setting(1):
        assert long_paths_enabled()
        assert main(["export", str(bid_path), str(target), "--draft"]) == 0, capsys.readouterr()
    text = "\n".join(p.text for p in docx.Document(str(target)).paragraphs)
    assert "Ownership of the CRM National Project" in text
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporaries left


def test_a_long_path_resolves_to_itself(tmp_path: Path) -> None:
    folder = tmp_path / ("d" * 120) / ("e" * 120)
    folder.mkdir(parents=True)
    bid = folder / "bid.crmbid"
    bid.write_bytes(b"")
    assert len(str(bid)) > 260
    assert resolved(bid) == Path(str(bid))
